//! Status words (SW1 SW2) and what they mean on a My Number Card.
//!
//! Sources: the meanings are those of ISO/IEC 7816-4 (interindustry status
//! words), as OpenSC tabulates them (`OpenSC/OpenSC:src/libopensc/iso7816.c`,
//! `iso7816_errors`); what the My Number Card answers in each situation is
//! from `soltia48/myna-card:src/apdu.rs` and `src/card.rs` (`6984` for a
//! locked PIN, `63Cx` to the 4-byte retry query, `6A82` for a missing file or
//! application, `6982` before VERIFY), see `shared/card-protocol.md`.

use std::fmt;

/// The two status bytes that end every response APDU.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusWord(pub u16);

/// The meaning of a status word, as the card layer acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    /// `9000`.
    Ok,
    /// `61xx`: more response bytes wait for GET RESPONSE (T=0 readers).
    MoreData(u8),
    /// `63Cx`: wrong PIN (or a retry-counter answer), `x` tries left.
    /// `63C0` means this try locked the PIN.
    TriesLeft(u8),
    /// `6983` / `6984`: the PIN is locked; even the right PIN is refused.
    Locked,
    /// `6982`: security status not satisfied (read or sign before VERIFY).
    SecurityNotSatisfied,
    /// `6985`: conditions of use not satisfied.
    ConditionsNotSatisfied,
    /// `6A82`: file or application not found.
    NotFound,
    /// `6A86`: wrong P1/P2.
    WrongP1P2,
    /// `6700`: wrong length.
    WrongLength,
    /// `6Cxx`: wrong Le, the card can return exactly `xx` bytes.
    WrongLe(u8),
    /// `6B00`: offset beyond the end of the file.
    OffsetBeyondEnd,
    /// `6D00`: instruction not supported.
    InsNotSupported,
    /// `6E00`: class not supported.
    ClaNotSupported,
    /// `6400` execution error (non-volatile memory unchanged), `6581` memory
    /// failure, `6F00` no precise diagnosis: the command failed without an
    /// effect a repeat could double. A read may be sent again.
    ExecutionError,
    /// Anything else.
    Other,
}

impl StatusWord {
    pub const OK: Self = Self(0x9000);
    pub const SECURITY_NOT_SATISFIED: Self = Self(0x6982);
    pub const AUTH_BLOCKED: Self = Self(0x6983);
    pub const REF_DATA_BLOCKED: Self = Self(0x6984);
    pub const CONDITIONS_NOT_SATISFIED: Self = Self(0x6985);
    pub const NOT_FOUND: Self = Self(0x6A82);
    pub const WRONG_P1P2: Self = Self(0x6A86);
    pub const WRONG_LENGTH: Self = Self(0x6700);
    pub const OFFSET_BEYOND_END: Self = Self(0x6B00);
    pub const INS_NOT_SUPPORTED: Self = Self(0x6D00);
    pub const CLA_NOT_SUPPORTED: Self = Self(0x6E00);

    /// `63Cx` with `x` tries left (`x` up to 15).
    pub fn tries_left(tries: u8) -> Self {
        Self(0x63C0 | u16::from(tries.min(15)))
    }

    pub fn from_bytes(sw1: u8, sw2: u8) -> Self {
        Self(u16::from_be_bytes([sw1, sw2]))
    }

    pub fn to_bytes(self) -> [u8; 2] {
        self.0.to_be_bytes()
    }

    pub fn sw1(self) -> u8 {
        (self.0 >> 8) as u8
    }

    pub fn sw2(self) -> u8 {
        self.0 as u8
    }

    pub fn is_ok(self) -> bool {
        self == Self::OK
    }

    /// Whether an idempotent command (a read) that got this answer may be
    /// sent again: the execution-error family ([`StatusKind::ExecutionError`]).
    pub fn is_transient(self) -> bool {
        self.kind() == StatusKind::ExecutionError
    }

    pub fn kind(self) -> StatusKind {
        match (self.sw1(), self.sw2()) {
            (0x90, 0x00) => StatusKind::Ok,
            (0x61, n) => StatusKind::MoreData(n),
            (0x63, x) if x & 0xF0 == 0xC0 => StatusKind::TriesLeft(x & 0x0F),
            (0x69, 0x83) | (0x69, 0x84) => StatusKind::Locked,
            (0x69, 0x82) => StatusKind::SecurityNotSatisfied,
            (0x69, 0x85) => StatusKind::ConditionsNotSatisfied,
            (0x6A, 0x82) => StatusKind::NotFound,
            (0x6A, 0x86) => StatusKind::WrongP1P2,
            (0x67, 0x00) => StatusKind::WrongLength,
            (0x6C, n) => StatusKind::WrongLe(n),
            (0x6B, 0x00) => StatusKind::OffsetBeyondEnd,
            (0x6D, 0x00) => StatusKind::InsNotSupported,
            (0x6E, 0x00) => StatusKind::ClaNotSupported,
            (0x64, 0x00) | (0x65, 0x81) | (0x6F, 0x00) => StatusKind::ExecutionError,
            _ => StatusKind::Other,
        }
    }

    /// A short English description for diagnostics.
    pub fn describe(self) -> &'static str {
        match self.kind() {
            StatusKind::Ok => "success",
            StatusKind::MoreData(_) => "more data available",
            StatusKind::TriesLeft(0) => "wrong PIN, now locked",
            StatusKind::TriesLeft(_) => "wrong PIN or retry counter",
            StatusKind::Locked => "PIN locked",
            StatusKind::SecurityNotSatisfied => "security status not satisfied",
            StatusKind::ConditionsNotSatisfied => "conditions of use not satisfied",
            StatusKind::NotFound => "file or application not found",
            StatusKind::WrongP1P2 => "wrong P1/P2",
            StatusKind::WrongLength => "wrong length",
            StatusKind::WrongLe(_) => "wrong Le",
            StatusKind::OffsetBeyondEnd => "offset beyond end of file",
            StatusKind::InsNotSupported => "instruction not supported",
            StatusKind::ClaNotSupported => "class not supported",
            StatusKind::ExecutionError => "execution error",
            StatusKind::Other => "unexpected status",
        }
    }
}

impl fmt::Debug for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SW {:04X}", self.0)
    }
}

impl fmt::Display for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X} ({})", self.0, self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_words_the_card_layer_acts_on() {
        assert_eq!(StatusWord(0x9000).kind(), StatusKind::Ok);
        assert_eq!(StatusWord(0x63C2).kind(), StatusKind::TriesLeft(2));
        assert_eq!(StatusWord(0x63C0).kind(), StatusKind::TriesLeft(0));
        assert_eq!(StatusWord(0x6984).kind(), StatusKind::Locked);
        assert_eq!(StatusWord(0x6983).kind(), StatusKind::Locked);
        assert_eq!(StatusWord(0x6982).kind(), StatusKind::SecurityNotSatisfied);
        assert_eq!(StatusWord(0x6A82).kind(), StatusKind::NotFound);
        assert_eq!(StatusWord(0x6700).kind(), StatusKind::WrongLength);
        assert_eq!(StatusWord(0x6110).kind(), StatusKind::MoreData(0x10));
        assert_eq!(StatusWord(0x6C20).kind(), StatusKind::WrongLe(0x20));
        assert_eq!(StatusWord(0x6581).kind(), StatusKind::ExecutionError);
        assert!(StatusWord(0x6F00).is_transient() && StatusWord(0x6400).is_transient());
        assert!(!StatusWord(0x6982).is_transient() && !StatusWord(0x63C2).is_transient());
        // 63 00 without the C nibble is not a retry counter.
        assert_eq!(StatusWord(0x6300).kind(), StatusKind::Other);
    }

    #[test]
    fn builds_retry_words_and_round_trips_bytes() {
        assert_eq!(StatusWord::tries_left(3), StatusWord(0x63C3));
        assert_eq!(StatusWord::from_bytes(0x6A, 0x82), StatusWord::NOT_FOUND);
        assert_eq!(StatusWord(0x6984).to_bytes(), [0x69, 0x84]);
        assert_eq!(
            StatusWord(0x63C1).to_string(),
            "63C1 (wrong PIN or retry counter)"
        );
    }
}
