//! The administration API (`/v1/admin/...`, header
//! `Authorization: Bearer <administrator token>` from the platform's
//! configuration): what the office PC writes for the field app.
//!
//! - `POST /v1/admin/municipalities` ([`NewMunicipality`] → [`crate::grant::Municipality`])
//! - `POST /v1/admin/projects` ([`NewProject`] → [`crate::grant::GrantProject`]);
//!   `PUT /v1/admin/projects/{project_id}/open` ([`ProjectOpen`] → the
//!   project)
//! - `POST /v1/admin/terminals` ([`NewTerminal`] → [`TerminalInfo`]);
//!   `POST /v1/admin/terminals/{terminal_id}/re-register` (→ [`TerminalInfo`]):
//!   forget the registered device (and unlock), so that the next device's
//!   login registers it.
//! - `POST /v1/admin/projects/{project_id}/roster` ([`RosterRows`] → [`RosterWrite`]):
//!   each row's My Key ID must be an active one (`my_key_id_not_issued`
//!   naming the row); waiting taps of the added persons are granted;
//!   `DELETE /v1/admin/projects/{project_id}/roster/{my_key_id}` (→
//!   [`RosterWrite`]; `not_on_roster` when it is not on the roster)
//! - `PUT /v1/admin/participants` ([`ParticipantRows`] → [`ParticipantWrite`]):
//!   the participant master, by My Key ID.
//! - `GET /v1/admin/grants/{my_key_id}` (→ [`GrantHistory`]).
//! - `GET /v1/admin/outbox` (→ [`Outbox`]): every e-mail of the outbox, sent
//!   or waiting.
//! - `POST /v1/admin/outbox/drain` (→ [`MailDrain`]): the platform's mailer
//!   sends the waiting e-mails.
//!
//! A write with a bad row changes nothing: the error names the first bad
//! row (`field`: `rows[3].points`).

use serde::{Deserialize, Serialize};

use crate::grant::registration::Participant;
use crate::secret::Secret;

/// A municipality and its point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMunicipality {
    pub code: String,
    pub name: String,
    pub point_name: String,
    /// 1..=3650 days.
    pub expiry_days: u32,
}

/// A grant project of a municipality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProject {
    pub municipality_code: String,
    pub project_id: String,
    pub point_id: String,
    pub name: String,
    pub department: String,
    pub points_per_grant: u32,
    #[serde(default)]
    pub remarks: String,
}

/// Open or close a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectOpen {
    pub open: bool,
}

/// A terminal and its password (issued by the administrator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTerminal {
    pub terminal_id: String,
    pub municipality_code: String,
    pub password: Secret,
}

/// A terminal as the administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerminalInfo {
    pub terminal_id: String,
    pub municipality_code: String,
    /// The registered device's fingerprint, if a device logged in.
    pub device_fingerprint: Option<String>,
    /// Locked until (Unix seconds) after repeated wrong passwords.
    pub locked_until: Option<u64>,
}

/// Roster rows (付与事業対象者名簿) to add or change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterRows {
    pub rows: Vec<RosterRow>,
}

/// One roster row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterRow {
    pub my_key_id: String,
    /// Points for this participant; the project's points when absent.
    #[serde(default)]
    pub points: Option<u32>,
}

/// The answer of a roster write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterWrite {
    pub project_id: String,
    pub roster_version: u64,
    /// Taps that were waiting for these participants and are now granted.
    pub granted_taps: u32,
}

/// Participant master rows to add or replace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantRows {
    pub rows: Vec<Participant>,
}

/// The answer of a participant master write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantWrite {
    pub written: u32,
}

/// A person's grants and balances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantHistory {
    pub my_key_id: String,
    pub grants: Vec<GrantRecord>,
    /// One per municipality, unexpired points only.
    pub balances: Vec<Balance>,
}

/// One grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantRecord {
    pub municipality_code: String,
    pub project_id: String,
    pub point_id: String,
    pub points: u32,
    /// Unix seconds.
    pub granted_at: u64,
    /// Unix seconds: the end of the municipality's expiry period.
    pub expires_at: u64,
    /// The tap that granted it, or `None` (office).
    pub tap_id: Option<String>,
}

/// Unexpired points of one municipality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    pub municipality_code: String,
    pub point_name: String,
    pub points: u64,
    /// The earliest expiry among these points (Unix seconds).
    pub next_expiry: Option<u64>,
}

/// E-mails waiting for the mailer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    pub mails: Vec<OutboxMail>,
}

/// One e-mail of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMail {
    pub id: u64,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: u64,
    /// When the mailer sent it; `None` while waiting.
    pub sent_at: Option<u64>,
}

/// The answer of an outbox drain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailDrain {
    /// E-mails sent by this drain.
    pub sent: u32,
}
