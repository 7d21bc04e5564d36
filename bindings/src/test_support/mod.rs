//! Test-only exports (feature `test-support`), for the Kotlin JVM tests:
//! a simulated My Number Card that answers APDUs ([`SimulatedCard`]: the
//! test's Kotlin transport hands it every command, so each APDU crosses the
//! FFI both ways), the reference platform in this process
//! ([`EmbeddedPlatform`]), and two functions that panic on purpose.
//! Never in a shipped build.

mod card;
mod field_setup;
mod network;
mod platform;

pub use card::SimulatedCard;
pub use field_setup::FieldSetup;
pub use network::NetworkSwitch;
pub use platform::EmbeddedPlatform;

use crate::error::MynaError;

/// A test fixture could not be made.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum TestSetupError {
    #[error("test setup failed: {reason}")]
    Failed { reason: String },
}
use crate::runtime::run;

/// Test hook: panics with `message` (a stand-in for a bug in the library),
/// so a test can check the panic reaches the shell as uniffi's internal
/// exception and the library keeps working.
#[uniffi::export]
pub fn panic_for_test(message: String) {
    panic!("{message}");
}

/// Test hook: panics with `message` inside a task on the library's
/// runtime, as a bug in an async operation would.
#[uniffi::export]
pub async fn panic_for_test_async(message: String) -> Result<(), MynaError> {
    run(async move {
        if !message.is_empty() {
            panic!("{message}");
        }
        Ok(())
    })
    .await
}
