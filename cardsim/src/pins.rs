//! The secrets a My Number Card holds: which key reference each is (see
//! [`crate::card_ids`] for the sources), its format and how many tries it
//! allows.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::card_ids::{self, card_info, jpki};

/// One of the card's secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PinId {
    /// JPKI user-authentication PIN, EF 0018: 4 digits, 3 tries.
    Auth,
    /// JPKI signature PIN, EF 001B: 6–16 of A–Z0–9, 5 tries.
    Sign,
    /// Card-info input support PIN, EF 0011: 4 digits, 3 tries; opens the
    /// My Number and the basic four items.
    CardInfo,
    /// 照合番号A, EF 0014: the 12-digit My Number itself, 10 tries; opens the
    /// My Number only. Its value cannot be set: it is the card's My Number.
    CodeA,
    /// 照合番号B, EF 0015: 14 digits, 10 tries; opens the basic four items only.
    CodeB,
}

/// The applications cardsim models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum App {
    Jpki,
    CardInfo,
    CardFace,
}

impl App {
    pub const ALL: [App; 3] = [App::Jpki, App::CardInfo, App::CardFace];

    pub fn aid(self) -> &'static [u8; 10] {
        match self {
            App::Jpki => &card_ids::JPKI_AID,
            App::CardInfo => &card_ids::CARD_INFO_AID,
            App::CardFace => &card_ids::CARD_FACE_AID,
        }
    }

    pub fn from_aid(aid: &[u8]) -> Option<App> {
        App::ALL.into_iter().find(|app| app.aid()[..] == *aid)
    }

    /// A short name for listings: `JPKI`, `card-info`, `card-face`.
    pub fn as_str(self) -> &'static str {
        match self {
            App::Jpki => "JPKI",
            App::CardInfo => "card-info",
            App::CardFace => "card-face",
        }
    }
}

impl PinId {
    pub const ALL: [PinId; 5] = [
        PinId::Auth,
        PinId::Sign,
        PinId::CardInfo,
        PinId::CodeA,
        PinId::CodeB,
    ];

    /// The application holding the secret.
    pub fn app(self) -> App {
        match self {
            PinId::Auth | PinId::Sign => App::Jpki,
            PinId::CardInfo | PinId::CodeA | PinId::CodeB => App::CardInfo,
        }
    }

    /// The key reference (the EF id) of the secret inside its application.
    pub fn ef(self) -> u16 {
        match self {
            PinId::Auth => jpki::AUTH_PIN,
            PinId::Sign => jpki::SIGN_PIN,
            PinId::CardInfo => card_info::PIN,
            PinId::CodeA => card_info::CODE_A,
            PinId::CodeB => card_info::CODE_B,
        }
    }

    /// The PIN of `ef` in `app`, if it is a PIN file.
    pub fn from_ef(app: App, ef: u16) -> Option<PinId> {
        PinId::ALL
            .into_iter()
            .find(|pin| pin.app() == app && pin.ef() == ef)
    }

    /// The retry counter of a fresh (or counter-reset) card. Auth 3 and sign
    /// 5: OpenSC jpki.h `JPKI_*_PIN_MAX_TRIES`; card-info PIN 3 as the JPKI
    /// PIN (`shared/card-protocol.md`); 照合番号A and B 10: no public source
    /// shows them, a choice listed in the README.
    pub fn max_tries(self) -> u8 {
        match self {
            PinId::Auth | PinId::CardInfo => 3,
            PinId::Sign => 5,
            PinId::CodeA | PinId::CodeB => 10,
        }
    }

    /// Whether a municipal counter can set a new value (照合番号A is the My
    /// Number: only its retry counter can be reset).
    pub fn can_be_set(self) -> bool {
        self != PinId::CodeA
    }

    /// The name used on the command line and in state files.
    pub fn as_str(self) -> &'static str {
        match self {
            PinId::Auth => "auth",
            PinId::Sign => "sign",
            PinId::CardInfo => "card-info",
            PinId::CodeA => "code-a",
            PinId::CodeB => "code-b",
        }
    }

    /// Checks the format a real card enforces when the secret is set.
    pub fn check_format(self, value: &str) -> Result<(), String> {
        let ok = match self {
            PinId::Auth | PinId::CardInfo => is_digits(value, 4),
            PinId::CodeA => is_digits(value, 12),
            PinId::CodeB => is_digits(value, 14),
            PinId::Sign => {
                (6..=16).contains(&value.len())
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            }
        };
        if ok {
            Ok(())
        } else {
            Err(format!("the {self} must be {}", self.format_hint()))
        }
    }

    fn format_hint(self) -> &'static str {
        match self {
            PinId::Auth | PinId::CardInfo => "exactly 4 digits",
            PinId::CodeA => "exactly 12 digits (the My Number)",
            PinId::CodeB => "exactly 14 digits",
            PinId::Sign => "6 to 16 characters of A-Z and 0-9",
        }
    }
}

pub(crate) fn is_digits(value: &str, len: usize) -> bool {
    value.len() == len && value.bytes().all(|b| b.is_ascii_digit())
}

impl fmt::Display for PinId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PinId::Auth => "user-authentication PIN",
            PinId::Sign => "signature PIN",
            PinId::CardInfo => "card-info PIN",
            PinId::CodeA => "照合番号A",
            PinId::CodeB => "照合番号B",
        })
    }
}

impl FromStr for PinId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PinId::ALL
            .into_iter()
            .find(|pin| pin.as_str() == s)
            .ok_or_else(|| {
                format!("unknown PIN kind {s:?}: use auth, sign, card-info, code-a or code-b")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_references_are_where_the_sources_put_them() {
        let table = [
            (PinId::Auth, App::Jpki, 0x0018, 3),
            (PinId::Sign, App::Jpki, 0x001B, 5),
            (PinId::CardInfo, App::CardInfo, 0x0011, 3),
            (PinId::CodeA, App::CardInfo, 0x0014, 10),
            (PinId::CodeB, App::CardInfo, 0x0015, 10),
        ];
        for (pin, app, ef, tries) in table {
            assert_eq!((pin.app(), pin.ef(), pin.max_tries()), (app, ef, tries));
            assert_eq!(PinId::from_ef(app, ef), Some(pin));
        }
        assert_eq!(
            PinId::from_ef(App::CardInfo, 0x0012),
            None,
            "blocked, no secret"
        );
        assert_eq!(PinId::from_ef(App::CardInfo, 0x0018), None);
        assert_eq!(PinId::from_ef(App::Jpki, 0x0014), None);
        assert_eq!(
            App::from_aid(&[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08]),
            Some(App::CardInfo)
        );
    }

    #[test]
    fn formats_are_enforced() {
        assert!(PinId::Auth.check_format("1234").is_ok());
        assert!(PinId::Auth.check_format("123").is_err());
        assert!(PinId::Auth.check_format("12a4").is_err());
        assert!(PinId::Sign.check_format("ABC123").is_ok());
        assert!(PinId::Sign.check_format("abc123").is_err());
        assert!(PinId::Sign.check_format("ABC12").is_err());
        assert!(PinId::Sign.check_format(&"A".repeat(17)).is_err());
        assert!(PinId::CodeB.check_format("02040120351234").is_ok());
        assert_eq!("code-b".parse::<PinId>(), Ok(PinId::CodeB));
        assert!(PinId::CodeA.check_format("123456789018").is_ok());
        assert!(PinId::CodeA.check_format("02040120351234").is_err());
        assert_eq!("code-a".parse::<PinId>(), Ok(PinId::CodeA));
        assert!(!PinId::CodeA.can_be_set() && PinId::CodeB.can_be_set());
        assert!("pin".parse::<PinId>().is_err());
    }
}
