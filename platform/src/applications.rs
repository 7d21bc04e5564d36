//! My Number Points application: one per person, irreversible, signed by the
//! card over content bound to the session that prepared it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

use crate::auth::certificate::{CertificateRefusal, PresentedCertificate};
use crate::auth::{decode_base64, Auth};
use crate::catalogue::Service;
use crate::crypto::{self, Secret};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::extract::JsonBody;
use crate::http::AppState;
use crate::store::{ApplicationRecord, ChildApplication, InsertOutcome};

pub const CONTENT_PREFIX: &str = "mynapoint-application-v1\n";

/// The validated fields of an application. Security codes stay redacted.
#[derive(Debug)]
pub struct ApplicationContent {
    pub service: Service,
    pub terms_version: String,
    pub payment_id: String,
    pub security_codes: Vec<Secret>,
    pub phone_last4: Option<String>,
    /// Set for an application for a child under 15 by a legal representative.
    pub for_child: Option<ForChild>,
}

/// The checked `for_child` object: the child's birth date and the legal
/// representative's user-authentication certificate (passed the login checks).
#[derive(Debug)]
pub struct ForChild {
    /// `YYYYMMDD`.
    pub birth_date: String,
    pub representative: PresentedCertificate,
}

const BIRTH_DATE_FIELD: &str = "for_child.birth_date";
const REPRESENTATIVE_FIELD: &str = "for_child.representative_certificate";

/// A required string inside the `for_child` object (field `for_child.<name>`).
fn child_str<'a>(child: &'a serde_json::Map<String, Value>, name: &str) -> ApiResult<&'a str> {
    let field = format!("for_child.{name}");
    match child.get(name) {
        None | Some(Value::Null) => Err(ApiError::new(
            ErrorCode::FieldMissing,
            format!("`{field}` is required."),
        )
        .field(field)),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(
            ApiError::new(ErrorCode::FieldType, format!("`{field}` must be a string."))
                .field(field),
        ),
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `YYYYMMDD` as a real calendar date (year 1900 or later).
pub fn parse_birth_date(text: &str) -> Option<(i64, u32, u32)> {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i64 = text[..4].parse().ok()?;
    let m: u32 = text[4..6].parse().ok()?;
    let d: u32 = text[6..].parse().ok()?;
    if y < 1900 || !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    // The day must survive a round trip (no 31 April, no 29 February 2023).
    (civil_from_days(days_from_civil(y, m, d)) == (y, m, d)).then_some((y, m, d))
}

/// Today's date in Japan (JST, UTC+9, no daylight saving) at `now`.
pub fn jst_today(now: i64) -> (i64, u32, u32) {
    civil_from_days((now + 9 * 3600).div_euclid(86_400))
}

/// Under 15 on `today`: the 15th birthday has not come yet (on the 15th
/// birthday itself the child is 15). A 29 February birthday comes on
/// 1 March in a common year.
pub fn under_15(birth: (i64, u32, u32), today: (i64, u32, u32)) -> bool {
    today < (birth.0 + 15, birth.1, birth.2)
}

impl ForChild {
    /// Reads and checks `for_child` (None when absent or null).
    fn from_body(app: &AppState, auth: &Auth, body: &JsonBody) -> ApiResult<Option<Self>> {
        let Some(child) = body.opt_object("for_child")? else {
            return Ok(None);
        };
        let birth_date = child_str(child, "birth_date")?;
        let bad_date = || {
            ApiError::new(
                ErrorCode::ChildBirthDateFormat,
                "The child's birth date must be a real date written YYYYMMDD, not after today.",
            )
            .field(BIRTH_DATE_FIELD)
        };
        let birth = parse_birth_date(birth_date).ok_or_else(bad_date)?;
        let now = app.clock.now();
        let today = jst_today(now);
        if birth > today {
            return Err(bad_date());
        }
        if !under_15(birth, today) {
            return Err(ApiError::new(
                ErrorCode::ChildNotUnder15,
                "A legal representative applies only for a child under 15; from 15 the child applies alone.",
            )
            .field(BIRTH_DATE_FIELD));
        }
        let der = decode_base64(
            child_str(child, "representative_certificate")?,
            REPRESENTATIVE_FIELD,
            ErrorCode::CertificateFormat,
        )?;
        let representative =
            PresentedCertificate::parse(&der).map_err(|e| e.field(REPRESENTATIVE_FIELD))?;
        app.trust.verdict(&representative, now).map_err(|refusal| {
            let (code, message) = match refusal {
                CertificateRefusal::Expired => (
                    ErrorCode::RepresentativeCertificateExpired,
                    "The legal representative's certificate has expired.",
                ),
                CertificateRefusal::Revoked => (
                    ErrorCode::RepresentativeCertificateRevoked,
                    "The legal representative's certificate has been revoked.",
                ),
                CertificateRefusal::NotYetValid => (
                    ErrorCode::RepresentativeCertificateUntrusted,
                    "The legal representative's certificate is not valid yet.",
                ),
                CertificateRefusal::Untrusted | CertificateRefusal::NoDigitalSignature => (
                    ErrorCode::RepresentativeCertificateUntrusted,
                    "The legal representative's certificate is not a trusted user-authentication certificate.",
                ),
            };
            ApiError::new(code, message).field(REPRESENTATIVE_FIELD)
        })?;
        if representative.issuer == auth.session.issuer
            && representative.subject_cn == auth.session.subject_cn
        {
            return Err(ApiError::new(
                ErrorCode::RepresentativeIsApplicant,
                "The legal representative's certificate belongs to the applicant; use the representative's own card.",
            )
            .field(REPRESENTATIVE_FIELD));
        }
        Ok(Some(ForChild {
            birth_date: birth_date.to_owned(),
            representative,
        }))
    }
}

impl ApplicationContent {
    /// Reads and checks every field against the service's rules, then
    /// `for_child` (for the session's person).
    pub fn from_body(app: &AppState, auth: &Auth, body: &JsonBody) -> ApiResult<Self> {
        let service_id = body.str("service_id")?;
        let service = app.catalogue.get(service_id).ok_or_else(|| {
            ApiError::new(ErrorCode::ServiceUnknown, "No payment service has this id.")
                .field("service_id")
                .status(StatusCode::BAD_REQUEST)
        })?;
        let terms_version = body.str("terms_version")?;
        if terms_version != service.terms_version {
            return Err(ApiError::new(
                ErrorCode::TermsVersionMismatch,
                format!(
                    "The terms have changed (now version {}); read and accept them again.",
                    service.terms_version
                ),
            )
            .field("terms_version"));
        }
        let payment_id = body.str("payment_id")?;
        service.check_payment_id(payment_id)?;
        let codes = body.str_array("security_codes")?;
        service.check_security_codes(&codes)?;
        let phone_last4 = body.opt_str("phone_last4")?.filter(|p| !p.is_empty());
        if let Some(phone) = phone_last4 {
            if phone.len() != 4 || !phone.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ApiError::new(
                    ErrorCode::PhoneLast4Format,
                    "The phone number's last 4 digits must be 4 half-width digits.",
                )
                .field("phone_last4"));
            }
        }
        Ok(ApplicationContent {
            service: service.clone(),
            terms_version: terms_version.to_owned(),
            payment_id: payment_id.to_owned(),
            security_codes: codes.into_iter().map(Secret::new).collect(),
            phone_last4: phone_last4.map(str::to_owned),
            for_child: ForChild::from_body(app, auth, body)?,
        })
    }

    fn joined_codes(&self) -> Secret {
        Secret::new(
            self.security_codes
                .iter()
                .map(Secret::expose)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    }

    /// SHA-256 of the canonical content (see API-CONTRACT.md); a child
    /// application adds `child:<birth_date>:<representative serial>\n`.
    pub fn digest(&self, session_id: &str) -> [u8; 32] {
        let child = self
            .for_child
            .as_ref()
            .map(|c| (c.birth_date.as_str(), c.representative.serial_hex.as_str()));
        self.digest_with(session_id, child)
    }

    /// The digest with an explicit child part `(birth_date, representative serial)`.
    fn digest_with(&self, session_id: &str, child: Option<(&str, &str)>) -> [u8; 32] {
        let codes_hash = hex::encode(crypto::sha256(self.joined_codes().expose().as_bytes()));
        let mut content = format!(
            "{CONTENT_PREFIX}{session_id}\n{}\n{}\n{}\n{codes_hash}\n{}\n",
            self.service.service_id,
            self.terms_version,
            self.payment_id,
            self.phone_last4.as_deref().unwrap_or(""),
        );
        if let Some((birth_date, serial)) = child {
            content.push_str(&format!("child:{birth_date}:{serial}\n"));
        }
        crypto::sha256(content.as_bytes())
    }
}

/// The security codes of a stored application (for the hand-over to the
/// payment service; never logged).
pub fn open_security_codes(
    key: &crate::crypto::SealingKey,
    record: &ApplicationRecord,
) -> Result<Vec<Secret>, crate::crypto::CryptoError> {
    let plain = key.open(
        &record.security_codes_nonce,
        &record.security_codes_sealed,
        record.application_id.as_bytes(),
    )?;
    let text = String::from_utf8(plain).map_err(|_| crate::crypto::CryptoError::Open)?;
    Ok(text.split('\n').map(Secret::new).collect())
}

/// All but the last 4 characters masked.
pub fn mask(payment_id: &str) -> String {
    let n = payment_id.chars().count();
    let keep = if n > 4 { 4 } else { n.min(1) };
    payment_id
        .chars()
        .enumerate()
        .map(|(i, c)| if i < n - keep { '*' } else { c })
        .collect()
}

/// The person's active My Key ID holder id, or 403.
fn require_my_key_id(app: &AppState, auth: &Auth) -> ApiResult<i64> {
    let required = || {
        ApiError::new(
            ErrorCode::MyKeyIdRequired,
            "Issue a My Key ID before applying.",
        )
    };
    let store = app.store.lock().expect("lock");
    let person = store
        .person_id(&auth.session.issuer, &auth.session.subject_cn)?
        .ok_or_else(required)?;
    match store.my_key_id_of(person)? {
        Some(r) if r.active => Ok(person),
        _ => Err(required()),
    }
}

fn application_json(a: &ApplicationRecord, now: i64) -> Value {
    json!({
        "application_id": a.application_id,
        "status": if now >= a.registered_at { "registered" } else { "submitted" },
        "service_id": a.service_id,
        "service_name": a.service_name,
        "payment_id_masked": a.payment_id_masked,
        "submitted_at": a.submitted_at,
        "for_child": a.child.as_ref().map(|c| json!({
            "birth_date": c.birth_date,
            "representative_serial": c.representative_serial,
        })),
    })
}

/// A card signature over the digest: the digest signed as a message
/// (DigestInfo(SHA-256(digest))) or put itself in DigestInfo.
fn signed_over(key: &rsa::RsaPublicKey, digest: &[u8], signature: &[u8]) -> bool {
    crypto::verify_rsa_sha256(key, digest, signature)
        || crypto::verify_rsa_prehashed(key, digest, signature)
}

fn already_applied() -> ApiError {
    ApiError::new(
        ErrorCode::AlreadyApplied,
        "An application has already been submitted; the payment service cannot be changed.",
    )
}

fn payment_account_in_use() -> ApiError {
    ApiError::new(
        ErrorCode::PaymentAccountInUse,
        "This payment account already holds another person's points; use another account.",
    )
    .field("payment_id")
}

/// `POST /v1/applications/content-to-sign`
pub async fn content_to_sign(
    State(app): State<AppState>,
    auth: Auth,
    body: JsonBody,
) -> ApiResult<Json<Value>> {
    let person = require_my_key_id(&app, &auth)?;
    let content = ApplicationContent::from_body(&app, &auth, &body)?;
    // Say it before the card signs (submission checks it again, atomically).
    let used = app
        .store
        .lock()
        .expect("lock")
        .payment_account_used_by_other(&content.service.service_id, &content.payment_id, person)?;
    if used {
        return Err(payment_account_in_use());
    }
    let digest = content.digest(&auth.session.id);
    Ok(Json(json!({
        "digest": STANDARD.encode(digest),
        "summary": {
            "service_name": content.service.name,
            "payment_id_masked": mask(&content.payment_id),
        },
    })))
}

/// `POST /v1/applications`
pub async fn submit(
    State(app): State<AppState>,
    auth: Auth,
    body: JsonBody,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let person_id = require_my_key_id(&app, &auth)?;
    let content = ApplicationContent::from_body(&app, &auth, &body)?;
    let signature = decode_base64(
        body.str("signature")?,
        "signature",
        ErrorCode::SignatureFormat,
    )?;
    let digest = content.digest(&auth.session.id);
    let key = &auth.session.public_key;
    // The card signs the digest as a message (SHA-256 again, like the login
    // challenge) — or, equally binding, puts the digest itself in DigestInfo.
    if !signed_over(key, &digest, &signature) {
        return Err(ApiError::new(
            ErrorCode::SignatureInvalid,
            "The signature is not this session's card signature over this content.",
        )
        .field("signature"));
    }
    // A child application: the legal representative's card signs the same
    // digest, in the same forms.
    let representative_signature = match &content.for_child {
        None => None,
        Some(child) => {
            let invalid = |message: &str| {
                ApiError::new(ErrorCode::RepresentativeSignatureInvalid, message)
                    .field("representative_signature")
            };
            let text = body.opt_str("representative_signature")?.ok_or_else(|| {
                invalid("A child application needs the legal representative's card signature.")
            })?;
            let sig = decode_base64(text, "representative_signature", ErrorCode::SignatureFormat)?;
            if !signed_over(&child.representative.public_key, &digest, &sig) {
                return Err(invalid(
                    "The representative signature is not the legal representative's card signature over this content.",
                ));
            }
            Some(sig)
        }
    };
    let now = app.clock.now();
    let application_id = uuid::Uuid::new_v4().to_string();
    let (nonce, sealed) = app.sealing_key.seal(
        content.joined_codes().expose().as_bytes(),
        application_id.as_bytes(),
    );
    let mut evidence = digest.to_vec();
    evidence.extend_from_slice(&signature);
    let (evidence_nonce, evidence_sealed) = app
        .sealing_key
        .seal(&evidence, format!("evidence\n{application_id}").as_bytes());
    let child = match (&content.for_child, representative_signature) {
        (Some(child), Some(sig)) => {
            let (nonce, sealed) = app.sealing_key.seal(
                &sig,
                format!("representative-evidence\n{application_id}").as_bytes(),
            );
            Some(ChildApplication {
                birth_date: child.birth_date.clone(),
                representative_serial: child.representative.serial_hex.clone(),
                representative_issuer: child.representative.issuer.clone(),
                representative_cn: child.representative.subject_cn.clone(),
                representative_signature_nonce: nonce,
                representative_signature_sealed: sealed,
            })
        }
        _ => None,
    };
    let record = ApplicationRecord {
        application_id,
        person_id,
        service_id: content.service.service_id.clone(),
        service_name: content.service.name.clone(),
        terms_version: content.terms_version.clone(),
        payment_id: content.payment_id.clone(),
        payment_id_masked: mask(&content.payment_id),
        security_codes_nonce: nonce,
        security_codes_sealed: sealed,
        phone_last4: content.phone_last4.clone(),
        evidence_nonce,
        evidence_sealed,
        session_id: auth.session.id.clone(),
        certificate_serial: auth.session.certificate_serial.clone(),
        submitted_at: now,
        registered_at: now + app.config.registration_delay_secs as i64,
        child,
    };
    let outcome = app
        .store
        .lock()
        .expect("lock")
        .insert_application(&record)?;
    match outcome {
        InsertOutcome::Inserted => {}
        InsertOutcome::AlreadyApplied => return Err(already_applied()),
        InsertOutcome::PaymentAccountInUse => return Err(payment_account_in_use()),
    }
    tracing::info!(
        application = %record.application_id,
        service = %record.service_id,
        payment_id = %record.payment_id_masked,
        for_child = record.child.is_some(),
        "application submitted"
    );
    Ok((StatusCode::CREATED, Json(application_json(&record, now))))
}

/// `GET /v1/applications/mine`
pub async fn mine(State(app): State<AppState>, auth: Auth) -> ApiResult<Json<Value>> {
    let not_applied = || ApiError::new(ErrorCode::NotApplied, "No application has been submitted.");
    let store = app.store.lock().expect("lock");
    let person = store
        .person_id(&auth.session.issuer, &auth.session.subject_cn)?
        .ok_or_else(not_applied)?;
    let record = store.application_of(person)?.ok_or_else(not_applied)?;
    Ok(Json(application_json(&record, app.clock.now())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_the_last_four() {
        assert_eq!(mask("1234567890123456"), "************3456");
        assert_eq!(mask("ABCD"), "***D");
        assert_eq!(mask(""), "");
    }

    #[test]
    fn the_child_line_follows_the_phone_line() {
        let catalogue = crate::catalogue::Catalogue::builtin();
        let content = ApplicationContent {
            service: catalogue.get("aeon-card-waon").unwrap().clone(),
            terms_version: "2022-06".into(),
            payment_id: "1234567890123456".into(),
            security_codes: vec![Secret::new("4821")],
            phone_last4: None,
            for_child: None,
        };
        let codes = hex::encode(crypto::sha256(b"4821"));
        let ordinary = format!(
            "mynapoint-application-v1\nS\naeon-card-waon\n2022-06\n1234567890123456\n{codes}\n\n"
        );
        assert_eq!(content.digest("S"), crypto::sha256(ordinary.as_bytes()));
        let child = format!("{ordinary}child:20150401:1A2B\n");
        assert_eq!(
            content.digest_with("S", Some(("20150401", "1A2B"))),
            crypto::sha256(child.as_bytes())
        );
    }

    #[test]
    fn birth_dates_are_real_dates() {
        assert_eq!(parse_birth_date("20120229"), Some((2012, 2, 29)));
        assert_eq!(parse_birth_date("20130229"), None);
        assert_eq!(parse_birth_date("20120431"), None);
        assert_eq!(parse_birth_date("20121301"), None);
        assert_eq!(parse_birth_date("20120100"), None);
        assert_eq!(parse_birth_date("2012-1-1"), None);
        assert_eq!(parse_birth_date("２０１２０１０１"), None);
        assert_eq!(parse_birth_date("201201011"), None);
    }

    #[test]
    fn dates_and_ages_in_jst() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for days in [-800_000, -1, 0, 59, 11_016, 19_782, 400_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        // 2024-01-01T00:00:00Z is 09:00 JST; 2023-12-31T15:00:00Z is midnight JST.
        assert_eq!(jst_today(1_704_067_200), (2024, 1, 1));
        assert_eq!(jst_today(1_704_034_800), (2024, 1, 1));
        assert_eq!(jst_today(1_704_034_799), (2023, 12, 31));
        assert!(under_15((2010, 5, 10), (2025, 5, 9)));
        assert!(!under_15((2010, 5, 10), (2025, 5, 10)));
        assert!(under_15((2012, 2, 29), (2027, 2, 28)));
        assert!(!under_15((2012, 2, 29), (2027, 3, 1)));
    }
}
