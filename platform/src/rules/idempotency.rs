//! Idempotent writes: the same `Idempotency-Key` and request get the stored
//! answer and change nothing; the same key with another request is refused;
//! only successful answers are stored (sealed: a body can hold what only its
//! person may read). Keys are scoped to the person of the session (or
//! "anonymous"). The HTTP layer's middleware (`http::idempotency`) applies
//! these around a route.

use super::error::{ApiError, ApiResult, ErrorCode};
use super::Platform;
use crate::crypto::sha256;
use crate::store::StoredResponse;

/// Stored answers are kept this long (seconds).
const KEEP_SECS: i64 = 7 * 24 * 3600;

/// One key of one scope, with the keyed hash of its request.
pub struct KeyedRequest {
    scope: String,
    key: String,
    request_hash: Vec<u8>,
}

impl KeyedRequest {
    /// `key` for the bearer `token`'s person (or "anonymous"), over the
    /// request's method, path and body (hashed with a server key: a body
    /// holds security codes).
    pub fn new(
        app: &Platform,
        token: Option<&str>,
        key: &str,
        method: &str,
        path: &str,
        body: &[u8],
    ) -> Self {
        let now = app.clock.now();
        let idle = app.config.session_idle_timeout_secs as i64;
        let scope = {
            let sessions = app.sessions.lock().expect("lock");
            match token.and_then(|t| sessions.peek(t, now, idle)) {
                Some(s) => {
                    hex::encode(sha256(format!("{}\n{}", s.issuer, s.subject_cn).as_bytes()))
                }
                None => "anonymous".to_owned(),
            }
        };
        let mut hashed = format!("{method}\n{path}\n").into_bytes();
        hashed.extend_from_slice(body);
        KeyedRequest {
            scope,
            key: key.to_owned(),
            request_hash: app.sealing_key.keyed_hash("idempotency", &hashed).to_vec(),
        }
    }

    fn aad(&self) -> String {
        format!("idempotency\n{}\n{}", self.scope, self.key)
    }

    /// The stored answer (status, body) of this key, if any; a stored answer
    /// of another request is refused (`idempotency_key_reused`).
    pub fn stored(&self, app: &Platform) -> ApiResult<Option<(u16, Vec<u8>)>> {
        let stored = app
            .store
            .lock()
            .expect("lock")
            .stored_response(&self.scope, &self.key)?;
        let Some(stored) = stored else {
            return Ok(None);
        };
        if stored.request_hash != self.request_hash {
            return Err(ApiError::new(
                ErrorCode::IdempotencyKeyReused,
                "This Idempotency-Key was used with another request.",
            )
            .field("Idempotency-Key"));
        }
        let body = app
            .sealing_key
            .open(
                &stored.body_nonce,
                &stored.body_sealed,
                self.aad().as_bytes(),
            )
            .map_err(ApiError::internal)?;
        Ok(Some((stored.status, body)))
    }

    /// Marks the key as being processed until the guard drops; a second
    /// request with it meanwhile is refused (`idempotency_in_progress`).
    pub fn begin<'a>(&self, app: &'a Platform) -> ApiResult<InFlight<'a>> {
        let id = format!("{}/{}", self.scope, self.key);
        if !app.in_flight.lock().expect("lock").insert(id.clone()) {
            return Err(ApiError::new(
                ErrorCode::IdempotencyInProgress,
                "A request with this Idempotency-Key is still being processed.",
            ));
        }
        Ok(InFlight { app, id })
    }

    /// Stores a successful answer (status, body) for the key.
    pub fn remember(&self, app: &Platform, status: u16, body: &[u8]) -> ApiResult<()> {
        let now = app.clock.now();
        let (body_nonce, body_sealed) = app.sealing_key.seal(body, self.aad().as_bytes());
        app.store.lock().expect("lock").store_response(
            &self.scope,
            &self.key,
            &StoredResponse {
                request_hash: self.request_hash.clone(),
                status,
                body_nonce,
                body_sealed,
            },
            now,
            now - KEEP_SECS,
        )?;
        Ok(())
    }
}

/// Removes the key from the in-flight set when the request ends.
pub struct InFlight<'a> {
    app: &'a Platform,
    id: String,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.app.in_flight.lock().expect("lock").remove(&self.id);
    }
}
