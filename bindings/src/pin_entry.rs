//! A PIN (or 照合番号B) typed on the app's own keypad, one digit at a
//! time, held only here: in a buffer the library wipes. The Kotlin and
//! Swift sides never build a string of the secret (a JVM `String` or a
//! Swift `String` cannot be wiped and lives until the garbage collector or
//! the allocator reuses it); the keypad passes digits as small integers and
//! the screen shows `length()` dots.
//!
//! The calls that use a secret take a `PinEntry` and empty it at once,
//! whatever happens next: the core holds the secret until the tap that
//! sends it (or, after a refused last try, until the tap the holder
//! confirms), then wipes it; a secret that was sent is typed again.

use std::sync::{Arc, Mutex, MutexGuard};

use mynapoint_core::pin::{self, Pin, PinFormatError};
use zeroize::Zeroizing;

use crate::error::MynaError;
use crate::records::PinKind;

/// The digits typed so far for one secret of the card.
#[derive(uniffi::Object)]
pub struct PinEntry {
    kind: pin::PinKind,
    digits: Mutex<Zeroizing<String>>,
}

impl PinEntry {
    fn digits(&self) -> MutexGuard<'_, Zeroizing<String>> {
        self.digits.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A buffer that never grows (a growing buffer would leave an unwiped
    /// copy behind): room for every digit of the secret.
    fn buffer(kind: pin::PinKind) -> String {
        String::with_capacity(kind.digits())
    }

    /// Takes the digits out as text for a core call of `kind` that takes
    /// `&str` (wiped when dropped); the entry is empty afterwards.
    ///
    /// An entry made for another secret is refused (`pin_format`, naming
    /// the secret to enter) and emptied: four digits typed for the
    /// card-info PIN must never be sent as the user-authentication PIN
    /// (that would spend one of its tries).
    pub(crate) fn take_text(&self, kind: PinKind) -> Result<Zeroizing<String>, MynaError> {
        let fresh = Self::buffer(self.kind);
        let typed = Zeroizing::new(std::mem::replace(&mut **self.digits(), fresh));
        let wanted: pin::PinKind = kind;
        if wanted != self.kind {
            return Err(PinFormatError::Empty {
                label: wanted.label(),
                expected: wanted.digits(),
            }
            .into());
        }
        Ok(typed)
    }

    /// Takes the digits out as `kind`'s secret (format checked by the
    /// core); the entry is empty afterwards, also when it is refused.
    pub(crate) fn take(&self, kind: PinKind) -> Result<Pin, MynaError> {
        Ok(Pin::new(kind, &self.take_text(kind)?)?)
    }
}

#[uniffi::export]
impl PinEntry {
    /// An empty entry for `kind` (4 digits for the PINs, 14 for 照合番号B).
    #[uniffi::constructor]
    pub fn new(kind: PinKind) -> Arc<Self> {
        let kind: pin::PinKind = kind;
        Arc::new(Self {
            kind,
            digits: Mutex::new(Zeroizing::new(Self::buffer(kind))),
        })
    }

    /// Appends `digit` (0 to 9); returns the number of digits now typed.
    ///
    /// Errors (nothing changes): `pin_format` when `digit` is not 0 to 9,
    /// or when the entry already holds all its digits.
    pub fn press(&self, digit: u8) -> Result<u32, MynaError> {
        let mut digits = self.digits();
        let label = self.kind.label();
        let position = digits.len() + 1;
        if digit > 9 {
            return Err(PinFormatError::NotADigit { label, position }.into());
        }
        let expected = self.kind.digits();
        if digits.len() >= expected {
            return Err(PinFormatError::WrongLength {
                label,
                expected,
                got: position,
            }
            .into());
        }
        digits.push(char::from(b'0' + digit));
        Ok(digits.len() as u32)
    }

    /// Removes the last digit (none: nothing happens); returns the number left.
    pub fn delete_last(&self) -> u32 {
        let mut digits = self.digits();
        digits.pop();
        digits.len() as u32
    }

    /// Wipes every digit typed.
    pub fn clear(&self) {
        // `Zeroizing<String>` wipes the whole allocation, then empties it.
        zeroize::Zeroize::zeroize(&mut **self.digits());
    }

    /// Digits typed (the dots to show).
    pub fn length(&self) -> u32 {
        self.digits().len() as u32
    }

    /// Digits the secret has (4, or 14 for 照合番号B).
    pub fn max_length(&self) -> u32 {
        self.kind.digits() as u32
    }

    /// Every digit is typed: the step may go on.
    pub fn is_complete(&self) -> bool {
        self.digits().len() == self.kind.digits()
    }

    /// The secret this entry is for.
    pub fn kind(&self) -> PinKind {
        self.kind
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(kind: PinKind, digits: &[u8]) -> Arc<PinEntry> {
        let entry = PinEntry::new(kind);
        for d in digits {
            entry.press(*d).unwrap();
        }
        entry
    }

    fn code(e: MynaError) -> String {
        match e {
            MynaError::Failed { code, .. } => code,
            other => panic!("not a core failure: {other:?}"),
        }
    }

    #[test]
    fn digits_go_in_and_come_out_once() {
        let entry = typed(PinKind::UserAuth, &[4, 8, 2, 1]);
        assert!(entry.is_complete());
        let pin = entry.take(PinKind::UserAuth).unwrap();
        assert_eq!(pin.kind(), pin::PinKind::UserAuth);
        assert_eq!(entry.length(), 0, "taken: the entry is empty");
        assert_eq!(
            code(entry.take(PinKind::UserAuth).unwrap_err()),
            "pin_format"
        );
    }

    #[test]
    fn a_non_digit_or_one_too_many_is_refused_and_changes_nothing() {
        let entry = typed(PinKind::UserAuth, &[1, 2]);
        assert_eq!(code(entry.press(10).unwrap_err()), "pin_format");
        assert_eq!(entry.length(), 2);
        entry.press(3).unwrap();
        entry.press(4).unwrap();
        assert_eq!(code(entry.press(5).unwrap_err()), "pin_format");
        assert_eq!(entry.take_text(PinKind::UserAuth).unwrap().as_str(), "1234");
    }

    #[test]
    fn an_entry_for_another_secret_is_refused_and_emptied() {
        let entry = typed(PinKind::CardInfo, &[4, 8, 2, 1]);
        assert_eq!(
            code(entry.take(PinKind::UserAuth).unwrap_err()),
            "pin_format"
        );
        assert_eq!(entry.length(), 0);
        let entry = typed(PinKind::UserAuth, &[4, 8, 2, 1]);
        assert!(entry.take_text(PinKind::CardInfoCodeB).is_err());
        assert!(typed(PinKind::CardInfo, &[1, 2, 3, 4])
            .take(PinKind::CardInfo)
            .is_ok());
    }

    #[test]
    fn delete_and_clear() {
        let entry = typed(PinKind::CardInfoCodeB, &[9, 0, 0, 4]);
        assert_eq!(entry.max_length(), 14);
        assert_eq!(entry.delete_last(), 3);
        entry.clear();
        assert_eq!(entry.length(), 0);
        assert_eq!(entry.delete_last(), 0);
        assert!(!entry.is_complete());
    }

    #[test]
    fn an_incomplete_entry_is_a_format_error_before_any_tap() {
        let entry = typed(PinKind::UserAuth, &[1, 2, 3]);
        assert_eq!(
            code(entry.take(PinKind::UserAuth).unwrap_err()),
            "pin_format"
        );
        assert_eq!(entry.length(), 0, "emptied even when refused");
    }
}
