//! What the resident screens show: the fields' labels and rules as prompts,
//! and the core's failures as one line (code first) or as the command's end.

use mynapoint_core::failure::Failure as CoreFailure;
use mynapoint_core::platform::{Charset, Service, ServiceKind};
use mynapoint_core::resident::{Field, ResidentError};

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

/// One line for a refusal the flow goes on from: the stable code (with the
/// refused field and its problem, or the problem of the PIN), then the
/// core's message, e.g. `invalid_field (payment_id, wrong_length): ...`.
pub fn line(e: &ResidentError) -> String {
    let failure = CoreFailure::from(e);
    let message = failure.message(crate::lang());
    match (failure.field, failure.problem) {
        (Some(field), Some(problem)) => format!(
            "{} ({}, {}): {message}",
            failure.code,
            field.code(),
            problem.code()
        ),
        (None, Some(problem)) => format!("{} ({}): {message}", failure.code, problem.code()),
        _ => format!("{}: {message}", failure.code),
    }
}

/// A resident outcome that stops the command (its code, hint, message and exit).
pub fn failure(e: ResidentError) -> Failure {
    e.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::Exit;
    use mynapoint_core::resident::{FieldError, FieldProblem};

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
        let text = line(&e);
        assert!(
            text.starts_with("invalid_field (payment_id, wrong_length): "),
            "{text}"
        );
        assert!(text.contains("16 characters"), "{text}");
        assert!(line(&ResidentError::Network).starts_with("network: "));
    }

    #[test]
    fn platform_trouble_has_its_exit_code() {
        assert_eq!(failure(ResidentError::Network).exit, Exit::Platform);
        assert_eq!(failure(ResidentError::CardChanged).exit, Exit::NotFinished);
        assert_eq!(failure(ResidentError::Network).code, "network");
    }
}
