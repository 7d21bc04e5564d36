//! The server's TOML configuration, its commented default, and the
//! security-code key that is generated and saved on first start.

use std::fmt;
use std::fs;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::crypto::{PasswordHashCost, SealingKey};

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";
pub const DEFAULT_DATABASE: &str = "mynapoint-platform.sqlite3";
/// The environment variable whose value replaces `admin_token`.
pub const ADMIN_TOKEN_ENV: &str = "MYNAPOINT_ADMIN_TOKEN";

/// What `mynapoint-platform init-config` writes.
pub const DEFAULT_CONFIG_TOML: &str = r#"# mynapoint reference platform configuration.

# Address and port to listen on (plain HTTP: keep it on localhost or behind a TLS proxy).
listen = "127.0.0.1:8787"

# SQLite database file (WAL mode; created with its schema on first start).
# Relative paths are relative to this file's directory.
database = "mynapoint-platform.sqlite3"

# PEM files of the CA certificates that issue user-authentication certificates.
# Empty: trust cardsim's stable JPKI-TEST CA (built in) -- for tests and demos only.
trust_anchors = []

# Revoked user-authentication certificate serials, upper- or lower-case hex.
revoked_serials = []

# AES-256-GCM key (64 hex digits) that encrypts security codes at rest.
# Absent: generated and written into this file on first start. Keep it secret;
# losing it makes stored security codes unreadable.
# security_code_key = "..."

# Seconds from submission until an application reads "registered" (about a day).
registration_delay_secs = 86400

# A session ends after this many idle seconds.
session_idle_timeout_secs = 900

# A login challenge is valid this many seconds.
challenge_lifetime_secs = 300

# Payment services catalogue (JSON, same shape as platform/seed/payment-services.json).
# Absent: the built-in reference catalogue.
# payment_services = "payment-services.json"

# Field app: wrong terminal passwords in a row before the terminal is locked,
# and how long the lock lasts (seconds).
terminal_lock_after = 5
terminal_lock_secs = 900

# Administrator token of the /v1/admin/... API (Authorization: Bearer <token>).
# Absent (and no MYNAPOINT_ADMIN_TOKEN in the environment): administration is closed.
# admin_token = "..."

# Folder where the mailer leaves drained outbox e-mails (one .eml file each);
# absent: drained e-mails are only logged (no mail ever leaves this server).
# mail_spool = "mail-spool"

# JSON file of persons' eligibility facts for the point categories (a list of
# {"issuer", "subject_cn", "first_installment", "health_insurance_registered_on",
# "public_fund_account_registered_on"}), loaded at every start. Absent: none.
# eligibility_seed = "eligibility.json"

# Argon2id cost of My Page password hashes.
[password_hash]
memory_kib = 19456
iterations = 2
parallelism = 1
"#;

#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub listen: SocketAddr,
    /// `None`: an in-memory database (embedded tests).
    pub database: Option<PathBuf>,
    pub trust_anchors: Vec<PathBuf>,
    pub revoked_serials: Vec<String>,
    /// Hex; see [`Config::ensure_security_code_key`].
    pub security_code_key: Option<String>,
    pub registration_delay_secs: u64,
    pub session_idle_timeout_secs: u64,
    pub challenge_lifetime_secs: u64,
    pub payment_services: Option<PathBuf>,
    pub password_hash: PasswordHashCost,
    /// Field app: wrong terminal passwords in a row before the lock.
    pub terminal_lock_after: u32,
    /// Field app: seconds a terminal stays locked.
    pub terminal_lock_secs: u64,
    /// The administrator's bearer token (`/v1/admin/...`); `None`: closed.
    /// The environment's [`ADMIN_TOKEN_ENV`] overrides it
    /// ([`Config::apply_env`]).
    pub admin_token: Option<String>,
    /// Where drained outbox e-mails are written (`.eml` files).
    pub mail_spool: Option<PathBuf>,
    /// Eligibility facts loaded at start (JSON list of
    /// `mynapoint_contract::PersonEligibility`).
    pub eligibility_seed: Option<PathBuf>,
    /// Eligibility facts given in process (tests, the demo), stored at start
    /// like the seed file's.
    #[serde(skip)]
    pub eligibility_facts: Vec<mynapoint_contract::PersonEligibility>,
    /// Trust anchors given in process (DER), in addition to the files.
    #[serde(skip)]
    pub extra_trust_anchors_der: Vec<Vec<u8>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: DEFAULT_LISTEN.parse().expect("valid default address"),
            database: Some(PathBuf::from(DEFAULT_DATABASE)),
            trust_anchors: Vec::new(),
            revoked_serials: Vec::new(),
            security_code_key: None,
            registration_delay_secs: 86_400,
            session_idle_timeout_secs: 900,
            challenge_lifetime_secs: 300,
            payment_services: None,
            password_hash: PasswordHashCost::default(),
            terminal_lock_after: 5,
            terminal_lock_secs: 900,
            admin_token: None,
            mail_spool: None,
            eligibility_seed: None,
            eligibility_facts: Vec::new(),
            extra_trust_anchors_der: Vec::new(),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database", &self.database)
            .field("trust_anchors", &self.trust_anchors)
            .field("revoked_serials", &self.revoked_serials)
            .field(
                "security_code_key",
                &self.security_code_key.as_ref().map(|_| "[redacted]"),
            )
            .field("registration_delay_secs", &self.registration_delay_secs)
            .field("session_idle_timeout_secs", &self.session_idle_timeout_secs)
            .field("challenge_lifetime_secs", &self.challenge_lifetime_secs)
            .field("payment_services", &self.payment_services)
            .field("password_hash", &self.password_hash)
            .field("terminal_lock_after", &self.terminal_lock_after)
            .field("terminal_lock_secs", &self.terminal_lock_secs)
            .field(
                "admin_token",
                &self.admin_token.as_ref().map(|_| "[redacted]"),
            )
            .field("mail_spool", &self.mail_spool)
            .field("eligibility_seed", &self.eligibility_seed)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{0}")]
    Invalid(String),
}

impl Config {
    /// For embedded use and tests: any free port on 127.0.0.1, an in-memory
    /// database, no registration delay, a fresh key, cheap password hashes.
    pub fn ephemeral() -> Self {
        Config {
            listen: "127.0.0.1:0".parse().expect("valid address"),
            database: None,
            registration_delay_secs: 0,
            security_code_key: Some(SealingKey::generate().to_hex()),
            password_hash: PasswordHashCost::CHEAP,
            admin_token: Some(SealingKey::generate().to_hex()),
            ..Config::default()
        }
    }

    /// Applies the environment: [`ADMIN_TOKEN_ENV`] (when set and not
    /// empty) replaces the configured administrator token.
    pub fn apply_env(&mut self) {
        if let Some(token) = std::env::var(ADMIN_TOKEN_ENV)
            .ok()
            .filter(|t| !t.trim().is_empty())
        {
            self.admin_token = Some(token.trim().to_owned());
        }
    }

    pub fn from_toml(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        let rebase = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        if let Some(db) = config.database.as_mut() {
            rebase(db);
        }
        config.trust_anchors.iter_mut().for_each(rebase);
        if let Some(seed) = config.eligibility_seed.as_mut() {
            rebase(seed);
        }
        if let Some(p) = config.payment_services.as_mut() {
            rebase(p);
        }
        if let Some(p) = config.mail_spool.as_mut() {
            rebase(p);
        }
        Ok(config)
    }

    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Config::from_toml(&text, path)
    }

    /// Writes the commented default configuration; refuses to overwrite.
    pub fn write_default(path: &Path) -> Result<(), ConfigError> {
        let write = |source| ConfigError::Write {
            path: path.to_owned(),
            source,
        };
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(write)?;
        file.write_all(DEFAULT_CONFIG_TOML.as_bytes())
            .map_err(write)
    }

    /// The security-code key. When absent it is generated and saved: at the
    /// top of `config_file` when there is one, else in `<database>.key`
    /// (both owner-only); with neither (in-memory database) it lives only as
    /// long as the process.
    pub fn ensure_security_code_key(
        &mut self,
        config_file: Option<&Path>,
    ) -> Result<SealingKey, ConfigError> {
        if let Some(hex_key) = &self.security_code_key {
            return SealingKey::from_hex(hex_key)
                .map_err(|e| ConfigError::Invalid(format!("security_code_key: {e}")));
        }
        let key_file = self
            .database
            .as_ref()
            .map(|db| PathBuf::from(format!("{}.key", db.display())));
        if config_file.is_none() {
            if let Some(path) = key_file.as_ref().filter(|p| p.exists()) {
                let text = fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                let key = SealingKey::from_hex(&text)
                    .map_err(|e| ConfigError::Invalid(format!("{}: {e}", path.display())))?;
                self.security_code_key = Some(key.to_hex());
                return Ok(key);
            }
        }
        let key = SealingKey::generate();
        match (config_file, key_file) {
            (Some(path), _) => {
                let old = fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_owned(),
                    source,
                })?;
                // A top-level key must come before any [table] header.
                let new = format!(
                    "# Generated on first start: the AES-256-GCM key of stored security codes.\n\
                     security_code_key = \"{}\"\n\n{old}",
                    key.to_hex()
                );
                write_private(path, &new)?;
            }
            (None, Some(path)) => write_private(&path, &key.to_hex())?,
            (None, None) => {}
        }
        self.security_code_key = Some(key.to_hex());
        Ok(key)
    }
}

fn write_private(path: &Path, text: &str) -> Result<(), ConfigError> {
    let err = |source| ConfigError::Write {
        path: path.to_owned(),
        source,
    };
    let tmp = PathBuf::from(format!("{}.tmp", path.display()));
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp).map_err(err)?;
    file.write_all(text.as_bytes()).map_err(err)?;
    file.sync_all().map_err(err)?;
    fs::rename(&tmp, path).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_commented_default_parses_to_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("platform.toml");
        Config::write_default(&path).unwrap();
        assert!(Config::write_default(&path).is_err(), "never overwrites");
        let config = Config::load(&path).unwrap();
        let default = Config::default();
        assert_eq!(config.listen, default.listen);
        assert_eq!(config.database, Some(dir.path().join(DEFAULT_DATABASE)));
        assert_eq!(config.password_hash, default.password_hash);
        assert_eq!(config.registration_delay_secs, 86_400);
        assert_eq!(config.terminal_lock_after, 5);
        assert_eq!(config.terminal_lock_secs, 900);
        assert!(config.admin_token.is_none());
        assert!(config.security_code_key.is_none());
    }

    #[test]
    fn a_missing_key_is_generated_once_and_saved_in_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("platform.toml");
        Config::write_default(&path).unwrap();
        let mut config = Config::load(&path).unwrap();
        let key = config.ensure_security_code_key(Some(&path)).unwrap();
        let mut again = Config::load(&path).unwrap();
        assert_eq!(again.security_code_key, Some(key.to_hex()));
        assert_eq!(
            again
                .ensure_security_code_key(Some(&path))
                .unwrap()
                .key_id(),
            key.key_id()
        );
        assert_eq!(again.password_hash, PasswordHashCost::default());
        assert!(!format!("{again:?}").contains(&key.to_hex()));
    }

    #[test]
    fn without_a_config_file_the_key_lives_next_to_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config {
            database: Some(dir.path().join("db.sqlite3")),
            ..Config::default()
        };
        let key = config.ensure_security_code_key(None).unwrap();
        let mut second = Config {
            database: Some(dir.path().join("db.sqlite3")),
            ..Config::default()
        };
        assert_eq!(
            second.ensure_security_code_key(None).unwrap().key_id(),
            key.key_id()
        );
    }

    #[test]
    fn unknown_settings_are_refused() {
        let err = Config::from_toml("listn = \"1.2.3.4:5\"", Path::new("x.toml"));
        assert!(matches!(err, Err(ConfigError::Parse { .. })));
    }
}
