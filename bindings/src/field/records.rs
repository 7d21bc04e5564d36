//! The field flow's data as uniffi records and enums.

use mynapoint_contract::grant as g;
use mynapoint_core::field as f;

use crate::error::MynaError;

/// Where the staff session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FieldStep {
    /// Log in, sync, choose a project and confirm its points, upload, results.
    Idle,
    /// Continuous reading: each tap gets a verdict.
    Tapping,
    /// The staff frame ended (idle timeout, logout); log in again.
    Ended,
}

impl From<f::FieldStep> for FieldStep {
    fn from(s: f::FieldStep) -> Self {
        match s {
            f::FieldStep::Idle => Self::Idle,
            f::FieldStep::Tapping => Self::Tapping,
            f::FieldStep::Ended(_) => Self::Ended,
        }
    }
}

/// A grant project as stored on the device.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GrantProject {
    /// 4 digits.
    pub project_id: String,
    /// 8 digits.
    pub point_id: String,
    pub name: String,
    pub department: String,
    pub points_per_grant: u32,
    pub remarks: String,
    pub open: bool,
    /// 0: the roster was never synced.
    pub roster_version: u64,
    pub roster_len: u64,
}

impl From<f::StoredProject> for GrantProject {
    fn from(s: f::StoredProject) -> Self {
        let p = s.project;
        Self {
            project_id: p.project_id,
            point_id: p.point_id,
            name: p.name,
            department: p.department,
            points_per_grant: p.points_per_grant,
            remarks: p.remarks,
            open: p.open,
            roster_version: s.roster_version,
            roster_len: s.roster_len,
        }
    }
}

/// What a terminal login answered.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TerminalLogin {
    pub terminal_id: String,
    /// This login registered this device.
    pub device_registered: bool,
    pub municipality_name: String,
    pub point_name: String,
    pub projects: Vec<GrantProject>,
}

impl From<f::LoginSummary> for TerminalLogin {
    fn from(l: f::LoginSummary) -> Self {
        Self {
            terminal_id: l.terminal_id,
            device_registered: l.device_registered,
            municipality_name: l.municipality_name,
            point_name: l.point_name,
            projects: l.projects.into_iter().map(Into::into).collect(),
        }
    }
}

/// What a roster sync did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RosterSummary {
    pub project_id: String,
    pub version: u64,
    /// The whole roster was replaced.
    pub full: bool,
    pub changes: u64,
    pub participants: u64,
}

impl From<f::RosterSummary> for RosterSummary {
    fn from(r: f::RosterSummary) -> Self {
        Self {
            project_id: r.project_id,
            version: r.version,
            full: r.full,
            changes: r.changes,
            participants: r.participants,
        }
    }
}

/// The instant offline verdict of one tap (nothing of an earlier participant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum VerdictKind {
    OnRoster,
    NotOnRoster,
    /// This person already tapped for this project on this device.
    Duplicate,
    CertificateExpired,
    /// Nothing recorded: tap again.
    CardUnreadable,
    /// Nothing recorded.
    NotMyNumberCard,
}

/// One tap's verdict.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TapVerdict {
    pub kind: VerdictKind,
    /// `kind` as its stable snake_case name.
    pub code: String,
    /// The recorded tap's ID; `None` when nothing was recorded.
    pub tap_id: Option<String>,
    /// Points for an on-roster participant.
    pub points: Option<u32>,
    /// Why the card could not be used (its code, hint and messages).
    pub failure: Option<MynaError>,
}

impl From<f::TapVerdict> for TapVerdict {
    fn from(v: f::TapVerdict) -> Self {
        use f::VerdictKind as K;
        Self {
            code: v.kind.as_str().to_owned(),
            kind: match v.kind {
                K::OnRoster => VerdictKind::OnRoster,
                K::NotOnRoster => VerdictKind::NotOnRoster,
                K::Duplicate => VerdictKind::Duplicate,
                K::CertificateExpired => VerdictKind::CertificateExpired,
                K::CardUnreadable => VerdictKind::CardUnreadable,
                K::NotMyNumberCard => VerdictKind::NotMyNumberCard,
            },
            tap_id: v.tap_id,
            points: v.points,
            failure: v.failure.map(Into::into),
        }
    }
}

/// What an upload did (taps answered in this call, by result).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct UploadSummary {
    pub batches: u32,
    pub granted: u32,
    pub already_granted: u32,
    pub not_on_roster: u32,
    pub no_my_key_id: u32,
    pub refused: u32,
}

impl From<f::UploadSummary> for UploadSummary {
    fn from(u: f::UploadSummary) -> Self {
        Self {
            batches: u.batches,
            granted: u.granted,
            already_granted: u.already_granted,
            not_on_roster: u.not_on_roster,
            no_my_key_id: u.no_my_key_id,
            refused: u.refused,
        }
    }
}

/// A stored tap with its offline verdict and, once uploaded, the platform's result.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TapRecord {
    pub tap_id: String,
    pub project_id: String,
    /// Unix seconds.
    pub tapped_at: u64,
    /// `on_roster`, `not_on_roster`, `duplicate`, `certificate_expired`.
    pub offline_verdict: String,
    /// `granted`, `already_granted`, `not_on_roster`, `no_my_key_id`,
    /// `refused`; `None` until uploaded.
    pub result: Option<String>,
    /// Why it was refused (the contract's reason code).
    pub refusal: Option<String>,
    pub my_key_id: Option<String>,
    pub points: Option<u32>,
}

fn snake<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl From<f::TapRecord> for TapRecord {
    fn from(t: f::TapRecord) -> Self {
        let outcome = t.outcome.as_ref();
        Self {
            tap_id: t.tap_id.as_str().to_owned(),
            project_id: t.project_id.clone(),
            tapped_at: t.tapped_at,
            offline_verdict: snake(&t.offline_verdict),
            result: outcome.map(|o| snake(&o.result)),
            refusal: outcome.and_then(|o| o.reason.as_ref()).map(snake),
            my_key_id: outcome.and_then(|o| o.my_key_id.clone()),
            points: outcome.and_then(|o| o.points),
        }
    }
}

/// A person who tapped for the project but is not on its roster.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NotOnRosterEntry {
    /// `None`: the person has no My Key ID (they need one first).
    pub my_key_id: Option<String>,
    pub tap_ids: Vec<String>,
    /// Unix seconds.
    pub first_tapped_at: u64,
}

impl From<g::NotOnRosterEntry> for NotOnRosterEntry {
    fn from(e: g::NotOnRosterEntry) -> Self {
        Self {
            my_key_id: e.my_key_id,
            tap_ids: e.tap_ids.iter().map(|t| t.as_str().to_owned()).collect(),
            first_tapped_at: e.first_tapped_at,
        }
    }
}

/// A card face read with 照合番号B, for an add-registration. Personal data.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct ParticipantFace {
    pub name: String,
    pub address: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// `1`, `2` or `9` (JIS X 0303).
    pub sex: String,
}

impl std::fmt::Debug for ParticipantFace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ParticipantFace(<personal data>)")
    }
}

impl From<f::CardFace> for ParticipantFace {
    fn from(c: f::CardFace) -> Self {
        Self {
            name: c.name.clone(),
            address: c.address.clone(),
            birth_date: c.birth_date.clone(),
            sex: c.sex.clone(),
        }
    }
}

impl ParticipantFace {
    pub(crate) fn into_core(self) -> f::CardFace {
        f::CardFace {
            name: self.name,
            address: self.address,
            birth_date: self.birth_date,
            sex: self.sex,
        }
    }
}

/// An add-registration's answer: the participant is on the roster.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AddedParticipant {
    pub my_key_id: String,
    pub roster_version: u64,
    /// The waiting taps now answered.
    pub taps_answered: u32,
}

impl From<g::AddRegistrationResponse> for AddedParticipant {
    fn from(a: g::AddRegistrationResponse) -> Self {
        Self {
            my_key_id: a.my_key_id,
            roster_version: a.roster_version,
            taps_answered: a.outcomes.len() as u32,
        }
    }
}
