//! The roster: the sync a terminal asks for, and the administrator's
//! writes.
//!
//! Sync (`GET /v1/field/projects/{id}/roster?since=V`): `since=0`, or a
//! version beyond the project's (a device that synced another database),
//! answers the whole roster (`full`); otherwise the entries changed after
//! `since`, removals included (removed entries are kept as tombstones with
//! the version of their removal, so no version is ever too old). Digests
//! are made at write time from the person's identity under the project's
//! salt ([`mynapoint_contract::grant::person_digest`]).
//!
//! A write takes one new version for all its rows and is all or nothing: a
//! bad row refuses the whole write with `field` = `rows[i].…`. A row's
//! person is known through an active My Key ID (otherwise
//! `my_key_id_not_issued`). Waiting taps of the added persons are granted
//! while the project is open.

use mynapoint_contract::check_my_key_id;
use mynapoint_contract::grant::admin::RosterWrite;
use mynapoint_contract::grant::{person_digest, RosterEntry, RosterSync, ROSTER_SALT_LEN};
use serde_json::Value;

use super::grant::grant_waiting;
use super::terminal::TerminalAuth;
use super::{project_of, terminal_project};
use crate::rules::error::{ApiError, ApiResult, ErrorCode};
use crate::rules::fields::JsonBody;
use crate::rules::Platform;
use crate::store::field::{self, ProjectRecord};
use crate::store::roster::{self, KeyedPerson};

/// The project's digest of a person.
pub fn digest_of(project: &ProjectRecord, person: &KeyedPerson) -> Vec<u8> {
    let mut salt = [0u8; ROSTER_SALT_LEN];
    salt.copy_from_slice(&project.roster_salt);
    person_digest(&salt, &person.issuer, &person.subject_cn).to_vec()
}

/// `GET /v1/field/projects/{project_id}/roster?since=`.
pub fn sync(
    app: &Platform,
    auth: &TerminalAuth,
    project_id: &str,
    since: Option<&str>,
) -> ApiResult<RosterSync> {
    let since = match since {
        None | Some("") => 0,
        Some(text) => text.parse::<u64>().map_err(|_| {
            ApiError::new(
                ErrorCode::FieldType,
                "`since` must be a roster version (a whole number, 0 for everything).",
            )
            .field("since")
        })?,
    };
    let project = terminal_project(app, auth, project_id)?;
    let version = project.roster_version.max(0) as u64;
    let full = since == 0 || since > version;
    let store = app.store.lock().expect("lock");
    let stored = store.read(|c| roster::entries(c, project_id, (!full).then_some(since as i64)))?;
    Ok(RosterSync {
        project_id: project_id.to_owned(),
        version,
        full,
        salt: project.roster_salt.clone(),
        entries: stored
            .into_iter()
            .map(|e| RosterEntry {
                my_key_id: e.my_key_id,
                person_digest: e.person_digest,
                points: e.points,
                removed: e.removed,
            })
            .collect(),
    })
}

fn row_error(code: ErrorCode, message: impl Into<String>, field: String) -> ApiError {
    ApiError::new(code, message).field(field)
}

/// `POST /v1/admin/projects/{project_id}/roster`.
pub fn write(app: &Platform, project_id: &str, body: &JsonBody) -> ApiResult<RosterWrite> {
    let project = project_of(app, project_id)?;
    let rows = body.array("rows")?;
    if rows.is_empty() {
        return Err(row_error(
            ErrorCode::RosterRowFormat,
            "A roster write needs at least one row.",
            "rows".into(),
        ));
    }
    let now = app.clock.now();
    let mut store = app.store.lock().expect("lock");
    let municipality = store
        .read(|c| field::municipality(c, &project.municipality_code))?
        .ok_or_else(|| ApiError::internal("a project without its municipality"))?;
    let mut parsed = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let Value::Object(row) = row else {
            return Err(row_error(
                ErrorCode::RosterRowFormat,
                "A roster row is an object {my_key_id, points}.",
                format!("rows[{i}]"),
            ));
        };
        let my_key_id = row.get("my_key_id").and_then(Value::as_str).unwrap_or("");
        if check_my_key_id(my_key_id).is_err() {
            return Err(row_error(
                ErrorCode::RosterRowFormat,
                "A roster row's My Key ID is exactly 8 half-width upper-case letters or digits.",
                format!("rows[{i}].my_key_id"),
            ));
        }
        let points = match row.get("points") {
            None | Some(Value::Null) => project.project.points_per_grant,
            Some(v) => match v.as_u64().filter(|n| (1..=u32::MAX as u64).contains(n)) {
                Some(n) => n as u32,
                None => {
                    return Err(row_error(
                        ErrorCode::RosterRowFormat,
                        "A roster row's points are a whole number of at least 1.",
                        format!("rows[{i}].points"),
                    ))
                }
            },
        };
        let person = store
            .read(|c| roster::active_person(c, my_key_id))?
            .ok_or_else(|| {
                row_error(
                    ErrorCode::MyKeyIdNotIssued,
                    format!("No active My Key ID {my_key_id}: the person is unknown and no card could match the row."),
                    format!("rows[{i}].my_key_id"),
                )
            })?;
        parsed.push((my_key_id.to_owned(), person, points));
    }
    let (version, granted) = store.write(|tx| {
        let version = roster::next_version(tx, project_id)?;
        let mut granted = 0u32;
        for (my_key_id, person, points) in &parsed {
            let digest = digest_of(&project, person);
            roster::upsert(
                tx,
                project_id,
                person.person_id,
                my_key_id,
                &digest,
                *points,
                version,
            )?;
            if project.project.open {
                let outcomes =
                    grant_waiting(tx, &project, &municipality, person.person_id, *points, now)?;
                granted += outcomes.len() as u32;
            }
        }
        Ok((version, granted))
    })?;
    Ok(RosterWrite {
        project_id: project_id.to_owned(),
        roster_version: version as u64,
        granted_taps: granted,
    })
}

/// `DELETE /v1/admin/projects/{project_id}/roster/{my_key_id}`.
pub fn remove(app: &Platform, project_id: &str, my_key_id: &str) -> ApiResult<RosterWrite> {
    project_of(app, project_id)?;
    super::registration::check_key(my_key_id)?;
    let mut store = app.store.lock().expect("lock");
    let version = store.decide(|tx| {
        let version = roster::next_version(tx, project_id)?;
        Ok(if roster::remove(tx, project_id, my_key_id, version)? {
            Ok(version)
        } else {
            Err(())
        })
    })?;
    match version {
        Ok(version) => Ok(RosterWrite {
            project_id: project_id.to_owned(),
            roster_version: version as u64,
            granted_taps: 0,
        }),
        Err(()) => Err(ApiError::new(
            ErrorCode::NotOnRoster,
            "This My Key ID is not on the project's roster.",
        )
        .field("my_key_id")),
    }
}
