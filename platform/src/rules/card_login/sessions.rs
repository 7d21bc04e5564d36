//! Sessions: an opaque bearer token, bound to one certificate, ending after
//! an idle time. In memory: a restart logs everyone out.

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use rsa::RsaPublicKey;

use crate::crypto::sha256;
use crate::rules::error::{ApiError, ApiResult, ErrorCode};

/// Who is logged in and what this session has been offered so far.
#[derive(Clone)]
pub struct Session {
    /// The server's id of the session, part of the content an application signs.
    pub id: String,
    pub issuer: String,
    pub subject_cn: String,
    pub certificate_serial: String,
    pub certificate_not_after: i64,
    pub public_key: RsaPublicKey,
    pub last_seen: i64,
    /// Auto-generated My Key ID candidates offered in this session (≤ 3).
    pub candidates: Vec<String>,
    /// Own-choice duplicate checks made in this session (≤ 3).
    pub checks_used: u8,
    pub checked_available: Vec<String>,
    /// A My Key ID was issued or changed in this session: choosing another
    /// one needs a new card login (card + PIN again).
    pub my_key_id_chosen: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("certificate_serial", &self.certificate_serial)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
pub struct Sessions {
    /// Keyed by SHA-256 of the token: the token itself is not kept.
    by_token_hash: HashMap<[u8; 32], Session>,
}

pub fn unauthenticated() -> ApiError {
    ApiError::new(
        ErrorCode::Unauthenticated,
        "Log in with the card first (Authorization: Bearer <session_token>).",
    )
}

impl Sessions {
    /// Starts a session; returns its token.
    pub fn create(&mut self, session: Session, now: i64, idle: i64) -> String {
        self.by_token_hash.retain(|_, s| now - s.last_seen <= idle);
        let mut token = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut token);
        let token = URL_SAFE_NO_PAD.encode(token);
        self.by_token_hash.insert(sha256(token.as_bytes()), session);
        token
    }

    /// The live session of `token`, its idle timer restarted.
    pub fn touch(&mut self, token: &str, now: i64, idle: i64) -> ApiResult<&mut Session> {
        let key = sha256(token.as_bytes());
        let expired = match self.by_token_hash.get(&key) {
            None => return Err(unauthenticated()),
            Some(s) => now - s.last_seen > idle,
        };
        if expired {
            self.by_token_hash.remove(&key);
            return Err(ApiError::new(
                ErrorCode::SessionExpired,
                "The session ended after being idle; log in with the card again.",
            ));
        }
        let session = self.by_token_hash.get_mut(&key).expect("checked above");
        if now > session.certificate_not_after {
            return Err(ApiError::new(
                ErrorCode::CertificateExpired,
                "The session's certificate has expired.",
            ));
        }
        session.last_seen = now;
        Ok(session)
    }

    /// The live session of `token` without restarting its idle timer.
    pub fn peek(&self, token: &str, now: i64, idle: i64) -> Option<&Session> {
        self.by_token_hash
            .get(&sha256(token.as_bytes()))
            .filter(|s| now - s.last_seen <= idle)
    }

    pub fn end(&mut self, token: &str) {
        self.by_token_hash.remove(&sha256(token.as_bytes()));
    }
}
