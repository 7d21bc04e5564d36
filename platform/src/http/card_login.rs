//! `/v1/auth/…`: card login (rules in `rules::card_login`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use mynapoint_contract::{Challenge, LoginResponse};

use super::AppState;
use crate::rules::card_login;
use crate::rules::error::ApiResult;
use crate::rules::fields::JsonBody;

/// `POST /v1/auth/challenge`
pub async fn challenge(State(app): State<AppState>) -> (StatusCode, Json<Challenge>) {
    (StatusCode::CREATED, Json(card_login::challenge(&app)))
}

/// `POST /v1/auth/login`
pub async fn login(State(app): State<AppState>, body: JsonBody) -> ApiResult<Json<LoginResponse>> {
    card_login::login(&app, &body).map(Json)
}
