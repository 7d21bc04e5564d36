//! My Number Points application: one per person, irreversible, signed by the
//! card over content bound to the session that prepared it, covering the
//! point categories applied for; categories added later on the same service
//! with the card again (`add_categories`). The content's rules and its
//! canonical form are the contract's (`mynapoint_contract::applications`,
//! `mynapoint_contract::categories`); who may apply for which category is
//! [`super::eligibility`].

use mynapoint_contract::date::CivilDate;
use mynapoint_contract::{
    check_child_birth_date, check_phone_last4, mask_payment_id, Application, ApplicationStatus,
    AppliedCategory, Category, CategoryAddition, ChildInfo, ContentSummary, ContentToSign,
    FieldProblem, Secret,
};

use super::card_login::certificate::{CertificateRefusal, PresentedCertificate};
use super::card_login::{decode_base64, Auth};
use super::catalogue::{check_payment_id, check_security_codes, Service};
use super::eligibility::{check_open, read_categories, PersonView};
use super::fields::JsonBody;
use super::Platform;
use crate::clock::unix;
use crate::crypto;
use crate::rules::error::{ApiError, ApiResult, ErrorCode};
use crate::store::{
    AddOutcome, ApplicationRecord, CategoryAdditionRecord, CategoryRecord, ChildApplication,
    InsertOutcome,
};

/// The checked fields of an application: the contract's content, the
/// service it names, and for a child the representative's certificate.
#[derive(Debug)]
pub struct ApplicationContent {
    pub service: Service,
    pub content: mynapoint_contract::ApplicationContent,
    /// Set for an application for a child under 15 by a legal representative:
    /// the representative's certificate (passed the login checks).
    pub representative: Option<PresentedCertificate>,
}

const BIRTH_DATE_FIELD: &str = "for_child.birth_date";
const REPRESENTATIVE_FIELD: &str = "for_child.representative_certificate";

/// A required string inside the `for_child` object (field `for_child.<name>`).
fn child_str<'a>(
    child: &'a serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> ApiResult<&'a str> {
    use serde_json::Value;
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

/// Reads and checks `for_child` (None when absent or null): the child's
/// birth date, then the representative's certificate.
fn for_child(
    app: &Platform,
    auth: &Auth,
    body: &JsonBody,
) -> ApiResult<Option<(mynapoint_contract::ForChild, PresentedCertificate)>> {
    let Some(child) = body.opt_object("for_child")? else {
        return Ok(None);
    };
    let birth_date = child_str(child, "birth_date")?;
    let now = app.clock.now();
    check_child_birth_date(birth_date, CivilDate::in_japan_at(now)).map_err(|p| match p {
        FieldProblem::NotUnder15 => ApiError::refused_field(
            ErrorCode::ChildNotUnder15,
            BIRTH_DATE_FIELD,
            "A legal representative applies only for a child under 15; from 15 the child applies alone.",
            p,
        ),
        _ => ApiError::refused_field(
            ErrorCode::ChildBirthDateFormat,
            BIRTH_DATE_FIELD,
            "The child's birth date must be a real date from 1900 written YYYYMMDD, not after today.",
            p,
        ),
    })?;
    let der = decode_base64(
        child_str(child, "representative_certificate")?,
        REPRESENTATIVE_FIELD,
        ErrorCode::CertificateFormat,
    )?;
    let representative =
        PresentedCertificate::parse(&der).map_err(|e| e.field(REPRESENTATIVE_FIELD))?;
    check_representative(app, &representative, now, REPRESENTATIVE_FIELD)?;
    if representative.issuer == auth.session.issuer
        && representative.subject_cn == auth.session.subject_cn
    {
        return Err(ApiError::new(
            ErrorCode::RepresentativeIsApplicant,
            "The legal representative's certificate belongs to the applicant; use the representative's own card.",
        )
        .field(REPRESENTATIVE_FIELD));
    }
    let wire = mynapoint_contract::ForChild {
        birth_date: birth_date.to_owned(),
        representative_certificate: der,
    };
    Ok(Some((wire, representative)))
}

/// The representative's certificate passes the login checks (`field` names it).
fn check_representative(
    app: &Platform,
    representative: &PresentedCertificate,
    now: i64,
    field: &str,
) -> ApiResult<()> {
    app.trust.verdict(representative, now).map_err(|refusal| {
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
        ApiError::new(code, message).field(field)
    })
}

impl ApplicationContent {
    /// Reads and checks every field against the service's rules, then
    /// `for_child` (for the session's person).
    pub fn from_body(app: &Platform, auth: &Auth, body: &JsonBody) -> ApiResult<Self> {
        let service_id = body.str("service_id")?;
        let service = app.catalogue.get(service_id).ok_or_else(|| {
            ApiError::new(ErrorCode::ServiceUnknown, "No payment service has this id.")
                .field("service_id")
                .status(400)
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
        check_payment_id(service, payment_id)?;
        let codes = body.str_array("security_codes")?;
        check_security_codes(service, &codes)?;
        let phone_last4 = body.opt_str("phone_last4")?.filter(|p| !p.is_empty());
        if let Some(phone) = phone_last4 {
            check_phone_last4(phone).map_err(|p| {
                ApiError::refused_field(
                    ErrorCode::PhoneLast4Format,
                    "phone_last4",
                    "The phone number's last 4 digits must be 4 half-width digits.",
                    p,
                )
            })?;
        }
        let categories = read_categories(body)?;
        let child = for_child(app, auth, body)?;
        let (for_child, representative) = match child {
            Some((wire, certificate)) => (Some(wire), Some(certificate)),
            None => (None, None),
        };
        Ok(ApplicationContent {
            service: service.clone(),
            content: mynapoint_contract::ApplicationContent {
                service_id: service.service_id.clone(),
                terms_version: terms_version.to_owned(),
                payment_id: Secret::new(payment_id),
                security_codes: codes.into_iter().map(Secret::new).collect(),
                phone_last4: phone_last4.map(Secret::new),
                for_child,
                categories,
            },
            representative,
        })
    }

    /// The person's service is still open (no application, no 1st
    /// installment) and each category is open to them.
    fn check_for(&self, app: &Platform, view: &PersonView) -> ApiResult<()> {
        view.check_service(app, &self.service.service_id)?;
        if view.fixed_service(app).is_some() {
            return Err(already_applied());
        }
        check_open(&view.statuses(app), &self.content.categories)
    }

    fn payment_id(&self) -> &str {
        self.content.payment_id.expose()
    }

    fn joined_codes(&self) -> Secret {
        let codes: Vec<&str> = self
            .content
            .security_codes
            .iter()
            .map(Secret::expose)
            .collect();
        Secret::new(codes.join("\n"))
    }

    /// The contract's digest of the content in this session (with the
    /// `child:` line for a child application).
    pub fn digest(&self, session_id: &str) -> [u8; 32] {
        let serial = self.representative.as_ref().map(|r| r.serial_hex.as_str());
        self.content.digest(session_id, serial)
    }
}

/// The security codes of a stored application (for the hand-over to the
/// payment service; never logged).
pub fn open_security_codes(
    key: &crate::crypto::SealingKey,
    record: &ApplicationRecord,
) -> Result<Vec<Secret>, crate::crypto::CryptoError> {
    let (Some(nonce), Some(sealed)) = (&record.security_codes_nonce, &record.security_codes_sealed)
    else {
        // On the 1st installment's service: no codes here.
        return Ok(Vec::new());
    };
    let plain = key.open(nonce, sealed, record.application_id.as_bytes())?;
    let text = String::from_utf8(plain).map_err(|_| crate::crypto::CryptoError::Open)?;
    Ok(text.split('\n').map(Secret::new).collect())
}

/// The person's active My Key ID holder id, or 403.
fn require_my_key_id(app: &Platform, auth: &Auth) -> ApiResult<i64> {
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

fn status_at(registered_at: i64, now: i64) -> ApplicationStatus {
    if now >= registered_at {
        ApplicationStatus::Registered
    } else {
        ApplicationStatus::Submitted
    }
}

/// Registered once every category is.
fn application_answer(a: &ApplicationRecord, now: i64) -> Application {
    let last = a
        .categories
        .iter()
        .map(|c| c.registered_at)
        .fold(a.registered_at, i64::max);
    Application {
        application_id: a.application_id.clone(),
        status: status_at(last, now),
        service_id: a.service_id.clone(),
        service_name: a.service_name.clone(),
        payment_id_masked: a.payment_id_masked.clone(),
        submitted_at: unix(a.submitted_at),
        for_child: a.child.as_ref().map(|c| ChildInfo {
            birth_date: c.birth_date.clone(),
            representative_serial: c.representative_serial.clone(),
        }),
        categories: a
            .categories
            .iter()
            .map(|c| AppliedCategory {
                category: c.category,
                amount_yen: c.category.max_yen(),
                status: status_at(c.registered_at, now),
                applied_at: unix(c.applied_at),
            })
            .collect(),
    }
}

/// The categories in [`Category::ALL`] order and their amounts together.
fn summed(categories: &[Category]) -> (Vec<Category>, u32) {
    let mut sorted = categories.to_vec();
    sorted.sort();
    let total = sorted.iter().map(|c| c.max_yen()).sum();
    (sorted, total)
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

/// The digest the card signs and what the person checks before signing
/// (`POST /v1/applications/content-to-sign`).
pub fn content_to_sign(app: &Platform, auth: &Auth, body: &JsonBody) -> ApiResult<ContentToSign> {
    let person = require_my_key_id(app, auth)?;
    let content = ApplicationContent::from_body(app, auth, body)?;
    content.check_for(app, &PersonView::of_session(app, auth)?)?;
    // Say it before the card signs (submission checks it again, atomically).
    let used = app
        .store
        .lock()
        .expect("lock")
        .payment_account_used_by_other(&content.service.service_id, content.payment_id(), person)?;
    if used {
        return Err(payment_account_in_use());
    }
    let digest = content.digest(&auth.session.id);
    let (categories, total_yen) = summed(&content.content.categories);
    Ok(ContentToSign {
        digest,
        summary: ContentSummary {
            service_name: content.service.name.clone(),
            payment_id_masked: Some(mask_payment_id(content.payment_id())),
            categories,
            total_yen,
        },
    })
}

/// Submits the person's one application, signed by the session's card (and
/// for a child by the legal representative's) (`POST /v1/applications`).
pub fn submit(app: &Platform, auth: &Auth, body: &JsonBody) -> ApiResult<Application> {
    let person_id = require_my_key_id(app, auth)?;
    let content = ApplicationContent::from_body(app, auth, body)?;
    content.check_for(app, &PersonView::of_session(app, auth)?)?;
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
    let representative_signature = match &content.representative {
        None => None,
        Some(representative) => {
            let invalid = |message: &str| {
                ApiError::new(ErrorCode::RepresentativeSignatureInvalid, message)
                    .field("representative_signature")
            };
            let text = body.opt_str("representative_signature")?.ok_or_else(|| {
                invalid("A child application needs the legal representative's card signature.")
            })?;
            let sig = decode_base64(text, "representative_signature", ErrorCode::SignatureFormat)?;
            if !signed_over(&representative.public_key, &digest, &sig) {
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
    let child = match (
        &content.content.for_child,
        &content.representative,
        representative_signature,
    ) {
        (Some(child), Some(representative), Some(sig)) => {
            let (nonce, sealed) = app.sealing_key.seal(
                &sig,
                format!("representative-evidence\n{application_id}").as_bytes(),
            );
            Some(ChildApplication {
                birth_date: child.birth_date.clone(),
                representative_serial: representative.serial_hex.clone(),
                representative_issuer: representative.issuer.clone(),
                representative_cn: representative.subject_cn.clone(),
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
        terms_version: Some(content.content.terms_version.clone()),
        payment_id: Some(content.payment_id().to_owned()),
        payment_id_masked: Some(mask_payment_id(content.payment_id())),
        security_codes_nonce: Some(nonce),
        security_codes_sealed: Some(sealed),
        phone_last4: content.content.phone_last4().map(str::to_owned),
        evidence_nonce,
        evidence_sealed,
        session_id: auth.session.id.clone(),
        certificate_serial: auth.session.certificate_serial.clone(),
        submitted_at: now,
        registered_at: now + app.config.registration_delay_secs as i64,
        child,
        first_installment: false,
        categories: summed(&content.content.categories)
            .0
            .into_iter()
            .map(|category| CategoryRecord {
                category,
                applied_at: now,
                registered_at: now + app.config.registration_delay_secs as i64,
            })
            .collect(),
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
        payment_id = record.payment_id_masked.as_deref().unwrap_or(""),
        for_child = record.child.is_some(),
        categories = %mynapoint_contract::categories_text(&content.content.categories),
        "application submitted"
    );
    Ok(application_answer(&record, now))
}

/// The person's application and its status (`GET /v1/applications/mine`).
pub fn mine(app: &Platform, auth: &Auth) -> ApiResult<Application> {
    let not_applied = || ApiError::new(ErrorCode::NotApplied, "No application has been submitted.");
    let store = app.store.lock().expect("lock");
    let person = store
        .person_id(&auth.session.issuer, &auth.session.subject_cn)?
        .ok_or_else(not_applied)?;
    let record = store.application_of(person)?.ok_or_else(not_applied)?;
    Ok(application_answer(&record, app.clock.now()))
}

/// A category addition's checked body: the fixed service, the categories,
/// and for a child's application the legal representative who applied.
struct Addition {
    person_id: i64,
    view: PersonView,
    addition: CategoryAddition,
    representative: Option<PresentedCertificate>,
}

impl Addition {
    fn digest(&self, session_id: &str) -> [u8; 32] {
        let serial = self.representative.as_ref().map(|r| r.serial_hex.as_str());
        self.addition.digest(session_id, serial)
    }
}

const ADDITION_REPRESENTATIVE: &str = "representative_certificate";

/// A child's application: the certificate of the legal representative who
/// applied (the same person), passing the login checks.
fn addition_representative(
    app: &Platform,
    view: &PersonView,
    body: &JsonBody,
) -> ApiResult<(Option<Vec<u8>>, Option<PresentedCertificate>)> {
    let Some(child) = view.application.as_ref().and_then(|a| a.child.as_ref()) else {
        return Ok((None, None));
    };
    let text = body.opt_str(ADDITION_REPRESENTATIVE)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::FieldMissing,
            "A child's application: the legal representative's certificate is required.",
        )
        .field(ADDITION_REPRESENTATIVE)
    })?;
    let der = decode_base64(text, ADDITION_REPRESENTATIVE, ErrorCode::CertificateFormat)?;
    let representative =
        PresentedCertificate::parse(&der).map_err(|e| e.field(ADDITION_REPRESENTATIVE))?;
    check_representative(
        app,
        &representative,
        app.clock.now(),
        ADDITION_REPRESENTATIVE,
    )?;
    if representative.issuer != child.representative_issuer
        || representative.subject_cn != child.representative_cn
    {
        return Err(ApiError::new(
            ErrorCode::RepresentativeCertificateUntrusted,
            "Not the legal representative who applied for this child.",
        )
        .field(ADDITION_REPRESENTATIVE));
    }
    Ok((Some(der), Some(representative)))
}

/// Reads `service_id` and `categories`; refuses a person without a service
/// yet (`not_applied`), another service, and a category not open to them.
fn read_addition(app: &Platform, auth: &Auth, body: &JsonBody) -> ApiResult<Addition> {
    let person_id = require_my_key_id(app, auth)?;
    let service_id = body.str("service_id")?;
    let categories = read_categories(body)?;
    let view = PersonView::of_session(app, auth)?;
    if view.fixed_service(app).is_none() {
        return Err(ApiError::new(
            ErrorCode::NotApplied,
            "No application yet: choose a payment service and apply with it.",
        ));
    }
    view.check_service(app, service_id)?;
    check_open(&view.statuses(app), &categories)?;
    let (representative_certificate, representative) = addition_representative(app, &view, body)?;
    Ok(Addition {
        person_id,
        view,
        addition: CategoryAddition {
            service_id: service_id.to_owned(),
            categories,
            representative_certificate,
        },
        representative,
    })
}

fn addition_summary(app: &Platform, a: &Addition) -> ContentSummary {
    let (categories, total_yen) = summed(&a.addition.categories);
    ContentSummary {
        service_name: a
            .view
            .fixed_service(app)
            .map(|s| s.service_name)
            .unwrap_or_default(),
        payment_id_masked: a
            .view
            .application
            .as_ref()
            .and_then(|r| r.payment_id_masked.clone()),
        categories,
        total_yen,
    }
}

/// The digest the card signs to add categories on the person's service
/// (`POST /v1/applications/categories/content-to-sign`).
pub fn categories_content_to_sign(
    app: &Platform,
    auth: &Auth,
    body: &JsonBody,
) -> ApiResult<ContentToSign> {
    let a = read_addition(app, auth, body)?;
    Ok(ContentToSign {
        digest: a.digest(&auth.session.id),
        summary: addition_summary(app, &a),
    })
}

/// Adds categories to the person's application, or applies for them on the
/// 1st installment's service, signed by the session's card
/// (`POST /v1/applications/categories`).
pub fn add_categories(app: &Platform, auth: &Auth, body: &JsonBody) -> ApiResult<Application> {
    let a = read_addition(app, auth, body)?;
    let signature = decode_base64(
        body.str("signature")?,
        "signature",
        ErrorCode::SignatureFormat,
    )?;
    let digest = a.digest(&auth.session.id);
    if !signed_over(&auth.session.public_key, &digest, &signature) {
        return Err(ApiError::new(
            ErrorCode::SignatureInvalid,
            "The signature is not this session's card signature over these categories.",
        )
        .field("signature"));
    }
    // A child's application: the legal representative's card signs too.
    let mut representative_signature = None;
    if let Some(representative) = &a.representative {
        let invalid = |message: &str| {
            ApiError::new(ErrorCode::RepresentativeSignatureInvalid, message)
                .field("representative_signature")
        };
        let text = body.opt_str("representative_signature")?.ok_or_else(|| {
            invalid("A child's application needs the legal representative's card signature.")
        })?;
        let sig = decode_base64(text, "representative_signature", ErrorCode::SignatureFormat)?;
        if !signed_over(&representative.public_key, &digest, &sig) {
            return Err(invalid(
                "The representative signature is not the legal representative's card signature over these categories.",
            ));
        }
        representative_signature = Some(sig);
    }
    let now = app.clock.now();
    let registered_at = now + app.config.registration_delay_secs as i64;
    // Sealed: digest || signature (|| the representative's signature).
    let mut evidence = digest.to_vec();
    evidence.extend_from_slice(&signature);
    if let Some(sig) = &representative_signature {
        evidence.extend_from_slice(sig);
    }
    let (categories, _) = summed(&a.addition.categories);
    let mut store = app.store.lock().expect("lock");
    match &a.view.application {
        Some(existing) => {
            let (nonce, sealed) = app.sealing_key.seal(
                &evidence,
                format!(
                    "category-evidence\n{}\n{}",
                    existing.application_id,
                    mynapoint_contract::categories_text(&categories)
                )
                .as_bytes(),
            );
            let outcome = store.add_categories(&CategoryAdditionRecord {
                application_id: &existing.application_id,
                categories: &categories,
                applied_at: now,
                registered_at,
                session_id: &auth.session.id,
                evidence_nonce: &nonce,
                evidence_sealed: &sealed,
            })?;
            if let AddOutcome::AlreadyApplied(c) = outcome {
                let i = a
                    .addition
                    .categories
                    .iter()
                    .position(|x| *x == c)
                    .unwrap_or(0);
                return Err(ApiError::new(
                    ErrorCode::CategoryAlreadyApplied,
                    "The application already covers this category.",
                )
                .field(format!("categories[{i}]")));
            }
        }
        None => {
            // A 1st-installment applicant: the application is made on the
            // 1st service, with no payment details of its own.
            let fixed = a.view.fixed_service(app).ok_or_else(|| {
                ApiError::internal("an addition without a service passed the checks")
            })?;
            let application_id = uuid::Uuid::new_v4().to_string();
            let (evidence_nonce, evidence_sealed) = app
                .sealing_key
                .seal(&evidence, format!("evidence\n{application_id}").as_bytes());
            let record = ApplicationRecord {
                application_id,
                person_id: a.person_id,
                service_id: fixed.service_id,
                service_name: fixed.service_name,
                terms_version: None,
                payment_id: None,
                payment_id_masked: None,
                security_codes_nonce: None,
                security_codes_sealed: None,
                phone_last4: None,
                evidence_nonce,
                evidence_sealed,
                session_id: auth.session.id.clone(),
                certificate_serial: auth.session.certificate_serial.clone(),
                submitted_at: now,
                registered_at,
                child: None,
                first_installment: true,
                categories: categories
                    .iter()
                    .map(|&category| CategoryRecord {
                        category,
                        applied_at: now,
                        registered_at,
                    })
                    .collect(),
            };
            match store.insert_application(&record)? {
                InsertOutcome::Inserted => {}
                InsertOutcome::AlreadyApplied => return Err(already_applied()),
                InsertOutcome::PaymentAccountInUse => return Err(payment_account_in_use()),
            }
        }
    }
    let record = store
        .application_of(a.person_id)?
        .ok_or_else(|| ApiError::internal("the application vanished after the addition"))?;
    tracing::info!(
        application = %record.application_id,
        categories = %mynapoint_contract::categories_text(&categories),
        "categories added"
    );
    Ok(application_answer(&record, now))
}
