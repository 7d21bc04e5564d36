//! My Number Points application: one per person, irreversible, signed by the
//! card over content bound to the session that prepared it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

use crate::auth::{decode_base64, Auth};
use crate::catalogue::Service;
use crate::crypto::{self, Secret};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::extract::JsonBody;
use crate::http::AppState;
use crate::store::ApplicationRecord;

pub const CONTENT_PREFIX: &str = "mynapoint-application-v1\n";

/// The validated fields of an application. Security codes stay redacted.
#[derive(Debug)]
pub struct ApplicationContent {
    pub service: Service,
    pub terms_version: String,
    pub payment_id: String,
    pub security_codes: Vec<Secret>,
    pub phone_last4: Option<String>,
}

impl ApplicationContent {
    /// Reads and checks every field against the service's rules.
    pub fn from_body(app: &AppState, body: &JsonBody) -> ApiResult<Self> {
        if body.is_present("for_child") {
            return Err(ApiError::new(
                ErrorCode::NotImplemented,
                "Applying for a child is not supported by this platform yet.",
            )
            .field("for_child"));
        }
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

    /// SHA-256 of the canonical content (see API-CONTRACT.md).
    pub fn digest(&self, session_id: &str) -> [u8; 32] {
        let codes_hash = hex::encode(crypto::sha256(self.joined_codes().expose().as_bytes()));
        let content = format!(
            "{CONTENT_PREFIX}{session_id}\n{}\n{}\n{}\n{codes_hash}\n{}\n",
            self.service.service_id,
            self.terms_version,
            self.payment_id,
            self.phone_last4.as_deref().unwrap_or(""),
        );
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
    })
}

fn already_applied() -> ApiError {
    ApiError::new(
        ErrorCode::AlreadyApplied,
        "An application has already been submitted; the payment service cannot be changed.",
    )
}

/// `POST /v1/applications/content-to-sign`
pub async fn content_to_sign(
    State(app): State<AppState>,
    auth: Auth,
    body: JsonBody,
) -> ApiResult<Json<Value>> {
    require_my_key_id(&app, &auth)?;
    let content = ApplicationContent::from_body(&app, &body)?;
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
    let content = ApplicationContent::from_body(&app, &body)?;
    let signature = decode_base64(
        body.str("signature")?,
        "signature",
        ErrorCode::SignatureFormat,
    )?;
    let digest = content.digest(&auth.session.id);
    let key = &auth.session.public_key;
    // The card signs the digest as a message (SHA-256 again, like the login
    // challenge) — or, equally binding, puts the digest itself in DigestInfo.
    let signed = crypto::verify_rsa_sha256(key, &digest, &signature)
        || crypto::verify_rsa_prehashed(key, &digest, &signature);
    if !signed {
        return Err(ApiError::new(
            ErrorCode::SignatureInvalid,
            "The signature is not this session's card signature over this content.",
        )
        .field("signature"));
    }
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
    };
    if !app
        .store
        .lock()
        .expect("lock")
        .insert_application(&record)?
    {
        return Err(already_applied());
    }
    tracing::info!(
        application = %record.application_id,
        service = %record.service_id,
        payment_id = %record.payment_id_masked,
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
}
