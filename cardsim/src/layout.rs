//! Which elementary file is where, what it holds and who may read it (the
//! identifiers and their sources are in [`crate::card_ids`]).

use crate::card_ids::{card_info, jpki};
use crate::efs;
use crate::pins::{App, PinId};
use crate::state::CardState;

/// What an elementary file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EfKind {
    /// A transparent file READ BINARY can return once `access` is met.
    Data(Access),
    /// A PIN file: VERIFY target, never readable.
    Pin(PinId),
    /// A key reference that is blocked as issued (card-info AP `0012`): the
    /// retry query answers `63C0`, a VERIFY `6984`, nothing is ever spent.
    BlockedKey,
    /// A private key usable by COMPUTE DIGITAL SIGNATURE after VERIFY of its
    /// PIN; never readable.
    Key(PinId),
}

/// Read access to a data file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Free,
    /// Readable once any of these secrets was verified in this power session.
    AnyOf(&'static [PinId]),
}

impl Access {
    pub fn allows(self, verified: impl Fn(PinId) -> bool) -> bool {
        match self {
            Access::Free => true,
            Access::AnyOf(pins) => pins.iter().any(|p| verified(*p)),
        }
    }
}

/// The kind of `ef` in `app`, or `None` when the card has no such file.
pub fn ef_kind(app: App, ef: u16) -> Option<EfKind> {
    use EfKind::{BlockedKey, Data, Key, Pin};
    let kind = match (app, ef) {
        (App::Jpki, jpki::AUTH_CERT | jpki::AUTH_CA_CERT | jpki::SIGN_CA_CERT) => {
            Data(Access::Free)
        }
        (App::Jpki, jpki::TOKEN_INFO) => Data(Access::Free),
        (App::Jpki, jpki::SIGN_CERT) => Data(Access::AnyOf(&[PinId::Sign])),
        (App::Jpki, jpki::AUTH_KEY) => Key(PinId::Auth),
        (App::Jpki, jpki::SIGN_KEY) => Key(PinId::Sign),
        // soltia48/myna-card:src/ap/text.rs `read_attributes`: "A opens EF
        // 0001 and not 0002, B opens 0002 and not 0001 … only the PIN opens both".
        (App::CardInfo, card_info::MY_NUMBER) => {
            Data(Access::AnyOf(&[PinId::CardInfo, PinId::CodeA]))
        }
        (App::CardInfo, card_info::BASIC_FOUR) => {
            Data(Access::AnyOf(&[PinId::CardInfo, PinId::CodeB]))
        }
        (App::CardInfo, card_info::BLOCKED) => BlockedKey,
        (app, ef) => return PinId::from_ef(app, ef).map(Pin),
    };
    Some(kind)
}

/// The bytes of a data file (empty for anything that is not one).
pub fn contents(state: &CardState, app: App, ef: u16) -> Vec<u8> {
    match (app, ef) {
        (App::Jpki, jpki::AUTH_CERT) => state.auth_cert.clone(),
        (App::Jpki, jpki::AUTH_CA_CERT | jpki::SIGN_CA_CERT) => state.ca_cert.clone(),
        (App::Jpki, jpki::SIGN_CERT) => state.sign_cert.clone(),
        (App::Jpki, jpki::TOKEN_INFO) => efs::token_info(),
        (App::CardInfo, card_info::MY_NUMBER) => efs::my_number_file(&state.personal.my_number),
        (App::CardInfo, card_info::BASIC_FOUR) => efs::basic_four_file(&state.personal),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_and_key_files_are_where_the_protocol_says() {
        assert_eq!(ef_kind(App::Jpki, 0x0018), Some(EfKind::Pin(PinId::Auth)));
        assert_eq!(ef_kind(App::Jpki, 0x001B), Some(EfKind::Pin(PinId::Sign)));
        assert_eq!(
            ef_kind(App::CardInfo, 0x0011),
            Some(EfKind::Pin(PinId::CardInfo))
        );
        assert_eq!(
            ef_kind(App::CardInfo, 0x0014),
            Some(EfKind::Pin(PinId::CodeA))
        );
        assert_eq!(
            ef_kind(App::CardInfo, 0x0015),
            Some(EfKind::Pin(PinId::CodeB))
        );
        assert_eq!(ef_kind(App::CardInfo, 0x0012), Some(EfKind::BlockedKey));
        assert_eq!(ef_kind(App::CardInfo, 0x0013), None);
        assert_eq!(ef_kind(App::Jpki, 0x0017), Some(EfKind::Key(PinId::Auth)));
        assert_eq!(ef_kind(App::Jpki, 0x001A), Some(EfKind::Key(PinId::Sign)));
        assert_eq!(ef_kind(App::CardFace, 0x0001), None);
        assert_eq!(ef_kind(App::CardInfo, 0x0018), None);
        assert_eq!(ef_kind(App::Jpki, 0x0011), None);
    }

    #[test]
    fn each_card_info_key_opens_what_a_real_card_opens() {
        let Some(EfKind::Data(four)) = ef_kind(App::CardInfo, 0x0002) else {
            panic!("EF 0002 is data")
        };
        let Some(EfKind::Data(number)) = ef_kind(App::CardInfo, 0x0001) else {
            panic!("EF 0001 is data")
        };
        let only = |pin: PinId| move |p: PinId| p == pin;
        assert!(four.allows(only(PinId::CodeB)));
        assert!(!number.allows(only(PinId::CodeB)));
        assert!(number.allows(only(PinId::CodeA)));
        assert!(!four.allows(only(PinId::CodeA)));
        assert!(number.allows(only(PinId::CardInfo)));
        assert!(four.allows(only(PinId::CardInfo)));
        assert!(!four.allows(only(PinId::Auth)));
    }
}
