//! `/v1/admin/...`: administration behind the administrator token (rules in
//! `rules::field::admin`, `rules::field::roster`, `rules::field::registration`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use mynapoint_contract::grant::admin::{
    GrantHistory, MailDrain, Outbox, ParticipantWrite, RosterWrite, TerminalInfo,
};
use mynapoint_contract::grant::{GrantProject, Municipality};

use super::AppState;
use crate::rules::error::ApiResult;
use crate::rules::field::{admin, mail, registration, roster};
use crate::rules::fields::JsonBody;

/// The administrator, authenticated by the bearer token.
pub struct Admin;

impl axum::extract::FromRequestParts<AppState> for Admin {
    type Rejection = crate::rules::error::ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        app: &AppState,
    ) -> ApiResult<Self> {
        admin::authenticate(app, super::extract::bearer(parts)).map(|()| Admin)
    }
}

/// `POST /v1/admin/municipalities`
pub async fn add_municipality(
    State(app): State<AppState>,
    _: Admin,
    body: JsonBody,
) -> ApiResult<(StatusCode, Json<Municipality>)> {
    admin::add_municipality(&app, &body).map(|m| (StatusCode::CREATED, Json(m)))
}

/// `POST /v1/admin/projects`
pub async fn add_project(
    State(app): State<AppState>,
    _: Admin,
    body: JsonBody,
) -> ApiResult<(StatusCode, Json<GrantProject>)> {
    admin::add_project(&app, &body).map(|p| (StatusCode::CREATED, Json(p)))
}

/// `PUT /v1/admin/projects/{project_id}/open`
pub async fn set_open(
    State(app): State<AppState>,
    _: Admin,
    Path(project_id): Path<String>,
    body: JsonBody,
) -> ApiResult<Json<GrantProject>> {
    admin::set_open(&app, &project_id, &body).map(Json)
}

/// `POST /v1/admin/terminals`
pub async fn add_terminal(
    State(app): State<AppState>,
    _: Admin,
    body: JsonBody,
) -> ApiResult<(StatusCode, Json<TerminalInfo>)> {
    let info = admin::add_terminal(&app, &body).await?;
    Ok((StatusCode::CREATED, Json(info)))
}

/// `POST /v1/admin/terminals/{terminal_id}/re-register`
pub async fn re_register(
    State(app): State<AppState>,
    _: Admin,
    Path(terminal_id): Path<String>,
) -> ApiResult<Json<TerminalInfo>> {
    admin::re_register(&app, &terminal_id).map(Json)
}

/// `POST /v1/admin/projects/{project_id}/roster`
pub async fn write_roster(
    State(app): State<AppState>,
    _: Admin,
    Path(project_id): Path<String>,
    body: JsonBody,
) -> ApiResult<Json<RosterWrite>> {
    roster::write(&app, &project_id, &body).map(Json)
}

/// `DELETE /v1/admin/projects/{project_id}/roster/{my_key_id}`
pub async fn remove_from_roster(
    State(app): State<AppState>,
    _: Admin,
    Path((project_id, my_key_id)): Path<(String, String)>,
) -> ApiResult<Json<RosterWrite>> {
    roster::remove(&app, &project_id, &my_key_id).map(Json)
}

/// `PUT /v1/admin/participants`
pub async fn write_participants(
    State(app): State<AppState>,
    _: Admin,
    body: JsonBody,
) -> ApiResult<Json<ParticipantWrite>> {
    registration::write_participants(&app, &body).map(|written| Json(ParticipantWrite { written }))
}

/// `GET /v1/admin/grants/{my_key_id}`
pub async fn grants(
    State(app): State<AppState>,
    _: Admin,
    Path(my_key_id): Path<String>,
) -> ApiResult<Json<GrantHistory>> {
    admin::history(&app, &my_key_id).map(Json)
}

/// `GET /v1/admin/outbox`
pub async fn outbox(State(app): State<AppState>, _: Admin) -> ApiResult<Json<Outbox>> {
    admin::outbox(&app).map(Json)
}

/// `POST /v1/admin/outbox/drain`
pub async fn drain(State(app): State<AppState>, _: Admin) -> ApiResult<Json<MailDrain>> {
    let app2 = app.clone();
    tokio::task::spawn_blocking(move || mail::drain_configured(&app2))
        .await
        .map_err(crate::rules::error::ApiError::internal)?
        .map(|sent| Json(MailDrain { sent }))
}
