//! cardsim's own table of the card's application identifiers, elementary
//! files and key references, each with the public sources it was taken from.
//! Written from those sources, not from the product's core, so a wrong belief
//! in one does not pass silently through the other.
//!
//! Sources (see also `shared/card-protocol.md`):
//! - OpenSC/OpenSC:src/libopensc/jpki.h and card-jpki.c (JPKI only);
//! - soltia48/myna-card:src/ap/jpki.rs, src/ap/text.rs, src/ap/surface.rs
//!   (tested on real cards);
//! - AokiApp/jsapdu:packages/mynacard/src/constants.ts.

/// The JPKI application (公的個人認証AP): OpenSC jpki.h `AID_JPKI`,
/// soltia48 src/ap/jpki.rs `DF`, jsapdu constants.ts `JPKI_AP`.
pub const JPKI_AID: [u8; 10] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];

/// The card-info input support application (券面事項入力補助AP): soltia48
/// src/ap/text.rs `DF`, jsapdu constants.ts `KENHOJO_AP`.
pub const CARD_INFO_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08];

/// The card-face application (券面事項確認AP): soltia48 src/ap/surface.rs
/// `DF`, jsapdu constants.ts `KENKAKU_AP`. cardsim models none of its files.
pub const CARD_FACE_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02];

/// Files and key references of the JPKI application.
pub mod jpki {
    /// Signature certificate, needs the signature PIN: soltia48 src/ap/jpki.rs
    /// `SIGN_CERTIFICATE`, jsapdu `JPKI_AP_EF.SIGN_CERT`.
    pub const SIGN_CERT: u16 = 0x0001;
    /// CA certificate of the signature certificate: soltia48
    /// `SIGN_CA_CERTIFICATE`, jsapdu `SIGN_CERT_CA`.
    pub const SIGN_CA_CERT: u16 = 0x0002;
    /// Token information: soltia48 `TOKEN_INFO`, jsapdu `JPKI_AP_TOKEN`.
    pub const TOKEN_INFO: u16 = 0x0006;
    /// User-authentication certificate, free to read: soltia48
    /// `AUTH_CERTIFICATE`, jsapdu `AUTH_CERT`.
    pub const AUTH_CERT: u16 = 0x000A;
    /// Its CA certificate: soltia48 `AUTH_CA_CERTIFICATE`, jsapdu `AUTH_CERT_CA`.
    pub const AUTH_CA_CERT: u16 = 0x000B;
    /// User-authentication private key: OpenSC jpki.h `JPKI_AUTH_KEY`,
    /// soltia48 `AUTH_KEY`.
    pub const AUTH_KEY: u16 = 0x0017;
    /// User-authentication PIN, 4 digits, 3 tries: OpenSC jpki.h
    /// `JPKI_AUTH_PIN` / `JPKI_AUTH_PIN_MAX_TRIES`, soltia48 `AUTH_PIN`.
    pub const AUTH_PIN: u16 = 0x0018;
    /// Signature private key: OpenSC jpki.h `JPKI_SIGN_KEY`, soltia48 `SIGN_KEY`.
    pub const SIGN_KEY: u16 = 0x001A;
    /// Signature PIN, 6–16 of A–Z0–9, 5 tries: OpenSC jpki.h `JPKI_SIGN_PIN`
    /// / `JPKI_SIGN_PIN_MAX_TRIES`, soltia48 `SIGN_PIN`.
    pub const SIGN_PIN: u16 = 0x001B;
}

/// Files and key references of the card-info input support application.
pub mod card_info {
    /// The My Number (個人番号): soltia48 src/ap/text.rs `MY_NUMBER`, jsapdu
    /// `KENHOJO_AP_EF.MY_NUMBER`. Opened by the PIN or 照合番号A.
    pub const MY_NUMBER: u16 = 0x0001;
    /// The basic four items (基本4情報): soltia48 `ATTRIBUTES`, jsapdu
    /// `BASIC_FOUR`. Opened by the PIN or 照合番号B.
    pub const BASIC_FOUR: u16 = 0x0002;
    /// Card-info PIN (暗証番号), 4 digits: soltia48 `PIN`, jsapdu `PIN`
    /// ("券面事項入力補助用暗証番号 (4桁)").
    pub const PIN: u16 = 0x0011;
    /// A key reference blocked on every card examined: the retry query
    /// answers `63C0`, a VERIFY `6984` (soltia48 `BLOCKED_0012`).
    pub const BLOCKED: u16 = 0x0012;
    /// 照合番号A, the 12-digit My Number; opens EF 0001 only: soltia48
    /// `CODE_A` and `read_attributes` doc, jsapdu `PIN_A` ("個人番号12桁").
    pub const CODE_A: u16 = 0x0014;
    /// 照合番号B, 14 digits (birth date YYMMDD in the Japanese era + expiry
    /// year + security code); opens EF 0002 only: soltia48 `CODE_B`, jsapdu
    /// `PIN_B` ("YYMMDD + 有効期限年 + セキュリティコード").
    pub const CODE_B: u16 = 0x0015;
}
