//! What is wrong with a typed field, as data a shell translates (Japanese or
//! English): which field, and what about it. Checked before anything is sent.

/// A field the resident fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    MyKeyId,
    Password,
    /// The password typed the second time.
    PasswordConfirmation,
    Email,
    EmailConfirmation,
    BaseMunicipality,
    PaymentId,
    /// The security code number `index` (0-based) of the service's list.
    SecurityCode {
        index: u32,
    },
    PhoneLast4,
}

impl Field {
    /// A stable name (the contract's field name where it has one).
    pub fn code(&self) -> &'static str {
        match self {
            Field::MyKeyId => "my_key_id",
            Field::Password => "password",
            Field::PasswordConfirmation => "password_confirmation",
            Field::Email => "email",
            Field::EmailConfirmation => "email_confirmation",
            Field::BaseMunicipality => "base_municipality",
            Field::PaymentId => "payment_id",
            Field::SecurityCode { .. } => "security_codes",
            Field::PhoneLast4 => "phone_last4",
        }
    }
}

/// What is wrong with it: the contract's (`mynapoint_contract::field`).
pub use mynapoint_contract::field::FieldProblem;

/// A field and its problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{}: {}", field.code(), problem.code())]
pub struct FieldError {
    pub field: Field,
    pub problem: FieldProblem,
}

impl FieldError {
    pub fn new(field: Field, problem: FieldProblem) -> Self {
        Self { field, problem }
    }

    /// The fields a shell asks again for this refusal, in screen order: a
    /// confirmation that does not match asks BOTH entries again (the typo
    /// may be in the first one), and so does a refused first entry (its
    /// confirmation must match the new one); any other field is asked alone.
    pub fn fields_to_reenter(&self) -> Vec<Field> {
        match self.field {
            Field::Password | Field::PasswordConfirmation => {
                vec![Field::Password, Field::PasswordConfirmation]
            }
            Field::Email | Field::EmailConfirmation => {
                vec![Field::Email, Field::EmailConfirmation]
            }
            field => vec![field],
        }
    }
}

/// Checks one field as it is entered, before anything is sent (the
/// contract's rules; the platform checks everything again). `service` is the
/// chosen payment service (for the payment ID and the security codes).
/// Empty is accepted for the optional e-mail and phone digits. A
/// confirmation is checked with [`check_confirmation`]; a payment field
/// without its service is accepted here (the form check refuses it later).
pub fn check_field(field: Field, value: &str, service: Option<&Service>) -> Result<(), FieldError> {
    let problem = |p| FieldError::new(field, p);
    match field {
        Field::MyKeyId => mynapoint_contract::check_my_key_id(value).map_err(problem),
        Field::Password => mynapoint_contract::check_password(value).map_err(problem),
        Field::Email if value.is_empty() => Ok(()),
        Field::Email => mynapoint_contract::check_email(value).map_err(problem),
        Field::BaseMunicipality => mynapoint_contract::check_municipality(value).map_err(problem),
        Field::PhoneLast4 if value.is_empty() => Ok(()),
        Field::PhoneLast4 => mynapoint_contract::check_phone_last4(value).map_err(problem),
        Field::PaymentId => match service {
            Some(s) => s.check_payment_id(value).map_err(problem),
            None => Ok(()),
        },
        Field::SecurityCode { index } => {
            match service.and_then(|s| s.security_codes.get(index as usize)) {
                Some(rule) => check_text(value, rule.charset, rule.len, rule.len).map_err(problem),
                None => Ok(()),
            }
        }
        Field::PasswordConfirmation | Field::EmailConfirmation => Ok(()),
    }
}

/// Checks a second entry against the first as it is entered: a mismatch is
/// the confirmation `field`'s ([`FieldError::fields_to_reenter`] then asks both).
pub fn check_confirmation(field: Field, first: &str, again: &str) -> Result<(), FieldError> {
    check_same(first, again).map_err(|p| FieldError::new(field, p))
}

pub(crate) use mynapoint_contract::field::check_same;
use mynapoint_contract::field::check_text;

use crate::platform::Service;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mismatch_asks_both_entries_again() {
        let both = |field| FieldError::new(field, FieldProblem::Mismatch).fields_to_reenter();
        assert_eq!(
            both(Field::EmailConfirmation),
            [Field::Email, Field::EmailConfirmation]
        );
        assert_eq!(
            both(Field::PasswordConfirmation),
            [Field::Password, Field::PasswordConfirmation]
        );
        let first = FieldError::new(Field::Email, FieldProblem::BadFormat);
        assert_eq!(
            first.fields_to_reenter(),
            [Field::Email, Field::EmailConfirmation]
        );
        let own = FieldError::new(Field::BaseMunicipality, FieldProblem::WrongCheckDigit);
        assert_eq!(own.fields_to_reenter(), [Field::BaseMunicipality]);
    }

    #[test]
    fn each_field_is_checked_as_it_is_entered() {
        let problem = |field, value| check_field(field, value, None).unwrap_err().problem;
        assert!(matches!(
            problem(Field::Password, "a"),
            FieldProblem::WrongLength { got: 1, .. }
        ));
        assert_eq!(
            problem(Field::Email, "qa.example.com"),
            FieldProblem::BadFormat
        );
        assert_eq!(
            problem(Field::BaseMunicipality, "131017"),
            FieldProblem::WrongCheckDigit
        );
        assert!(matches!(
            problem(Field::MyKeyId, "AB12"),
            FieldProblem::WrongLength { got: 4, .. }
        ));
        check_field(Field::Email, "", None).unwrap();
        check_field(Field::PhoneLast4, "", None).unwrap();
        check_field(Field::BaseMunicipality, "131016", None).unwrap();
        let e = check_confirmation(Field::EmailConfirmation, "qa@exmaple.com", "qa@example.com")
            .unwrap_err();
        assert_eq!(
            e,
            FieldError::new(Field::EmailConfirmation, FieldProblem::Mismatch)
        );
        check_confirmation(Field::PasswordConfirmation, "Pass1234", "Pass1234").unwrap();
    }
}
