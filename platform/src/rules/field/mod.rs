//! The field point-grant app (seed 003 §V; `shared/domain.md`, "Field
//! point-grant app"): what a municipal terminal and the administrator may
//! do, as plain functions over [`Platform`].
//!
//! | module | rules |
//! |---|---|
//! | [`terminal`] | terminal login: 8-digit ID + password (argon2), first login registers the device (P-256 key, fingerprint), another device refused until re-registered, wrong passwords counted and the terminal locked; terminal tokens (in memory, apart from card sessions) |
//! | [`roster`] | the roster sync (versions, tombstones, salted person digests), roster writes and removals by the administrator |
//! | [`taps`] | the signed upload: the device signature over the body bytes, each tap's checks and its outcome, once per tap ID |
//! | [`grant`] | a grant (once per person and project), its expiry, the e-mail to a person who opted in; granting waiting taps |
//! | [`registration`] | the not-on-roster list (screen 78) and add-registration (screen 79) |
//! | [`admin`] | the administrator token; municipalities, projects, terminals, participant master, grant history and balances, outbox |
//! | [`mail`] | the mailer that drains the outbox |
//!
//! A roster My Key ID must be an active, issued My Key ID: the platform
//! knows the person (issuer + subject CN of the certificate) only through
//! it, and a roster entry without a person could never match a card. Such a
//! row is refused (`my_key_id_not_issued`, `field` naming the row).

pub mod admin;
pub mod grant;
pub mod mail;
pub mod registration;
pub mod roster;
pub mod taps;
pub mod terminal;

use mynapoint_contract::grant::check_project_id;

use super::error::{ApiError, ApiResult, ErrorCode};
use super::Platform;
use crate::store::field::ProjectRecord;
use terminal::TerminalAuth;

/// The project `project_id` (path parameter) as the terminal may see it:
/// its format, its existence, the terminal's municipality.
pub fn terminal_project(
    app: &Platform,
    auth: &TerminalAuth,
    project_id: &str,
) -> ApiResult<ProjectRecord> {
    let project = project_of(app, project_id)?;
    if project.municipality_code != auth.municipality_code {
        return Err(ApiError::new(
            ErrorCode::ProjectOtherMunicipality,
            "The project belongs to another municipality than the terminal's.",
        )
        .field("project_id"));
    }
    Ok(project)
}

/// The project `project_id`: its format and its existence.
pub fn project_of(app: &Platform, project_id: &str) -> ApiResult<ProjectRecord> {
    check_project_id(project_id).map_err(|p| {
        ApiError::refused_field(
            ErrorCode::ProjectIdFormat,
            "project_id",
            "A project ID is exactly 4 half-width digits.",
            p,
        )
    })?;
    let store = app.store.lock().expect("lock");
    store
        .read(|c| crate::store::field::project(c, project_id))?
        .ok_or_else(|| {
            ApiError::new(ErrorCode::ProjectUnknown, "No grant project with this ID.")
                .field("project_id")
        })
}
