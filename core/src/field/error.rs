//! What a field session answers instead of a result; each converts into a
//! [`Failure`] (stable code, retry hint, JA/EN message).

use mynapoint_contract::FieldProblem;

use super::session::FieldStep;
use super::store::StoreError;
use crate::card::{CardError, PinError};
use crate::failure::{Failure, FailureCode as C};
use crate::pin::PinFormatError;
use crate::platform::PlatformError;
use crate::secret_store::SecretStoreError;
use crate::session_frame::{FrameEnd, FrameError};

/// Why a field action did not happen. Nothing changed unless it says so.
#[derive(Debug, thiserror::Error)]
pub enum FieldError {
    /// The terminal ID is not 8 digits (nothing was sent).
    #[error("the terminal ID is not 8 digits")]
    TerminalIdFormat(FieldProblem),
    /// The action needs a terminal login (online) in this session.
    #[error("log the terminal in first")]
    LoginRequired,
    /// No such project on the terminal's list.
    #[error("no grant project {0} on this terminal's list")]
    ProjectUnknown(String),
    /// The project is closed.
    #[error("the grant project {0} is closed")]
    ProjectClosed(String),
    /// The project's roster was never synced to this device.
    #[error("the roster of project {0} is not synced")]
    RosterNotSynced(String),
    /// Tapping needs the points per person confirmed; `expected` is what
    /// the project grants (a confirmation of another number is refused).
    #[error("confirm {expected} points per person first")]
    PointsNotConfirmed { expected: u32 },
    /// The session frame refused the action (ended, idle, wrong step).
    #[error(transparent)]
    Frame(FrameError<FieldStep>),
    #[error(transparent)]
    Platform(#[from] PlatformError),
    /// The platform's answer breaks the contract (a salt or digest of
    /// another length, an answer about another project or batch).
    #[error("the platform's answer breaks the contract: {0}")]
    PlatformMismatch(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Secrets(#[from] SecretStoreError),
    /// Reading the card face (add-registration) failed.
    #[error(transparent)]
    Card(#[from] CardError),
    /// 照合番号B was refused (or not sent, to keep a last try).
    #[error(transparent)]
    Pin(#[from] PinError),
    /// 照合番号B is not 14 digits (nothing was sent to the card).
    #[error(transparent)]
    PinFormat(#[from] PinFormatError),
}

impl From<FrameError<FieldStep>> for FieldError {
    fn from(e: FrameError<FieldStep>) -> Self {
        FieldError::Frame(e)
    }
}

impl From<&FieldError> for Failure {
    fn from(e: &FieldError) -> Self {
        use FieldError as E;
        match e {
            E::TerminalIdFormat(p) => Failure::new(C::TerminalIdFormat).with_problem(*p),
            E::LoginRequired => Failure::new(C::TerminalLoginRequired),
            E::ProjectUnknown(p) => Failure::new(C::ProjectUnknown).with_detail(p.clone()),
            E::ProjectClosed(p) => Failure::new(C::ProjectClosed).with_detail(p.clone()),
            E::RosterNotSynced(p) => Failure::new(C::RosterNotSynced).with_detail(p.clone()),
            E::PointsNotConfirmed { expected } => Failure::new(C::PointsNotConfirmed)
                .with_detail(format!("{expected} points per person")),
            E::Frame(f) => match f {
                FrameError::SessionEnded { reason } => Failure::new(match reason {
                    FrameEnd::CardChanged => C::CardChanged,
                    FrameEnd::IdleTimeout => C::IdleTimeout,
                    FrameEnd::Aborted => C::SessionEnded,
                }),
                FrameError::IdleTimeout => Failure::new(C::IdleTimeout),
                FrameError::CardChanged => Failure::new(C::CardChanged),
                FrameError::WrongStep { step } => {
                    Failure::new(C::WrongStep).with_detail(format!("{step:?}"))
                }
                FrameError::Card(c) => c.into(),
            },
            E::Platform(p) => p.into(),
            E::PlatformMismatch(m) => Failure::new(C::PlatformDecode).with_detail(m.clone()),
            E::Store(s) => Failure::new(C::DeviceStore).with_detail(s.to_string()),
            E::Secrets(s) => Failure::new(C::SecretStore).with_detail(s.message.clone()),
            E::Card(c) => c.into(),
            E::Pin(p) => p.into(),
            E::PinFormat(p) => p.into(),
        }
    }
}

impl From<FieldError> for Failure {
    fn from(e: FieldError) -> Self {
        Failure::from(&e)
    }
}

impl FieldError {
    /// The failure a shell shows.
    pub fn failure(&self) -> Failure {
        self.into()
    }
}
