//! The secrets a card holder types: format rules checked before anything
//! reaches the card, and a buffer that is wiped when it is dropped.

use std::fmt;

use zeroize::Zeroizing;

/// Which secret of the card a PIN opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PinKind {
    /// JPKI user-authentication PIN (利用者証明用電子証明書暗証番号): 4 digits, 3 tries.
    UserAuth,
    /// Card-info input support PIN (券面事項入力補助用暗証番号): 4 digits, 3 tries.
    CardInfo,
    /// 照合番号B: birth date (YYMMDD, Japanese era) + expiry year + security code,
    /// 14 digits, 10 tries. Opens the basic four items only.
    CardInfoCodeB,
}

impl PinKind {
    /// How many digits the secret has.
    pub fn digits(self) -> usize {
        match self {
            PinKind::UserAuth | PinKind::CardInfo => 4,
            PinKind::CardInfoCodeB => 14,
        }
    }

    /// The retry counter of a fresh (or counter-reset) card.
    pub fn max_tries(self) -> u8 {
        match self {
            PinKind::UserAuth | PinKind::CardInfo => 3,
            PinKind::CardInfoCodeB => 10,
        }
    }

    /// A name for messages and logs.
    pub fn label(self) -> &'static str {
        match self {
            PinKind::UserAuth => "user-authentication PIN",
            PinKind::CardInfo => "card-info PIN",
            PinKind::CardInfoCodeB => "照合番号B (card check code B)",
        }
    }
}

/// Why typed text is not a valid secret. Nothing reaches the card.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinFormatError {
    #[error("enter the {label}: {expected} digits")]
    Empty {
        label: &'static str,
        expected: usize,
    },
    #[error("the {label} has {expected} digits, {got} were entered")]
    WrongLength {
        label: &'static str,
        expected: usize,
        got: usize,
    },
    #[error(
        "use half-width digits 0-9 for the {label} (a full-width digit is at position {position})"
    )]
    FullWidthDigit {
        label: &'static str,
        position: usize,
    },
    #[error("the {label} has digits 0-9 only (position {position} is not a digit)")]
    NotADigit {
        label: &'static str,
        position: usize,
    },
}

/// A secret the holder typed, checked for format, wiped on drop.
/// It is never persisted, logged or shown: `Debug` prints only its kind.
#[derive(Clone)]
pub struct Pin {
    kind: PinKind,
    digits: Zeroizing<Vec<u8>>,
}

impl Pin {
    /// Checks `text` against the format of `kind`: exactly the right number
    /// of ASCII digits. Full-width digits (０-９) get their own error.
    pub fn new(kind: PinKind, text: &str) -> Result<Self, PinFormatError> {
        let label = kind.label();
        let expected = kind.digits();
        if text.is_empty() {
            return Err(PinFormatError::Empty { label, expected });
        }
        for (i, c) in text.chars().enumerate() {
            if ('０'..='９').contains(&c) {
                return Err(PinFormatError::FullWidthDigit {
                    label,
                    position: i + 1,
                });
            }
            if !c.is_ascii_digit() {
                return Err(PinFormatError::NotADigit {
                    label,
                    position: i + 1,
                });
            }
        }
        if text.len() != expected {
            return Err(PinFormatError::WrongLength {
                label,
                expected,
                got: text.len(),
            });
        }
        Ok(Self {
            kind,
            digits: Zeroizing::new(text.as_bytes().to_vec()),
        })
    }

    pub fn user_auth(text: &str) -> Result<Self, PinFormatError> {
        Self::new(PinKind::UserAuth, text)
    }

    pub fn card_info(text: &str) -> Result<Self, PinFormatError> {
        Self::new(PinKind::CardInfo, text)
    }

    pub fn code_b(text: &str) -> Result<Self, PinFormatError> {
        Self::new(PinKind::CardInfoCodeB, text)
    }

    pub fn kind(&self) -> PinKind {
        self.kind
    }

    /// The ASCII digits, for the VERIFY command only.
    pub(crate) fn expose(&self) -> &[u8] {
        &self.digits
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pin({:?}, <redacted>)", self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_exactly_four_ascii_digits() {
        assert_eq!(Pin::user_auth("0123").unwrap().expose(), b"0123");
        assert_eq!(
            Pin::code_b("01234567890123").unwrap().kind(),
            PinKind::CardInfoCodeB
        );
    }

    #[test]
    fn each_bad_format_has_its_own_error() {
        assert!(matches!(
            Pin::user_auth(""),
            Err(PinFormatError::Empty { expected: 4, .. })
        ));
        assert!(matches!(
            Pin::user_auth("123"),
            Err(PinFormatError::WrongLength {
                expected: 4,
                got: 3,
                ..
            })
        ));
        assert!(matches!(
            Pin::user_auth("12345"),
            Err(PinFormatError::WrongLength { got: 5, .. })
        ));
        assert!(matches!(
            Pin::user_auth("12３4"),
            Err(PinFormatError::FullWidthDigit { position: 3, .. })
        ));
        assert!(matches!(
            Pin::user_auth("12a4"),
            Err(PinFormatError::NotADigit { position: 3, .. })
        ));
        assert!(matches!(
            Pin::user_auth(" 1234"),
            Err(PinFormatError::NotADigit { position: 1, .. })
        ));
        assert!(matches!(
            Pin::code_b("1234"),
            Err(PinFormatError::WrongLength { expected: 14, .. })
        ));
    }

    #[test]
    fn debug_never_shows_the_digits() {
        let pin = Pin::user_auth("9876").unwrap();
        let shown = format!("{pin:?}");
        assert!(!shown.contains("9876"));
        assert!(shown.contains("redacted"));
    }
}
