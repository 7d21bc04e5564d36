//! Which platform the resident commands talk to: one at a URL, or the
//! reference platform started in this process (`mynapoint_platform`), whose
//! data stays in the user's data folder so that commands run one after
//! another (`resident`, then `resident status`) see the same platform.

use std::path::PathBuf;
use std::sync::Arc;

use mynapoint_core::platform::{HttpPlatform, PlatformApi};
use mynapoint_platform::{BlockingPlatform, Config};

use crate::exit::Exit;
use crate::Failure;

/// A platform to talk to. An embedded one stops when this is dropped; drop
/// it outside any async runtime (it owns its own).
pub struct PlatformLink {
    embedded: Option<BlockingPlatform>,
    /// Where an embedded platform keeps its data; `None`: in memory.
    data: Option<PathBuf>,
    base_url: String,
}

/// The environment variable that moves the embedded platform's data folder.
pub const DATA_DIR_VAR: &str = "MYNAPOINT_DATA_DIR";

/// The folder of the embedded platform's database (and its key file):
/// `$MYNAPOINT_DATA_DIR`, else the user's data folder (`~/.local/share/mynapoint`
/// on Linux, `~/Library/Application Support/mynapoint` on macOS,
/// `%APPDATA%\mynapoint\data` on Windows).
pub fn data_dir() -> Result<PathBuf, Failure> {
    if let Some(dir) = std::env::var_os(DATA_DIR_VAR).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "mynapoint")
        .map(|dirs| dirs.data_dir().to_owned())
        .ok_or_else(|| {
            Failure::new(
                Exit::Platform,
                "platform_data_dir",
                format!(
                    "there is no home folder to keep the embedded platform's data in: set \
                     {DATA_DIR_VAR}=DIR, or use --platform URL"
                ),
            )
        })
}

/// Checks a platform base URL before anything else happens, with a message
/// that says how to write it: `http://` or `https://`, a host, no `/v1`
/// (the client adds the API's paths itself).
pub fn check_platform_url(url: &str) -> Result<String, Failure> {
    let bad = |why: &str| {
        Failure::new(
            Exit::BadInput,
            "platform_url",
            format!(
                "--platform {url:?}: {why}; write the platform's base URL, for example \
                 http://127.0.0.1:8787 or https://platform.example.jp"
            ),
        )
    };
    let Some((scheme, rest)) = url.trim().split_once("://") else {
        return Err(bad("it has no scheme (http:// or https://)"));
    };
    let rest = rest.trim_end_matches('/');
    if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() {
        return Err(bad("it has no host"));
    }
    let path = &rest[host.len()..];
    if path == "/v1" || path.starts_with("/v1/") {
        return Err(bad("leave out /v1 (the API paths are added by the client)"));
    }
    Ok(format!("{scheme}://{rest}"))
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

    /// Starts the reference platform in this process, in memory (the demo).
    pub fn start_embedded() -> Result<Self, Failure> {
        Self::start(Self::embedded_config(), None)
    }

    /// Starts the reference platform in this process on the database in
    /// [`data_dir`] (created on first use; the key of stored security codes
    /// beside it, owner-only), so that it keeps its data between commands.
    pub fn start_persistent() -> Result<Self, Failure> {
        let dir = data_dir()?;
        std::fs::create_dir_all(&dir).map_err(|e| {
            Failure::new(
                Exit::Platform,
                "platform_data_dir",
                format!("cannot create {}: {e}", dir.display()),
            )
        })?;
        let config = Config {
            database: Some(dir.join("platform.sqlite3")),
            security_code_key: None,
            ..Self::embedded_config()
        };
        Self::start(config, Some(dir))
    }

    fn start(config: Config, data: Option<PathBuf>) -> Result<Self, Failure> {
        let platform = BlockingPlatform::start(config).map_err(|e| {
            Failure::new(
                Exit::Platform,
                "platform_start",
                format!("cannot start the embedded platform: {e}"),
            )
        })?;
        Ok(Self {
            base_url: platform.base_url().to_owned(),
            embedded: Some(platform),
            data,
        })
    }

    /// The platform at `url` (checked first), or without it the embedded one
    /// that keeps its data in [`data_dir`].
    pub fn open(url: Option<&str>) -> Result<Self, Failure> {
        match url {
            Some(url) => Ok(Self {
                embedded: None,
                data: None,
                base_url: check_platform_url(url)?,
            }),
            None => Self::start_persistent(),
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sets a person's eligibility facts on the embedded platform (the
    /// demo's seed data; an external platform takes them through its
    /// administration API). No effect on an external platform.
    pub fn set_eligibility(
        &self,
        person: &mynapoint_core::platform::PersonEligibility,
    ) -> Result<(), Failure> {
        let Some(embedded) = &self.embedded else {
            return Ok(());
        };
        embedded
            .with_store(|s| {
                s.set_eligibility(
                    &person.issuer,
                    &person.subject_cn,
                    &person.facts,
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs() as i64),
                )
            })
            .map_err(|e| {
                Failure::new(
                    Exit::Platform,
                    "platform_store",
                    format!("cannot set the eligibility facts: {e}"),
                )
            })
    }

    /// The administrator's token of an embedded platform (the demo sets up
    /// the field app with it); `None` for a platform at a URL.
    pub fn admin_token(&self) -> Option<&str> {
        self.embedded.as_ref().and_then(|p| p.admin_token())
    }

    pub fn is_embedded(&self) -> bool {
        self.embedded.is_some()
    }

    /// One line saying which platform this is.
    pub fn describe(&self) -> String {
        match (&self.embedded, &self.data) {
            (Some(_), Some(dir)) => format!(
                "the reference platform, started in this process at {} with its data in {} \
                 (kept between commands; {DATA_DIR_VAR} moves it; use --platform URL for a \
                 real one)",
                self.base_url,
                dir.display()
            ),
            (Some(_), None) => format!(
                "the reference platform, started in this process at {} (in memory: it \
                 forgets everything when the command ends)",
                self.base_url
            ),
            (None, _) => format!("the platform at {}", self.base_url),
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

#[cfg(test)]
mod tests {
    use super::check_platform_url;

    #[test]
    fn a_platform_url_is_checked_and_explained() {
        assert_eq!(
            check_platform_url("http://127.0.0.1:8787/").unwrap(),
            "http://127.0.0.1:8787"
        );
        assert_eq!(
            check_platform_url("https://p.example.jp/base").unwrap(),
            "https://p.example.jp/base"
        );
        for (url, why) in [
            ("127.0.0.1:8787", "no scheme"),
            ("ftp://x", "http or https"),
            ("http://", "no host"),
            ("http://127.0.0.1:8787/v1", "leave out /v1"),
            ("http://127.0.0.1:8787/v1/", "leave out /v1"),
        ] {
            let e = check_platform_url(url).unwrap_err();
            assert!(e.message.contains(why), "{url}: {}", e.message);
            assert!(e.message.contains("http://127.0.0.1:8787"), "{}", e.message);
        }
    }
}
