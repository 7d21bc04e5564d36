//! The `Idempotency-Key` middleware: the header's form, the body read
//! whole, and the rules of `rules::idempotency` around the route (the same
//! key and body get the stored response and change nothing; the same key
//! with another body is refused; only 2xx responses are stored, so a refused
//! request leaves no trace and may be retried). Card login (`/v1/auth/…`) is
//! not replayed (its answer holds a session token), but a malformed key is
//! refused there too.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use mynapoint_contract::IdempotencyKey;

use super::extract::bearer;
use super::AppState;
use crate::rules::error::{ApiError, ErrorCode};
use crate::rules::idempotency::KeyedRequest;

pub const HEADER: &str = "idempotency-key";
const MAX_BODY: usize = 1 << 20;

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
    // The field app's writes are idempotent by their own IDs (tap IDs, a
    // grant once per person and project) and administration is keyed by no
    // person: neither is replayed from storage either.
    let path = request.uri().path();
    if ["/v1/auth/", "/v1/field/", "/v1/admin/"]
        .iter()
        .any(|prefix| path.starts_with(prefix))
    {
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
    let (parts, body) = request.into_parts();
    let token = bearer(&parts).map(str::to_owned);
    let bytes = to_bytes(body, MAX_BODY).await.map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidJson,
            format!("The body could not be read: {e}."),
        )
    })?;
    let keyed = KeyedRequest::new(
        &app,
        token.as_deref(),
        key.as_str(),
        parts.method.as_str(),
        parts.uri.path(),
        &bytes,
    );
    if let Some((status, body)) = keyed.stored(&app)? {
        let status = StatusCode::from_u16(status).map_err(ApiError::internal)?;
        return Ok((
            status,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response());
    }
    let _in_flight = keyed.begin(&app)?;
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
    keyed.remember(&app, parts.status.as_u16(), &body)?;
    Ok(Response::from_parts(parts, Body::from(body)))
}
