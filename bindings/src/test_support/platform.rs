//! The reference platform (`mynapoint-platform`) in this process, in memory.

use std::sync::{Arc, Mutex};

use mynapoint_platform::{BlockingPlatform, Config};

use super::TestSetupError;

/// The administration API's token of the embedded platform (tests only).
pub(crate) const ADMIN_TOKEN: &str = "test-admin-token";

/// The reference platform on a free loopback port, in memory; stops when
/// released (`close()` in Kotlin, or garbage collection).
#[derive(uniffi::Object)]
pub struct EmbeddedPlatform {
    platform: Mutex<Option<BlockingPlatform>>,
    base_url: String,
}

#[uniffi::export]
impl EmbeddedPlatform {
    /// Starts it (applications read "submitted", as on the real platform).
    #[uniffi::constructor]
    pub fn start() -> Result<Arc<Self>, TestSetupError> {
        let config = Config {
            registration_delay_secs: Config::default().registration_delay_secs,
            admin_token: Some(ADMIN_TOKEN.into()),
            ..Config::ephemeral()
        };
        let platform = BlockingPlatform::start(config).map_err(|e| TestSetupError::Failed {
            reason: format!("the embedded platform did not start: {e}"),
        })?;
        Ok(Arc::new(Self {
            base_url: platform.base_url().to_owned(),
            platform: Mutex::new(Some(platform)),
        }))
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// Stops the platform now.
    pub fn stop(&self) {
        let taken = self.platform.lock().map(|mut p| p.take()).ok().flatten();
        drop(taken);
    }
}
