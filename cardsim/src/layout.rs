//! Which elementary file is where, what it holds and who may read it.

use mynapoint_core::card::files::{card_info, jpki};

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
    use EfKind::{Data, Key, Pin};
    let kind = match (app, ef) {
        (App::Jpki, jpki::AUTH_CERT | jpki::AUTH_CA_CERT | jpki::SIGN_CA_CERT) => {
            Data(Access::Free)
        }
        (App::Jpki, jpki::TOKEN_INFO) => Data(Access::Free),
        (App::Jpki, jpki::SIGN_CERT) => Data(Access::AnyOf(&[PinId::Sign])),
        (App::Jpki, jpki::AUTH_KEY) => Key(PinId::Auth),
        (App::Jpki, jpki::SIGN_KEY) => Key(PinId::Sign),
        (App::CardInfo, card_info::MY_NUMBER) => Data(Access::AnyOf(&[PinId::CardInfo])),
        (App::CardInfo, card_info::BASIC_FOUR) => {
            Data(Access::AnyOf(&[PinId::CardInfo, PinId::CodeB]))
        }
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
            Some(EfKind::Pin(PinId::CodeB))
        );
        assert_eq!(ef_kind(App::Jpki, 0x0017), Some(EfKind::Key(PinId::Auth)));
        assert_eq!(ef_kind(App::Jpki, 0x001A), Some(EfKind::Key(PinId::Sign)));
        assert_eq!(ef_kind(App::CardFace, 0x0001), None);
        assert_eq!(ef_kind(App::CardInfo, 0x0018), None);
        assert_eq!(ef_kind(App::Jpki, 0x0011), None);
    }

    #[test]
    fn code_b_opens_basic_four_only() {
        let code_b = |p: PinId| p == PinId::CodeB;
        let Some(EfKind::Data(four)) = ef_kind(App::CardInfo, 0x0002) else {
            panic!()
        };
        let Some(EfKind::Data(number)) = ef_kind(App::CardInfo, 0x0001) else {
            panic!()
        };
        assert!(four.allows(code_b));
        assert!(!number.allows(code_b));
        assert!(number.allows(|p| p == PinId::CardInfo));
    }
}
