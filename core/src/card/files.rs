//! Application identifiers and elementary files of the My Number Card
//! (see `shared/card-protocol.md` for the sources of each value).

/// The JPKI application (公的個人認証).
pub const JPKI_AID: [u8; 10] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];
/// The card-info input support application (券面事項入力補助).
pub const CARD_INFO_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08];
/// The card-face application (券面).
pub const CARD_FACE_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02];

/// Elementary files of the JPKI application.
pub mod jpki {
    /// Signature certificate (needs the signature PIN).
    pub const SIGN_CERT: u16 = 0x0001;
    /// CA certificate of the signature certificate.
    pub const SIGN_CA_CERT: u16 = 0x0002;
    /// Token information.
    pub const TOKEN_INFO: u16 = 0x0006;
    /// User-authentication certificate (readable without PIN).
    pub const AUTH_CERT: u16 = 0x000A;
    /// CA certificate of the user-authentication certificate.
    pub const AUTH_CA_CERT: u16 = 0x000B;
    /// User-authentication private key.
    pub const AUTH_KEY: u16 = 0x0017;
    /// User-authentication PIN (4 digits, 3 tries).
    pub const AUTH_PIN: u16 = 0x0018;
    /// Signature private key.
    pub const SIGN_KEY: u16 = 0x001A;
    /// Signature PIN (6–16 of A–Z0–9, 5 tries).
    pub const SIGN_PIN: u16 = 0x001B;
}

/// Elementary files of the card-info input support application.
pub mod card_info {
    /// The 12-digit My Number. This product never reads it.
    pub const MY_NUMBER: u16 = 0x0001;
    /// The basic four items (name, address, birth date, sex).
    pub const BASIC_FOUR: u16 = 0x0002;
    /// Card-info PIN (4 digits, 3 tries).
    pub const PIN: u16 = 0x0011;
    /// 照合番号B (14 digits, 10 tries); opens the basic four items only.
    /// Unconfirmed on a real card: no public source shows this file id.
    pub const CODE_B: u16 = 0x0015;
}
