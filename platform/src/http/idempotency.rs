//! `Idempotency-Key`: the same key and body get the stored response (status
//! and body) and change nothing; the same key with another body is refused.
//! Only successful (2xx) responses are stored, so a refused request leaves no
//! trace and may be retried. Keys are scoped to the person (or "anonymous").
//! Card login (`/v1/auth/…`) is not replayed (its answer holds a session
//! token), but a malformed key is refused there too.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use mynapoint_contract::IdempotencyKey;

use super::AppState;
use crate::auth::bearer;
use crate::crypto::sha256;
use crate::error::{ApiError, ErrorCode};
use crate::store::StoredResponse;

pub const HEADER: &str = "idempotency-key";
/// Stored responses are kept this long.
const KEEP_SECS: i64 = 7 * 24 * 3600;
const MAX_BODY: usize = 1 << 20;

/// Removes the key from the in-flight set when the request ends.
struct InFlight<'a> {
    app: &'a AppState,
    id: String,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.app.in_flight.lock().expect("lock").remove(&self.id);
    }
}

pub async fn layer(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let changes = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::DELETE | Method::PATCH
    );
    let Some(value) = request.headers().get(HEADER).filter(|_| changes).cloned() else {
        return next.run(request).await;
    };
    let Some(key) = value.to_str().ok().and_then(IdempotencyKey::parse) else {
        return ApiError::new(
            ErrorCode::IdempotencyKeyFormat,
            "Idempotency-Key must be a UUID (8-4-4-4-12 hex digits).",
        )
        .field("Idempotency-Key")
        .into_response();
    };
    // Card login is never replayed from storage: a stored answer would hand
    // the session token to whoever resends a captured request. A lost login
    // answer costs a new challenge, not a second session for someone else.
    // Its key is still checked, as everywhere.
    if request.uri().path().starts_with("/v1/auth/") {
        return next.run(request).await;
    }
    match handle(app, key, request, next).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn handle(
    app: AppState,
    key: IdempotencyKey,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let key = key.as_str();
    let (parts, body) = request.into_parts();
    let now = app.clock.now();
    let scope = {
        let idle = app.config.session_idle_timeout_secs as i64;
        let sessions = app.sessions.lock().expect("lock");
        match bearer(&parts).and_then(|t| sessions.peek(t, now, idle)) {
            Some(s) => hex::encode(sha256(format!("{}\n{}", s.issuer, s.subject_cn).as_bytes())),
            None => "anonymous".to_owned(),
        }
    };
    let bytes = to_bytes(body, MAX_BODY).await.map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidJson,
            format!("The body could not be read: {e}."),
        )
    })?;
    let mut hashed = format!("{}\n{}\n", parts.method, parts.uri.path()).into_bytes();
    hashed.extend_from_slice(&bytes);
    let request_hash = app.sealing_key.keyed_hash("idempotency", &hashed).to_vec();
    let aad = format!("idempotency\n{scope}\n{key}");

    let stored = app
        .store
        .lock()
        .expect("lock")
        .stored_response(&scope, key)?;
    if let Some(stored) = stored {
        return replay(&app, stored, &request_hash, &aad);
    }
    let in_flight_id = format!("{scope}/{key}");
    if !app
        .in_flight
        .lock()
        .expect("lock")
        .insert(in_flight_id.clone())
    {
        return Err(ApiError::new(
            ErrorCode::IdempotencyInProgress,
            "A request with this Idempotency-Key is still being processed.",
        ));
    }
    let _guard = InFlight {
        app: &app,
        id: in_flight_id,
    };

    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if !response.status().is_success() {
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let body = to_bytes(body, usize::MAX)
        .await
        .map_err(ApiError::internal)?;
    let (body_nonce, body_sealed) = app.sealing_key.seal(&body, aad.as_bytes());
    app.store.lock().expect("lock").store_response(
        &scope,
        key,
        &StoredResponse {
            request_hash,
            status: parts.status.as_u16(),
            body_nonce,
            body_sealed,
        },
        now,
        now - KEEP_SECS,
    )?;
    Ok(Response::from_parts(parts, Body::from(body)))
}

fn replay(
    app: &AppState,
    stored: StoredResponse,
    request_hash: &[u8],
    aad: &str,
) -> Result<Response, ApiError> {
    if stored.request_hash != request_hash {
        return Err(ApiError::new(
            ErrorCode::IdempotencyKeyReused,
            "This Idempotency-Key was used with another request.",
        )
        .field("Idempotency-Key"));
    }
    let body = app
        .sealing_key
        .open(&stored.body_nonce, &stored.body_sealed, aad.as_bytes())
        .map_err(ApiError::internal)?;
    let status = StatusCode::from_u16(stored.status).map_err(ApiError::internal)?;
    Ok((
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}
