//! Application identifiers, elementary files and key references of the My
//! Number Card, each with the public sources that show it on a real card.
//!
//! The issuer's specification is not public. A value here is used only when
//! open-source clients tested against real cards show it; `shared/card-protocol.md`
//! lists the same facts. Sources are named `owner/repo:path`:
//!
//! * [`OPENSC`], `OpenSC/OpenSC:src/libopensc/jpki.h` (the JPKI driver);
//! * [`MYNA_CARD`], `soltia48/myna-card:src/ap/{jpki,text}.rs`, `src/card.rs`, `src/apdu.rs`
//!   (tested on physical cards, with recorded fixtures);
//! * [`JSAPDU`], `AokiApp/jsapdu:packages/mynacard/src/constants.ts`.
//!
//! A key reference that no source confirms must never receive a secret: a
//! wrong one spends the tries of another secret (the card-info AP's `0014`
//! is 照合番号A, made from the My Number; sending 照合番号B there burns its
//! tries). [`KeyReference::is_confirmed`] is checked before every VERIFY.

/// One public source of a card fact (`owner/repo:path`).
pub type Source = &'static str;

/// OpenSC's JPKI driver.
pub const OPENSC: Source = "OpenSC/OpenSC:src/libopensc/jpki.h";
/// soltia48/myna-card, a client tested against physical cards.
pub const MYNA_CARD: Source = "soltia48/myna-card:src/ap/{jpki,text}.rs";
/// AokiApp/jsapdu's My Number Card package.
pub const JSAPDU: Source = "AokiApp/jsapdu:packages/mynacard/src/constants.ts";

/// The JPKI application (公的個人認証), `D3 92 F0 00 26 01 00 00 00 01`.
/// Sources: [`OPENSC`] (`AID_JPKI`), [`MYNA_CARD`], [`JSAPDU`] (`JPKI_AP`).
pub const JPKI_AID: [u8; 10] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];
/// The card-info input support application (券面事項入力補助),
/// `D3 92 10 00 31 00 01 01 04 08`. Sources: [`MYNA_CARD`] (`text::DF`), [`JSAPDU`] (`KENHOJO_AP`).
pub const CARD_INFO_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08];
/// The card-face application (券面事項確認), `D3 92 10 00 31 00 01 01 04 02`.
/// Sources: [`MYNA_CARD`] (`surface.rs`), [`JSAPDU`] (`KENKAKU_AP`). The core never selects it.
pub const CARD_FACE_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02];

/// The AIDs the core selects (for the iOS select-identifiers list).
pub const SELECTED_AIDS: [[u8; 10]; 2] = [JPKI_AID, CARD_INFO_AID];

/// A key reference: the EF of a PIN or code, in its application, with the
/// public sources that show it on a real card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyReference {
    /// The application that holds the secret.
    pub aid: [u8; 10],
    /// The EF id selected before the retry query and VERIFY (`00 A4 02 0C 02 <ef>`).
    pub ef: u16,
    /// Public sources showing this EF as this secret on a real card.
    pub sources: &'static [Source],
}

impl KeyReference {
    /// Whether a public source shows this key reference on a real card.
    /// Nothing is presented to a key reference that is not confirmed.
    pub fn is_confirmed(&self) -> bool {
        !self.sources.is_empty()
    }
}

/// Elementary files of the JPKI application (EF ids for `00 A4 02 0C 02 HH LL`).
/// Sources for every id: [`OPENSC`] (key and PIN ids), [`MYNA_CARD`] (`ap/jpki.rs`),
/// [`JSAPDU`] (`JPKI_AP_EF`).
pub mod jpki {
    use super::{KeyReference, JPKI_AID, JSAPDU, MYNA_CARD, OPENSC};

    /// Signature certificate (needs the signature PIN; READ gives `6982` without it).
    pub const SIGN_CERT: u16 = 0x0001;
    /// CA certificate of the signature certificate.
    pub const SIGN_CA_CERT: u16 = 0x0002;
    /// Token information (label `JPKIAPICCTOKEN2` on a physical card).
    pub const TOKEN_INFO: u16 = 0x0006;
    /// User-authentication certificate, DER, about 1.5–2 KB, readable without PIN.
    pub const AUTH_CERT: u16 = 0x000A;
    /// CA certificate of the user-authentication certificate.
    pub const AUTH_CA_CERT: u16 = 0x000B;
    /// User-authentication private key (RSA-2048), used by COMPUTE DIGITAL SIGNATURE.
    pub const AUTH_KEY: u16 = 0x0017;
    /// User-authentication PIN (4 digits, 3 tries).
    pub const AUTH_PIN: u16 = 0x0018;
    /// Signature private key.
    pub const SIGN_KEY: u16 = 0x001A;
    /// Signature PIN (6–16 of A–Z0–9, 5 tries). This product never presents it.
    pub const SIGN_PIN: u16 = 0x001B;

    /// The key reference of the user-authentication PIN.
    pub const AUTH_PIN_REF: KeyReference = KeyReference {
        aid: JPKI_AID,
        ef: AUTH_PIN,
        sources: &[OPENSC, MYNA_CARD, JSAPDU],
    };
}

/// Elementary files and key references of the card-info input support
/// application. Sources: [`MYNA_CARD`] (`ap/text.rs`, `ef::*`), [`JSAPDU`] (`KENHOJO_AP_EF`).
pub mod card_info {
    use super::{KeyReference, CARD_INFO_AID, JSAPDU, MYNA_CARD};

    /// The 12-digit My Number. This product never selects or reads it.
    pub const MY_NUMBER: u16 = 0x0001;
    /// The basic four items (name, address, birth date, sex).
    pub const BASIC_FOUR: u16 = 0x0002;
    /// Card-info PIN (4 digits, 3 tries); opens [`MY_NUMBER`] and [`BASIC_FOUR`].
    pub const PIN: u16 = 0x0011;
    /// A key reference blocked on every card examined (`63C0` to the retry
    /// query, `6984` to VERIFY). Never used.
    pub const BLOCKED: u16 = 0x0012;
    /// 照合番号A: the 12-digit My Number itself; opens [`MY_NUMBER`] only.
    /// This product never presents it (no [`crate::pin::PinKind`] maps to it).
    pub const CODE_A: u16 = 0x0014;
    /// 照合番号B: 14 digits (birth date YYMMDD, expiry year YYYY, security
    /// code NNNN), 10 tries; opens [`BASIC_FOUR`] only.
    pub const CODE_B: u16 = 0x0015;

    /// The key reference of the card-info PIN.
    pub const PIN_REF: KeyReference = KeyReference {
        aid: CARD_INFO_AID,
        ef: PIN,
        sources: &[MYNA_CARD, JSAPDU],
    };
    /// The key reference of 照合番号B.
    pub const CODE_B_REF: KeyReference = KeyReference {
        aid: CARD_INFO_AID,
        ef: CODE_B,
        sources: &[MYNA_CARD, JSAPDU],
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pin::PinKind;

    const ALL_KINDS: [PinKind; 3] = [PinKind::UserAuth, PinKind::CardInfo, PinKind::CardInfoCodeB];

    #[test]
    fn every_secret_this_product_presents_has_two_independent_sources() {
        for kind in ALL_KINDS {
            let key = kind.key_reference();
            assert!(key.is_confirmed(), "{kind:?}");
            assert!(key.sources.len() >= 2, "{kind:?} has one source only");
        }
    }

    #[test]
    fn code_b_is_0015_and_nothing_is_ever_sent_to_code_a_or_the_blocked_reference() {
        assert_eq!(PinKind::CardInfoCodeB.key_reference().ef, 0x0015);
        for kind in ALL_KINDS {
            let key = kind.key_reference();
            if key.aid == CARD_INFO_AID {
                assert!(
                    ![card_info::CODE_A, card_info::BLOCKED].contains(&key.ef),
                    "{kind:?} points at {:04X}",
                    key.ef
                );
            }
            assert!(SELECTED_AIDS.contains(&key.aid));
        }
    }
}
