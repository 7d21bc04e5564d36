//! `mynapoint resident status`, and the machine-readable summary of the
//! resident commands.

use mynapoint_core::platform::{Application, ApplicationStatus, MyKeyIdRecord};
use serde::Serialize;

use super::child_steps::iso_date;
use super::flow::Flow;
use crate::commands::card::rfc3339_utc;
use crate::Failure;

/// What `--json` prints at the end of a resident command.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Outcome {
    /// `resident`, `resident child`.
    Applied(Summary),
    /// `resident status`.
    Status(Summary),
    /// `resident change-key`.
    KeyChange(KeyChange),
    /// `resident revoke`.
    Revocation(Revocation),
}

/// `resident change-key --json`.
#[derive(Debug, Clone, Serialize)]
pub struct KeyChange {
    pub my_key_id: String,
    pub previous_my_key_id: String,
    /// The card's certificate serial the record follows (upper hex).
    pub certificate_serial: String,
}

impl KeyChange {
    pub fn new(previous: String, record: &MyKeyIdRecord) -> Self {
        Self {
            my_key_id: record.my_key_id.clone(),
            previous_my_key_id: previous,
            certificate_serial: record.certificate_serial.clone(),
        }
    }
}

/// `resident revoke --json`.
#[derive(Debug, Clone, Serialize)]
pub struct Revocation {
    pub revoked_my_key_id: String,
}

impl Revocation {
    pub fn new(revoked: String) -> Self {
        Self {
            revoked_my_key_id: revoked,
        }
    }
}

/// The child part of a legal representative's application.
#[derive(Debug, Clone, Serialize)]
pub struct ChildSummary {
    /// ISO 8601 (`YYYY-MM-DD`).
    pub birth_date: String,
    /// The representative card's certificate serial (upper hex).
    pub representative_serial: String,
}

/// What `--json` prints at the end of `demo`, `resident` and `resident status`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// `submitted` (申込済み), `registered`, or `not_applied`.
    pub application_status: &'static str,
    pub my_key_id: Option<String>,
    pub service_id: Option<String>,
    pub application_id: Option<String>,
    pub payment_id_masked: Option<String>,
    /// When it was submitted: RFC 3339 in UTC (`2026-11-29T20:16:39Z`).
    pub submitted_at: Option<String>,
    /// A legal representative's application for a child.
    pub for_child: Option<ChildSummary>,
    /// The point categories applied for, each with its amount and state.
    pub categories: Vec<CategorySummary>,
}

/// A category of the application.
#[derive(Debug, Clone, Serialize)]
pub struct CategorySummary {
    /// `card_acquisition`, `health_insurance` or `public_fund_account`.
    pub category: &'static str,
    pub amount_yen: u32,
    /// `submitted` or `registered`.
    pub status: &'static str,
}

impl Summary {
    pub fn new(application: Option<&Application>, my_key_id: Option<&str>) -> Self {
        Self {
            application_status: match application.map(|a| a.status) {
                Some(ApplicationStatus::Submitted) => "submitted",
                Some(ApplicationStatus::Registered) => "registered",
                None => "not_applied",
            },
            my_key_id: my_key_id.map(str::to_owned),
            service_id: application.map(|a| a.service_id.clone()),
            application_id: application.map(|a| a.application_id.clone()),
            payment_id_masked: application.and_then(|a| a.payment_id_masked.clone()),
            submitted_at: application.map(|a| rfc3339_utc(a.submitted_at)),
            for_child: application
                .and_then(|a| a.for_child.as_ref())
                .map(|c| ChildSummary {
                    birth_date: iso_date(&c.birth_date),
                    representative_serial: c.representative_serial.clone(),
                }),
            categories: application
                .map(|a| {
                    a.categories
                        .iter()
                        .map(|c| CategorySummary {
                            category: c.category.as_str(),
                            amount_yen: c.amount_yen,
                            status: match c.status {
                                ApplicationStatus::Submitted => "submitted",
                                ApplicationStatus::Registered => "registered",
                            },
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    pub fn is_submitted(&self) -> bool {
        self.application_status == "submitted"
    }
}

/// Reads the card, logs in with it (PIN) and shows the application status.
pub async fn show(flow: &mut Flow<'_, '_>) -> Result<Summary, Failure> {
    flow.read_card().await?;
    let outcome = flow.log_in().await?;
    let my_key_id = outcome.my_key_id.clone();
    if outcome.application.is_some() {
        let app = flow.status().await?;
        return Ok(Summary::new(Some(&app), my_key_id.as_deref()));
    }
    flow.say.step("Application status")?;
    flow.say.line(match &my_key_id {
        Some(_) => "not applied yet: run `mynapoint resident` to apply",
        // The login answer does not tell a revoked My Key ID from none.
        None => {
            "no My Key ID and no application: `mynapoint resident` issues a My Key ID and \
             applies, unless this card's My Key ID was revoked (a revocation is final)"
        }
    })?;
    Ok(Summary::new(None, my_key_id.as_deref()))
}
