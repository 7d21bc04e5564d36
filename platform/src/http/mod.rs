//! HTTP: the shared state, the router built from the route table, and the
//! JSON fallbacks.

pub mod extract;
pub mod idempotency;
pub mod routes;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Json, Router};
use mynapoint_contract::Health;

use crate::auth::certificate::TrustStore;
use crate::auth::challenges::Challenges;
use crate::auth::sessions::Sessions;
use crate::catalogue::Catalogue;
use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::SealingKey;
use crate::error::{ApiError, ErrorCode};
use crate::store::Store;

/// Everything a request handler may use.
pub struct Platform {
    pub config: Config,
    pub clock: Arc<dyn Clock>,
    pub store: Mutex<Store>,
    pub trust: TrustStore,
    pub sealing_key: SealingKey,
    pub catalogue: Catalogue,
    pub challenges: Mutex<Challenges>,
    pub sessions: Mutex<Sessions>,
    pub in_flight: Mutex<HashSet<String>>,
}

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
