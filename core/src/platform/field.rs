//! The field app's platform calls (`/v1/field/...`; the routes are in
//! `mynapoint_contract::grant`). [`FieldApi`] is the trait the field
//! session uses; [`super::HttpPlatform`] implements it over HTTP and tests
//! put the field platform double behind it.
//!
//! Repeats: the login is never repeated by the client (a lost answer could
//! count a wrong password twice); GETs are; the tap upload is (it is
//! idempotent by its batch and tap IDs); an add-registration is not (a
//! second one answers `already_on_roster`).

use async_trait::async_trait;
use mynapoint_contract::grant::{
    AddRegistrationRequest, AddRegistrationResponse, NotOnRosterList, ProjectList, RosterSync,
    TerminalLoginRequest, TerminalLoginResponse, UploadResponse,
};
use mynapoint_contract::SessionToken;

use super::PlatformError;

/// One method per field route.
#[async_trait]
pub trait FieldApi: Send + Sync {
    /// `POST /v1/field/login`.
    async fn terminal_login(
        &self,
        request: &TerminalLoginRequest,
    ) -> Result<TerminalLoginResponse, PlatformError>;

    /// `GET /v1/field/projects`.
    async fn projects(&self, token: &SessionToken) -> Result<ProjectList, PlatformError>;

    /// `GET /v1/field/projects/{project_id}/roster?since={since}`.
    async fn roster(
        &self,
        token: &SessionToken,
        project_id: &str,
        since: u64,
    ) -> Result<RosterSync, PlatformError>;

    /// `POST /v1/field/taps`: `body` is the exact JSON of a
    /// [`mynapoint_contract::grant::TapBatch`] and `signature` the
    /// `Device-Signature` header's value over it.
    async fn upload_taps(
        &self,
        token: &SessionToken,
        body: &[u8],
        signature: &str,
    ) -> Result<UploadResponse, PlatformError>;

    /// `GET /v1/field/projects/{project_id}/not-on-roster`.
    async fn not_on_roster(
        &self,
        token: &SessionToken,
        project_id: &str,
    ) -> Result<NotOnRosterList, PlatformError>;

    /// `POST /v1/field/projects/{project_id}/roster`.
    async fn add_registration(
        &self,
        token: &SessionToken,
        project_id: &str,
        request: &AddRegistrationRequest,
    ) -> Result<AddRegistrationResponse, PlatformError>;
}
