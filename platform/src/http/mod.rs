//! HTTP, the top layer: the router built from the route table
//! ([`routes`]), one module of thin handlers per domain concept (each reads
//! the request, calls its rule in `crate::rules`, and answers), the
//! extractors, the error answer, the idempotency middleware and the JSON
//! fallbacks. No rule is decided here.

pub mod admin;
pub mod answer;
pub mod applications;
pub mod card_login;
pub mod catalogue;
pub mod extract;
pub mod field;
pub mod idempotency;
pub mod my_key_id;
pub mod routes;

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Json, Router};
use mynapoint_contract::Health;

use crate::rules::error::{ApiError, ErrorCode};
use crate::rules::Platform;

/// The state every handler gets.
pub type AppState = Arc<Platform>;

/// `GET /v1/health`
pub async fn health() -> Json<Health> {
    Json(Health::ok())
}

async fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "No such endpoint.")
}

async fn method_not_allowed(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let response = next.run(request).await;
    if response.status() == StatusCode::METHOD_NOT_ALLOWED {
        return ApiError::new(
            ErrorCode::MethodNotAllowed,
            "This endpoint does not accept this method.",
        )
        .into_response();
    }
    response
}

pub fn router(app: AppState) -> Router {
    routes::api_router()
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            idempotency::layer,
        ))
        .layer(axum::middleware::from_fn(routes::check_declared))
        .layer(axum::middleware::from_fn(method_not_allowed))
        .with_state(app)
}
