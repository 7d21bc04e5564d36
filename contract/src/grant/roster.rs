//! Roster sync (`GET /v1/field/projects/{project_id}/roster?since=N`).

use serde::{Deserialize, Serialize};

use crate::base64_field::b64;

/// The changes of a project's roster after version `since`.
///
/// Versions grow with every change of the project's roster. A device keeps
/// `version` and asks with it next time; `since=0` (or a version the server
/// no longer has changes for: `full = true`) gives the whole roster, which
/// then replaces what the device holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterSync {
    pub project_id: String,
    /// The roster's version after these changes.
    pub version: u64,
    /// True: `entries` is the whole roster (drop what you hold).
    pub full: bool,
    /// [`crate::grant::ROSTER_SALT_LEN`] bytes, base64: the salt of this
    /// project's [`crate::grant::person_digest`]s. Fixed per project.
    #[serde(with = "b64")]
    pub salt: Vec<u8>,
    /// Added, changed or removed entries, in version order.
    pub entries: Vec<RosterEntry>,
}

/// One participant of a roster, as a device holds it: no name, no address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEntry {
    pub my_key_id: String,
    /// [`crate::grant::PERSON_DIGEST_LEN`] bytes, base64.
    #[serde(with = "b64")]
    pub person_digest: Vec<u8>,
    /// Points this participant gets (the project's points unless the roster
    /// says otherwise).
    pub points: u32,
    /// True: this participant left the roster.
    #[serde(default)]
    pub removed: bool,
}
