//! A grant: the project's points to a person, at most once per person and
//! project (the store's unique constraint decides), expiring
//! `expiry_days` after the grant; a person who opted in to "points granted"
//! notifications gets an e-mail through the outbox. All inside the caller's
//! transaction, so a tap's grant, its outcome and its e-mail are one unit.

use mynapoint_contract::date::CivilDate;
use mynapoint_contract::grant::{Municipality, TapId, TapOutcome, TapResult};

use crate::store::field::ProjectRecord;
use crate::store::grants::{self, NewGrant};
use crate::store::{my_key_ids, taps, Db, StoreError};

const DAY_SECS: i64 = 86_400;

/// When points granted at `granted_at` expire.
pub fn expires_at(granted_at: i64, expiry_days: u32) -> i64 {
    granted_at + expiry_days as i64 * DAY_SECS
}

/// Grants `points` of `project` to the person: `(Granted, points)`, or
/// `(AlreadyGranted, the points of the earlier grant)`.
pub fn grant(
    tx: &Db,
    project: &ProjectRecord,
    municipality: &Municipality,
    person_id: i64,
    points: u32,
    tap_id: Option<&str>,
    now: i64,
) -> Result<(TapResult, u32), StoreError> {
    let p = &project.project;
    let inserted = grants::insert(
        tx,
        &NewGrant {
            person_id,
            project_id: &p.project_id,
            municipality_code: &municipality.code,
            point_id: &p.point_id,
            points,
            granted_at: now,
            expires_at: expires_at(now, municipality.expiry_days),
            tap_id,
        },
    )?;
    if !inserted {
        let earlier = grants::points_granted(tx, person_id, &p.project_id)?.unwrap_or(points);
        return Ok((TapResult::AlreadyGranted, earlier));
    }
    if let Some(record) = my_key_ids::of_person(tx, person_id)? {
        if let (true, true, Some(email)) = (
            record.active,
            record.notifications.points_granted,
            record.email.as_deref(),
        ) {
            let expiry = CivilDate::in_japan_at(expires_at(now, municipality.expiry_days)).to_iso();
            let subject = format!("【{}】ポイントが付与されました", municipality.point_name);
            let body = format!(
                "マイキーID {} の方へ\n\n{}（{}）の「{}」で {} ポイントが付与されました。\n有効期限: {}\n\n\
                 Points granted: {} {} for \"{}\" ({}), valid until {}.\n",
                record.my_key_id,
                municipality.name,
                municipality.code,
                p.name,
                points,
                expiry,
                points,
                municipality.point_name,
                p.name,
                municipality.name,
                expiry,
            );
            grants::queue_mail(tx, email, &subject, &body, now)?;
        }
    }
    Ok((TapResult::Granted, points))
}

/// The person's active My Key ID, if any.
pub fn my_key_id_of(conn: &Db, person_id: i64) -> Result<Option<String>, StoreError> {
    Ok(my_key_ids::of_person(conn, person_id)?
        .filter(|r| r.active)
        .map(|r| r.my_key_id))
}

/// Grants the person's waiting taps of the project (they are on its roster
/// now with `points`): the first tap gets the grant, the others
/// `already_granted` (so does the first when the person was granted
/// otherwise already). Returns their outcomes, by tap time.
pub fn grant_waiting(
    tx: &Db,
    project: &ProjectRecord,
    municipality: &Municipality,
    person_id: i64,
    points: u32,
    now: i64,
) -> Result<Vec<TapOutcome>, StoreError> {
    let waiting = taps::waiting(tx, &project.project.project_id, Some(person_id))?;
    let my_key_id = my_key_id_of(tx, person_id)?;
    let mut outcomes = Vec::with_capacity(waiting.len());
    for tap in waiting {
        let (result, granted_points) = grant(
            tx,
            project,
            municipality,
            person_id,
            points,
            Some(&tap.tap_id),
            now,
        )?;
        taps::resolve(tx, &tap.tap_id, &wire(result), granted_points, now)?;
        outcomes.push(TapOutcome {
            tap_id: TapId::parse(&tap.tap_id).unwrap_or_default(),
            result,
            reason: None,
            my_key_id: my_key_id.clone(),
            points: Some(granted_points),
        });
    }
    Ok(outcomes)
}

/// The wire name of a contract enum value (as stored in `taps`).
pub fn wire<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A stored wire name back as the contract's enum value.
pub fn from_wire<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}
