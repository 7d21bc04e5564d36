//! What can go wrong talking to the platform, with the contract's stable
//! error codes as an enum the flows match on.

/// The contract's `error.code` values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    ChallengeUnknown,
    ChallengeExpired,
    ChallengeUsed,
    SignatureInvalid,
    CertificateUntrusted,
    CertificateExpired,
    CertificateNotYetValid,
    CertificateRevoked,
    MyKeyIdNotIssued,
    NoMoreCandidates,
    MyKeyIdFormat,
    OwnChoiceExhausted,
    PasswordFormat,
    EmailFormat,
    MyKeyIdAlreadyIssued,
    MyKeyIdTaken,
    MyKeyIdRevoked,
    MyKeyIdUnchanged,
    FreshLoginRequired,
    ServiceUnknown,
    PaymentIdFormat,
    SecurityCodeFormat,
    PhoneLast4Format,
    TermsVersionMismatch,
    AlreadyApplied,
    MyKeyIdRequired,
    NotApplied,
    NotImplemented,
    IdempotencyKeyReused,
    ChildBirthDateFormat,
    ChildNotUnder15,
    RepresentativeCertificateUntrusted,
    RepresentativeCertificateExpired,
    RepresentativeCertificateRevoked,
    RepresentativeIsApplicant,
    RepresentativeSignatureInvalid,
    PaymentAccountInUse,
    /// A code this client does not know (kept verbatim).
    Other(String),
}

const KNOWN: &[(ErrorCode, &str)] = &[
    (ErrorCode::ChallengeUnknown, "challenge_unknown"),
    (ErrorCode::ChallengeExpired, "challenge_expired"),
    (ErrorCode::ChallengeUsed, "challenge_used"),
    (ErrorCode::SignatureInvalid, "signature_invalid"),
    (ErrorCode::CertificateUntrusted, "certificate_untrusted"),
    (ErrorCode::CertificateExpired, "certificate_expired"),
    (
        ErrorCode::CertificateNotYetValid,
        "certificate_not_yet_valid",
    ),
    (ErrorCode::CertificateRevoked, "certificate_revoked"),
    (ErrorCode::MyKeyIdNotIssued, "my_key_id_not_issued"),
    (ErrorCode::NoMoreCandidates, "no_more_candidates"),
    (ErrorCode::MyKeyIdFormat, "my_key_id_format"),
    (ErrorCode::OwnChoiceExhausted, "own_choice_exhausted"),
    (ErrorCode::PasswordFormat, "password_format"),
    (ErrorCode::EmailFormat, "email_format"),
    (ErrorCode::MyKeyIdAlreadyIssued, "my_key_id_already_issued"),
    (ErrorCode::MyKeyIdTaken, "my_key_id_taken"),
    (ErrorCode::MyKeyIdRevoked, "my_key_id_revoked"),
    (ErrorCode::MyKeyIdUnchanged, "my_key_id_unchanged"),
    (ErrorCode::FreshLoginRequired, "fresh_login_required"),
    (ErrorCode::ServiceUnknown, "service_unknown"),
    (ErrorCode::PaymentIdFormat, "payment_id_format"),
    (ErrorCode::SecurityCodeFormat, "security_code_format"),
    (ErrorCode::PhoneLast4Format, "phone_last4_format"),
    (ErrorCode::TermsVersionMismatch, "terms_version_mismatch"),
    (ErrorCode::AlreadyApplied, "already_applied"),
    (ErrorCode::MyKeyIdRequired, "my_key_id_required"),
    (ErrorCode::NotApplied, "not_applied"),
    (ErrorCode::NotImplemented, "not_implemented"),
    (ErrorCode::IdempotencyKeyReused, "idempotency_key_reused"),
    (ErrorCode::ChildBirthDateFormat, "child_birth_date_format"),
    (ErrorCode::ChildNotUnder15, "child_not_under_15"),
    (
        ErrorCode::RepresentativeCertificateUntrusted,
        "representative_certificate_untrusted",
    ),
    (
        ErrorCode::RepresentativeCertificateExpired,
        "representative_certificate_expired",
    ),
    (
        ErrorCode::RepresentativeCertificateRevoked,
        "representative_certificate_revoked",
    ),
    (
        ErrorCode::RepresentativeIsApplicant,
        "representative_is_applicant",
    ),
    (
        ErrorCode::RepresentativeSignatureInvalid,
        "representative_signature_invalid",
    ),
    (ErrorCode::PaymentAccountInUse, "payment_account_in_use"),
];

impl ErrorCode {
    pub fn from_code(code: &str) -> Self {
        KNOWN
            .iter()
            .find(|(_, text)| *text == code)
            .map(|(c, _)| c.clone())
            .unwrap_or_else(|| ErrorCode::Other(code.to_owned()))
    }

    /// The wire form.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::Other(code) => code,
            known => KNOWN
                .iter()
                .find(|(c, _)| c == known)
                .map(|(_, text)| *text)
                .unwrap_or("unknown"),
        }
    }
}

/// Why a platform call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformError {
    /// The platform answered with an error status.
    #[error("the platform answered {status} {}", code.as_str())]
    Http {
        status: u16,
        code: ErrorCode,
        /// The server's English sentence, for logs only; never the only
        /// carrier of meaning (match on `code`).
        message: String,
        field: Option<String>,
    },
    /// No answer: connection refused or reset, DNS, TLS. The request may or
    /// may not have been processed.
    #[error("the platform could not be reached: {0}")]
    Network(String),
    /// The platform did not answer in time. The request may have been processed.
    #[error("the platform did not answer in time")]
    Timeout,
    /// The answer did not have the contract's shape.
    #[error("the platform's answer could not be read: {0}")]
    Decode(String),
}

impl PlatformError {
    /// The contract code of an HTTP error.
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            PlatformError::Http { code, .. } => Some(code),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            PlatformError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether repeating the same request may succeed (no answer, or the
    /// server said it is overloaded or a gateway failed). Only requests that
    /// are safe to repeat are ever repeated.
    pub fn is_transient(&self) -> bool {
        match self {
            PlatformError::Network(_) | PlatformError::Timeout => true,
            PlatformError::Http { status, .. } => matches!(status, 429 | 502 | 503 | 504),
            PlatformError::Decode(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for (code, text) in KNOWN {
            assert_eq!(&ErrorCode::from_code(text), code);
            assert_eq!(code.as_str(), *text);
        }
        assert_eq!(
            ErrorCode::from_code("brand_new"),
            ErrorCode::Other("brand_new".into())
        );
        assert_eq!(ErrorCode::Other("x".into()).as_str(), "x");
    }

    #[test]
    fn only_no_answer_and_overload_are_transient() {
        assert!(PlatformError::Timeout.is_transient());
        assert!(PlatformError::Network("reset".into()).is_transient());
        let http = |status| PlatformError::Http {
            status,
            code: ErrorCode::Other("x".into()),
            message: String::new(),
            field: None,
        };
        assert!(http(503).is_transient());
        assert!(!http(500).is_transient());
        assert!(!http(409).is_transient());
        assert!(!PlatformError::Decode("x".into()).is_transient());
    }
}
