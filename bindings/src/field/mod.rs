//! The field session as an object: terminal login, roster sync, project
//! choice, continuous reading with an instant offline verdict per tap,
//! upload, results, the not-on-roster list and add-registration (the core's
//! `FieldSession`). The device store lives in a folder the shell gives
//! (the app's private files), its personal data sealed under a key the
//! shell's [`SecretStore`] keeps.

mod records;
mod secrets;

pub use records::*;

use std::path::PathBuf;
use std::sync::Arc;

use mynapoint_contract::grant::{AddRegistrationRequest, ParticipantSource};
use mynapoint_core::clock::SystemClock;
use mynapoint_core::field::{DeviceStore, FieldSession, DEFAULT_IDLE_TIMEOUT};
use mynapoint_core::platform::{FieldApi, HttpPlatform};
use mynapoint_core::secret_store as core_secrets;
use zeroize::Zeroize;

use crate::error::MynaError;
use crate::pin_entry::PinEntry;
use crate::records::PinKind;
use crate::runtime::Running;
use crate::secret_store::SecretStore;
use crate::transport::{CardTransport, ForeignTransport, TransportError};
use secrets::ForeignSecretStore;

/// One card in the field, as a [`TapSource`] hands it to continuous reading.
#[derive(uniffi::Object)]
pub struct CardTap {
    transport: Arc<dyn CardTransport>,
}

#[uniffi::export]
impl CardTap {
    /// The tap of the card behind `transport`.
    #[uniffi::constructor]
    pub fn new(transport: Arc<dyn CardTransport>) -> Arc<Self> {
        Arc::new(Self { transport })
    }
}

/// Where continuous reading gets its taps: the shell's NFC reader mode.
#[uniffi::export(with_foreign)]
#[async_trait::async_trait]
pub trait TapSource: Send + Sync {
    /// Waits for the next card in the field; an error ends the reading.
    async fn next_tap(&self) -> Result<Arc<CardTap>, TransportError>;
}

/// Where continuous reading reports each tap's verdict (the screen shows
/// only that tap's verdict).
#[uniffi::export(with_foreign)]
pub trait VerdictListener: Send + Sync {
    fn on_verdict(&self, verdict: TapVerdict);
}

/// A staff member's field session over the device store in `state_dir`.
#[derive(uniffi::Object)]
pub struct FieldFlow {
    session: Arc<FieldSession>,
    running: Running,
}

impl FieldFlow {
    async fn call<T, F, Fut>(&self, f: F) -> Result<T, MynaError>
    where
        T: Send + 'static,
        F: FnOnce(Arc<FieldSession>) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<T, MynaError>> + Send + 'static,
    {
        let session = self.session.clone();
        self.running.run(async move { f(session).await }).await
    }
}

#[uniffi::export]
impl FieldFlow {
    /// Opens (or creates) the device store `state_dir/field.sqlite3` and a
    /// session against the platform at `platform_url`. The store key and
    /// the device's signing key are made on first use and kept in `secrets`.
    /// Errors: `Failed` (the store cannot be opened, is from a newer
    /// version, or the secret store failed).
    #[uniffi::constructor]
    pub fn open(
        platform_url: String,
        state_dir: String,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<Arc<Self>, MynaError> {
        let secrets = ForeignSecretStore(secrets);
        let dir = PathBuf::from(state_dir);
        std::fs::create_dir_all(&dir).map_err(|e| MynaError::NotInitialized {
            detail: format!("cannot create the state folder: {e}"),
        })?;
        let store = DeviceStore::open(&dir.join("field.sqlite3"), &secrets)
            .map_err(mynapoint_core::field::FieldError::from)?;
        let api: Arc<dyn FieldApi> = Arc::new(HttpPlatform::new(&platform_url)?);
        let session = FieldSession::new(
            store,
            &secrets as &dyn core_secrets::SecretStore,
            api,
            Arc::new(SystemClock),
            DEFAULT_IDLE_TIMEOUT,
        )?;
        Ok(Arc::new(Self {
            session: Arc::new(session),
            running: Running::default(),
        }))
    }

    pub async fn step(&self) -> Result<FieldStep, MynaError> {
        self.call(|s| async move { Ok(s.step().await.into()) })
            .await
    }

    /// Logs the terminal in (online); the first login registers this device.
    pub async fn login(
        &self,
        terminal_id: String,
        password: String,
    ) -> Result<TerminalLogin, MynaError> {
        self.call(|s| async move {
            let mut password = password;
            let result = s.login(&terminal_id, &password).await;
            password.zeroize();
            Ok(result?.into())
        })
        .await
    }

    /// Ends the staff frame; taps and rosters stay in the store.
    pub async fn logout(&self) -> Result<(), MynaError> {
        self.call(|s| async move {
            s.logout().await;
            Ok(())
        })
        .await
    }

    /// The projects of the last login, as stored (offline).
    pub async fn projects(&self) -> Result<Vec<GrantProject>, MynaError> {
        self.call(|s| async move { Ok(s.projects().await?.into_iter().map(Into::into).collect()) })
            .await
    }

    /// Syncs a project's roster (online, repeatable).
    pub async fn sync_roster(&self, project_id: String) -> Result<RosterSummary, MynaError> {
        self.call(|s| async move { Ok(s.sync_roster(&project_id).await?.into()) })
            .await
    }

    /// Chooses the project to tap for (offline; open, roster synced).
    pub async fn choose_project(&self, project_id: String) -> Result<GrantProject, MynaError> {
        self.call(|s| async move { Ok(s.choose_project(&project_id).await?.into()) })
            .await
    }

    /// Staff confirm the points per person; continuous reading may start.
    pub async fn confirm_points(&self, points: u32) -> Result<(), MynaError> {
        self.call(move |s| async move { Ok(s.confirm_points(points).await?) })
            .await
    }

    /// One tap: the verdict, durable before it is returned.
    pub async fn tap(&self, transport: Arc<dyn CardTransport>) -> Result<TapVerdict, MynaError> {
        self.call(|s| async move { Ok(s.tap(ForeignTransport::wrap(transport)).await?.into()) })
            .await
    }

    /// Continuous reading: waits for each card from `taps`, reports its
    /// verdict to `listener`, and goes on until the shell cancels the call
    /// (its coroutine or task) or `taps` fails; returns the number of taps
    /// read. A cancelled tap is not recorded unless its verdict was given.
    pub async fn read_continuously(
        &self,
        taps: Arc<dyn TapSource>,
        listener: Arc<dyn VerdictListener>,
    ) -> Result<u32, MynaError> {
        self.call(|s| async move {
            let mut count = 0u32;
            loop {
                let tap = match taps.next_tap().await {
                    Ok(t) => t,
                    Err(_) => return Ok(count),
                };
                let verdict = s.tap(ForeignTransport::wrap(tap.transport.clone())).await?;
                count += 1;
                listener.on_verdict(verdict.into());
            }
        })
        .await
    }

    /// Cancels every running call of this session now (continuous reading
    /// included); each ends with `Cancelled`. A tap whose verdict was not
    /// given is not recorded. (Kotlin can cancel the calling coroutine
    /// instead; a Swift `Task`'s cancellation does not reach the library.)
    pub fn cancel(&self) {
        self.running.cancel_all();
    }

    /// Stops continuous reading (the project stays chosen).
    pub async fn stop(&self) -> Result<(), MynaError> {
        self.call(|s| async move { Ok(s.stop().await?) }).await
    }

    /// Uploads the taps not yet answered (online; resumable, never grants twice).
    pub async fn upload(&self) -> Result<UploadSummary, MynaError> {
        self.call(|s| async move { Ok(s.upload().await?.into()) })
            .await
    }

    /// Taps not yet answered by the platform.
    pub async fn pending_taps(&self) -> Result<u64, MynaError> {
        self.call(|s| async move { Ok(s.pending_taps().await?) })
            .await
    }

    /// The stored taps, oldest first (of `project_id` when given).
    pub async fn results(&self, project_id: Option<String>) -> Result<Vec<TapRecord>, MynaError> {
        self.call(|s| async move {
            let records = s.results(project_id.as_deref()).await?;
            Ok(records.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// The project's not-on-roster list (online).
    pub async fn not_on_roster(
        &self,
        project_id: String,
    ) -> Result<Vec<NotOnRosterEntry>, MynaError> {
        self.call(|s| async move {
            let list = s.not_on_roster(&project_id).await?;
            Ok(list.entries.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// One tap: 照合番号B (14 digits, typed into `entry`; emptied), then
    /// the card face for an add-registration.
    pub async fn read_card_face(
        &self,
        transport: Arc<dyn CardTransport>,
        entry: Arc<PinEntry>,
    ) -> Result<ParticipantFace, MynaError> {
        let code_b = entry.take_text(PinKind::CardInfoCodeB)?;
        self.call(|s| async move {
            let face = s
                .read_card_face(ForeignTransport::wrap(transport), &code_b)
                .await?;
            Ok(face.into())
        })
        .await
    }

    /// Adds a not-on-roster participant with the card face just read
    /// (office data: the face, their municipality); their waiting taps are granted.
    pub async fn add_registration_from_card_face(
        &self,
        project_id: String,
        my_key_id: String,
        municipality_code: String,
        face: ParticipantFace,
    ) -> Result<AddedParticipant, MynaError> {
        self.call(|s| async move {
            let participant = face.into_core().participant(&my_key_id, &municipality_code);
            let request = AddRegistrationRequest {
                my_key_id,
                source: ParticipantSource::CardFace,
                participant: Some(participant),
            };
            Ok(s.add_registration(&project_id, &request).await?.into())
        })
        .await
    }

    /// Adds a not-on-roster participant with their row of the participant master.
    pub async fn add_registration_from_master(
        &self,
        project_id: String,
        my_key_id: String,
    ) -> Result<AddedParticipant, MynaError> {
        self.call(|s| async move {
            let request = AddRegistrationRequest {
                my_key_id,
                source: ParticipantSource::Master,
                participant: None,
            };
            Ok(s.add_registration(&project_id, &request).await?.into())
        })
        .await
    }
}
