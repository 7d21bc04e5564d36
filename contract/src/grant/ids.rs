//! Identifiers of the field app: grant project, point, terminal, tap, device
//! fingerprint. Each has a check that names what is wrong as a
//! [`FieldProblem`].

use serde::{Deserialize, Serialize};

use crate::field::{check_text, FieldProblem};
use crate::services::Charset;

/// Digits of a grant project ID (付与事業ID), e.g. `"0001"`.
pub const PROJECT_ID_LEN: u32 = 4;
/// Digits of a point ID (ポイントID), e.g. `"13101001"`.
pub const POINT_ID_LEN: u32 = 8;
/// Digits of a terminal ID (端末ID), e.g. `"00000001"`.
pub const TERMINAL_ID_LEN: u32 = 8;
/// Hex digits of a device fingerprint (SHA-256, lower case).
pub const DEVICE_FINGERPRINT_LEN: u32 = 64;

/// A grant project ID: exactly [`PROJECT_ID_LEN`] half-width digits.
pub fn check_project_id(text: &str) -> Result<(), FieldProblem> {
    check_text(text, Charset::Digits, PROJECT_ID_LEN, PROJECT_ID_LEN)
}

/// A point ID: exactly [`POINT_ID_LEN`] half-width digits.
pub fn check_point_id(text: &str) -> Result<(), FieldProblem> {
    check_text(text, Charset::Digits, POINT_ID_LEN, POINT_ID_LEN)
}

/// A terminal ID: exactly [`TERMINAL_ID_LEN`] half-width digits.
pub fn check_terminal_id(text: &str) -> Result<(), FieldProblem> {
    check_text(text, Charset::Digits, TERMINAL_ID_LEN, TERMINAL_ID_LEN)
}

/// A device fingerprint: the SHA-256 of a value the device generated at
/// install, as [`DEVICE_FINGERPRINT_LEN`] lower-case hex digits.
pub fn check_device_fingerprint(text: &str) -> Result<(), FieldProblem> {
    if text.len() != DEVICE_FINGERPRINT_LEN as usize {
        return Err(FieldProblem::WrongLength {
            min: DEVICE_FINGERPRINT_LEN,
            max: DEVICE_FINGERPRINT_LEN,
            got: text.chars().count() as u32,
        });
    }
    match text
        .chars()
        .position(|c| !matches!(c, '0'..='9' | 'a'..='f'))
    {
        Some(i) => Err(FieldProblem::NotAllowed {
            position: i as u32 + 1,
        }),
        None => Ok(()),
    }
}

/// The ID a device gives a tap when it happens: a UUID (hyphenated, lower
/// case). The platform grants at most once per person and project whatever
/// the tap IDs; the tap ID makes a re-sent tap answer the same outcome.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TapId(String);

impl TapId {
    /// A fresh random (v4) tap ID.
    pub fn new() -> Self {
        Self(uuid::Uuid::new_v4().hyphenated().to_string())
    }

    /// A hyphenated UUID (either case) as a tap ID; `None` otherwise.
    pub fn parse(text: &str) -> Option<Self> {
        crate::auth::hyphenated_uuid(text).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for TapId {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_checked_by_their_length_and_digits() {
        assert_eq!(check_project_id("0001"), Ok(()));
        assert!(matches!(
            check_project_id("001"),
            Err(FieldProblem::WrongLength { got: 3, .. })
        ));
        assert!(matches!(
            check_project_id("00０1"),
            Err(FieldProblem::FullWidth { position: 3 })
        ));
        assert_eq!(check_point_id("13101001"), Ok(()));
        assert!(check_point_id("1310100A").is_err());
        assert_eq!(check_terminal_id("00000001"), Ok(()));
        assert!(check_terminal_id("").is_err());
        let fp = "ab".repeat(32);
        assert_eq!(check_device_fingerprint(&fp), Ok(()));
        assert!(matches!(
            check_device_fingerprint(&"AB".repeat(32)),
            Err(FieldProblem::NotAllowed { position: 1 })
        ));
        assert!(check_device_fingerprint("ab").is_err());
    }

    #[test]
    fn tap_ids_are_uuids() {
        let id = TapId::new();
        assert_eq!(TapId::parse(id.as_str()), Some(id.clone()));
        assert_eq!(
            TapId::parse(&id.as_str().to_uppercase()).as_ref(),
            Some(&id)
        );
        assert_eq!(TapId::parse("not-a-uuid"), None);
        assert_ne!(TapId::new(), TapId::new());
    }
}
