//! The field point-grant app: municipal staff grant points at events, one
//! card tap per participant, often offline (`shared/domain.md`, "Field
//! point-grant app"; seed 003 §V).
//!
//! - [`FieldSession`]: terminal login, roster sync, project choice,
//!   continuous reading with an instant offline [`TapVerdict`], upload,
//!   results, the not-on-roster list and add-registration;
//! - [`store`]: the device store (SQLite; personal data sealed);
//! - [`keys`]: the store key and the device's batch-signing key, kept in
//!   the shell's [`crate::secret_store::SecretStore`].
//!
//! The card is read through [`crate::card::CardSession`] taps (the head of
//! the user-authentication certificate only), the platform through
//! [`crate::platform::FieldApi`].

mod error;
pub mod keys;
mod session;
pub mod store;
mod verdict;
mod verdict_words;

pub use error::FieldError;
pub use session::{
    CardFace, FieldData, FieldHeld, FieldSession, FieldStep, LoginSummary, RosterSummary, TapData,
    TapStep, UploadSummary, DEFAULT_IDLE_TIMEOUT,
};
pub use store::{DeviceStore, StoreError, StoredProject, TapRecord};
pub use verdict::{TapVerdict, VerdictKind};
