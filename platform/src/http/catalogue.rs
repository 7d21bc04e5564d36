//! `/v1/payment-services…`: the catalogue (rules in `rules::catalogue`).

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::Json;
use mynapoint_contract::{Service, ServiceList};
use serde::Deserialize;

use super::AppState;
use crate::rules::catalogue;
use crate::rules::error::{ApiError, ApiResult, ErrorCode};

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

/// `GET /v1/payment-services?q=`
pub async fn list(
    State(app): State<AppState>,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> ApiResult<Json<ServiceList>> {
    let Query(query) = query.map_err(|_| {
        ApiError::new(
            ErrorCode::FieldType,
            "The query takes one `q=<keyword>` (percent-encoded).",
        )
        .field("q")
    })?;
    Ok(Json(catalogue::search(
        &app,
        query.q.as_deref().unwrap_or(""),
    )))
}

/// `GET /v1/payment-services/{service_id}`
pub async fn get(
    State(app): State<AppState>,
    service_id: Result<Path<String>, PathRejection>,
) -> ApiResult<Json<Service>> {
    let Path(service_id) = service_id.map_err(|_| catalogue::not_found())?;
    catalogue::get(&app, &service_id).map(Json)
}
