//! The error body of the contract: `{"error": {"code", "message", "field"}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

macro_rules! error_codes {
    ($($variant:ident = ($code:literal, $status:literal)),+ $(,)?) => {
        /// Every stable error code the server can answer, with its usual HTTP status.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode { $($variant),+ }

        impl ErrorCode {
            /// All codes, for the test that compares them with `openapi.yaml`.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),+ }
            }

            pub fn default_status(self) -> StatusCode {
                let status = match self { $(ErrorCode::$variant => $status),+ };
                StatusCode::from_u16(status).expect("a valid status")
            }
        }
    };
}

error_codes! {
    InvalidJson = ("invalid_json", 400),
    FieldMissing = ("field_missing", 400),
    FieldType = ("field_type", 400),
    Unauthenticated = ("unauthenticated", 401),
    SessionExpired = ("session_expired", 401),
    ChallengeUnknown = ("challenge_unknown", 400),
    ChallengeExpired = ("challenge_expired", 400),
    ChallengeUsed = ("challenge_used", 400),
    CertificateFormat = ("certificate_format", 400),
    SignatureFormat = ("signature_format", 400),
    SignatureInvalid = ("signature_invalid", 401),
    CertificateUntrusted = ("certificate_untrusted", 401),
    CertificateExpired = ("certificate_expired", 401),
    CertificateNotYetValid = ("certificate_not_yet_valid", 401),
    CertificateRevoked = ("certificate_revoked", 401),
    MyKeyIdNotIssued = ("my_key_id_not_issued", 404),
    NoMoreCandidates = ("no_more_candidates", 409),
    MyKeyIdFormat = ("my_key_id_format", 400),
    OwnChoiceExhausted = ("own_choice_exhausted", 409),
    ModeFormat = ("mode_format", 400),
    MyKeyIdNotOffered = ("my_key_id_not_offered", 400),
    MyKeyIdNotChecked = ("my_key_id_not_checked", 400),
    PasswordFormat = ("password_format", 400),
    EmailFormat = ("email_format", 400),
    MunicipalityCode = ("municipality_code", 400),
    MyKeyIdAlreadyIssued = ("my_key_id_already_issued", 409),
    MyKeyIdTaken = ("my_key_id_taken", 409),
    MyKeyIdRevoked = ("my_key_id_revoked", 409),
    MyKeyIdUnchanged = ("my_key_id_unchanged", 400),
    FreshLoginRequired = ("fresh_login_required", 409),
    ServiceUnknown = ("service_unknown", 404),
    PaymentIdFormat = ("payment_id_format", 400),
    SecurityCodeFormat = ("security_code_format", 400),
    PhoneLast4Format = ("phone_last4_format", 400),
    TermsVersionMismatch = ("terms_version_mismatch", 400),
    AlreadyApplied = ("already_applied", 409),
    MyKeyIdRequired = ("my_key_id_required", 403),
    NotApplied = ("not_applied", 404),
    ChildBirthDateFormat = ("child_birth_date_format", 400),
    ChildNotUnder15 = ("child_not_under_15", 400),
    RepresentativeCertificateUntrusted = ("representative_certificate_untrusted", 400),
    RepresentativeCertificateExpired = ("representative_certificate_expired", 400),
    RepresentativeCertificateRevoked = ("representative_certificate_revoked", 400),
    RepresentativeIsApplicant = ("representative_is_applicant", 400),
    RepresentativeSignatureInvalid = ("representative_signature_invalid", 401),
    PaymentAccountInUse = ("payment_account_in_use", 409),
    NotImplemented = ("not_implemented", 501),
    IdempotencyKeyReused = ("idempotency_key_reused", 422),
    IdempotencyKeyFormat = ("idempotency_key_format", 400),
    IdempotencyInProgress = ("idempotency_in_progress", 409),
    NotFound = ("not_found", 404),
    MethodNotAllowed = ("method_not_allowed", 405),
    Internal = ("internal", 500),
}

/// An error answered to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            status: code.default_status(),
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// A server-side failure; the detail goes to the log, not the client.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        ApiError::new(
            ErrorCode::Internal,
            "The server failed to process the request.",
        )
    }

    pub fn body(&self) -> serde_json::Value {
        json!({"error": {"code": self.code.as_str(), "message": self.message, "field": self.field}})
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.code.as_str(),
            self.status,
            self.message
        )
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        ApiError::internal(e)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
