//! The field session: a staff member's session on a municipal terminal.
//!
//! Built on [`SessionFrame`] as the frame's docs describe: the staff frame
//! ([`FieldStep`], [`FieldData`]) never taps; it holds the terminal login
//! (token) and the chosen project, and ends on idle timeout or logout
//! (wiping both). Every participant's tap is its own short frame
//! ([`tap`](FieldSession::tap)): bound to that participant's card, ended
//! and wiped once the verdict is recorded, so nothing of one participant
//! reaches the next verdict.
//!
//! Online: [`login`](FieldSession::login) (registers the device on the
//! first login; the project list is stored), [`sync_roster`](FieldSession::sync_roster),
//! [`upload`](FieldSession::upload), [`not_on_roster`](FieldSession::not_on_roster),
//! [`add_registration`](FieldSession::add_registration). Offline once a
//! roster is synced: [`choose_project`](FieldSession::choose_project),
//! [`confirm_points`](FieldSession::confirm_points), [`tap`](FieldSession::tap),
//! [`stop`](FieldSession::stop), [`results`](FieldSession::results). After a
//! restart, opening the same store gives back the rosters and taps; a login
//! is needed only to go online again.
//!
//! The object is `Send + Sync` and every method takes `&self` (one action
//! at a time; a second waits): the shape the phone bindings need.

mod online;
mod tap;

pub use online::{CardFace, RosterSummary, UploadSummary};
pub use tap::{TapData, TapStep};

use std::sync::Arc;
use std::time::Duration;

use mynapoint_contract::grant::{check_terminal_id, TerminalLoginRequest};
use mynapoint_contract::{Secret, SessionToken};
use tokio::sync::Mutex;

use super::error::FieldError;
use super::keys::{fingerprint, DeviceKey};
use super::store::{DeviceStore, StoredProject, TapRecord};
use crate::clock::Clock;
use crate::platform::FieldApi;
use crate::secret_store::SecretStore;
use crate::session_frame::{CardBinding, FlowData, FlowStep, FrameEnd, SessionFrame};

/// Idle time after which the staff frame ends (token and chosen project
/// wiped): 30 minutes.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// Where the staff session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldStep {
    /// Log in, sync, choose a project and confirm its points, upload, look
    /// at results.
    Idle,
    /// Continuous reading: each tap gets a verdict (until [`FieldSession::stop`]).
    Tapping,
    /// The staff frame ended (idle timeout, logout); a login or a project
    /// choice starts a new one.
    Ended(FrameEnd),
}

impl FlowStep for FieldStep {
    type EndReason = FrameEnd;

    fn ended(reason: FrameEnd) -> Self {
        FieldStep::Ended(reason)
    }

    fn end_reason(self) -> Option<FrameEnd> {
        match self {
            FieldStep::Ended(r) => Some(r),
            _ => None,
        }
    }
}

/// The chosen project, as confirmed by staff.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Chosen {
    project_id: String,
    points_per_grant: u32,
    confirmed: bool,
}

/// What the staff frame holds.
#[derive(Default)]
pub struct FieldData {
    /// The terminal login (zeroized when dropped).
    token: Option<SessionToken>,
    chosen: Option<Chosen>,
}

/// What the staff frame holds now (kinds, never values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FieldHeld {
    pub logged_in: bool,
    pub project_chosen: bool,
    /// Whether anything of a card is held (never, between taps).
    pub card: bool,
}

impl FlowData for FieldData {
    type Report = FieldHeld;

    fn wipe(&mut self) {
        self.token = None;
        self.chosen = None;
    }

    fn report(&self, card: &CardBinding) -> FieldHeld {
        FieldHeld {
            logged_in: self.token.is_some(),
            project_chosen: self.chosen.is_some(),
            card: card.holds_card(),
        }
    }
}

/// What a login answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginSummary {
    pub terminal_id: String,
    /// This login registered the device.
    pub device_registered: bool,
    /// The terminal's municipality (6 digits with check digit).
    pub municipality_code: String,
    pub municipality_name: String,
    pub point_name: String,
    /// The project list, as stored.
    pub projects: Vec<StoredProject>,
}

struct Inner {
    frame: SessionFrame<FieldStep, FieldData>,
    store: DeviceStore,
    device: DeviceKey,
}

/// A staff member's field session over a device store. See the module docs.
pub struct FieldSession {
    inner: Mutex<Inner>,
    api: Arc<dyn FieldApi>,
    clock: Arc<dyn Clock>,
    idle_timeout: Duration,
}

impl FieldSession {
    /// A session over `store` (opened with the same `secrets`), talking to
    /// `api`, timed by `clock`; the staff frame ends after `idle_timeout`.
    /// The device signing key is made on first use.
    pub fn new(
        store: DeviceStore,
        secrets: &dyn SecretStore,
        api: Arc<dyn FieldApi>,
        clock: Arc<dyn Clock>,
        idle_timeout: Duration,
    ) -> Result<Self, FieldError> {
        let device = DeviceKey::from_secrets(secrets)?;
        let frame = SessionFrame::new(FieldStep::Idle, idle_timeout, clock.clone());
        Ok(Self {
            inner: Mutex::new(Inner {
                frame,
                store,
                device,
            }),
            api,
            clock,
            idle_timeout,
        })
    }

    /// The current step.
    pub async fn step(&self) -> FieldStep {
        self.inner.lock().await.frame.step()
    }

    /// What the staff frame holds now.
    pub async fn held(&self) -> FieldHeld {
        self.inner.lock().await.frame.held()
    }

    /// The device's public key (SEC1, 65 bytes) and fingerprint (64 hex
    /// digits), as the first login registers them.
    pub async fn device_identity(&self) -> Result<(Vec<u8>, String), FieldError> {
        let inner = self.inner.lock().await;
        Ok((
            inner.device.public_key_sec1(),
            fingerprint(&inner.store.install_value()?),
        ))
    }

    /// Ends the staff frame (logout): the token and the chosen project are
    /// wiped. The store keeps taps and rosters.
    pub async fn logout(&self) {
        self.inner.lock().await.frame.abort();
    }

    /// Logs the terminal in (online). The first login of a terminal
    /// registers this device (its public key and fingerprint); the project
    /// list is stored. An ended staff frame is replaced by a new one.
    /// Errors: [`FieldError::TerminalIdFormat`] (nothing sent); the
    /// platform's refusals (`terminal_password_wrong` with the tries left,
    /// `terminal_locked`, `terminal_device_mismatch`, …) change nothing.
    pub async fn login(
        &self,
        terminal_id: &str,
        password: &str,
    ) -> Result<LoginSummary, FieldError> {
        check_terminal_id(terminal_id).map_err(FieldError::TerminalIdFormat)?;
        let mut inner = self.inner.lock().await;
        self.renew_if_ended(&mut inner);
        inner.frame.begin(|_| true)?;
        let request = TerminalLoginRequest {
            terminal_id: terminal_id.to_owned(),
            password: Secret::new(password),
            device_public_key: inner.device.public_key_sec1(),
            device_fingerprint: fingerprint(&inner.store.install_value()?),
        };
        let answer = self.api.terminal_login(&request).await?;
        drop(request);
        if answer.terminal_id != terminal_id {
            return Err(FieldError::PlatformMismatch(
                "the login answered for another terminal".into(),
            ));
        }
        inner
            .store
            .save_login(terminal_id, &answer.municipality, &answer.projects)?;
        let projects = inner.store.projects()?;
        inner.frame.data_mut().token = Some(answer.token);
        Ok(LoginSummary {
            terminal_id: answer.terminal_id,
            device_registered: answer.device_registered,
            municipality_code: answer.municipality.code,
            municipality_name: answer.municipality.name,
            point_name: answer.municipality.point_name,
            projects,
        })
    }

    /// A new staff frame in place of an ended one.
    fn renew_if_ended(&self, inner: &mut Inner) {
        if inner.frame.is_ended() {
            inner.frame = SessionFrame::new(FieldStep::Idle, self.idle_timeout, self.clock.clone());
        }
    }

    /// The projects of the last login, as stored (offline).
    pub async fn projects(&self) -> Result<Vec<StoredProject>, FieldError> {
        Ok(self.inner.lock().await.store.projects()?)
    }

    /// Chooses the project to tap for (offline): it must be on the stored
    /// list, open, and its roster synced. Tapping needs
    /// [`Self::confirm_points`] next. An ended staff frame is replaced.
    pub async fn choose_project(&self, project_id: &str) -> Result<StoredProject, FieldError> {
        let mut inner = self.inner.lock().await;
        self.renew_if_ended(&mut inner);
        inner.frame.begin(|_| true)?;
        let project = inner
            .store
            .project(project_id)?
            .ok_or_else(|| FieldError::ProjectUnknown(project_id.to_owned()))?;
        if !project.project.open {
            return Err(FieldError::ProjectClosed(project_id.to_owned()));
        }
        if inner.store.salt(project_id)?.is_none() {
            return Err(FieldError::RosterNotSynced(project_id.to_owned()));
        }
        inner.frame.data_mut().chosen = Some(Chosen {
            project_id: project_id.to_owned(),
            points_per_grant: project.project.points_per_grant,
            confirmed: false,
        });
        inner.frame.go(FieldStep::Idle);
        Ok(project)
    }

    /// Staff confirm the points per person shown for the chosen project;
    /// continuous reading starts ([`FieldStep::Tapping`]). Another number
    /// than the project's is refused ([`FieldError::PointsNotConfirmed`]).
    pub async fn confirm_points(&self, points: u32) -> Result<(), FieldError> {
        let mut inner = self.inner.lock().await;
        inner.frame.begin(|_| true)?;
        let data = inner.frame.data_mut();
        let chosen = data
            .chosen
            .as_mut()
            .ok_or_else(|| FieldError::ProjectUnknown(String::new()))?;
        if chosen.points_per_grant != points {
            return Err(FieldError::PointsNotConfirmed {
                expected: chosen.points_per_grant,
            });
        }
        chosen.confirmed = true;
        inner.frame.go(FieldStep::Tapping);
        Ok(())
    }

    /// Stops continuous reading (the project stays chosen).
    pub async fn stop(&self) -> Result<(), FieldError> {
        let mut inner = self.inner.lock().await;
        inner.frame.begin(|_| true)?;
        inner.frame.go(FieldStep::Idle);
        Ok(())
    }

    /// The stored taps, oldest first (of `project_id` only when given),
    /// with their offline verdict and, once uploaded, the platform's outcome.
    pub async fn results(&self, project_id: Option<&str>) -> Result<Vec<TapRecord>, FieldError> {
        Ok(self.inner.lock().await.store.tap_records(project_id)?)
    }

    /// Taps not yet answered by the platform.
    pub async fn pending_taps(&self) -> Result<u64, FieldError> {
        Ok(self.inner.lock().await.store.pending_taps()?)
    }
}

impl Inner {
    /// The login token, or [`FieldError::LoginRequired`].
    fn token(&self) -> Result<SessionToken, FieldError> {
        self.frame
            .data()
            .token
            .clone()
            .ok_or(FieldError::LoginRequired)
    }
}
