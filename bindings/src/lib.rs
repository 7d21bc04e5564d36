//! mynapoint for phones: the core's sessions and card operations, exported
//! to Kotlin (Android) and Swift (iOS) with uniffi proc-macros.
//!
//! A thin layer: every decision, failure code, retry hint and message comes
//! from `mynapoint-core`; this crate only converts types and carries calls.
//! The platform services are foreign traits the shells implement
//! ([`CardTransport`], [`SecretStore`], [`LogSink`]), each wrapped into the
//! core's own trait in one place. The library owns its tokio runtime,
//! started by [`init`]; every long operation runs there and is cancelled
//! when the caller's coroutine or Swift task is cancelled.
//!
//! Errors reach the shells as [`MynaError`] exceptions carrying the core
//! failure's stable code, retry hint and Japanese/English message. A panic
//! (a bug) unwinds into uniffi's `InternalException` / `InternalError`
//! instead of ending the app (`panic = "unwind"` in every profile).

// `MynaError::Failed` carries the whole failure by value: uniffi lowers an
// error enum field by field into the shell's exception, so it cannot be boxed.
#![allow(clippy::result_large_err)]

uniffi::setup_scaffolding!();

mod card_ops;
mod error;
mod field;
mod log_sink;
mod pin_entry;
mod records;
mod resident;
mod runtime;
mod secret_store;
mod tap_prompt;
mod transport;

#[cfg(feature = "test-support")]
pub mod test_support;

pub use card_ops::CardReader;
pub use error::{MynaError, RetryHint};
pub use field::{CardTap, FieldFlow, TapSource, VerdictListener};
pub use log_sink::{LogLevel, LogSink};
pub use pin_entry::PinEntry;
pub use records::*;
pub use resident::ResidentFlow;
pub use runtime::init;
pub use secret_store::{SecretStore, SecretStoreError};
pub use tap_prompt::{tap_prompt, TapPrompt, TapPurpose};
pub use transport::{CardTransport, ReaderCapabilities, TransportError};
