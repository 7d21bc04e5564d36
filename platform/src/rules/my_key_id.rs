//! My Key ID: 8 half-width upper-case letters/digits, one per person,
//! chosen by auto-generation (3 candidates, the 3rd is final) or own choice
//! (3 duplicate checks, then back to auto-generation); revocation is final.
//! A change follows the same rules in a new card login; the old id is
//! retired and never issued again.

use mynapoint_contract::{
    check_email, check_municipality, check_my_key_id, check_password, Candidate, CheckResult,
    IssueMode, MyKeyIdStatus, Notifications, RevokeResult, Secret, MAX_OWN_CHECKS,
};
use rand::Rng;
use serde_json::{Map, Value};

use super::card_login::sessions::Session;
use super::card_login::Auth;
use super::fields::JsonBody;
use super::Platform;
use crate::clock::unix;
use crate::rules::error::{ApiError, ApiResult, ErrorCode};
use crate::store::{ChangeRefusal, IssueRefusal, MyKeyIdRecord, NewMyKeyId};

/// Candidates offered per session (the contract's `MAX_CANDIDATES`).
pub const MAX_CANDIDATES: usize = mynapoint_contract::MAX_CANDIDATES as usize;
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

pub fn check_format(id: &str) -> ApiResult<()> {
    check_my_key_id(id).map_err(|p| {
        ApiError::refused_field(
            ErrorCode::MyKeyIdFormat,
            "my_key_id",
            "A My Key ID is exactly 8 half-width upper-case letters (A-Z) or digits (0-9).",
            p,
        )
    })
}

fn check_issue_fields(password: &str, email: Option<&str>, municipality: &str) -> ApiResult<()> {
    check_password(password).map_err(|p| {
        ApiError::refused_field(
            ErrorCode::PasswordFormat,
            "password",
            "The password must be 6 to 16 half-width letters or digits.",
            p,
        )
    })?;
    if let Some(email) = email {
        check_email(email).map_err(|p| {
            ApiError::refused_field(
                ErrorCode::EmailFormat,
                "email",
                "The e-mail address is not valid.",
                p,
            )
        })?;
    }
    check_municipality(municipality).map_err(|p| {
        ApiError::refused_field(
            ErrorCode::MunicipalityCode,
            "base_municipality",
            "The base municipality must be a 6-digit local government code (prefecture 01 to 47) with a valid check digit.",
            p,
        )
    })
}

fn parse_notifications(object: Option<&Map<String, Value>>) -> ApiResult<Notifications> {
    let Some(object) = object else {
        return Ok(Notifications::default());
    };
    let flag = |name: &str| match object.get(name) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(ApiError::new(
            ErrorCode::FieldType,
            format!("`notifications.{name}` must be true or false."),
        )
        .field("notifications")),
    };
    Ok(Notifications {
        points_granted: flag("points_granted")?,
        points_expired: flag("points_expired")?,
        password_changed: flag("password_changed")?,
        my_key_id_changes: flag("my_key_id_changes")?,
    })
}

/// A random candidate that `unavailable` rejects neither.
pub fn generate_candidate(
    rng: &mut impl Rng,
    mut unavailable: impl FnMut(&str) -> ApiResult<bool>,
) -> ApiResult<String> {
    for _ in 0..1000 {
        let id: String = (0..8)
            .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
            .collect();
        if !unavailable(&id)? {
            return Ok(id);
        }
    }
    Err(ApiError::internal("no free My Key ID found in 1000 tries"))
}

/// The contract's record of a stored one.
pub fn record_answer(r: &MyKeyIdRecord) -> mynapoint_contract::MyKeyIdRecord {
    mynapoint_contract::MyKeyIdRecord {
        my_key_id: r.my_key_id.clone(),
        certificate_serial: r.certificate_serial.clone(),
        certificate_expires_at: unix(r.certificate_expires_at),
        email: r.email.clone(),
        notifications: r.notifications,
        base_municipality: r.base_municipality.clone(),
        status: if r.active {
            MyKeyIdStatus::Active
        } else {
            MyKeyIdStatus::Revoked
        },
        changed_at: r.changed_at.map(unix),
    }
}

fn not_issued() -> ApiError {
    ApiError::new(
        ErrorCode::MyKeyIdNotIssued,
        "No My Key ID has been issued for this card's holder.",
    )
}

fn refusal(r: IssueRefusal) -> ApiError {
    match r {
        IssueRefusal::AlreadyIssued => ApiError::new(
            ErrorCode::MyKeyIdAlreadyIssued,
            "A My Key ID has already been issued for this person.",
        ),
        IssueRefusal::Revoked => ApiError::new(
            ErrorCode::MyKeyIdRevoked,
            "This person's My Key ID was revoked; it cannot be issued again here.",
        ),
        IssueRefusal::Taken => ApiError::new(
            ErrorCode::MyKeyIdTaken,
            "This My Key ID has just been taken; choose another.",
        )
        .field("my_key_id"),
    }
}

/// The session holder's record, if any.
fn record_of(app: &Platform, auth: &Auth) -> ApiResult<Option<MyKeyIdRecord>> {
    let store = app.store.lock().expect("lock");
    match store.person_id(&auth.session.issuer, &auth.session.subject_cn)? {
        Some(person) => Ok(store.my_key_id_of(person)?),
        None => Ok(None),
    }
}

/// Refuses issuing when the person already has (or had) one.
fn ensure_none_issued(app: &Platform, auth: &Auth) -> ApiResult<()> {
    match record_of(app, auth)? {
        Some(r) if r.active => Err(refusal(IssueRefusal::AlreadyIssued)),
        Some(_) => Err(refusal(IssueRefusal::Revoked)),
        None => Ok(()),
    }
}

fn fresh_login_required() -> ApiError {
    ApiError::new(
        ErrorCode::FreshLoginRequired,
        "A My Key ID was already chosen in this session; log in with the card again to change it.",
    )
}

fn unchanged() -> ApiError {
    ApiError::new(
        ErrorCode::MyKeyIdUnchanged,
        "This is already the person's My Key ID; choose another.",
    )
    .field("my_key_id")
}

/// Whether this session may look for an id (candidates, own-choice checks):
/// for issuance (none yet) or for a change (an active one, in a session that
/// has not chosen one yet). Returns the active id, if any.
fn ensure_may_choose(app: &Platform, auth: &Auth) -> ApiResult<Option<String>> {
    let current = match record_of(app, auth)? {
        Some(r) if !r.active => return Err(refusal(IssueRefusal::Revoked)),
        Some(r) => Some(r.my_key_id),
        None => None,
    };
    if auth.session.my_key_id_chosen {
        return Err(fresh_login_required());
    }
    Ok(current)
}

fn parse_mode(body: &JsonBody) -> ApiResult<IssueMode> {
    match body.str("mode")? {
        "auto" => Ok(IssueMode::Auto),
        "own" => Ok(IssueMode::Own),
        _ => Err(
            ApiError::new(ErrorCode::ModeFormat, "`mode` must be \"auto\" or \"own\".")
                .field("mode"),
        ),
    }
}

/// The session's rule for the chosen id: offered (auto) or checked (own).
fn ensure_chosen_in_session(session: &Session, mode: IssueMode, id: &str) -> ApiResult<()> {
    if mode == IssueMode::Auto && !session.candidates.iter().any(|c| c == id) {
        return Err(ApiError::new(
            ErrorCode::MyKeyIdNotOffered,
            "In auto mode the My Key ID must be one of the candidates offered in this session.",
        )
        .field("my_key_id"));
    }
    if mode == IssueMode::Own && !session.checked_available.iter().any(|c| c == id) {
        return Err(ApiError::new(
            ErrorCode::MyKeyIdNotChecked,
            "In own mode the My Key ID must have been checked as available in this session.",
        )
        .field("my_key_id"));
    }
    Ok(())
}

/// The session holder's My Key ID record (`GET /v1/my-key-id`).
pub fn get(app: &Platform, auth: &Auth) -> ApiResult<mynapoint_contract::MyKeyIdRecord> {
    let record = record_of(app, auth)?.ok_or_else(not_issued)?;
    Ok(record_answer(&record))
}

/// The next auto-generated candidate, duplicate-checked; the 3rd is final
/// (`POST /v1/my-key-id/candidates`).
pub fn candidate(app: &Platform, auth: &Auth) -> ApiResult<Candidate> {
    ensure_may_choose(app, auth)?;
    if auth.session.candidates.len() >= MAX_CANDIDATES {
        return Err(ApiError::new(
            ErrorCode::NoMoreCandidates,
            "Three candidates have been offered; register the final one.",
        ));
    }
    let candidate = {
        let store = app.store.lock().expect("lock");
        generate_candidate(&mut rand::thread_rng(), |id| {
            Ok(auth.session.candidates.iter().any(|c| c == id) || store.my_key_id_taken(id)?)
        })?
    };
    let attempt = auth.update(app, |s| {
        if s.candidates.len() >= MAX_CANDIDATES {
            return None;
        }
        s.candidates.push(candidate.clone());
        Some(s.candidates.len())
    })?;
    let attempt = attempt.ok_or_else(|| {
        ApiError::new(
            ErrorCode::NoMoreCandidates,
            "Three candidates have been offered.",
        )
    })?;
    Ok(Candidate {
        candidate,
        attempt: attempt as u8,
        is_final: attempt == MAX_CANDIDATES,
    })
}

/// An own-choice duplicate check, 3 per card login; after a 3rd that finds
/// the id taken, auto-generation (`POST /v1/my-key-id/check`).
pub fn check(app: &Platform, auth: &Auth, body: &JsonBody) -> ApiResult<CheckResult> {
    let id = body.str("my_key_id")?;
    check_format(id)?;
    if ensure_may_choose(app, auth)?.as_deref() == Some(id) {
        return Err(unchanged());
    }
    let taken = app.store.lock().expect("lock").my_key_id_taken(id)?;
    let used = auth.update(app, |s| {
        if s.checks_used >= MAX_OWN_CHECKS {
            return None;
        }
        s.checks_used += 1;
        if !taken {
            s.checked_available.push(id.to_owned());
        }
        Some(s.checks_used)
    })?;
    let used = used.ok_or_else(|| {
        ApiError::new(
            ErrorCode::OwnChoiceExhausted,
            "Three duplicate checks have been made; use an auto-generated My Key ID.",
        )
    })?;
    Ok(CheckResult {
        available: !taken,
        checks_used: used,
        fallback_to_auto: used >= MAX_OWN_CHECKS && taken,
    })
}

/// Issues the session's chosen id with the person's My Page settings, once
/// per person (`POST /v1/my-key-id`).
pub async fn issue(
    app: &Platform,
    auth: &Auth,
    body: &JsonBody,
) -> ApiResult<mynapoint_contract::MyKeyIdRecord> {
    let mode = parse_mode(body)?;
    let id = body.str("my_key_id")?;
    check_format(id)?;
    let password = Secret::new(body.str("password")?);
    let email = body.opt_str("email")?.filter(|e| !e.is_empty());
    let notifications = parse_notifications(body.opt_object("notifications")?)?;
    let municipality = body.str("base_municipality")?;
    check_issue_fields(password.expose(), email, municipality)?;

    ensure_none_issued(app, auth)?;
    let session = &auth.session;
    ensure_chosen_in_session(session, mode, id)?;

    let hash = super::fields::hash_password(app.config.password_hash, password).await?;
    let now = app.clock.now();
    let result = app
        .store
        .lock()
        .expect("lock")
        .issue_my_key_id(&NewMyKeyId {
            issuer: &session.issuer,
            subject_cn: &session.subject_cn,
            my_key_id: id,
            password_hash: &hash,
            email,
            notifications,
            base_municipality: municipality,
            certificate_serial: &session.certificate_serial,
            certificate_expires_at: session.certificate_not_after,
            now,
        })?;
    let record = result.map_err(refusal)?;
    auth.update(app, |s| s.my_key_id_chosen = true)?;
    tracing::info!(person = record.person_id, ?mode, "My Key ID issued");
    Ok(record_answer(&record))
}

/// `PUT /v1/my-key-id`: a new id by the issuance rules of this session (a
/// card login); the old id is retired, never issued again.
pub fn change(
    app: &Platform,
    auth: &Auth,
    body: &JsonBody,
) -> ApiResult<mynapoint_contract::MyKeyIdRecord> {
    let mode = parse_mode(body)?;
    let id = body.str("my_key_id")?;
    check_format(id)?;
    let record = record_of(app, auth)?.ok_or_else(not_issued)?;
    if !record.active {
        return Err(refusal(IssueRefusal::Revoked));
    }
    if auth.session.my_key_id_chosen {
        return Err(fresh_login_required());
    }
    if record.my_key_id == id {
        return Err(unchanged());
    }
    ensure_chosen_in_session(&auth.session, mode, id)?;
    let now = app.clock.now();
    let result = app
        .store
        .lock()
        .expect("lock")
        .change_my_key_id(record.person_id, id, now)?;
    let changed = result.map_err(|r| match r {
        ChangeRefusal::NotIssued => not_issued(),
        ChangeRefusal::Revoked => refusal(IssueRefusal::Revoked),
        ChangeRefusal::Unchanged => unchanged(),
        ChangeRefusal::Taken => refusal(IssueRefusal::Taken),
    })?;
    auth.update(app, |s| s.my_key_id_chosen = true)?;
    tracing::info!(person = changed.person_id, ?mode, "My Key ID changed");
    Ok(record_answer(&changed))
}

/// Revokes the person's My Key ID, irreversibly (`DELETE /v1/my-key-id`).
pub fn revoke(app: &Platform, auth: &Auth) -> ApiResult<RevokeResult> {
    let record = record_of(app, auth)?.ok_or_else(not_issued)?;
    if !record.active {
        return Err(refusal(IssueRefusal::Revoked));
    }
    let now = app.clock.now();
    app.store
        .lock()
        .expect("lock")
        .revoke_my_key_id(record.person_id, now)?;
    tracing::info!(person = record.person_id, "My Key ID revoked");
    Ok(RevokeResult {
        status: MyKeyIdStatus::Revoked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn my_key_id_format() {
        assert!(check_format("AB12CD34").is_ok());
        for bad in [
            "ab12cd34",
            "AB12CD3",
            "AB12CD345",
            "ＡＢ12CD34",
            "AB12-D34",
            "AB12CD3 ",
        ] {
            assert_eq!(
                check_format(bad).unwrap_err().code,
                ErrorCode::MyKeyIdFormat,
                "{bad}"
            );
        }
    }

    #[test]
    fn refused_issue_fields_name_the_field() {
        let field = |r: ApiResult<()>| {
            let e = r.unwrap_err();
            (e.code, e.field.unwrap())
        };
        assert_eq!(
            field(check_issue_fields("abc12", None, "131016")),
            (ErrorCode::PasswordFormat, "password".into())
        );
        assert_eq!(
            field(check_issue_fields("abc123", Some("taro"), "131016")),
            (ErrorCode::EmailFormat, "email".into())
        );
        assert_eq!(
            field(check_issue_fields("abc123", None, "131017")),
            (ErrorCode::MunicipalityCode, "base_municipality".into())
        );
        assert!(check_issue_fields("abc123", Some("taro@example.jp"), "131016").is_ok());
    }

    #[test]
    fn candidates_skip_taken_ids() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut seen = Vec::new();
        let id = generate_candidate(&mut rng, |id| {
            seen.push(id.to_owned());
            Ok(seen.len() < 3) // the first two are "taken"
        })
        .unwrap();
        assert_eq!(seen.len(), 3);
        assert_eq!(id, seen[2]);
        assert!(check_format(&id).is_ok());
    }
}
