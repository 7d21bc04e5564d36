//! Every error the core returns, as a [`Failure`]: one code per situation.

use crate::card::PinError;
use crate::card::{CardError, TransportError};
use crate::pin::{PinFormatError, PinKind};
use crate::platform::{ErrorCode, PlatformError, Requirement};
use crate::resident::{CertificateRefusal, EndReason, Field, FieldProblem, ResidentError};

use super::{Failure, FailureCode as C};

impl From<&TransportError> for Failure {
    fn from(e: &TransportError) -> Self {
        match e {
            TransportError::TagLost => Failure::new(C::CardRemoved),
            TransportError::Timeout => Failure::new(C::CardTimeout),
            TransportError::CardReset => Failure::new(C::CardReset),
            TransportError::Io(m) => Failure::new(C::ReaderError).with_detail(m.clone()),
        }
    }
}

impl From<&CardError> for Failure {
    fn from(e: &CardError) -> Self {
        match e {
            CardError::Transport(t) => t.into(),
            CardError::NotMyNumberCard(app) => {
                Failure::new(C::NotMyNumberCard).with_detail(format!("no {app} application"))
            }
            CardError::NotVerified(what) => Failure::new(C::NotVerified).with_detail(*what),
            CardError::ReaderCannotCarrySignature { .. } => {
                Failure::new(C::ReaderCannotCarrySignature).with_detail(e.to_string())
            }
            CardError::UnconfirmedKeyReference { .. } => {
                Failure::new(C::UnconfirmedKeyReference).with_detail(e.to_string())
            }
            CardError::Refused { .. } | CardError::Malformed(_) | CardError::Apdu(_) => {
                Failure::new(C::CardError).with_detail(e.to_string())
            }
        }
    }
}

impl From<&PinError> for Failure {
    fn from(e: &PinError) -> Self {
        match *e {
            PinError::Card(ref c) => c.into(),
            PinError::NoPinEntered(kind) => Failure::new(C::PinNotEntered).with_pin(kind),
            PinError::WrongPin { kind, tries_left } => Failure::new(C::WrongPin)
                .with_pin(kind)
                .with_tries(tries_left),
            PinError::LastTryNeedsConfirmation(kind) => {
                Failure::new(C::LastTryRefused).with_pin(kind).with_tries(1)
            }
            PinError::Locked { kind, .. } => {
                Failure::new(C::PinLocked).with_pin(kind).with_tries(0)
            }
            PinError::MaybeCounted { kind, tries_before } => Failure::new(C::PinMaybeCounted)
                .with_pin(kind)
                .with_tries(tries_before),
            // Nothing was sent; locked meanwhile is the situation of a locked PIN.
            PinError::CounterChanged {
                kind,
                tries_left: 0,
                ..
            } => Failure::new(C::PinLocked).with_pin(kind).with_tries(0),
            PinError::CounterChanged {
                kind, tries_left, ..
            } => Failure::new(C::PinCounterChanged)
                .with_pin(kind)
                .with_tries(tries_left),
        }
    }
}

impl From<&PinFormatError> for Failure {
    fn from(e: &PinFormatError) -> Self {
        let (label, problem) = match *e {
            PinFormatError::Empty { label, .. } => (label, FieldProblem::Empty),
            PinFormatError::WrongLength {
                label,
                expected,
                got,
            } => (
                label,
                FieldProblem::WrongLength {
                    min: expected as u32,
                    max: expected as u32,
                    got: got as u32,
                },
            ),
            PinFormatError::FullWidthDigit { label, position } => (
                label,
                FieldProblem::FullWidth {
                    position: position as u32,
                },
            ),
            PinFormatError::NotADigit { label, position } => (
                label,
                FieldProblem::NotAllowed {
                    position: position as u32,
                },
            ),
        };
        let failure = Failure::new(C::PinFormat).with_field(None, problem);
        match [PinKind::UserAuth, PinKind::CardInfo, PinKind::CardInfoCodeB]
            .into_iter()
            .find(|k| k.label() == label)
        {
            Some(kind) => failure.with_pin(kind),
            None => failure.with_detail(label),
        }
    }
}

/// The field a platform `*_format` code refuses.
fn format_field(code: &ErrorCode) -> Option<Field> {
    Some(match code {
        ErrorCode::MyKeyIdFormat => Field::MyKeyId,
        ErrorCode::PasswordFormat => Field::Password,
        ErrorCode::EmailFormat => Field::Email,
        ErrorCode::PaymentIdFormat => Field::PaymentId,
        ErrorCode::SecurityCodeFormat => Field::SecurityCode { index: 0 },
        ErrorCode::PhoneLast4Format => Field::PhoneLast4,
        _ => return None,
    })
}

impl Failure {
    /// The platform's answer `status` with contract code `code`.
    pub fn from_platform(status: u16, code: &ErrorCode) -> Failure {
        use ErrorCode as E;
        if let Some(field) = format_field(code) {
            return Failure::new(C::InvalidField)
                .with_field(Some(field), FieldProblem::RejectedByPlatform);
        }
        let simple = match code {
            E::ChallengeUnknown | E::ChallengeExpired | E::ChallengeUsed => C::ChallengeRefused,
            E::SignatureInvalid => C::SignatureInvalid,
            E::CertificateUntrusted => C::CertificateUntrusted,
            E::CertificateExpired => C::CertificateExpired,
            E::CertificateNotYetValid => C::CertificateNotYetValid,
            E::CertificateRevoked => C::CertificateRevoked,
            E::MyKeyIdNotIssued | E::MyKeyIdRequired => C::MyKeyIdRequired,
            E::NoMoreCandidates => C::NoMoreCandidates,
            E::OwnChoiceExhausted => C::OwnChoiceExhausted,
            E::MyKeyIdAlreadyIssued => C::MyKeyIdAlreadyIssued,
            E::MyKeyIdTaken => {
                return Failure::new(C::MyKeyIdTaken)
                    .with_field(Some(Field::MyKeyId), FieldProblem::RejectedByPlatform)
            }
            E::TerminalIdFormat => C::TerminalIdFormat,
            E::TerminalUnknown => C::TerminalUnknown,
            E::TerminalPasswordWrong => C::TerminalPasswordWrong,
            E::TerminalLocked => C::TerminalLocked,
            E::TerminalDeviceMismatch => C::TerminalDeviceMismatch,
            E::ProjectIdFormat | E::ProjectUnknown => C::ProjectUnknown,
            E::ProjectClosed => C::ProjectClosed,
            E::ProjectOtherMunicipality => C::ProjectOtherMunicipality,
            E::BatchSignatureMissing | E::BatchSignatureInvalid => C::BatchSignatureRefused,
            E::ParticipantFormat => {
                return Failure::new(C::InvalidField)
                    .with_field(None, FieldProblem::RejectedByPlatform)
            }
            E::ParticipantNotInMaster => C::ParticipantNotInMaster,
            E::AlreadyOnRoster => C::AlreadyOnRoster,
            E::NotWaiting => C::NotWaiting,
            E::MyKeyIdRevoked => C::MyKeyIdRevoked,
            E::MyKeyIdUnchanged => C::MyKeyIdUnchanged,
            E::FreshLoginRequired => C::FreshLoginRequired,
            E::ServiceUnknown => C::ServiceUnknown,
            E::TermsVersionMismatch => C::TermsVersionMismatch,
            E::AlreadyApplied => C::AlreadyApplied,
            E::NotApplied => C::NotApplied,
            E::CategoryNotAvailable => C::CategoryNotAvailable,
            E::CategoryAlreadyApplied => C::CategoryAlreadyApplied,
            E::ServiceCannotChange => C::ServiceCannotChange,
            E::CategoriesFormat => C::NoCategoryChosen,
            E::ChildBirthDateFormat => {
                return Failure::new(C::InvalidChildBirthDate)
                    .with_field(None, FieldProblem::RejectedByPlatform)
            }
            E::ChildNotUnder15 => {
                return Failure::new(C::InvalidChildBirthDate)
                    .with_field(None, FieldProblem::NotUnder15)
            }
            E::RepresentativeCertificateUntrusted => C::RepresentativeCertificateUntrusted,
            E::RepresentativeCertificateExpired => C::RepresentativeCertificateExpired,
            E::RepresentativeCertificateRevoked => C::RepresentativeCertificateRevoked,
            E::RepresentativeIsApplicant => C::RepresentativeIsApplicant,
            E::RepresentativeSignatureInvalid => C::RepresentativeSignatureInvalid,
            E::PaymentAccountInUse => {
                return Failure::new(C::PaymentAccountInUse)
                    .with_field(Some(Field::PaymentId), FieldProblem::RejectedByPlatform)
            }
            _ if status == 401 => C::PlatformSessionExpired,
            // not_implemented, idempotency_key_reused, a code this client
            // does not know: the status and the code are the details.
            _ => {
                let mut failure =
                    Failure::new(C::PlatformError).with_detail(code.as_str().to_owned());
                failure.http_status = Some(status);
                return failure;
            }
        };
        Failure::new(simple)
    }
}

impl From<&PlatformError> for Failure {
    fn from(e: &PlatformError) -> Self {
        match e {
            PlatformError::Http {
                status,
                code,
                message,
                ..
            } => {
                let failure = Failure::from_platform(*status, code);
                match failure.code {
                    // The contract says how many tries are left, or until
                    // when the lock lasts, in the message only.
                    C::TerminalPasswordWrong => match first_number(message) {
                        Some(n) => failure.with_tries(n.min(u64::from(u8::MAX)) as u8),
                        None => failure,
                    },
                    C::TerminalLocked => failure.with_detail(message.clone()),
                    _ => failure,
                }
            }
            PlatformError::Network(m) => Failure::new(C::Network).with_detail(m.clone()),
            PlatformError::Timeout => Failure::new(C::PlatformTimeout),
            PlatformError::Decode(m) => Failure::new(C::PlatformDecode).with_detail(m.clone()),
        }
    }
}

/// The first decimal number in `text`.
fn first_number(text: &str) -> Option<u64> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let digits: String = text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn refusal(r: CertificateRefusal, representative: bool) -> C {
    use CertificateRefusal as R;
    match (r, representative) {
        (R::Untrusted, false) => C::CertificateUntrusted,
        (R::Expired, false) => C::CertificateExpired,
        (R::NotYetValid, false) => C::CertificateNotYetValid,
        (R::Revoked, false) => C::CertificateRevoked,
        (R::Untrusted, true) => C::RepresentativeCertificateUntrusted,
        (R::Expired, true) => C::RepresentativeCertificateExpired,
        (R::NotYetValid, true) => C::RepresentativeCertificateNotYetValid,
        (R::Revoked, true) => C::RepresentativeCertificateRevoked,
    }
}

impl From<&ResidentError> for Failure {
    fn from(e: &ResidentError) -> Self {
        use ResidentError as E;
        let code = match e {
            E::Pin(p) => return p.into(),
            E::Card(c) => return c.into(),
            E::PinFormat(f) => return f.into(),
            E::Invalid(f) => {
                return Failure::new(C::InvalidField).with_field(Some(f.field), f.problem)
            }
            E::InvalidChildBirthDate(p) => {
                return Failure::new(C::InvalidChildBirthDate).with_field(None, *p)
            }
            E::Platform { status, code } => return Failure::from_platform(*status, code),
            E::MyKeyIdTaken => {
                return Failure::new(C::MyKeyIdTaken)
                    .with_field(Some(Field::MyKeyId), FieldProblem::RejectedByPlatform)
            }
            E::PaymentAccountInUse => {
                return Failure::new(C::PaymentAccountInUse)
                    .with_field(Some(Field::PaymentId), FieldProblem::RejectedByPlatform)
            }
            E::CardChanged => C::CardChanged,
            E::IdleTimeout => C::IdleTimeout,
            E::SessionEnded { reason } => match reason {
                EndReason::CardChanged => C::CardChanged,
                EndReason::IdleTimeout => C::IdleTimeout,
                EndReason::Aborted => C::SessionEnded,
                EndReason::Revoked => C::MyKeyIdRevoked,
            },
            E::WrongStep { step } => {
                return Failure::new(C::WrongStep).with_detail(format!("{step:?}"))
            }
            E::CertificateRefused(r) => refusal(*r, false),
            E::SignatureRefused => C::SignatureInvalid,
            E::PlatformSessionExpired => C::PlatformSessionExpired,
            E::PlatformMismatch => C::PlatformMismatch,
            E::NoMoreCandidates => C::NoMoreCandidates,
            E::CandidateNotOffered => C::CandidateNotOffered,
            E::OwnChoiceExhausted => C::OwnChoiceExhausted,
            E::MyKeyIdAlreadyIssued => C::MyKeyIdAlreadyIssued,
            E::MyKeyIdRevoked => C::MyKeyIdRevoked,
            E::MyKeyIdRequired => C::MyKeyIdRequired,
            E::MyKeyIdUnchanged => C::MyKeyIdUnchanged,
            E::FreshLoginRequired => C::FreshLoginRequired,
            E::RevocationNotConfirmed => C::RevocationNotConfirmed,
            E::RepresentativeSignatureNeeded => C::RepresentativeSignatureNeeded,
            E::RepresentativeIsApplicant => C::RepresentativeIsApplicant,
            E::RepresentativeCardMismatch => C::RepresentativeCardMismatch,
            E::RepresentativeNotRead => C::RepresentativeNotRead,
            E::RepresentativeCertificateRefused(r) => refusal(*r, true),
            E::RepresentativeSignatureRefused => C::RepresentativeSignatureInvalid,
            E::ServiceUnknown => C::ServiceUnknown,
            E::TermsVersionMismatch => C::TermsVersionMismatch,
            E::AlreadyApplied => C::AlreadyApplied,
            E::NotApplied => C::NotApplied,
            E::NoCategoryChosen => C::NoCategoryChosen,
            E::CategoryNotAvailable { requirement, .. } => match requirement {
                Some(Requirement::HealthInsuranceRegistration) => C::HealthInsuranceNotRegistered,
                Some(Requirement::PublicFundAccountRegistration) => {
                    C::PublicFundAccountNotRegistered
                }
                None => C::CategoryNotAvailable,
            },
            E::CategoryAlreadyApplied { .. } => C::CategoryAlreadyApplied,
            E::ServiceCannotChange => C::ServiceCannotChange,
            E::Network => C::Network,
            E::Timeout => C::PlatformTimeout,
            E::PlatformDecode => C::PlatformDecode,
        };
        Failure::new(code)
    }
}

macro_rules! by_value {
    ($($t:ty),*) => {$(
        impl From<$t> for Failure {
            fn from(e: $t) -> Self {
                Failure::from(&e)
            }
        }
    )*};
}

by_value!(
    TransportError,
    CardError,
    PinError,
    PinFormatError,
    PlatformError,
    ResidentError
);
