//! Card and PIN data as uniffi records and enums, converted from the core's
//! types (the core knows nothing of uniffi).

use mynapoint_core::card::{BasicFour, CertificateInfo};

// The core's own types, with uniffi derives behind its `uniffi` feature
// (generated into jp.mynapoint.domain / MynapointDomain).
pub use mynapoint_core::pin::{PinKind, PinPrompt, PinStatus, Recheck};

/// The retry counter of a tap, with the settling of a lost VERIFY.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct PinCheck {
    pub status: PinStatus,
    /// Set when a VERIFY's answer had been lost: whether that try counted.
    pub recheck: Option<Recheck>,
}

/// The user-authentication certificate, read without a PIN.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CardInfo {
    /// Certificate serial (発行番号), upper hex.
    pub serial_hex: String,
    /// RFC 4514 (`CN=…,C=JP`).
    pub subject: String,
    pub issuer: String,
    /// Unix seconds.
    pub not_before_unix: u64,
    /// Unix seconds.
    pub not_after_unix: u64,
    pub valid_now: bool,
    /// RSA modulus size in bits (2048).
    pub key_bits: u32,
    /// The certificate, DER.
    pub certificate_der: Vec<u8>,
}

impl From<&CertificateInfo> for CardInfo {
    fn from(c: &CertificateInfo) -> Self {
        Self {
            serial_hex: c.serial.to_hex(),
            subject: c.subject.clone(),
            issuer: c.issuer.clone(),
            not_before_unix: c.not_before_unix(),
            not_after_unix: c.not_after_unix(),
            valid_now: c.is_valid_at(std::time::SystemTime::now()),
            key_bits: c.rsa_public_key.bits() as u32,
            certificate_der: c.der.clone(),
        }
    }
}

/// Sex as the card records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Sex {
    Male,
    Female,
    NotApplicable,
}

/// The card face's basic four items (基本4情報). Personal data: show it,
/// never log it.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct CardFace {
    pub name: String,
    pub address: String,
    /// `YYYYMMDD` as on the card.
    pub birth_date: String,
    pub sex: Sex,
}

impl std::fmt::Debug for CardFace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CardFace(<personal data>)")
    }
}

impl From<BasicFour> for CardFace {
    fn from(b: BasicFour) -> Self {
        use mynapoint_core::card::Sex as S;
        Self {
            sex: match b.sex {
                S::Male => Sex::Male,
                S::Female => Sex::Female,
                S::NotApplicable => Sex::NotApplicable,
            },
            name: b.name,
            address: b.address,
            birth_date: b.birth_date,
        }
    }
}
