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
}

pub(crate) use mynapoint_contract::field::check_same;
