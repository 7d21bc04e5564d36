//! `/v1/applications…`: My Number Points applications (rules in
//! `rules::applications`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use mynapoint_contract::{Application, ContentToSign};

use super::AppState;
use crate::rules::applications;
use crate::rules::card_login::Auth;
use crate::rules::error::ApiResult;
use crate::rules::fields::JsonBody;

/// `POST /v1/applications/content-to-sign`
pub async fn content_to_sign(
    State(app): State<AppState>,
    auth: Auth,
    body: JsonBody,
) -> ApiResult<Json<ContentToSign>> {
    applications::content_to_sign(&app, &auth, &body).map(Json)
}

/// `POST /v1/applications`
pub async fn submit(
    State(app): State<AppState>,
    auth: Auth,
    body: JsonBody,
) -> ApiResult<(StatusCode, Json<Application>)> {
    let application = applications::submit(&app, &auth, &body)?;
    Ok((StatusCode::CREATED, Json(application)))
}

/// `GET /v1/applications/mine`
pub async fn mine(State(app): State<AppState>, auth: Auth) -> ApiResult<Json<Application>> {
    applications::mine(&app, &auth).map(Json)
}

/// `GET /v1/applications/eligibility`
pub async fn eligibility(
    State(app): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<mynapoint_contract::Eligibility>> {
    crate::rules::eligibility::eligibility(&app, &auth).map(Json)
}

/// `POST /v1/applications/categories/content-to-sign`
pub async fn categories_content_to_sign(
    State(app): State<AppState>,
    auth: Auth,
    body: JsonBody,
) -> ApiResult<Json<ContentToSign>> {
    applications::categories_content_to_sign(&app, &auth, &body).map(Json)
}

/// `POST /v1/applications/categories`
pub async fn add_categories(
    State(app): State<AppState>,
    auth: Auth,
    body: JsonBody,
) -> ApiResult<Json<Application>> {
    applications::add_categories(&app, &auth, &body).map(Json)
}

/// `PUT /v1/admin/persons/eligibility` (administrator token)
pub async fn set_eligibility(
    State(app): State<AppState>,
    _admin: super::admin::Admin,
    body: axum::body::Bytes,
) -> ApiResult<Json<mynapoint_contract::PersonEligibility>> {
    crate::rules::eligibility::set_facts(&app, &body).map(Json)
}
