//! `POST /v1/field/taps`: a batch of taps signed by the device.
//!
//! Order of the checks: the terminal's token; the `Device-Signature` header
//! (missing: `batch_signature_missing`) verified over the exact body bytes
//! with the registered device key (ECDSA P-256 SHA-256, DER; otherwise
//! `batch_signature_invalid`); the body's shape (`batch_format`, with the
//! `field` of the first bad tap). Nothing is stored before all of these
//! pass. Then each tap on its own, in one transaction each (a batch cut
//! halfway leaves whole taps only):
//! a tap ID seen before answers its stored outcome (`granted` read back as
//! `already_granted`); otherwise the project (unknown, another municipality,
//! closed), the card's issuer (a trusted anchor's subject), its validity at
//! `tapped_at`, revocation (the configured list, or a card older than the
//! one the person's My Key ID follows), the person's My Key ID, an earlier
//! grant, the roster. A tap whose person is not on the roster (or has no My
//! Key ID) waits in the not-on-roster list.

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use mynapoint_contract::grant::{
    check_project_id, Municipality, Tap, TapBatch, TapId, TapOutcome, TapRefusal, TapResult,
    UploadResponse, DEVICE_SIGNATURE_HEADER, MAX_TAPS_PER_BATCH,
};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};

use super::grant::{from_wire, grant, my_key_id_of, wire};
use super::terminal::TerminalAuth;
use crate::rules::error::{ApiError, ApiResult, ErrorCode};
use crate::rules::Platform;
use crate::store::field::{self, ProjectRecord};
use crate::store::taps::{self, NewTap, StoredTap};
use crate::store::{grants, my_key_ids, persons, roster, Db, StoreError};

fn signature_invalid(why: &str) -> ApiError {
    ApiError::new(
        ErrorCode::BatchSignatureInvalid,
        format!("The batch's device signature is refused: {why}."),
    )
    .field(DEVICE_SIGNATURE_HEADER)
}

/// Verifies the device signature over `body` with the terminal's key.
pub fn verify_signature(
    app: &Platform,
    auth: &TerminalAuth,
    header: Option<&str>,
    body: &[u8],
) -> ApiResult<()> {
    let header = header.ok_or_else(|| {
        ApiError::new(
            ErrorCode::BatchSignatureMissing,
            format!("The `{DEVICE_SIGNATURE_HEADER}` header (the device key's signature over the body) is required."),
        )
        .field(DEVICE_SIGNATURE_HEADER)
    })?;
    let terminal = app
        .store
        .lock()
        .expect("lock")
        .read(|c| field::terminal(c, &auth.terminal_id))?;
    let key = terminal
        .and_then(|t| t.device_public_key)
        .ok_or_else(|| signature_invalid("the terminal has no registered device; log in again"))?;
    let key = VerifyingKey::from_sec1_bytes(&key)
        .map_err(|_| ApiError::internal("a stored device key does not parse"))?;
    let der = STANDARD
        .decode(header.trim())
        .map_err(|_| signature_invalid("not base64"))?;
    let signature =
        Signature::from_der(&der).map_err(|_| signature_invalid("not a DER ECDSA signature"))?;
    key.verify(body, &signature).map_err(|_| {
        signature_invalid("it does not verify with the registered device key over this body")
    })
}

fn batch_format(message: impl Into<String>, field: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::BatchFormat, message).field(field)
}

/// Reads and checks the batch (after its signature).
pub fn parse_batch(body: &[u8]) -> ApiResult<TapBatch> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidJson,
            format!("The body is not valid JSON: {e}."),
        )
    })?;
    let mut batch: TapBatch = serde_json::from_value(value).map_err(|e| {
        batch_format(
            format!("The batch does not have the contract's shape: {e}."),
            "taps",
        )
    })?;
    if batch.batch_id.len() != 36 || uuid::Uuid::parse_str(&batch.batch_id).is_err() {
        return Err(batch_format(
            "`batch_id` must be a hyphenated UUID.",
            "batch_id",
        ));
    }
    if batch.taps.is_empty() || batch.taps.len() > MAX_TAPS_PER_BATCH {
        return Err(batch_format(
            format!(
                "A batch holds 1 to {MAX_TAPS_PER_BATCH} taps ({} given).",
                batch.taps.len()
            ),
            "taps",
        ));
    }
    for (i, tap) in batch.taps.iter_mut().enumerate() {
        tap.tap_id = TapId::parse(tap.tap_id.as_str()).ok_or_else(|| {
            batch_format(
                "A tap ID is a hyphenated UUID.",
                format!("taps[{i}].tap_id"),
            )
        })?;
        if check_project_id(&tap.project_id).is_err() {
            return Err(batch_format(
                "A project ID is exactly 4 half-width digits.",
                format!("taps[{i}].project_id"),
            ));
        }
        let card = &tap.card;
        if card.serial.is_empty() || card.issuer.is_empty() || card.subject_cn.is_empty() {
            return Err(batch_format(
                "A card's serial, issuer and subject_cn are required.",
                format!("taps[{i}].card"),
            ));
        }
    }
    Ok(batch)
}

/// `POST /v1/field/taps`.
pub fn upload(
    app: &Platform,
    auth: &TerminalAuth,
    signature: Option<&str>,
    body: &[u8],
) -> ApiResult<UploadResponse> {
    verify_signature(app, auth, signature, body)?;
    let batch = parse_batch(body)?;
    let now = app.clock.now();
    let mut store = app.store.lock().expect("lock");
    let municipality = store
        .read(|c| field::municipality(c, &auth.municipality_code))?
        .ok_or_else(|| ApiError::internal("a terminal without its municipality"))?;
    let mut projects: HashMap<String, Option<ProjectRecord>> = HashMap::new();
    let mut outcomes = Vec::with_capacity(batch.taps.len());
    for tap in &batch.taps {
        if !projects.contains_key(&tap.project_id) {
            let p = store.read(|c| field::project(c, &tap.project_id))?;
            projects.insert(tap.project_id.clone(), p);
        }
        let project = projects[&tap.project_id].as_ref();
        let outcome = store.write(|tx| {
            one_tap(
                app,
                tx,
                auth,
                &municipality,
                project,
                &batch.batch_id,
                tap,
                now,
            )
        })?;
        outcomes.push(outcome);
    }
    let granted = outcomes
        .iter()
        .filter(|o| o.result == TapResult::Granted)
        .count();
    tracing::info!(terminal = %auth.terminal_id, batch = %batch.batch_id, taps = outcomes.len(), granted, "tap batch");
    Ok(UploadResponse {
        batch_id: batch.batch_id,
        outcomes,
    })
}

/// The outcome of a stored tap; `replay`: `granted` reads `already_granted`.
pub fn stored_outcome(conn: &Db, tap: &StoredTap, replay: bool) -> Result<TapOutcome, StoreError> {
    let mut result: TapResult = from_wire(&tap.result).unwrap_or(TapResult::Refused);
    if replay && result == TapResult::Granted {
        result = TapResult::AlreadyGranted;
    }
    let my_key_id = match tap.person_id {
        Some(person) => my_key_id_of(conn, person)?,
        None => None,
    };
    Ok(TapOutcome {
        tap_id: TapId::parse(&tap.tap_id).unwrap_or_default(),
        result,
        reason: tap.reason.as_deref().and_then(from_wire),
        my_key_id,
        points: tap.points,
    })
}

#[allow(clippy::too_many_arguments)]
fn one_tap(
    app: &Platform,
    tx: &Db,
    auth: &TerminalAuth,
    municipality: &Municipality,
    project: Option<&ProjectRecord>,
    batch_id: &str,
    tap: &Tap,
    now: i64,
) -> Result<TapOutcome, StoreError> {
    if let Some(stored) = taps::find(tx, tap.tap_id.as_str())? {
        return stored_outcome(tx, &stored, true);
    }
    let (person_id, result, reason, points) =
        decide(app, tx, auth, municipality, project, tap, now)?;
    let stored = StoredTap {
        tap_id: tap.tap_id.as_str().to_owned(),
        terminal_id: auth.terminal_id.clone(),
        project_id: tap.project_id.clone(),
        tapped_at: tap.tapped_at.min(i64::MAX as u64) as i64,
        person_id,
        result: wire(result),
        reason: reason.map(wire),
        points,
    };
    taps::insert(
        tx,
        &NewTap {
            tap: &stored,
            batch_id,
            certificate_serial: &tap.card.serial,
            offline_verdict: &wire(tap.offline_verdict),
            now,
        },
    )?;
    stored_outcome(tx, &stored, false)
}

type Decision = (Option<i64>, TapResult, Option<TapRefusal>, Option<u32>);

fn refused(reason: TapRefusal) -> Decision {
    (None, TapResult::Refused, Some(reason), None)
}

fn decide(
    app: &Platform,
    tx: &Db,
    auth: &TerminalAuth,
    municipality: &Municipality,
    project: Option<&ProjectRecord>,
    tap: &Tap,
    now: i64,
) -> Result<Decision, StoreError> {
    let Some(project) = project else {
        return Ok(refused(TapRefusal::UnknownProject));
    };
    if project.municipality_code != auth.municipality_code {
        return Ok(refused(TapRefusal::WrongMunicipality));
    }
    if !project.project.open {
        return Ok(refused(TapRefusal::ProjectClosed));
    }
    let card = &tap.card;
    if !app.trust.trusts_issuer(&card.issuer) {
        return Ok(refused(TapRefusal::UnknownCard));
    }
    if tap.tapped_at < card.not_before || tap.tapped_at > card.not_after {
        return Ok(refused(TapRefusal::CertificateExpired));
    }
    if app.trust.is_revoked(&card.serial) {
        return Ok(refused(TapRefusal::CertificateRevoked));
    }
    let person = persons::find_or_create(tx, &card.issuer, &card.subject_cn, now)?;
    let record = my_key_ids::of_person(tx, person)?.filter(|r| r.active);
    let Some(record) = record else {
        return Ok((Some(person), TapResult::NoMyKeyId, None, None));
    };
    // A card older than the one the My Key ID follows (a reissued card
    // replaced it) is no longer the person's card.
    let not_after = card.not_after.min(i64::MAX as u64) as i64;
    if record.certificate_serial != card.serial && record.certificate_expires_at > not_after {
        return Ok(refused(TapRefusal::CertificateRevoked));
    }
    if let Some(points) = grants::points_granted(tx, person, &project.project.project_id)? {
        return Ok((Some(person), TapResult::AlreadyGranted, None, Some(points)));
    }
    match roster::points_of(tx, &project.project.project_id, person)? {
        Some(points) => {
            let (result, points) = grant(
                tx,
                project,
                municipality,
                person,
                points,
                Some(tap.tap_id.as_str()),
                now,
            )?;
            Ok((Some(person), result, None, Some(points)))
        }
        None => Ok((Some(person), TapResult::NotOnRoster, None, None)),
    }
}
