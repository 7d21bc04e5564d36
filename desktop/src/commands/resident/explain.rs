//! Every typed resident outcome as one plain English line (with its stable
//! code first), and as a failure with a documented exit code.

use mynapoint_core::card::PinError;
use mynapoint_core::platform::{Charset, Service, ServiceKind};
use mynapoint_core::resident::{
    CertificateRefusal, Field, FieldError, FieldProblem, ResidentError,
};

use crate::exit::Exit;
use crate::Failure;

/// What a charset takes, in words.
pub fn charset_words(charset: Charset) -> &'static str {
    match charset {
        Charset::Digits => "half-width digits",
        Charset::AlnumUpper => "half-width upper-case letters and digits",
        Charset::Alnum => "half-width letters and digits",
    }
}

fn length_words(min: u32, max: u32) -> String {
    if min == max {
        format!("{min}")
    } else {
        format!("{min}-{max}")
    }
}

/// A kind of payment service, in words.
pub fn kind_words(kind: ServiceKind) -> &'static str {
    match kind {
        ServiceKind::Qr => "QR code payment",
        ServiceKind::EMoney => "e-money",
        ServiceKind::Credit => "credit card",
        ServiceKind::Debit => "debit card",
    }
}

/// The field's name and rule, as a prompt shows it.
pub fn field_label(field: Field, service: Option<&Service>) -> String {
    match field {
        Field::MyKeyId => "My Key ID (8 half-width upper-case letters and digits)".into(),
        Field::Password => "My Page password (6-16 half-width letters and digits)".into(),
        Field::PasswordConfirmation => "the My Page password again".into(),
        Field::Email => "e-mail address (empty: none)".into(),
        Field::EmailConfirmation => "the e-mail address again".into(),
        Field::BaseMunicipality => {
            "base municipality (6-digit local government code with check digit, e.g. 131016)".into()
        }
        Field::PaymentId => match service {
            Some(s) => format!(
                "{} (payment ID: {} {})",
                s.payment_id.label,
                length_words(s.payment_id.min_len, s.payment_id.max_len),
                charset_words(s.payment_id.charset)
            ),
            None => "payment ID".into(),
        },
        Field::SecurityCode { index } => {
            match service.and_then(|s| s.security_codes.get(index as usize)) {
                Some(rule) => format!(
                    "{} (security code {}: {} {})",
                    rule.label,
                    index + 1,
                    rule.len,
                    charset_words(rule.charset)
                ),
                None => format!("security code {}", index + 1),
            }
        }
        Field::PhoneLast4 => "last 4 digits of a phone number (optional, empty: none)".into(),
    }
}

/// What is wrong, in words.
fn problem_words(problem: FieldProblem) -> String {
    match problem {
        FieldProblem::Empty => "is required".into(),
        FieldProblem::WrongLength { min, max, got } => format!(
            "must be {} characters long, {got} were entered",
            length_words(min, max)
        ),
        FieldProblem::FullWidth { position } => {
            format!("has a full-width character at position {position}: type half-width characters")
        }
        FieldProblem::LowerCase { position } => {
            format!("takes upper-case letters only (position {position} is lower case)")
        }
        FieldProblem::NotAllowed { position } => {
            format!("has a character it does not take at position {position}")
        }
        FieldProblem::Mismatch => "differs from the first entry".into(),
        FieldProblem::BadFormat => "is not in the right form (e.g. name@example.jp)".into(),
        FieldProblem::WrongCheckDigit => {
            "has a wrong check digit (the 6th digit; e.g. 131016 for Chiyoda-ku)".into()
        }
        FieldProblem::WrongCount { expected, got } => {
            format!("needs {expected} codes, {got} were entered")
        }
        FieldProblem::RejectedByPlatform => "was refused by the platform".into(),
        FieldProblem::NotADate => "is not a real date (YYYYMMDD)".into(),
        FieldProblem::InFuture => "is after today".into(),
        FieldProblem::NotUnder15 => "is not under 15 today".into(),
    }
}

/// One line for a refused field: code, field, problem, what to do.
pub fn field_line(e: &FieldError, service: Option<&Service>) -> String {
    format!(
        "invalid_field ({}, {}): {} {}; enter it again",
        e.field.code(),
        e.problem.code(),
        field_label(e.field, service),
        problem_words(e.problem)
    )
}

/// One line for any resident outcome, starting with its stable code.
pub fn line(e: &ResidentError, service: Option<&Service>) -> String {
    use ResidentError as E;
    let text = match e {
        E::Invalid(f) => return field_line(f, service),
        E::CardChanged => {
            "another card was tapped: the session ended and everything entered was wiped; \
             start again with one card"
                .into()
        }
        E::IdleTimeout => {
            "nothing happened for too long: the session ended and everything entered was wiped"
                .into()
        }
        E::SessionEnded { reason } => {
            format!("the session has ended ({}): start again", reason.code())
        }
        E::WrongStep { step } => format!("not possible at this step ({step:?})"),
        E::PinFormat(f) => f.to_string(),
        E::Pin(PinError::Card(c)) | E::Card(c) => Failure::from(c.clone()).message,
        E::Pin(p) => p.to_string(),
        E::CertificateRefused(r) => format!(
            "the platform refused the card's certificate: {}",
            match r {
                CertificateRefusal::Untrusted => "it is not from a trusted issuer",
                CertificateRefusal::Expired => "it has expired (renew the card's certificate)",
                CertificateRefusal::NotYetValid => "it is not valid yet",
                CertificateRefusal::Revoked => "it was revoked",
            }
        ),
        E::SignatureRefused => "the platform did not accept the card's signature".into(),
        E::PlatformSessionExpired => {
            "the platform session expired: start again and log in with the card".into()
        }
        E::PlatformMismatch => {
            "the platform's answer does not match this card or these details: stopped for safety"
                .into()
        }
        E::NoMoreCandidates => "all 3 candidates were given; the 3rd is the one registered".into(),
        E::CandidateNotOffered => "that My Key ID was not offered in this session".into(),
        E::OwnChoiceExhausted => {
            "3 own choices were taken: continue with an auto-generated My Key ID".into()
        }
        E::MyKeyIdTaken => "that My Key ID was taken meanwhile: choose again".into(),
        E::MyKeyIdAlreadyIssued => "this person already has a My Key ID: it is used".into(),
        E::MyKeyIdRevoked => {
            "this person's My Key ID was revoked: it cannot be issued again here".into()
        }
        E::MyKeyIdRequired => "a My Key ID is needed before applying".into(),
        E::MyKeyIdUnchanged => "that is already this person's My Key ID: choose another".into(),
        E::FreshLoginRequired => {
            "a My Key ID was set in this session: tap the card and enter the PIN again to change it"
                .into()
        }
        E::ServiceUnknown => {
            "the platform does not know this payment service: choose another".into()
        }
        E::TermsVersionMismatch => "the service's terms changed: read and accept them again".into(),
        E::AlreadyApplied => {
            "an application already exists for this person and cannot be changed".into()
        }
        E::NotApplied => "no application yet".into(),
        E::InvalidChildBirthDate(p) => format!("the child's birth date {}", problem_words(*p)),
        E::RepresentativeSignatureNeeded => {
            "the child's card signed: the legal representative's card signs next".into()
        }
        E::RepresentativeIsApplicant => {
            "the legal representative's card is the child's card: tap the representative's own card"
                .into()
        }
        E::RepresentativeCardMismatch => {
            "this is not the legal representative's card read before: nothing was signed".into()
        }
        E::RepresentativeNotRead => "read the legal representative's card first".into(),
        E::RepresentativeCertificateRefused(_) => {
            "the platform refused the legal representative's certificate".into()
        }
        E::RepresentativeSignatureRefused => {
            "the platform did not accept the legal representative's signature".into()
        }
        E::PaymentAccountInUse => {
            "this payment account is used by another person's application: use another".into()
        }
        E::Network => "the platform could not be reached: check its URL and the network".into(),
        E::Timeout => "the platform did not answer in time".into(),
        E::Platform { status, code } => {
            format!("the platform answered {status} {}", code.as_str())
        }
        E::PlatformDecode => "the platform's answer could not be read".into(),
    };
    format!("{}: {text}", e.code())
}

/// A resident outcome that stops the command.
pub fn failure(e: ResidentError, service: Option<&Service>) -> Failure {
    use ResidentError as E;
    match e {
        E::Pin(PinError::LastTryNeedsConfirmation(_)) => {
            Failure::new(Exit::LastTryRefused, "last_try_refused", line(&e, service))
        }
        E::Pin(p) => p.into(),
        E::Card(c) => c.into(),
        E::PinFormat(f) => f.into(),
        ref other => {
            let exit = match other {
                E::Network
                | E::Timeout
                | E::Platform { .. }
                | E::PlatformDecode
                | E::PlatformSessionExpired
                | E::PlatformMismatch
                | E::CertificateRefused(_)
                | E::SignatureRefused
                | E::MyKeyIdRevoked => Exit::Platform,
                _ => Exit::NotFinished,
            };
            Failure::new(exit, other.code(), line(other, service))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_line_names_the_code_field_and_problem() {
        let e = ResidentError::Invalid(FieldError::new(
            Field::PaymentId,
            FieldProblem::WrongLength {
                min: 16,
                max: 16,
                got: 4,
            },
        ));
        let text = line(&e, None);
        assert!(
            text.starts_with("invalid_field (payment_id, wrong_length)"),
            "{text}"
        );
        assert!(text.contains("16 characters"), "{text}");
    }

    #[test]
    fn platform_trouble_has_its_exit_code() {
        assert_eq!(failure(ResidentError::Network, None).exit, Exit::Platform);
        assert_eq!(
            failure(ResidentError::CardChanged, None).exit,
            Exit::NotFinished
        );
        assert_eq!(failure(ResidentError::Network, None).kind, "network");
    }
}
