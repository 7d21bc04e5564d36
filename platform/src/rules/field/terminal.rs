//! Terminal login and the terminal's token.
//!
//! The first login of a terminal registers the device (its P-256 public key
//! and fingerprint); a later login from another device is refused
//! (`terminal_device_mismatch`) until the administrator re-registers the
//! terminal. Wrong passwords in a row are counted in the database; the
//! `terminal_lock_after`-th locks the terminal for `terminal_lock_secs`
//! (`terminal_locked`, no password checked while locked). Each refusal has
//! its own code. Tokens live in memory, apart from card-login sessions, and
//! end after `session_idle_timeout_secs` idle or when the terminal is
//! re-registered.

use std::collections::HashMap;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use mynapoint_contract::grant::{
    check_device_fingerprint, check_terminal_id, TerminalLoginResponse, DEVICE_PUBLIC_KEY_LEN,
};
use mynapoint_contract::{Secret, SessionToken};
use rand::RngCore;

use crate::clock::unix;
use crate::crypto::{sha256, verify_password};
use crate::rules::error::{ApiError, ApiResult, ErrorCode};
use crate::rules::fields::JsonBody;
use crate::rules::Platform;
use crate::store::field;

/// A terminal's live token.
#[derive(Debug, Clone)]
pub struct TerminalSession {
    pub terminal_id: String,
    pub municipality_code: String,
    pub last_seen: i64,
}

/// Terminal tokens, by SHA-256 of the token (the token itself is not kept).
#[derive(Default)]
pub struct TerminalSessions {
    by_token_hash: HashMap<[u8; 32], TerminalSession>,
}

impl TerminalSessions {
    fn create(&mut self, session: TerminalSession, now: i64, idle: i64) -> String {
        self.by_token_hash.retain(|_, s| now - s.last_seen <= idle);
        let mut token = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut token);
        let token = URL_SAFE_NO_PAD.encode(token);
        self.by_token_hash.insert(sha256(token.as_bytes()), session);
        token
    }

    /// Ends every token of the terminal (re-registration).
    pub fn end_terminal(&mut self, terminal_id: &str) {
        self.by_token_hash
            .retain(|_, s| s.terminal_id != terminal_id);
    }
}

/// An authenticated terminal request.
#[derive(Debug, Clone)]
pub struct TerminalAuth {
    pub terminal_id: String,
    pub municipality_code: String,
}

impl TerminalAuth {
    /// The terminal of the bearer `token` (idle timer restarted).
    pub fn authenticate(app: &Platform, token: Option<&str>) -> ApiResult<Self> {
        let token = token.ok_or_else(|| {
            ApiError::new(
                ErrorCode::Unauthenticated,
                "Log in with the terminal first (Authorization: Bearer <token>).",
            )
        })?;
        let now = app.clock.now();
        let idle = app.config.session_idle_timeout_secs as i64;
        let mut sessions = app.terminals.lock().expect("lock");
        let key = sha256(token.as_bytes());
        let session = sessions.by_token_hash.get_mut(&key).ok_or_else(|| {
            ApiError::new(
                ErrorCode::Unauthenticated,
                "Unknown terminal token: log in with the terminal again.",
            )
        })?;
        if now - session.last_seen > idle {
            sessions.by_token_hash.remove(&key);
            return Err(ApiError::new(
                ErrorCode::SessionExpired,
                "The terminal's session ended after being idle; log in again.",
            ));
        }
        session.last_seen = now;
        Ok(TerminalAuth {
            terminal_id: session.terminal_id.clone(),
            municipality_code: session.municipality_code.clone(),
        })
    }
}

/// Reads and checks a device public key (base64 of a SEC1 uncompressed P-256
/// point).
pub fn parse_device_key(text: &str, field: &str) -> ApiResult<Vec<u8>> {
    let bad = || {
        ApiError::new(
            ErrorCode::DeviceKeyFormat,
            format!(
                "`{field}` must be the base64 of a P-256 public key, SEC1 uncompressed ({DEVICE_PUBLIC_KEY_LEN} bytes)."
            ),
        )
        .field(field)
    };
    let bytes = STANDARD.decode(text.trim()).map_err(|_| bad())?;
    if bytes.len() != DEVICE_PUBLIC_KEY_LEN || bytes[0] != 4 {
        return Err(bad());
    }
    p256::PublicKey::from_sec1_bytes(&bytes).map_err(|_| bad())?;
    Ok(bytes)
}

/// `POST /v1/field/login`.
pub async fn login(app: &Platform, body: &JsonBody) -> ApiResult<TerminalLoginResponse> {
    let terminal_id = body.str("terminal_id")?.to_owned();
    check_terminal_id(&terminal_id).map_err(|p| {
        ApiError::refused_field(
            ErrorCode::TerminalIdFormat,
            "terminal_id",
            "A terminal ID is exactly 8 half-width digits.",
            p,
        )
    })?;
    let password = Secret::new(body.str("password")?);
    let device_key = parse_device_key(body.str("device_public_key")?, "device_public_key")?;
    let fingerprint = body.str("device_fingerprint")?.to_owned();
    check_device_fingerprint(&fingerprint).map_err(|p| {
        ApiError::refused_field(
            ErrorCode::DeviceFingerprintFormat,
            "device_fingerprint",
            "A device fingerprint is a SHA-256 as 64 lower-case hex digits.",
            p,
        )
    })?;

    let now = app.clock.now();
    let record = {
        let store = app.store.lock().expect("lock");
        store.read(|c| field::terminal(c, &terminal_id))?
    };
    let record = record.ok_or_else(|| {
        ApiError::new(ErrorCode::TerminalUnknown, "No terminal with this ID.").field("terminal_id")
    })?;
    if let Some(until) = record.locked_until.filter(|&until| until > now) {
        return Err(locked(until, now));
    }
    let hash = record.password_hash.clone();
    let good = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(ApiError::internal)?;
    if !good {
        let failed = record.failed_logins + 1;
        let limit = app.config.terminal_lock_after.max(1);
        let lock = (failed >= limit).then(|| now + app.config.terminal_lock_secs as i64);
        let stored_count = if lock.is_some() { 0 } else { failed };
        app.store
            .lock()
            .expect("lock")
            .write(|tx| field::set_login_failures(tx, &terminal_id, stored_count, lock))?;
        tracing::warn!(terminal = %terminal_id, failed, "wrong terminal password");
        return Err(match lock {
            Some(until) => locked(until, now),
            None => ApiError::new(
                ErrorCode::TerminalPasswordWrong,
                format!(
                    "Wrong terminal password; {} more wrong password(s) lock the terminal.",
                    limit - failed
                ),
            )
            .field("password"),
        });
    }
    let registered = match (&record.device_public_key, &record.device_fingerprint) {
        (Some(key), Some(fp)) => {
            if *key != device_key || *fp != fingerprint {
                if record.failed_logins > 0 {
                    app.store
                        .lock()
                        .expect("lock")
                        .write(|tx| field::set_login_failures(tx, &terminal_id, 0, None))?;
                }
                return Err(ApiError::new(
                    ErrorCode::TerminalDeviceMismatch,
                    "The terminal is registered to another device; the administrator must re-register it.",
                )
                .field("device_public_key"));
            }
            false
        }
        _ => true,
    };
    let (municipality, projects) = {
        let mut store = app.store.lock().expect("lock");
        store.write(|tx| {
            if registered {
                field::register_device(tx, &terminal_id, &device_key, &fingerprint, now)
            } else {
                field::set_login_failures(tx, &terminal_id, 0, None)
            }
        })?;
        let municipality = store
            .read(|c| field::municipality(c, &record.municipality_code))?
            .ok_or_else(|| ApiError::internal("a terminal without its municipality"))?;
        let projects = store.read(|c| field::projects_of(c, &record.municipality_code))?;
        (municipality, projects)
    };
    let idle = app.config.session_idle_timeout_secs as i64;
    let token = app.terminals.lock().expect("lock").create(
        TerminalSession {
            terminal_id: terminal_id.clone(),
            municipality_code: record.municipality_code.clone(),
            last_seen: now,
        },
        now,
        idle,
    );
    tracing::info!(terminal = %terminal_id, device_registered = registered, "terminal login");
    Ok(TerminalLoginResponse {
        token: SessionToken::new(token),
        expires_at: unix(now + idle),
        terminal_id,
        device_registered: registered,
        municipality,
        projects,
    })
}

fn locked(until: i64, now: i64) -> ApiError {
    ApiError::new(
        ErrorCode::TerminalLocked,
        format!(
            "The terminal is locked after repeated wrong passwords; try again in {} seconds (at {until}).",
            until - now
        ),
    )
}

/// `GET /v1/field/projects`: the terminal's municipality and its projects.
pub fn projects(
    app: &Platform,
    auth: &TerminalAuth,
) -> ApiResult<mynapoint_contract::grant::ProjectList> {
    let store = app.store.lock().expect("lock");
    let municipality = store
        .read(|c| field::municipality(c, &auth.municipality_code))?
        .ok_or_else(|| ApiError::internal("a terminal without its municipality"))?;
    let projects = store.read(|c| field::projects_of(c, &auth.municipality_code))?;
    Ok(mynapoint_contract::grant::ProjectList {
        municipality,
        projects,
    })
}
