//! `/v1/my-key-id…`: issue, change, revoke, candidates, own-choice checks
//! (rules in `rules::my_key_id`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use mynapoint_contract::{Candidate, CheckResult, MyKeyIdRecord, RevokeResult};

use super::AppState;
use crate::rules::card_login::Auth;
use crate::rules::error::ApiResult;
use crate::rules::fields::JsonBody;
use crate::rules::my_key_id;

/// `GET /v1/my-key-id`
pub async fn get(State(app): State<AppState>, auth: Auth) -> ApiResult<Json<MyKeyIdRecord>> {
    my_key_id::get(&app, &auth).map(Json)
}

/// `POST /v1/my-key-id/candidates`
pub async fn candidate(State(app): State<AppState>, auth: Auth) -> ApiResult<Json<Candidate>> {
    my_key_id::candidate(&app, &auth).map(Json)
}

/// `POST /v1/my-key-id/check`
pub async fn check(
    State(app): State<AppState>,
    auth: Auth,
    body: JsonBody,
) -> ApiResult<Json<CheckResult>> {
    my_key_id::check(&app, &auth, &body).map(Json)
}

/// `POST /v1/my-key-id`
pub async fn issue(
    State(app): State<AppState>,
    auth: Auth,
    body: JsonBody,
) -> ApiResult<(StatusCode, Json<MyKeyIdRecord>)> {
    let record = my_key_id::issue(&app, &auth, &body).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

/// `PUT /v1/my-key-id`
pub async fn change(
    State(app): State<AppState>,
    auth: Auth,
    body: JsonBody,
) -> ApiResult<Json<MyKeyIdRecord>> {
    my_key_id::change(&app, &auth, &body).map(Json)
}

/// `DELETE /v1/my-key-id`
pub async fn revoke(State(app): State<AppState>, auth: Auth) -> ApiResult<Json<RevokeResult>> {
    my_key_id::revoke(&app, &auth).map(Json)
}
