//! What is wrong with a typed field, as data a shell translates (Japanese or
//! English): which field, and what about it. Checked before anything is sent.

use crate::platform::Charset;

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

/// What is wrong with it. Positions are 1-based, in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldProblem {
    /// Required and empty.
    Empty,
    WrongLength {
        min: u32,
        max: u32,
        got: u32,
    },
    /// A full-width character (e.g. `１`, `Ａ`): type half-width.
    FullWidth {
        position: u32,
    },
    /// A lower-case letter where upper case is required.
    LowerCase {
        position: u32,
    },
    /// A character the field never takes (a letter in a digits-only field, a symbol, a space).
    NotAllowed {
        position: u32,
    },
    /// The second entry differs from the first.
    Mismatch,
    /// Not the shape of the field (e.g. an e-mail address without `@`).
    BadFormat,
    /// The check digit does not match (municipality code).
    WrongCheckDigit,
    /// The service takes `expected` security codes.
    WrongCount {
        expected: u32,
        got: u32,
    },
    /// The platform refused a value the local rules accepted.
    RejectedByPlatform,
    /// Not a real calendar date.
    NotADate,
    /// A date after today.
    InFuture,
    /// The child is 15 or older today (a 15th birthday today is not under 15).
    NotUnder15,
}

impl FieldProblem {
    pub fn code(&self) -> &'static str {
        match self {
            FieldProblem::Empty => "empty",
            FieldProblem::WrongLength { .. } => "wrong_length",
            FieldProblem::FullWidth { .. } => "full_width",
            FieldProblem::LowerCase { .. } => "lower_case",
            FieldProblem::NotAllowed { .. } => "not_allowed",
            FieldProblem::Mismatch => "mismatch",
            FieldProblem::BadFormat => "bad_format",
            FieldProblem::WrongCheckDigit => "wrong_check_digit",
            FieldProblem::WrongCount { .. } => "wrong_count",
            FieldProblem::RejectedByPlatform => "rejected_by_platform",
            FieldProblem::NotADate => "not_a_date",
            FieldProblem::InFuture => "in_future",
            FieldProblem::NotUnder15 => "not_under_15",
        }
    }
}

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

/// Full-width forms of ASCII (`！`..`～`) and the ideographic space.
fn is_full_width(c: char) -> bool {
    ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}'
}

/// Checks `text` against a charset and a length range: characters first
/// (so a full-width entry is named as such), then the length.
pub(crate) fn check_text(
    text: &str,
    charset: Charset,
    min: u32,
    max: u32,
) -> Result<(), FieldProblem> {
    if text.is_empty() {
        return Err(FieldProblem::Empty);
    }
    for (i, c) in text.chars().enumerate() {
        let position = i as u32 + 1;
        if is_full_width(c) {
            return Err(FieldProblem::FullWidth { position });
        }
        let allowed = match charset {
            Charset::Digits => c.is_ascii_digit(),
            Charset::AlnumUpper => c.is_ascii_digit() || c.is_ascii_uppercase(),
            Charset::Alnum => c.is_ascii_alphanumeric(),
        };
        if allowed {
            continue;
        }
        if charset == Charset::AlnumUpper && c.is_ascii_lowercase() {
            return Err(FieldProblem::LowerCase { position });
        }
        return Err(FieldProblem::NotAllowed { position });
    }
    let got = text.chars().count() as u32;
    if got < min || got > max {
        return Err(FieldProblem::WrongLength { min, max, got });
    }
    Ok(())
}

/// A second entry that must equal the first.
pub(crate) fn check_same(first: &str, second: &str) -> Result<(), FieldProblem> {
    if first == second {
        Ok(())
    } else {
        Err(FieldProblem::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_is_named() {
        use FieldProblem::*;
        let d = Charset::Digits;
        let u = Charset::AlnumUpper;
        assert_eq!(check_text("", d, 4, 4), Err(Empty));
        assert_eq!(
            check_text("123", d, 4, 4),
            Err(WrongLength {
                min: 4,
                max: 4,
                got: 3
            })
        );
        assert_eq!(check_text("12３4", d, 4, 4), Err(FullWidth { position: 3 }));
        assert_eq!(check_text("12a4", d, 4, 4), Err(NotAllowed { position: 3 }));
        assert_eq!(check_text("AB1c", u, 4, 4), Err(LowerCase { position: 4 }));
        assert_eq!(check_text("AB-1", u, 4, 4), Err(NotAllowed { position: 3 }));
        assert_eq!(
            check_text("ＡＢ12", u, 4, 4),
            Err(FullWidth { position: 1 })
        );
        assert_eq!(check_text("Ab12", Charset::Alnum, 4, 4), Ok(()));
        assert_eq!(check_text("AB 1", u, 4, 4), Err(NotAllowed { position: 3 }));
        assert_eq!(check_same("a", "b"), Err(Mismatch));
    }
}
