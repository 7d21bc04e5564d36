//! The four secrets a My Number Card holds: where each lives, its format and
//! how many tries it allows.

use std::fmt;
use std::str::FromStr;

use mynapoint_core::card::files::{self, card_info, jpki};
use mynapoint_core::pin::PinKind;
use serde::{Deserialize, Serialize};

/// One of the card's secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PinId {
    /// JPKI user-authentication PIN, EF 0018: 4 digits, 3 tries.
    Auth,
    /// JPKI signature PIN, EF 001B: 6–16 of A–Z0–9, 5 tries.
    Sign,
    /// Card-info input support PIN, EF 0011: 4 digits, 3 tries.
    CardInfo,
    /// 照合番号B, EF 0014: 14 digits, 10 tries; opens the basic four items only.
    CodeB,
}

/// The applications cardsim models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum App {
    Jpki,
    CardInfo,
    CardFace,
}

impl App {
    pub const ALL: [App; 3] = [App::Jpki, App::CardInfo, App::CardFace];

    pub fn aid(self) -> &'static [u8; 10] {
        match self {
            App::Jpki => &files::JPKI_AID,
            App::CardInfo => &files::CARD_INFO_AID,
            App::CardFace => &files::CARD_FACE_AID,
        }
    }

    pub fn from_aid(aid: &[u8]) -> Option<App> {
        App::ALL.into_iter().find(|app| app.aid()[..] == *aid)
    }
}

impl PinId {
    pub const ALL: [PinId; 4] = [PinId::Auth, PinId::Sign, PinId::CardInfo, PinId::CodeB];

    /// The application holding the secret.
    pub fn app(self) -> App {
        match self {
            PinId::Auth | PinId::Sign => App::Jpki,
            PinId::CardInfo | PinId::CodeB => App::CardInfo,
        }
    }

    /// The elementary file of the secret inside its application.
    pub fn ef(self) -> u16 {
        match self {
            PinId::Auth => jpki::AUTH_PIN,
            PinId::Sign => jpki::SIGN_PIN,
            PinId::CardInfo => card_info::PIN,
            PinId::CodeB => card_info::CODE_B,
        }
    }

    /// The PIN of `ef` in `app`, if it is a PIN file.
    pub fn from_ef(app: App, ef: u16) -> Option<PinId> {
        PinId::ALL
            .into_iter()
            .find(|pin| pin.app() == app && pin.ef() == ef)
    }

    /// The retry counter of a fresh (or counter-reset) card.
    pub fn max_tries(self) -> u8 {
        match self {
            PinId::Auth | PinId::CardInfo => 3,
            PinId::Sign => 5,
            PinId::CodeB => 10,
        }
    }

    /// The name used on the command line and in state files.
    pub fn as_str(self) -> &'static str {
        match self {
            PinId::Auth => "auth",
            PinId::Sign => "sign",
            PinId::CardInfo => "card-info",
            PinId::CodeB => "code-b",
        }
    }

    /// Checks the format a real card enforces when the secret is set.
    pub fn check_format(self, value: &str) -> Result<(), String> {
        let ok = match self {
            PinId::Auth | PinId::CardInfo => is_digits(value, 4),
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
            .ok_or_else(|| format!("unknown PIN kind {s:?}: use auth, sign, card-info or code-b"))
    }
}

impl From<PinKind> for PinId {
    fn from(kind: PinKind) -> Self {
        match kind {
            PinKind::UserAuth => PinId::Auth,
            PinKind::CardInfo => PinId::CardInfo,
            PinKind::CardInfoCodeB => PinId::CodeB,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_files_match_the_core_constants() {
        for kind in [PinKind::UserAuth, PinKind::CardInfo, PinKind::CardInfoCodeB] {
            let id = PinId::from(kind);
            assert_eq!(id.ef(), kind.ef());
            assert_eq!(id.app().aid(), kind.aid());
            assert_eq!(id.max_tries(), kind.max_tries());
        }
        assert_eq!(PinId::from_ef(App::Jpki, 0x001B), Some(PinId::Sign));
        assert_eq!(PinId::from_ef(App::CardInfo, 0x0018), None);
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
        assert!("pin".parse::<PinId>().is_err());
    }
}
