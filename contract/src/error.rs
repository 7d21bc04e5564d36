//! The error answer of every route: `{"error": {"code", "message", "field"}}`
//! with a stable [`ErrorCode`] and its HTTP status.
//!
//! The code is what clients match on; the message is an English sentence for
//! logs. [`ErrorCode::class`] says what kind of refusal a code is; a
//! shell's failure vocabulary (retry hints, messages in Japanese and
//! English) maps [`ErrorCode::ALL`] once, and the exhaustive matches here
//! make a new code a compile error until it is classified.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = ($code:literal, $status:literal)),+ $(,)?) => {
        /// Every stable error code of the API. The server answers only the
        /// known codes; a client keeps a code it does not know as
        /// [`ErrorCode::Other`] (a newer server).
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)+
            /// A code this build does not know (kept verbatim).
            Other(String),
        }

        impl ErrorCode {
            /// Every known code.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The wire form (`snake_case`).
            pub fn as_str(&self) -> &str {
                match self {
                    $(ErrorCode::$variant => $code,)+
                    ErrorCode::Other(code) => code,
                }
            }

            /// The code of a wire form (unknown ones as [`ErrorCode::Other`]).
            pub fn from_code(code: &str) -> Self {
                match code {
                    $($code => ErrorCode::$variant,)+
                    other => ErrorCode::Other(other.to_owned()),
                }
            }

            /// The HTTP status the server answers this code with. One
            /// exception, stated in `openapi.yaml`: `service_unknown` is 404
            /// on `GET /v1/payment-services/{service_id}` and 400 inside an
            /// application body. [`ErrorCode::Other`]: 500 (unknown to us).
            pub const fn http_status(&self) -> u16 {
                match self {
                    $(ErrorCode::$variant => $status,)+
                    ErrorCode::Other(_) => 500,
                }
            }
        }
    };
}

error_codes! {
    /// The body is not a JSON object.
    InvalidJson = ("invalid_json", 400),
    FieldMissing = ("field_missing", 400),
    FieldType = ("field_type", 400),
    /// No or an unknown bearer token.
    Unauthenticated = ("unauthenticated", 401),
    /// The session ended after being idle: log in with the card again.
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
    /// No category chosen, or one twice (`field`: `categories`).
    CategoriesFormat = ("categories_format", 400),
    /// A category is not open to the person yet (`field`:
    /// `categories[i]`; the message says what to register first, and where).
    CategoryNotAvailable = ("category_not_available", 409),
    /// The application already covers this category (`field`: `categories[i]`).
    CategoryAlreadyApplied = ("category_already_applied", 409),
    /// The person's one service is chosen already (at the 1st installment
    /// or in their application) and cannot be changed (`field`: `service_id`).
    ServiceCannotChange = ("service_cannot_change", 409),
    /// Administration: bad eligibility facts (`field` names the value).
    EligibilityFormat = ("eligibility_format", 400),
    /// Field app: the terminal ID is not 8 digits.
    TerminalIdFormat = ("terminal_id_format", 400),
    /// Field app: no terminal with this ID.
    TerminalUnknown = ("terminal_unknown", 401),
    /// Field app: wrong terminal password (the message says how many more
    /// before the lock).
    TerminalPasswordWrong = ("terminal_password_wrong", 401),
    /// Field app: locked after repeated wrong passwords (the message says
    /// until when).
    TerminalLocked = ("terminal_locked", 423),
    /// Field app: the terminal is registered to another device; the
    /// administrator must re-register it.
    TerminalDeviceMismatch = ("terminal_device_mismatch", 409),
    DeviceKeyFormat = ("device_key_format", 400),
    DeviceFingerprintFormat = ("device_fingerprint_format", 400),
    ProjectIdFormat = ("project_id_format", 400),
    ProjectUnknown = ("project_unknown", 404),
    ProjectClosed = ("project_closed", 409),
    /// The project belongs to another municipality than the terminal's.
    ProjectOtherMunicipality = ("project_other_municipality", 403),
    BatchSignatureMissing = ("batch_signature_missing", 400),
    BatchSignatureInvalid = ("batch_signature_invalid", 401),
    /// A batch with no taps, too many, a bad tap ID or a bad field.
    BatchFormat = ("batch_format", 400),
    ParticipantFormat = ("participant_format", 400),
    ParticipantNotInMaster = ("participant_not_in_master", 404),
    AlreadyOnRoster = ("already_on_roster", 409),
    /// The My Key ID has no taps waiting in the project's not-on-roster list.
    NotWaiting = ("not_waiting", 404),
    MunicipalityUnknown = ("municipality_unknown", 404),
    /// Administration: the municipality, project or terminal exists already.
    AlreadyExists = ("already_exists", 409),
    /// Administration: a roster row is bad (`field` names it).
    RosterRowFormat = ("roster_row_format", 400),
    /// Administration: a point ID is not 8 digits.
    PointIdFormat = ("point_id_format", 400),
    /// Administration: the My Key ID is not on the project's roster (removal).
    NotOnRoster = ("not_on_roster", 404),
    NotImplemented = ("not_implemented", 501),
    IdempotencyKeyReused = ("idempotency_key_reused", 422),
    IdempotencyKeyFormat = ("idempotency_key_format", 400),
    IdempotencyInProgress = ("idempotency_in_progress", 409),
    NotFound = ("not_found", 404),
    MethodNotAllowed = ("method_not_allowed", 405),
    Internal = ("internal", 500),
}

/// What kind of refusal a code is, for a client deciding what to do next (a
/// shell's retry hint and message build on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// The request itself is malformed (a client bug, not the person's).
    Request,
    /// A value the person typed or chose is refused (the `field` of the
    /// error body says which; for `terms_version_mismatch`, the terms to
    /// read and accept again): enter or choose it again.
    Field,
    /// The platform session (or the login challenge) is gone or its
    /// choices are used up: log in with the card again (own-choice checks
    /// used up: auto-generation is still open in this session).
    Session,
    /// The card's certificate or signature is refused.
    Card,
    /// The person's records forbid it (already issued, revoked, applied, …).
    State,
    /// Nothing was done; the same request may succeed later.
    Retry,
    /// A code this build does not know.
    Unknown,
}

impl ErrorCode {
    /// The kind of refusal.
    pub fn class(&self) -> ErrorClass {
        use ErrorCode::*;
        match self {
            InvalidJson
            | FieldMissing
            | FieldType
            | ModeFormat
            | MyKeyIdNotOffered
            | MyKeyIdNotChecked
            | IdempotencyKeyFormat
            | IdempotencyKeyReused
            | NotFound
            | MethodNotAllowed
            | NotImplemented
            | CertificateFormat
            | SignatureFormat
            | BatchSignatureMissing
            | BatchSignatureInvalid
            | BatchFormat => ErrorClass::Request,
            MyKeyIdFormat
            | PasswordFormat
            | EmailFormat
            | MunicipalityCode
            | MyKeyIdTaken
            | MyKeyIdUnchanged
            | ServiceUnknown
            | PaymentIdFormat
            | SecurityCodeFormat
            | PhoneLast4Format
            | ChildBirthDateFormat
            | ChildNotUnder15
            | PaymentAccountInUse
            | TermsVersionMismatch
            | TerminalIdFormat
            | TerminalUnknown
            | TerminalPasswordWrong
            | ProjectIdFormat
            | ParticipantFormat
            | RosterRowFormat
            | PointIdFormat
            | DeviceKeyFormat
            | DeviceFingerprintFormat
            | CategoriesFormat
            | EligibilityFormat => ErrorClass::Field,
            Unauthenticated | SessionExpired | ChallengeUnknown | ChallengeExpired
            | ChallengeUsed | FreshLoginRequired | NoMoreCandidates | OwnChoiceExhausted => {
                ErrorClass::Session
            }
            SignatureInvalid
            | CertificateUntrusted
            | CertificateExpired
            | CertificateNotYetValid
            | CertificateRevoked
            | RepresentativeCertificateUntrusted
            | RepresentativeCertificateExpired
            | RepresentativeCertificateRevoked
            | RepresentativeIsApplicant
            | RepresentativeSignatureInvalid => ErrorClass::Card,
            MyKeyIdNotIssued
            | MyKeyIdAlreadyIssued
            | MyKeyIdRevoked
            | AlreadyApplied
            | MyKeyIdRequired
            | NotApplied
            | TerminalLocked
            | TerminalDeviceMismatch
            | ProjectUnknown
            | ProjectClosed
            | ProjectOtherMunicipality
            | ParticipantNotInMaster
            | AlreadyOnRoster
            | NotWaiting
            | NotOnRoster
            | MunicipalityUnknown
            | AlreadyExists
            | CategoryNotAvailable
            | CategoryAlreadyApplied
            | ServiceCannotChange => ErrorClass::State,
            IdempotencyInProgress | Internal => ErrorClass::Retry,
            Other(_) => ErrorClass::Unknown,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|code| ErrorCode::from_code(&code))
    }
}

/// Every error answer: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub error: ErrorBody,
}

/// The inside of an error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: ErrorCode,
    /// An English sentence, for logs; never the only carrier of meaning.
    #[serde(default)]
    pub message: String,
    /// The request field at fault (JSON key, `for_child.<key>`, or
    /// `Idempotency-Key`), or null. Always sent; a client accepts it absent.
    #[serde(default)]
    pub field: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_ones_are_kept() {
        for code in ErrorCode::ALL {
            assert_eq!(&ErrorCode::from_code(code.as_str()), code);
            assert!((400..=599).contains(&code.http_status()), "{code}");
        }
        assert_eq!(
            ErrorCode::from_code("brand_new"),
            ErrorCode::Other("brand_new".into())
        );
        assert_eq!(ErrorCode::Other("x".into()).as_str(), "x");
        assert_eq!(ErrorCode::IdempotencyKeyReused.http_status(), 422);
        assert_eq!(ErrorCode::MyKeyIdRequired.http_status(), 403);
    }

    #[test]
    fn codes_are_classified() {
        assert_eq!(ErrorCode::PaymentIdFormat.class(), ErrorClass::Field);
        assert_eq!(ErrorCode::SessionExpired.class(), ErrorClass::Session);
        assert_eq!(ErrorCode::Internal.class(), ErrorClass::Retry);
        assert_eq!(ErrorCode::AlreadyApplied.class(), ErrorClass::State);
        assert_eq!(ErrorCode::SignatureInvalid.class(), ErrorClass::Card);
        assert_eq!(ErrorCode::FieldMissing.class(), ErrorClass::Request);
        assert_eq!(ErrorCode::Other("x".into()).class(), ErrorClass::Unknown);
        // Every refusal of a typed value is a 400 or a 409 (taken, in use).
        for code in ErrorCode::ALL {
            if code.class() == ErrorClass::Field {
                assert!(
                    matches!(code.http_status(), 400 | 401 | 404 | 409),
                    "{code}"
                );
            }
        }
    }

    #[test]
    fn the_error_body_reads_and_writes() {
        let body = ErrorResponse {
            error: ErrorBody {
                code: ErrorCode::PaymentIdFormat,
                message: "m".into(),
                field: Some("payment_id".into()),
            },
        };
        let json = serde_json::to_string(&body).unwrap();
        assert_eq!(
            json,
            r#"{"error":{"code":"payment_id_format","message":"m","field":"payment_id"}}"#
        );
        let back: ErrorResponse = serde_json::from_str(r#"{"error":{"code":"zzz"}}"#).unwrap();
        assert_eq!(back.error.code, ErrorCode::Other("zzz".into()));
        assert_eq!(back.error.field, None);
    }
}
