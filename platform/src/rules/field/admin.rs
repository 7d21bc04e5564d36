//! Administration (`/v1/admin/...`) behind the administrator's bearer token
//! (`admin_token` in the configuration or `MYNAPOINT_ADMIN_TOKEN`; none:
//! every call is `unauthenticated`): municipalities and their point, grant
//! projects, terminals, the participant master, a person's grants and
//! balances, the outbox.

use mynapoint_contract::grant::admin::{Balance, GrantHistory, Outbox, TerminalInfo};
use mynapoint_contract::grant::{
    check_point_id, check_project_id, check_terminal_id, GrantProject, Municipality,
    ROSTER_SALT_LEN,
};
use mynapoint_contract::{check_municipality, Secret};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::project_of;
use crate::rules::error::{ApiError, ApiResult, ErrorCode};
use crate::rules::fields::JsonBody;
use crate::rules::Platform;
use crate::store::{field, grants, roster};

/// Checks the administrator's bearer token (compared by digest, in
/// constant time).
pub fn authenticate(app: &Platform, token: Option<&str>) -> ApiResult<()> {
    let unauthenticated = || {
        ApiError::new(
            ErrorCode::Unauthenticated,
            "Administration needs the administrator token (Authorization: Bearer <token>).",
        )
    };
    let expected = app.config.admin_token.as_deref().filter(|t| !t.is_empty());
    let (Some(expected), Some(given)) = (expected, token) else {
        return Err(unauthenticated());
    };
    let a = Sha256::digest(expected.as_bytes());
    let b = Sha256::digest(given.as_bytes());
    let differ = a
        .iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y));
    if differ == 0 {
        Ok(())
    } else {
        Err(unauthenticated())
    }
}

fn text(body: &JsonBody, field: &str) -> ApiResult<String> {
    let value = body.str(field)?.trim().to_owned();
    if value.is_empty() {
        return Err(ApiError::new(
            ErrorCode::FieldMissing,
            format!("`{field}` must not be empty."),
        )
        .field(field));
    }
    Ok(value)
}

fn municipality_code(body: &JsonBody, field: &str) -> ApiResult<String> {
    let code = body.str(field)?.to_owned();
    check_municipality(&code).map_err(|p| {
        ApiError::refused_field(
            ErrorCode::MunicipalityCode,
            field,
            "A municipality code is 6 digits (prefecture 01 to 47) with a valid check digit.",
            p,
        )
    })?;
    Ok(code)
}

fn existing_municipality(app: &Platform, code: &str) -> ApiResult<Municipality> {
    app.store
        .lock()
        .expect("lock")
        .read(|c| field::municipality(c, code))?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::MunicipalityUnknown,
                "No municipality with this code.",
            )
            .field("municipality_code")
        })
}

fn exists(what: &str, field: &str) -> ApiError {
    ApiError::new(ErrorCode::AlreadyExists, format!("{what} exists already.")).field(field)
}

/// `POST /v1/admin/municipalities`.
pub fn add_municipality(app: &Platform, body: &JsonBody) -> ApiResult<Municipality> {
    let m = Municipality {
        code: municipality_code(body, "code")?,
        name: text(body, "name")?,
        point_name: text(body, "point_name")?,
        expiry_days: body.u32_in("expiry_days", 1, 3650)?,
    };
    let now = app.clock.now();
    let inserted = app
        .store
        .lock()
        .expect("lock")
        .write(|tx| field::insert_municipality(tx, &m, now))?;
    if !inserted {
        return Err(exists("A municipality with this code", "code"));
    }
    Ok(m)
}

/// `POST /v1/admin/projects` (a new project is open).
pub fn add_project(app: &Platform, body: &JsonBody) -> ApiResult<GrantProject> {
    let code = municipality_code(body, "municipality_code")?;
    let project_id = body.str("project_id")?.to_owned();
    check_project_id(&project_id).map_err(|p| {
        ApiError::refused_field(
            ErrorCode::ProjectIdFormat,
            "project_id",
            "A project ID is exactly 4 half-width digits.",
            p,
        )
    })?;
    let point_id = body.str("point_id")?.to_owned();
    check_point_id(&point_id).map_err(|p| {
        ApiError::refused_field(
            ErrorCode::PointIdFormat,
            "point_id",
            "A point ID is exactly 8 half-width digits.",
            p,
        )
    })?;
    let project = GrantProject {
        project_id,
        point_id,
        name: text(body, "name")?,
        department: text(body, "department")?,
        points_per_grant: body.u32_in("points_per_grant", 1, 1_000_000)?,
        remarks: body.opt_str("remarks")?.unwrap_or_default().to_owned(),
        open: true,
    };
    existing_municipality(app, &code)?;
    let mut salt = [0u8; ROSTER_SALT_LEN];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let now = app.clock.now();
    let inserted = app
        .store
        .lock()
        .expect("lock")
        .write(|tx| field::insert_project(tx, &code, &project, &salt, now))?;
    if !inserted {
        return Err(exists("A project with this ID", "project_id"));
    }
    Ok(project)
}

/// `PUT /v1/admin/projects/{project_id}/open`.
pub fn set_open(app: &Platform, project_id: &str, body: &JsonBody) -> ApiResult<GrantProject> {
    let open = body.bool("open")?;
    let mut project = project_of(app, project_id)?.project;
    app.store
        .lock()
        .expect("lock")
        .write(|tx| field::set_open(tx, project_id, open))?;
    project.open = open;
    Ok(project)
}

fn terminal_info(app: &Platform, terminal_id: &str) -> ApiResult<TerminalInfo> {
    let record = app
        .store
        .lock()
        .expect("lock")
        .read(|c| field::terminal(c, terminal_id))?
        .ok_or_else(|| {
            ApiError::new(ErrorCode::TerminalUnknown, "No terminal with this ID.")
                .field("terminal_id")
                .status(404)
        })?;
    let now = app.clock.now();
    Ok(TerminalInfo {
        terminal_id: record.terminal_id,
        municipality_code: record.municipality_code,
        device_fingerprint: record.device_fingerprint,
        locked_until: record
            .locked_until
            .filter(|&t| t > now)
            .map(crate::clock::unix),
    })
}

/// `POST /v1/admin/terminals`: the password is stored as an Argon2id hash.
pub async fn add_terminal(app: &Platform, body: &JsonBody) -> ApiResult<TerminalInfo> {
    let terminal_id = body.str("terminal_id")?.to_owned();
    check_terminal_id(&terminal_id).map_err(|p| {
        ApiError::refused_field(
            ErrorCode::TerminalIdFormat,
            "terminal_id",
            "A terminal ID is exactly 8 half-width digits.",
            p,
        )
    })?;
    let code = municipality_code(body, "municipality_code")?;
    let password = Secret::new(body.str("password")?);
    let len = password.expose().chars().count();
    if !(8..=64).contains(&len) || !password.expose().chars().all(|c| c.is_ascii_graphic()) {
        return Err(ApiError::new(
            ErrorCode::PasswordFormat,
            "A terminal password is 8 to 64 half-width printable characters.",
        )
        .field("password"));
    }
    existing_municipality(app, &code)?;
    let cost = app.config.password_hash;
    let hash = tokio::task::spawn_blocking(move || cost.hash(&password))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let now = app.clock.now();
    let inserted = app
        .store
        .lock()
        .expect("lock")
        .write(|tx| field::insert_terminal(tx, &terminal_id, &code, &hash, now))?;
    if !inserted {
        return Err(exists("A terminal with this ID", "terminal_id"));
    }
    terminal_info(app, &terminal_id)
}

/// `POST /v1/admin/terminals/{terminal_id}/re-register`: forgets the
/// device (and the lock) and ends the terminal's tokens.
pub fn re_register(app: &Platform, terminal_id: &str) -> ApiResult<TerminalInfo> {
    check_terminal_id(terminal_id).map_err(|p| {
        ApiError::refused_field(
            ErrorCode::TerminalIdFormat,
            "terminal_id",
            "A terminal ID is exactly 8 half-width digits.",
            p,
        )
    })?;
    let found = app
        .store
        .lock()
        .expect("lock")
        .write(|tx| field::forget_device(tx, terminal_id))?;
    if !found {
        return Err(
            ApiError::new(ErrorCode::TerminalUnknown, "No terminal with this ID.")
                .field("terminal_id")
                .status(404),
        );
    }
    app.terminals
        .lock()
        .expect("lock")
        .end_terminal(terminal_id);
    tracing::info!(
        terminal = terminal_id,
        "terminal re-registered by the administrator"
    );
    terminal_info(app, terminal_id)
}

/// `GET /v1/admin/grants/{my_key_id}`: grants, and unexpired balances per
/// municipality.
pub fn history(app: &Platform, my_key_id: &str) -> ApiResult<GrantHistory> {
    super::registration::check_key(my_key_id)?;
    let now = app.clock.now();
    let store = app.store.lock().expect("lock");
    let person = store
        .read(|c| roster::active_person(c, my_key_id))?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::MyKeyIdNotIssued,
                "No active My Key ID with this value.",
            )
            .field("my_key_id")
        })?;
    let grants = store.read(|c| grants::of_person(c, person.person_id))?;
    let mut balances: Vec<Balance> = Vec::new();
    for g in grants.iter().filter(|g| g.expires_at as i64 > now) {
        match balances
            .iter_mut()
            .find(|b| b.municipality_code == g.municipality_code)
        {
            Some(b) => {
                b.points += g.points as u64;
                b.next_expiry = Some(b.next_expiry.map_or(g.expires_at, |e| e.min(g.expires_at)));
            }
            None => {
                let point_name = store
                    .read(|c| field::municipality(c, &g.municipality_code))?
                    .map(|m| m.point_name)
                    .unwrap_or_default();
                balances.push(Balance {
                    municipality_code: g.municipality_code.clone(),
                    point_name,
                    points: g.points as u64,
                    next_expiry: Some(g.expires_at),
                });
            }
        }
    }
    Ok(GrantHistory {
        my_key_id: my_key_id.to_owned(),
        grants,
        balances,
    })
}

/// `GET /v1/admin/outbox`.
pub fn outbox(app: &Platform) -> ApiResult<Outbox> {
    let mails = app
        .store
        .lock()
        .expect("lock")
        .read(|c| grants::outbox(c, false))?;
    Ok(Outbox { mails })
}
