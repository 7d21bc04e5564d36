//! The not-on-roster list (screen 78) and adding a participant to a roster
//! (screen 79).

use serde::{Deserialize, Serialize};

use crate::grant::ids::TapId;

/// `GET /v1/field/projects/{project_id}/not-on-roster`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotOnRosterList {
    pub project_id: String,
    pub entries: Vec<NotOnRosterEntry>,
}

/// A person who tapped for the project but is not on its roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotOnRosterEntry {
    /// `None`: the card's person has no My Key ID (they need one first).
    pub my_key_id: Option<String>,
    /// Their taps waiting for a grant.
    pub tap_ids: Vec<TapId>,
    /// First tap, Unix seconds.
    pub first_tapped_at: u64,
}

/// Where the office data of an added participant came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantSource {
    /// Typed by staff.
    Typed,
    /// Taken from the participant master (対象者マスタ) as it is.
    Master,
    /// Read from the card face (card-info AP, with 照合番号B).
    CardFace,
}

/// A participant's office data (対象者マスタ). Dates are `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub my_key_id: String,
    /// 6 digits with check digit.
    pub municipality_code: String,
    pub name: String,
    pub birth_date: String,
    pub address: String,
    /// `"1"` male, `"2"` female, `"9"` not applicable (JIS X 0303), as on
    /// the card face.
    pub sex: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub remarks: String,
}

/// `POST /v1/field/projects/{project_id}/roster`: add a not-on-roster
/// participant; their waiting taps are granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddRegistrationRequest {
    pub my_key_id: String,
    pub source: ParticipantSource,
    /// Required for `typed` and `card_face`; absent for `master` (the
    /// master's row for `my_key_id` is used, 404 if there is none).
    #[serde(default)]
    pub participant: Option<Participant>,
}

/// The answer: the participant is on the roster and their waiting taps have
/// their outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddRegistrationResponse {
    pub project_id: String,
    pub my_key_id: String,
    /// The roster's version after the addition.
    pub roster_version: u64,
    /// The waiting taps' outcomes (one `granted`, the others `already_granted`).
    pub outcomes: Vec<crate::grant::TapOutcome>,
}
