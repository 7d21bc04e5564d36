//! `/v1/field/...`: the field point-grant app's terminal routes (rules in
//! `rules::field`).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::Json;
use mynapoint_contract::grant::{
    AddRegistrationResponse, NotOnRosterList, ProjectList, RosterSync, TerminalLoginResponse,
    UploadResponse, DEVICE_SIGNATURE_HEADER,
};

use super::AppState;
use crate::rules::error::ApiResult;
use crate::rules::field::terminal::TerminalAuth;
use crate::rules::field::{registration, roster, taps, terminal};
use crate::rules::fields::JsonBody;

/// `POST /v1/field/login`
pub async fn login(
    State(app): State<AppState>,
    body: JsonBody,
) -> ApiResult<Json<TerminalLoginResponse>> {
    terminal::login(&app, &body).await.map(Json)
}

/// `GET /v1/field/projects`
pub async fn projects(
    State(app): State<AppState>,
    auth: TerminalAuth,
) -> ApiResult<Json<ProjectList>> {
    terminal::projects(&app, &auth).map(Json)
}

/// The value of `name` in a query string (`since=3&x=y`).
fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// `GET /v1/field/projects/{project_id}/roster?since=`
pub async fn roster_sync(
    State(app): State<AppState>,
    auth: TerminalAuth,
    Path(project_id): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<RosterSync>> {
    let since = query_value(query.as_deref(), "since");
    roster::sync(&app, &auth, &project_id, since.as_deref()).map(Json)
}

/// `POST /v1/field/taps` (the body's exact bytes are what the device signed)
pub async fn upload(
    State(app): State<AppState>,
    auth: TerminalAuth,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<UploadResponse>> {
    let signature = headers
        .get(DEVICE_SIGNATURE_HEADER)
        .map(|v| v.to_str().unwrap_or("\u{0}").to_owned());
    let app2 = app.clone();
    tokio::task::spawn_blocking(move || taps::upload(&app2, &auth, signature.as_deref(), &body))
        .await
        .map_err(crate::rules::error::ApiError::internal)?
        .map(Json)
}

/// `GET /v1/field/projects/{project_id}/not-on-roster`
pub async fn not_on_roster(
    State(app): State<AppState>,
    auth: TerminalAuth,
    Path(project_id): Path<String>,
) -> ApiResult<Json<NotOnRosterList>> {
    registration::not_on_roster(&app, &auth, &project_id).map(Json)
}

/// `POST /v1/field/projects/{project_id}/roster`
pub async fn add_registration(
    State(app): State<AppState>,
    auth: TerminalAuth,
    Path(project_id): Path<String>,
    body: JsonBody,
) -> ApiResult<Json<AddRegistrationResponse>> {
    registration::add_registration(&app, &auth, &project_id, &body).map(Json)
}
