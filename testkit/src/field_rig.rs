//! The field app end to end: the real platform in process set up through
//! its administration API, persons with My Key IDs seeded straight in its
//! database (the resident flow is tested elsewhere), and field sessions of
//! the core over a device store in a temporary folder (files, like a phone:
//! a session opened again sees what the last one stored).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mynapoint_core::clock::SystemClock;
use mynapoint_core::field::{DeviceStore, FieldSession, DEFAULT_IDLE_TIMEOUT};
use mynapoint_core::platform::FieldApi;
use mynapoint_core::secret_store::FileSecretStore;
use mynapoint_platform::store::NewMyKeyId;
use mynapoint_platform::Clock;

use crate::cards::Card;
use crate::field::FieldAdmin;
use crate::in_process::InProcessPlatform;

pub struct FieldRig {
    pub platform: InProcessPlatform,
    pub admin: FieldAdmin,
    dir: PathBuf,
}

impl FieldRig {
    /// A new platform (ephemeral) and an empty device folder under `dir`.
    pub async fn new(dir: &Path) -> Self {
        let platform = InProcessPlatform::start().await;
        let admin = platform.admin();
        Self {
            platform,
            admin,
            dir: dir.to_owned(),
        }
    }

    /// Gives `card`'s person the My Key ID `id`, straight in the database.
    pub fn seed_my_key_id(&self, card: &Card, id: &str) {
        let (issuer, cn) = card.person();
        let now = self.platform.clock.now();
        self.platform.platform.with_store(|s| {
            let issued = s
                .issue_my_key_id(&NewMyKeyId {
                    issuer: &issuer,
                    subject_cn: &cn,
                    my_key_id: id,
                    password_hash: "$argon2id$seeded",
                    email: None,
                    notifications: Default::default(),
                    base_municipality: crate::field::MUNICIPALITY,
                    certificate_serial: &card.serial_hex(),
                    certificate_expires_at: now + 86_400 * 365,
                    now,
                })
                .expect("store");
            assert!(issued.is_ok(), "seeding {id}");
        });
    }

    /// The device folder.
    pub fn device_dir(&self) -> &Path {
        &self.dir
    }

    /// A field session over the device folder, talking to the platform.
    pub fn session(&self) -> FieldSession {
        self.session_with(self.platform.api.clone())
    }

    /// A field session over the device folder, talking through `api`.
    pub fn session_with(&self, api: Arc<dyn FieldApi>) -> FieldSession {
        let secrets = FileSecretStore::new(self.dir.join("secrets")).expect("secrets");
        let store = DeviceStore::open(&self.dir.join("device.sqlite3"), &secrets).expect("store");
        FieldSession::new(
            store,
            &secrets,
            api,
            Arc::new(SystemClock),
            DEFAULT_IDLE_TIMEOUT,
        )
        .expect("session")
    }
}
