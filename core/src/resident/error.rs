//! What a resident step can answer instead of going on. Every variant is
//! data a shell translates; `code()` is stable.

use crate::card::{CardError, PinError};
use crate::pin::PinFormatError;
use crate::platform::{Category, ErrorCode, PlatformError, Requirement};

use super::fields::{FieldError, FieldProblem};
use super::step::{EndReason, Step};

/// Why the certificate was refused at login.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateRefusal {
    Untrusted,
    Expired,
    NotYetValid,
    Revoked,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResidentError {
    /// Another card was tapped: the session ended and everything entered was
    /// wiped. The new card needs a new session.
    #[error("another card was tapped: the session ended")]
    CardChanged,
    /// Nothing happened for too long: the session ended and was wiped.
    #[error("the session timed out")]
    IdleTimeout,
    /// The session ended earlier (see the reason); start a new one.
    #[error("the session has ended ({})", reason.code())]
    SessionEnded { reason: EndReason },
    /// This action does not belong to the current step.
    #[error("not possible at step {step:?}")]
    WrongStep { step: Step },

    #[error("PIN format: {0}")]
    PinFormat(PinFormatError),
    /// The card layer's PIN answer (wrong PIN with tries left, last try
    /// needs confirmation, locked, lost while checked, no PIN entered).
    #[error(transparent)]
    Pin(PinError),
    /// The card could not be read (lost tag, not a My Number Card, …).
    #[error(transparent)]
    Card(CardError),

    /// A typed field breaks its rule; nothing was sent.
    #[error("invalid field {0}")]
    Invalid(FieldError),
    /// The child's birth date (`for_child.birth_date`, `YYYYMMDD`) of a
    /// legal representative's application breaks its rule: the problem
    /// (`NotADate`, `InFuture`, `NotUnder15`, a length or character problem,
    /// or `RejectedByPlatform`).
    #[error("invalid child birth date: {}", .0.code())]
    InvalidChildBirthDate(FieldProblem),

    #[error("the platform refused the certificate: {0:?}")]
    CertificateRefused(CertificateRefusal),
    /// The platform did not accept the card's signature.
    #[error("the platform did not accept the card's signature")]
    SignatureRefused,
    /// The platform session ended (login again: a new resident session).
    #[error("the platform session is no longer valid")]
    PlatformSessionExpired,
    /// The platform answered about another card or other content than this session's.
    #[error("the platform's answer does not match this session")]
    PlatformMismatch,

    /// All 3 candidates were given; the 3rd is the one registered.
    #[error("no more My Key ID candidates")]
    NoMoreCandidates,
    /// The id was not offered in this session.
    #[error("that My Key ID was not offered")]
    CandidateNotOffered,
    /// 3 own choices were taken: continue with auto-generation.
    #[error("own choice exhausted: continue with auto-generation")]
    OwnChoiceExhausted,
    /// The chosen id was taken meanwhile: choose again.
    #[error("the My Key ID was taken meanwhile")]
    MyKeyIdTaken,
    #[error("this person already has a My Key ID")]
    MyKeyIdAlreadyIssued,
    #[error("this person's My Key ID was revoked")]
    MyKeyIdRevoked,
    #[error("a My Key ID is required first")]
    MyKeyIdRequired,
    /// A change to the id the person already has.
    #[error("that is already the My Key ID")]
    MyKeyIdUnchanged,
    /// A My Key ID was issued or changed in this session: changing it (again)
    /// needs a new session (card + PIN).
    #[error("log in with the card again to change the My Key ID")]
    FreshLoginRequired,
    /// The typed confirmation of a revocation was not the person's My Key
    /// ID: nothing was revoked.
    #[error("the revocation was not confirmed")]
    RevocationNotConfirmed,

    /// A child application: the child's card signed; the representative's
    /// card signs next (step `RepresentativeSign`). Not a failure.
    #[error("the legal representative's card signs next")]
    RepresentativeSignatureNeeded,
    /// The representative's card is the applicant's (the child's) card or
    /// certificate.
    #[error("the legal representative's card is the applicant's card")]
    RepresentativeIsApplicant,
    /// The card tapped to sign is not the representative's card read before;
    /// nothing was signed.
    #[error("this is not the legal representative's card read before")]
    RepresentativeCardMismatch,
    /// A child application needs the representative's card read first.
    #[error("read the legal representative's card first")]
    RepresentativeNotRead,
    #[error("the platform refused the representative's certificate: {0:?}")]
    RepresentativeCertificateRefused(CertificateRefusal),
    #[error("the platform did not accept the representative's signature")]
    RepresentativeSignatureRefused,
    /// Another person's application uses this payment account.
    #[error("this payment account is used by another person's application")]
    PaymentAccountInUse,

    #[error("unknown payment service")]
    ServiceUnknown,
    /// The terms changed (or another version was accepted): read them again.
    #[error("the terms version does not match")]
    TermsVersionMismatch,
    /// An application for another choice exists; it cannot be changed.
    #[error("already applied")]
    AlreadyApplied,
    #[error("no application yet")]
    NotApplied,
    /// No point category was chosen.
    #[error("choose at least one category")]
    NoCategoryChosen,
    /// A category is not open to the person: `requirement` says what to
    /// register first (and the message where); none for category (1) of a
    /// 1st-installment applicant (they keep earning without applying).
    /// `category` is unknown only when the platform refused one the app
    /// thought open.
    #[error("category not available")]
    CategoryNotAvailable {
        category: Option<Category>,
        requirement: Option<Requirement>,
    },
    /// The application already covers this category.
    #[error("category already applied for")]
    CategoryAlreadyApplied { category: Option<Category> },
    /// The person's service is fixed (their application's or the 1st
    /// installment's) and cannot be changed.
    #[error("the payment service cannot be changed")]
    ServiceCannotChange,

    /// The platform could not be reached; safe to try again.
    #[error("the platform could not be reached")]
    Network,
    #[error("the platform did not answer in time")]
    Timeout,
    /// Any other platform answer (its contract code kept).
    #[error("the platform answered {status} {}", code.as_str())]
    Platform { status: u16, code: ErrorCode },
    #[error("the platform's answer could not be read")]
    PlatformDecode,
}

impl ResidentError {
    /// The stable snake_case code for shells and logs: the code of its
    /// [`Failure`](crate::failure::Failure) (one vocabulary across the core).
    pub fn code(&self) -> &'static str {
        crate::failure::Failure::from(self).code.as_str()
    }

    /// Whether the resident session is over (a new one is needed).
    pub fn ends_session(&self) -> bool {
        matches!(
            self,
            ResidentError::CardChanged
                | ResidentError::IdleTimeout
                | ResidentError::SessionEnded { .. }
        )
    }
}

impl From<PinError> for ResidentError {
    fn from(e: PinError) -> Self {
        ResidentError::Pin(e)
    }
}

impl From<CardError> for ResidentError {
    fn from(e: CardError) -> Self {
        ResidentError::Card(e)
    }
}

impl From<FieldError> for ResidentError {
    fn from(e: FieldError) -> Self {
        ResidentError::Invalid(e)
    }
}

impl From<PinFormatError> for ResidentError {
    fn from(e: PinFormatError) -> Self {
        ResidentError::PinFormat(e)
    }
}

/// The generic mapping of platform errors; steps map their field codes first.
impl From<PlatformError> for ResidentError {
    fn from(e: PlatformError) -> Self {
        use ErrorCode as C;
        match e {
            PlatformError::Network(_) => ResidentError::Network,
            PlatformError::Timeout => ResidentError::Timeout,
            PlatformError::Decode(_) => ResidentError::PlatformDecode,
            PlatformError::Http { status, code, .. } => match code {
                C::CertificateUntrusted => {
                    ResidentError::CertificateRefused(CertificateRefusal::Untrusted)
                }
                C::CertificateExpired => {
                    ResidentError::CertificateRefused(CertificateRefusal::Expired)
                }
                C::CertificateNotYetValid => {
                    ResidentError::CertificateRefused(CertificateRefusal::NotYetValid)
                }
                C::CertificateRevoked => {
                    ResidentError::CertificateRefused(CertificateRefusal::Revoked)
                }
                C::SignatureInvalid => ResidentError::SignatureRefused,
                C::ChildBirthDateFormat => {
                    ResidentError::InvalidChildBirthDate(FieldProblem::RejectedByPlatform)
                }
                C::ChildNotUnder15 => {
                    ResidentError::InvalidChildBirthDate(FieldProblem::NotUnder15)
                }
                C::RepresentativeCertificateUntrusted => {
                    ResidentError::RepresentativeCertificateRefused(CertificateRefusal::Untrusted)
                }
                C::RepresentativeCertificateExpired => {
                    ResidentError::RepresentativeCertificateRefused(CertificateRefusal::Expired)
                }
                C::RepresentativeCertificateRevoked => {
                    ResidentError::RepresentativeCertificateRefused(CertificateRefusal::Revoked)
                }
                C::RepresentativeIsApplicant => ResidentError::RepresentativeIsApplicant,
                C::RepresentativeSignatureInvalid => ResidentError::RepresentativeSignatureRefused,
                C::PaymentAccountInUse => ResidentError::PaymentAccountInUse,
                C::NoMoreCandidates => ResidentError::NoMoreCandidates,
                C::OwnChoiceExhausted => ResidentError::OwnChoiceExhausted,
                C::MyKeyIdTaken => ResidentError::MyKeyIdTaken,
                C::MyKeyIdAlreadyIssued => ResidentError::MyKeyIdAlreadyIssued,
                C::MyKeyIdRevoked => ResidentError::MyKeyIdRevoked,
                C::MyKeyIdRequired => ResidentError::MyKeyIdRequired,
                C::MyKeyIdUnchanged => ResidentError::MyKeyIdUnchanged,
                C::FreshLoginRequired => ResidentError::FreshLoginRequired,
                C::ServiceUnknown => ResidentError::ServiceUnknown,
                C::TermsVersionMismatch => ResidentError::TermsVersionMismatch,
                C::AlreadyApplied => ResidentError::AlreadyApplied,
                C::NotApplied => ResidentError::NotApplied,
                C::CategoryNotAvailable => ResidentError::CategoryNotAvailable {
                    category: None,
                    requirement: None,
                },
                C::CategoryAlreadyApplied => {
                    ResidentError::CategoryAlreadyApplied { category: None }
                }
                C::ServiceCannotChange => ResidentError::ServiceCannotChange,
                _ if status == 401 => ResidentError::PlatformSessionExpired,
                code => ResidentError::Platform { status, code },
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pin::PinKind;

    #[test]
    fn codes_are_stable() {
        assert_eq!(ResidentError::CardChanged.code(), "card_changed");
        assert_eq!(
            ResidentError::Pin(PinError::MaybeCounted {
                kind: PinKind::UserAuth,
                tries_before: 3
            })
            .code(),
            "pin_maybe_counted"
        );
        let e: ResidentError = PlatformError::Http {
            status: 401,
            code: ErrorCode::Other("session_expired".into()),
            message: String::new(),
            field: None,
        }
        .into();
        assert_eq!(e, ResidentError::PlatformSessionExpired);
        let e: ResidentError = PlatformError::Http {
            status: 409,
            code: ErrorCode::AlreadyApplied,
            message: String::new(),
            field: None,
        }
        .into();
        assert_eq!(e.code(), "already_applied");
        assert!(ResidentError::IdleTimeout.ends_session());
        assert!(!ResidentError::Network.ends_session());
    }
}
