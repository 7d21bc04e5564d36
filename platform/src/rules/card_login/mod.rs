//! Card login: a challenge, the card's PKCS#1 v1.5 SHA-256 signature over
//! it, and the user-authentication certificate that must chain to an anchor.

pub mod certificate;
pub mod challenges;
pub mod sessions;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use mynapoint_contract::{Challenge, LoginResponse, SessionToken};

use super::error::{ApiError, ApiResult, ErrorCode};
use super::fields::JsonBody;
use super::Platform;
use crate::crypto;
use certificate::PresentedCertificate;
use sessions::{unauthenticated, Session};

/// A new login challenge (`POST /v1/auth/challenge`).
pub fn challenge(app: &Platform) -> Challenge {
    let now = app.clock.now();
    let lifetime = app.config.challenge_lifetime_secs as i64;
    let (id, bytes, expires_at) = app.challenges.lock().expect("lock").issue(now, lifetime);
    Challenge {
        challenge_id: id.to_string(),
        challenge: bytes.to_vec(),
        expires_at: crate::clock::unix(expires_at),
    }
}

pub fn decode_base64(text: &str, field: &str, code: ErrorCode) -> ApiResult<Vec<u8>> {
    STANDARD
        .decode(text.trim())
        .map_err(|_| ApiError::new(code, format!("`{field}` is not valid base64.")).field(field))
}

/// Card login (`POST /v1/auth/login`): the challenge signed by the card, the
/// certificate trusted; a reissued card moves the person's record to it.
pub fn login(app: &Platform, body: &JsonBody) -> ApiResult<LoginResponse> {
    let challenge_id = body.str("challenge_id")?;
    let cert_der = decode_base64(
        body.str("certificate")?,
        "certificate",
        ErrorCode::CertificateFormat,
    )?;
    let signature = decode_base64(
        body.str("signature")?,
        "signature",
        ErrorCode::SignatureFormat,
    )?;
    let cert = PresentedCertificate::parse(&cert_der)?;
    let now = app.clock.now();
    let challenge = app
        .challenges
        .lock()
        .expect("lock")
        .take(challenge_id, now)?;
    if !crypto::verify_rsa_sha256(&cert.public_key, &challenge, &signature) {
        return Err(ApiError::new(
            ErrorCode::SignatureInvalid,
            "The signature does not verify with the certificate's key over this challenge.",
        )
        .field("signature"));
    }
    app.trust.check(&cert, now)?;

    let (my_key_id, card_reissued) = {
        let mut store = app.store.lock().expect("lock");
        let record = match store.person_id(&cert.issuer, &cert.subject_cn)? {
            Some(person) => store.my_key_id_of(person)?,
            None => None,
        };
        match record {
            // A reissued card expires later than the one on record; an older
            // card still in someone's hands never moves the record back.
            Some(r)
                if r.active
                    && r.certificate_serial != cert.serial_hex
                    && cert.not_after > r.certificate_expires_at =>
            {
                store.update_certificate(r.person_id, &cert.serial_hex, cert.not_after, now)?;
                tracing::info!(person = r.person_id, serial = %cert.serial_hex, "reissued card: certificate updated");
                (Some(r.my_key_id), true)
            }
            Some(r) if r.active => (Some(r.my_key_id), false),
            _ => (None, false),
        }
    };

    let idle = app.config.session_idle_timeout_secs as i64;
    let session = Session {
        id: uuid::Uuid::new_v4().to_string(),
        issuer: cert.issuer.clone(),
        subject_cn: cert.subject_cn.clone(),
        certificate_serial: cert.serial_hex.clone(),
        certificate_not_after: cert.not_after,
        public_key: cert.public_key.clone(),
        last_seen: now,
        candidates: Vec::new(),
        checks_used: 0,
        checked_available: Vec::new(),
        my_key_id_chosen: false,
    };
    let token = app
        .sessions
        .lock()
        .expect("lock")
        .create(session, now, idle);
    tracing::info!(serial = %cert.serial_hex, card_reissued, "card login");
    Ok(LoginResponse {
        session_token: SessionToken::new(token),
        expires_at: crate::clock::unix(now + idle),
        certificate_serial: cert.serial_hex.clone(),
        my_key_id,
        card_reissued,
    })
}

/// An authenticated request: a copy of its live session (idle timer restarted).
pub struct Auth {
    pub token: String,
    pub session: Session,
}

impl Auth {
    /// The live session of the bearer `token` (None: no token sent), its
    /// idle timer restarted.
    pub fn authenticate(app: &Platform, token: Option<&str>) -> ApiResult<Self> {
        let token = token.ok_or_else(unauthenticated)?.to_owned();
        let now = app.clock.now();
        let idle = app.config.session_idle_timeout_secs as i64;
        let session = app
            .sessions
            .lock()
            .expect("lock")
            .touch(&token, now, idle)?
            .clone();
        Ok(Auth { token, session })
    }

    /// Changes the live session (candidates, checks).
    pub fn update<T>(&self, app: &Platform, f: impl FnOnce(&mut Session) -> T) -> ApiResult<T> {
        let now = app.clock.now();
        let idle = app.config.session_idle_timeout_secs as i64;
        let mut sessions = app.sessions.lock().expect("lock");
        Ok(f(sessions.touch(&self.token, now, idle)?))
    }

    /// The person's id, if they have ever issued a My Key ID.
    pub fn person_id(&self, app: &Platform) -> ApiResult<Option<i64>> {
        Ok(app
            .store
            .lock()
            .expect("lock")
            .person_id(&self.session.issuer, &self.session.subject_cn)?)
    }
}
