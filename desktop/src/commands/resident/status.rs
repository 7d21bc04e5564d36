//! `mynapoint resident status`, and the machine-readable summary of the
//! resident commands.

use mynapoint_core::platform::{Application, ApplicationStatus};
use serde::Serialize;

use super::flow::Flow;
use crate::Failure;

/// What `--json` prints at the end of `demo`, `resident` and `resident status`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// `submitted` (申込済み), `registered`, or `not_applied`.
    pub application_status: &'static str,
    pub my_key_id: Option<String>,
    pub service_id: Option<String>,
    pub application_id: Option<String>,
    pub payment_id_masked: Option<String>,
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
            payment_id_masked: application.map(|a| a.payment_id_masked.clone()),
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
        None => "no My Key ID and no application yet: run `mynapoint resident` to get both",
    })?;
    Ok(Summary::new(None, my_key_id.as_deref()))
}
