//! Which platform the resident commands talk to: one at a URL, or the
//! reference platform started in this process (`mynapoint_platform`).

use std::sync::Arc;

use mynapoint_core::platform::{HttpPlatform, PlatformApi};
use mynapoint_platform::{BlockingPlatform, Config};

use crate::exit::Exit;
use crate::Failure;

/// A platform to talk to. An embedded one stops when this is dropped; drop
/// it outside any async runtime (it owns its own).
pub struct PlatformLink {
    embedded: Option<BlockingPlatform>,
    base_url: String,
}

impl PlatformLink {
    /// The settings of the embedded platform: `Config::ephemeral()` (a free
    /// port on 127.0.0.1, in-memory database, fresh key), but with the real
    /// registration delay, so a new application reads "submitted" (申込済み).
    pub fn embedded_config() -> Config {
        Config {
            registration_delay_secs: Config::default().registration_delay_secs,
            ..Config::ephemeral()
        }
    }

    /// Starts the reference platform in this process.
    pub fn start_embedded() -> Result<Self, Failure> {
        let platform = BlockingPlatform::start(Self::embedded_config()).map_err(|e| {
            Failure::new(
                Exit::Platform,
                "platform_start",
                format!("cannot start the embedded platform: {e}"),
            )
        })?;
        Ok(Self {
            base_url: platform.base_url().to_owned(),
            embedded: Some(platform),
        })
    }

    /// The platform at `url`, or an embedded one without it.
    pub fn open(url: Option<&str>) -> Result<Self, Failure> {
        match url {
            Some(url) => Ok(Self {
                embedded: None,
                base_url: url.trim_end_matches('/').to_owned(),
            }),
            None => Self::start_embedded(),
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn is_embedded(&self) -> bool {
        self.embedded.is_some()
    }

    /// One line saying which platform this is.
    pub fn describe(&self) -> String {
        if self.is_embedded() {
            format!(
                "the reference platform, started in this process at {} (in-memory: it forgets \
                 everything when the command ends; use --platform URL for a real one)",
                self.base_url
            )
        } else {
            format!("the platform at {}", self.base_url)
        }
    }

    /// An HTTP client of the platform.
    pub fn client(&self) -> Result<Arc<dyn PlatformApi>, Failure> {
        let client = HttpPlatform::new(&self.base_url).map_err(|e| {
            Failure::new(
                Exit::BadInput,
                "platform_url",
                format!("cannot use the platform URL {}: {e}", self.base_url),
            )
        })?;
        Ok(Arc::new(client))
    }
}
