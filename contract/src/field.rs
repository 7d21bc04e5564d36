//! What is wrong with a field's value, as data: the client names it to the
//! person as they type (Japanese or English), the server turns it into an
//! [`crate::ErrorCode`] with the field's name. Positions are 1-based, in
//! characters.

use crate::services::Charset;

/// What is wrong with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldProblem {
    /// Required and empty.
    Empty,
    /// `got` characters where `min..=max` are needed.
    WrongLength { min: u32, max: u32, got: u32 },
    /// A full-width character (e.g. `１`, `Ａ`, the ideographic space): type half-width.
    FullWidth { position: u32 },
    /// A lower-case letter where upper case is required.
    LowerCase { position: u32 },
    /// A character the field never takes (a letter in a digits-only field, a symbol, a space).
    NotAllowed { position: u32 },
    /// The second entry differs from the first (client side only: the wire
    /// carries one entry).
    Mismatch,
    /// Not the shape of the field (e.g. an e-mail address without `@`).
    BadFormat,
    /// The check digit does not match (municipality code).
    WrongCheckDigit,
    /// The service takes `expected` security codes.
    WrongCount { expected: u32, got: u32 },
    /// The platform refused a value the local rules accepted (client side only).
    RejectedByPlatform,
    /// Not a real calendar date.
    NotADate,
    /// A date after today.
    InFuture,
    /// The child is 15 or older today (a 15th birthday today is not under 15).
    NotUnder15,
}

impl FieldProblem {
    /// A stable name.
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

/// Full-width forms of ASCII (`！`..`～`) and the ideographic space.
pub fn is_full_width(c: char) -> bool {
    ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}'
}

/// Checks `text` against a charset and a length range in characters:
/// characters first (so a full-width entry is named as such), then the length.
pub fn check_text(text: &str, charset: Charset, min: u32, max: u32) -> Result<(), FieldProblem> {
    if text.is_empty() {
        return Err(FieldProblem::Empty);
    }
    for (i, c) in text.chars().enumerate() {
        let position = i as u32 + 1;
        if is_full_width(c) {
            return Err(FieldProblem::FullWidth { position });
        }
        if charset.allows_char(c) {
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
pub fn check_same(first: &str, second: &str) -> Result<(), FieldProblem> {
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
        assert_eq!(
            check_text("é234", Charset::Alnum, 4, 4),
            Err(NotAllowed { position: 1 })
        );
        assert_eq!(check_same("a", "b"), Err(Mismatch));
        assert_eq!(check_same("a", "a"), Ok(()));
    }
}
