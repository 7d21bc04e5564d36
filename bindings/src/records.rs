//! Card and PIN data as uniffi records and enums, converted from the core's
//! types (the core knows nothing of uniffi).

use mynapoint_core::card::{BasicFour, CertificateInfo};
use mynapoint_core::pin;

/// Which secret of the card a PIN opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PinKind {
    /// JPKI user-authentication PIN (利用者証明用電子証明書暗証番号): 4 digits, 3 tries.
    UserAuth,
    /// Card-info input support PIN (券面事項入力補助用暗証番号): 4 digits, 3 tries.
    CardInfo,
    /// 照合番号B: 14 digits (birth date YYMMDD, expiry year, security code), 10 tries.
    CardInfoCodeB,
}

impl From<pin::PinKind> for PinKind {
    fn from(k: pin::PinKind) -> Self {
        match k {
            pin::PinKind::UserAuth => Self::UserAuth,
            pin::PinKind::CardInfo => Self::CardInfo,
            pin::PinKind::CardInfoCodeB => Self::CardInfoCodeB,
        }
    }
}

impl From<PinKind> for pin::PinKind {
    fn from(k: PinKind) -> Self {
        match k {
            PinKind::UserAuth => Self::UserAuth,
            PinKind::CardInfo => Self::CardInfo,
            PinKind::CardInfoCodeB => Self::CardInfoCodeB,
        }
    }
}

/// What the card says about a secret, read without spending a try.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PinStatus {
    TriesLeft {
        tries_left: u8,
    },
    /// Only the municipal counter can reset it.
    Locked,
    /// Already verified in this power session.
    Verified,
}

impl From<pin::PinStatus> for PinStatus {
    fn from(s: pin::PinStatus) -> Self {
        match s {
            pin::PinStatus::TriesLeft(n) => Self::TriesLeft { tries_left: n },
            pin::PinStatus::Locked => Self::Locked,
            pin::PinStatus::Verified => Self::Verified,
        }
    }
}

/// What to show when asking for a PIN, before the tap that uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PinPrompt {
    /// Ask, showing `tries_left` (2 or more).
    Ask { tries_left: u8 },
    /// One try left: ask only after the holder agrees to spend it, then
    /// pass `confirm_last_try = true`.
    ConfirmLastTry,
    /// Locked: do not ask; the municipal counter resets it.
    Locked,
    /// Unknown (no reading yet, or a VERIFY's answer was lost): tap to read
    /// the counter first.
    ReadFirst,
}

impl From<pin::PinPrompt> for PinPrompt {
    fn from(p: pin::PinPrompt) -> Self {
        match p {
            pin::PinPrompt::Ask { tries_left } => Self::Ask { tries_left },
            pin::PinPrompt::ConfirmLastTry => Self::ConfirmLastTry,
            pin::PinPrompt::Locked => Self::Locked,
            pin::PinPrompt::ReadFirst => Self::ReadFirst,
        }
    }
}

/// The counter re-read after a VERIFY whose answer was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Recheck {
    pub pin: PinKind,
    pub status: PinStatus,
    /// Whether the lost try counted, when the counter tells.
    pub try_counted: Option<bool>,
}

impl From<pin::Recheck> for Recheck {
    fn from(r: pin::Recheck) -> Self {
        Self {
            pin: r.kind.into(),
            status: r.status.into(),
            try_counted: r.try_counted,
        }
    }
}

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
