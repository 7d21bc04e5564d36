//! The field app's standard setup on the embedded platform, made through
//! the administration API as an office PC would (testkit's `FieldAdmin`):
//! municipality 131016, open project 0001 (100 points), terminal 00000001,
//! and a roster.

use std::sync::Arc;

use mynapoint_testkit::field::{self as kit, FieldAdmin};

use super::{EmbeddedPlatform, TestSetupError};
use crate::runtime::run;

/// What the standard setup made (for the test to log in and tap).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldSetup {
    pub terminal_id: String,
    pub terminal_password: String,
    pub project_id: String,
    pub points: u32,
    pub municipality_code: String,
}

#[uniffi::export]
impl EmbeddedPlatform {
    /// Sets up the municipality, the project, the terminal and a roster
    /// with `roster` (My Key IDs).
    pub async fn set_up_field(
        self: Arc<Self>,
        roster: Vec<String>,
    ) -> Result<FieldSetup, TestSetupError> {
        let admin = FieldAdmin::new(&self.base_url(), super::platform::ADMIN_TOKEN);
        run(async move {
            let ids: Vec<&str> = roster.iter().map(String::as_str).collect();
            admin
                .standard_setup(&ids)
                .await
                .map_err(|e| crate::error::MynaError::NotInitialized {
                    detail: format!("field setup refused: {}", e.code()),
                })
        })
        .await
        .map_err(|e| TestSetupError::Failed {
            reason: e.to_string(),
        })?;
        Ok(FieldSetup {
            terminal_id: kit::TERMINAL.into(),
            terminal_password: kit::TERMINAL_PASSWORD.into(),
            project_id: kit::PROJECT.into(),
            points: kit::POINTS,
            municipality_code: kit::MUNICIPALITY.into(),
        })
    }
}
