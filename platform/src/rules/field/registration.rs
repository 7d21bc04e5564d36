//! The not-on-roster list (screen 78) and add-registration (screen 79).
//!
//! The list holds, per person, the project's waiting taps: persons with a
//! My Key ID who are not on the roster, and persons without one (they need
//! one first; their entry has no My Key ID until they get it).
//! Add-registration takes the participant's office data (typed, from the
//! participant master, or read from the card face), checks it, and in one
//! transaction writes the master row, adds the person to the roster and
//! grants their waiting taps (one `granted`, the others `already_granted`).

use mynapoint_contract::grant::{
    AddRegistrationResponse, NotOnRosterEntry, NotOnRosterList, Participant, ParticipantSource,
    TapId,
};
use mynapoint_contract::{check_municipality, check_my_key_id};
use serde_json::{Map, Value};

use super::grant::{grant_waiting, my_key_id_of, wire};
use super::roster::digest_of;
use super::terminal::TerminalAuth;
use super::terminal_project;
use crate::rules::error::{ApiError, ApiResult, ErrorCode};
use crate::rules::fields::JsonBody;
use crate::rules::Platform;
use crate::store::{field, roster, taps};

/// A My Key ID's format (`my_key_id_format`).
pub fn check_key(my_key_id: &str) -> ApiResult<()> {
    crate::rules::my_key_id::check_format(my_key_id)
}

/// `GET /v1/field/projects/{project_id}/not-on-roster`.
pub fn not_on_roster(
    app: &Platform,
    auth: &TerminalAuth,
    project_id: &str,
) -> ApiResult<NotOnRosterList> {
    terminal_project(app, auth, project_id)?;
    let store = app.store.lock().expect("lock");
    let entries = store.read(|c| {
        let waiting = taps::waiting(c, project_id, None)?;
        let mut entries: Vec<(Option<i64>, NotOnRosterEntry)> = Vec::new();
        for tap in waiting {
            let tap_id = TapId::parse(&tap.tap_id).unwrap_or_default();
            match entries.iter_mut().find(|(p, _)| *p == tap.person_id) {
                Some((_, entry)) => entry.tap_ids.push(tap_id),
                None => {
                    let my_key_id = match tap.person_id {
                        Some(p) => my_key_id_of(c, p)?,
                        None => None,
                    };
                    entries.push((
                        tap.person_id,
                        NotOnRosterEntry {
                            my_key_id,
                            tap_ids: vec![tap_id],
                            first_tapped_at: tap.tapped_at.max(0) as u64,
                        },
                    ));
                }
            }
        }
        Ok(entries.into_iter().map(|(_, e)| e).collect())
    })?;
    Ok(NotOnRosterList {
        project_id: project_id.to_owned(),
        entries,
    })
}

fn participant_error(message: impl Into<String>, field: String) -> ApiError {
    ApiError::new(ErrorCode::ParticipantFormat, message).field(field)
}

/// Reads and checks a participant object; `at` prefixes the fields
/// (`participant`, `rows[3]`).
pub fn read_participant(value: &Value, at: &str) -> ApiResult<Participant> {
    let Value::Object(map) = value else {
        return Err(participant_error(
            "A participant is an object.",
            at.to_owned(),
        ));
    };
    let text = |map: &Map<String, Value>, name: &str, required: bool| -> ApiResult<String> {
        match map.get(name) {
            Some(Value::String(s)) if !(required && s.trim().is_empty()) => Ok(s.clone()),
            None | Some(Value::Null) if !required => Ok(String::new()),
            _ => Err(participant_error(
                format!("`{name}` is required text."),
                format!("{at}.{name}"),
            )),
        }
    };
    let p = Participant {
        my_key_id: text(map, "my_key_id", true)?,
        municipality_code: text(map, "municipality_code", true)?,
        name: text(map, "name", true)?,
        birth_date: text(map, "birth_date", true)?,
        address: text(map, "address", true)?,
        sex: text(map, "sex", true)?,
        phone: text(map, "phone", false)?,
        email: text(map, "email", false)?,
        remarks: text(map, "remarks", false)?,
    };
    let bad = |name: &str, rule: &str| participant_error(rule.to_owned(), format!("{at}.{name}"));
    if check_my_key_id(&p.my_key_id).is_err() {
        return Err(bad(
            "my_key_id",
            "A My Key ID is exactly 8 half-width upper-case letters or digits.",
        ));
    }
    if check_municipality(&p.municipality_code).is_err() {
        return Err(bad(
            "municipality_code",
            "A municipality code is 6 digits with a valid check digit.",
        ));
    }
    if !is_iso_date(&p.birth_date) {
        return Err(bad(
            "birth_date",
            "A birth date is a real date written YYYY-MM-DD.",
        ));
    }
    if !matches!(p.sex.as_str(), "1" | "2" | "9") {
        return Err(bad(
            "sex",
            "Sex is \"1\" (male), \"2\" (female) or \"9\" (not applicable), JIS X 0303.",
        ));
    }
    if !p.phone.is_empty() && !p.phone.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return Err(bad(
            "phone",
            "A phone number is half-width digits and hyphens.",
        ));
    }
    if !p.email.is_empty() && mynapoint_contract::check_email(&p.email).is_err() {
        return Err(bad("email", "The e-mail address is not valid."));
    }
    Ok(p)
}

fn is_iso_date(text: &str) -> bool {
    let compact = text.replace('-', "");
    text.len() == 10
        && text.as_bytes()[4] == b'-'
        && text.as_bytes()[7] == b'-'
        && mynapoint_contract::date::CivilDate::parse_yyyymmdd(&compact).is_some()
}

/// `PUT /v1/admin/participants`: all rows or none.
pub fn write_participants(app: &Platform, body: &JsonBody) -> ApiResult<u32> {
    let rows = body.array("rows")?;
    if rows.is_empty() {
        return Err(participant_error(
            "At least one row is needed.",
            "rows".into(),
        ));
    }
    let parsed = rows
        .iter()
        .enumerate()
        .map(|(i, row)| read_participant(row, &format!("rows[{i}]")))
        .collect::<ApiResult<Vec<_>>>()?;
    let now = app.clock.now();
    app.store.lock().expect("lock").write(|tx| {
        for p in &parsed {
            field::upsert_participant(tx, p, "admin", now)?;
        }
        Ok(())
    })?;
    Ok(parsed.len() as u32)
}

/// `POST /v1/field/projects/{project_id}/roster` (screen 79).
pub fn add_registration(
    app: &Platform,
    auth: &TerminalAuth,
    project_id: &str,
    body: &JsonBody,
) -> ApiResult<AddRegistrationResponse> {
    let project = terminal_project(app, auth, project_id)?;
    let my_key_id = body.str("my_key_id")?.to_owned();
    check_key(&my_key_id)?;
    let source: ParticipantSource =
        super::grant::from_wire(body.str("source")?).ok_or_else(|| {
            participant_error(
                "`source` is one of typed, master, card_face.",
                "source".into(),
            )
        })?;
    let typed = match (source, body.0.get("participant")) {
        (ParticipantSource::Master, _) => None,
        (_, None | Some(Value::Null)) => {
            return Err(participant_error(
                "The participant's office data is required for typed and card_face.",
                "participant".into(),
            ))
        }
        (_, Some(value)) => {
            let p = read_participant(value, "participant")?;
            if p.my_key_id != my_key_id {
                return Err(participant_error(
                    "The participant's My Key ID differs from `my_key_id`.",
                    "participant.my_key_id".into(),
                ));
            }
            Some(p)
        }
    };
    if !project.project.open {
        return Err(
            ApiError::new(ErrorCode::ProjectClosed, "The project is closed.").field("project_id"),
        );
    }
    let now = app.clock.now();
    let mut store = app.store.lock().expect("lock");
    if typed.is_none() && store.read(|c| field::participant(c, &my_key_id))?.is_none() {
        return Err(ApiError::new(
            ErrorCode::ParticipantNotInMaster,
            "The participant master has no row for this My Key ID.",
        )
        .field("my_key_id"));
    }
    let person = store
        .read(|c| roster::active_person(c, &my_key_id))?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::MyKeyIdNotIssued,
                "No active My Key ID with this value.",
            )
            .field("my_key_id")
        })?;
    if store
        .read(|c| roster::points_of(c, project_id, person.person_id))?
        .is_some()
    {
        return Err(ApiError::new(
            ErrorCode::AlreadyOnRoster,
            "This participant is on the project's roster already.",
        )
        .field("my_key_id"));
    }
    if store
        .read(|c| taps::waiting(c, project_id, Some(person.person_id)))?
        .is_empty()
    {
        return Err(ApiError::new(
            ErrorCode::NotWaiting,
            "This My Key ID has no taps waiting in the project's not-on-roster list.",
        )
        .field("my_key_id"));
    }
    let municipality = store
        .read(|c| field::municipality(c, &project.municipality_code))?
        .ok_or_else(|| ApiError::internal("a project without its municipality"))?;
    let points = project.project.points_per_grant;
    let (version, outcomes) = store.write(|tx| {
        if let Some(p) = &typed {
            field::upsert_participant(tx, p, &wire(source), now)?;
        }
        let version = roster::next_version(tx, project_id)?;
        let digest = digest_of(&project, &person);
        roster::upsert(
            tx,
            project_id,
            person.person_id,
            &my_key_id,
            &digest,
            points,
            version,
        )?;
        let outcomes = grant_waiting(tx, &project, &municipality, person.person_id, points, now)?;
        Ok((version, outcomes))
    })?;
    tracing::info!(terminal = %auth.terminal_id, project = project_id, taps = outcomes.len(), "add-registration");
    Ok(AddRegistrationResponse {
        project_id: project_id.to_owned(),
        my_key_id,
        roster_version: version as u64,
        outcomes,
    })
}
