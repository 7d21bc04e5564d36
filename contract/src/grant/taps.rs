//! Tap upload (`POST /v1/field/taps`): a batch of taps signed by the device,
//! and the platform's outcome for each tap.

use serde::{Deserialize, Serialize};

use crate::grant::ids::TapId;

/// The request header carrying the device's signature over the exact bytes
/// of the request body: ECDSA P-256 with SHA-256, the signature DER-encoded
/// (X9.62, as the Android Keystore and iOS Security framework give it),
/// base64. Missing: 400 `batch_signature_missing`; not the registered
/// device key's: 401 `batch_signature_invalid`.
pub const DEVICE_SIGNATURE_HEADER: &str = "Device-Signature";

/// Taps in one upload at most.
pub const MAX_TAPS_PER_BATCH: usize = 1000;

/// What the device read from the card's user-authentication certificate (no
/// PIN): the first few hundred bytes of the certificate hold all of it. The
/// platform checks the rest (the person, the certificate it knows for them,
/// revocation) on upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardIdentity {
    /// The certificate serial ([`crate::certificate_serial_text`]).
    pub serial: String,
    /// The issuer, RFC 4514 text.
    pub issuer: String,
    /// The subject's common name.
    pub subject_cn: String,
    /// Validity, Unix seconds.
    pub not_before: u64,
    pub not_after: u64,
}

/// What the device showed the participant at the tap (offline, from the
/// synced roster).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfflineVerdict {
    /// The card's person digest is on the synced roster.
    OnRoster,
    /// Not on the synced roster (the platform decides on upload).
    NotOnRoster,
    /// This person already tapped for this project on this device.
    Duplicate,
    /// The certificate was expired at the tap.
    CertificateExpired,
}

impl OfflineVerdict {
    /// Every verdict.
    pub const ALL: [OfflineVerdict; 4] = [
        OfflineVerdict::OnRoster,
        OfflineVerdict::NotOnRoster,
        OfflineVerdict::Duplicate,
        OfflineVerdict::CertificateExpired,
    ];

    /// The wire form (`snake_case`, as serde writes it).
    pub const fn as_str(self) -> &'static str {
        match self {
            OfflineVerdict::OnRoster => "on_roster",
            OfflineVerdict::NotOnRoster => "not_on_roster",
            OfflineVerdict::Duplicate => "duplicate",
            OfflineVerdict::CertificateExpired => "certificate_expired",
        }
    }

    /// The verdict of a wire form; `None` for anything else.
    pub fn from_wire(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == text)
    }
}

/// One tap of a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tap {
    pub tap_id: TapId,
    /// 4 digits.
    pub project_id: String,
    /// When the card was read, Unix seconds (device clock).
    pub tapped_at: u64,
    pub card: CardIdentity,
    pub offline_verdict: OfflineVerdict,
}

/// The body of `POST /v1/field/taps`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TapBatch {
    /// A UUID made by the device for this batch; the same on a re-send.
    pub batch_id: String,
    /// 1 to [`MAX_TAPS_PER_BATCH`] taps.
    pub taps: Vec<Tap>,
}

/// The platform's outcome of one tap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TapResult {
    /// Points granted by this tap.
    Granted,
    /// This person already got this project's points (an earlier tap, the
    /// same tap sent again, or the office).
    AlreadyGranted,
    /// The person has a My Key ID but is not on the project's roster: listed
    /// in the not-on-roster list until staff add them (screen 78/79).
    NotOnRoster,
    /// The card's person has no My Key ID: they must get one first; the tap
    /// waits in the not-on-roster list.
    NoMyKeyId,
    /// Refused for [`TapOutcome::reason`].
    Refused,
}

impl TapResult {
    /// The wire form (`snake_case`, as serde writes it).
    pub const fn as_str(self) -> &'static str {
        match self {
            TapResult::Granted => "granted",
            TapResult::AlreadyGranted => "already_granted",
            TapResult::NotOnRoster => "not_on_roster",
            TapResult::NoMyKeyId => "no_my_key_id",
            TapResult::Refused => "refused",
        }
    }
}

/// Why a tap was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TapRefusal {
    /// The certificate's issuer is not a JPKI issuer the platform trusts.
    UnknownCard,
    /// The certificate was expired at the tap.
    CertificateExpired,
    /// The certificate is revoked (or replaced by a reissued card).
    CertificateRevoked,
    /// The project was closed at upload.
    ProjectClosed,
    /// The project belongs to another municipality than the terminal's.
    WrongMunicipality,
    /// No such project.
    UnknownProject,
}

impl TapRefusal {
    /// The wire form (`snake_case`, as serde writes it).
    pub const fn as_str(self) -> &'static str {
        match self {
            TapRefusal::UnknownCard => "unknown_card",
            TapRefusal::CertificateExpired => "certificate_expired",
            TapRefusal::CertificateRevoked => "certificate_revoked",
            TapRefusal::ProjectClosed => "project_closed",
            TapRefusal::WrongMunicipality => "wrong_municipality",
            TapRefusal::UnknownProject => "unknown_project",
        }
    }
}

/// The outcome of one tap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TapOutcome {
    pub tap_id: TapId,
    pub result: TapResult,
    /// Set when `result` is `refused`.
    #[serde(default)]
    pub reason: Option<TapRefusal>,
    /// The person's My Key ID, when they have one.
    #[serde(default)]
    pub my_key_id: Option<String>,
    /// Points granted (for `granted` and `already_granted`).
    #[serde(default)]
    pub points: Option<u32>,
}

/// The answer of `POST /v1/field/taps`: one outcome per tap, in the batch's
/// order. The same batch (or any of its taps) sent again gets the same
/// outcomes, except `granted` becomes `already_granted`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadResponse {
    pub batch_id: String,
    pub outcomes: Vec<TapOutcome>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire<T: Serialize>(v: T) -> String {
        serde_json::to_value(v)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn the_names_are_the_wire_forms() {
        for v in OfflineVerdict::ALL {
            assert_eq!(v.as_str(), wire(v));
            assert_eq!(OfflineVerdict::from_wire(v.as_str()), Some(v));
        }
        assert_eq!(OfflineVerdict::from_wire("granted"), None);
        for r in [
            TapResult::Granted,
            TapResult::AlreadyGranted,
            TapResult::NotOnRoster,
            TapResult::NoMyKeyId,
            TapResult::Refused,
        ] {
            assert_eq!(r.as_str(), wire(r));
        }
        for r in [
            TapRefusal::UnknownCard,
            TapRefusal::CertificateExpired,
            TapRefusal::CertificateRevoked,
            TapRefusal::ProjectClosed,
            TapRefusal::WrongMunicipality,
            TapRefusal::UnknownProject,
        ] {
            assert_eq!(r.as_str(), wire(r));
        }
    }
}
