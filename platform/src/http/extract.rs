//! What a handler takes from a request: the JSON body (read by the rules
//! field by field, [`JsonBody`]) and the card session of the bearer token
//! ([`Auth`]).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;

use super::AppState;
use crate::rules::card_login::Auth;
use crate::rules::error::{ApiError, ApiResult, ErrorCode};
use crate::rules::fields::JsonBody;

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> ApiResult<Self> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidJson,
                format!("The body could not be read: {e}."),
            )
        })?;
        JsonBody::parse(&bytes)
    }
}

/// The bearer token of a request, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> ApiResult<Self> {
        Auth::authenticate(app, bearer(parts))
    }
}

impl FromRequestParts<AppState> for crate::rules::field::terminal::TerminalAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> ApiResult<Self> {
        crate::rules::field::terminal::TerminalAuth::authenticate(app, bearer(parts))
    }
}
