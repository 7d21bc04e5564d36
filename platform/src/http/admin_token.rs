//! The administrator of `/v1/admin/...`: the request's bearer token must be
//! the configuration's `admin_token` (compared as SHA-256 digests, in
//! constant time). No token configured: administration is off.
//!
//! A minimal check for the eligibility facts (issue 11); the field app's
//! administration (issue 8) may replace it with its own.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};

use super::extract::bearer;
use super::AppState;
use crate::rules::error::{ApiError, ApiResult, ErrorCode};

/// A request made with the administrator token.
#[derive(Debug)]
pub struct Administrator;

/// Whether `given` is `expected`, without an early exit on the first
/// differing byte.
fn same_token(given: &str, expected: &str) -> bool {
    let a = Sha256::digest(given.as_bytes());
    let b = Sha256::digest(expected.as_bytes());
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

impl FromRequestParts<AppState> for Administrator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> ApiResult<Self> {
        let Some(expected) = app.config.admin_token.as_deref().filter(|t| !t.is_empty()) else {
            return Err(ApiError::new(
                ErrorCode::Unauthenticated,
                "Administration is off: the configuration has no admin_token.",
            ));
        };
        match bearer(parts) {
            Some(given) if same_token(given, expected) => Ok(Administrator),
            _ => Err(ApiError::new(
                ErrorCode::Unauthenticated,
                "The administrator token is missing or wrong.",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_compare_whole() {
        assert!(super::same_token("abc", "abc"));
        assert!(!super::same_token("abd", "abc"));
        assert!(!super::same_token("", "abc"));
    }
}
