//! A field session over a device store file, against the field platform
//! double, with a clock the test moves.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use mynapoint_core::clock::ManualClock;
use mynapoint_core::field::{DeviceStore, FieldSession};
use mynapoint_core::secret_store::MemorySecretStore;
use mynapoint_testkit::fake::field::{
    FakeField, POINTS, PROJECT_ID, TERMINAL_ID, TERMINAL_PASSWORD,
};
use tempfile::TempDir;

pub const IDLE: Duration = Duration::from_secs(600);

pub struct Rig {
    pub fake: Arc<FakeField>,
    pub secrets: Arc<MemorySecretStore>,
    pub clock: Arc<ManualClock>,
    pub session: FieldSession,
    pub dir: TempDir,
}

impl Rig {
    pub fn new() -> Rig {
        Self::with_platform(Arc::new(FakeField::new()))
    }

    pub fn with_platform(fake: Arc<FakeField>) -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let secrets = Arc::new(MemorySecretStore::new());
        let clock = Arc::new(ManualClock::new());
        let session = open(&dir.path().join("device.sqlite"), &secrets, &fake, &clock);
        Rig {
            fake,
            secrets,
            clock,
            session,
            dir,
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("device.sqlite")
    }

    /// The app restarted: the same store file and secret store, a new session.
    pub fn restart(&mut self) {
        let session = open(&self.db(), &self.secrets, &self.fake, &self.clock);
        self.session = session;
    }

    /// Logged in, the open project's roster synced, chosen and confirmed.
    pub async fn tapping(&self) {
        self.session
            .login(TERMINAL_ID, TERMINAL_PASSWORD)
            .await
            .unwrap();
        self.session.sync_roster(PROJECT_ID).await.unwrap();
        self.session.choose_project(PROJECT_ID).await.unwrap();
        self.session.confirm_points(POINTS).await.unwrap();
    }
}

pub fn open(
    db: &std::path::Path,
    secrets: &Arc<MemorySecretStore>,
    fake: &Arc<FakeField>,
    clock: &Arc<ManualClock>,
) -> FieldSession {
    let store = DeviceStore::open(db, secrets.as_ref()).unwrap();
    FieldSession::new(store, secrets.as_ref(), fake.clone(), clock.clone(), IDLE).unwrap()
}
