//! The instant, offline verdict of one field tap: only what that tap
//! showed, never anything of an earlier participant.

use crate::failure::Failure;

/// What the participant is shown after holding their card to the phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VerdictKind {
    /// On the synced roster: points will be granted on upload.
    OnRoster,
    /// Not on the synced roster (the platform decides on upload; staff may
    /// add them).
    NotOnRoster,
    /// This person already tapped for this project on this device.
    Duplicate,
    /// The card's certificate had expired at the tap (by the device clock).
    CertificateExpired,
    /// The card left too early or did not answer sensibly: tap again.
    /// Nothing was recorded.
    CardUnreadable,
    /// Not a My Number Card (no JPKI application). Nothing was recorded.
    NotMyNumberCard,
}

impl VerdictKind {
    /// The stable snake_case name (the desktop's JSON).
    pub const fn as_str(self) -> &'static str {
        match self {
            VerdictKind::OnRoster => "on_roster",
            VerdictKind::NotOnRoster => "not_on_roster",
            VerdictKind::Duplicate => "duplicate",
            VerdictKind::CertificateExpired => "certificate_expired",
            VerdictKind::CardUnreadable => "card_unreadable",
            VerdictKind::NotMyNumberCard => "not_my_number_card",
        }
    }

    /// Whether the tap was recorded (and will be uploaded).
    pub const fn recorded(self) -> bool {
        !matches!(
            self,
            VerdictKind::CardUnreadable | VerdictKind::NotMyNumberCard
        )
    }
}

/// One tap's verdict. Holds nothing of the card beyond this tap (no name,
/// no certificate text): the recorded tap's ID, and the points of an
/// on-roster participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TapVerdict {
    pub kind: VerdictKind,
    /// The recorded tap's ID (a UUID); `None` when nothing was recorded.
    pub tap_id: Option<String>,
    /// Points this participant is to get (on the roster only).
    pub points: Option<u32>,
    /// Why the card could not be used (unreadable, not a My Number Card).
    pub failure: Option<Failure>,
}
