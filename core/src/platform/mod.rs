//! The client of the mynapoint platform (platform/openapi.yaml, v1; the
//! bodies and error codes are the `mynapoint-contract` crate's).
//!
//! [`PlatformApi`] has one method per contract endpoint; [`HttpPlatform`] is
//! its HTTP implementation (reqwest with rustls). Tests and shells can put an
//! in-memory implementation behind the same trait.

mod error;
mod field;
mod http;
mod retry;
mod types;

use async_trait::async_trait;

pub use error::{ErrorCode, PlatformError};
pub use field::FieldApi;
pub use http::{HttpConfig, HttpPlatform};
pub use retry::RetryPolicy;
pub use types::*;

/// One method per endpoint of the contract.
///
/// Requests that create or change something carry an `Idempotency-Key`:
/// where a flow must repeat one logical request (an application whose answer
/// was lost), the key is a parameter so the flow keeps it; elsewhere the
/// implementation makes one per call and keeps it across its own retries.
#[async_trait]
pub trait PlatformApi: Send + Sync {
    /// `GET /v1/health`.
    async fn health(&self) -> Result<(), PlatformError>;

    /// `POST /v1/auth/challenge`.
    async fn create_challenge(&self) -> Result<Challenge, PlatformError>;

    /// `POST /v1/auth/login`.
    async fn login(&self, request: &LoginRequest) -> Result<LoginResponse, PlatformError>;

    /// `GET /v1/my-key-id`.
    async fn my_key_id(&self, token: &SessionToken) -> Result<MyKeyIdRecord, PlatformError>;

    /// `POST /v1/my-key-id/candidates`.
    async fn my_key_id_candidate(&self, token: &SessionToken) -> Result<Candidate, PlatformError>;

    /// `POST /v1/my-key-id/check`.
    async fn check_my_key_id(
        &self,
        token: &SessionToken,
        my_key_id: &str,
    ) -> Result<CheckResult, PlatformError>;

    /// `POST /v1/my-key-id`.
    async fn issue_my_key_id(
        &self,
        token: &SessionToken,
        request: &IssueRequest,
        key: &IdempotencyKey,
    ) -> Result<MyKeyIdRecord, PlatformError>;

    /// `PUT /v1/my-key-id`: changes the active My Key ID (the old one is
    /// retired for good).
    async fn change_my_key_id(
        &self,
        token: &SessionToken,
        request: &ChangeRequest,
        key: &IdempotencyKey,
    ) -> Result<MyKeyIdRecord, PlatformError>;

    /// `DELETE /v1/my-key-id` (irreversible).
    async fn revoke_my_key_id(
        &self,
        token: &SessionToken,
        key: &IdempotencyKey,
    ) -> Result<RevokeResult, PlatformError>;

    /// `GET /v1/payment-services?q=`.
    async fn search_services(
        &self,
        token: Option<&SessionToken>,
        keyword: &str,
    ) -> Result<Vec<ServiceSummary>, PlatformError>;

    /// `GET /v1/payment-services/{service_id}`.
    async fn service(
        &self,
        token: Option<&SessionToken>,
        service_id: &str,
    ) -> Result<Service, PlatformError>;

    /// `POST /v1/applications/content-to-sign`.
    async fn content_to_sign(
        &self,
        token: &SessionToken,
        content: &ApplicationContent,
    ) -> Result<ContentToSign, PlatformError>;

    /// `POST /v1/applications`.
    async fn submit_application(
        &self,
        token: &SessionToken,
        request: &ApplicationRequest,
        key: &IdempotencyKey,
    ) -> Result<Application, PlatformError>;

    /// `GET /v1/applications/mine`.
    async fn my_application(&self, token: &SessionToken) -> Result<Application, PlatformError>;

    /// `GET /v1/applications/eligibility`: each point category for the
    /// session's person, and their service when it is fixed.
    async fn eligibility(&self, token: &SessionToken) -> Result<Eligibility, PlatformError>;

    /// `POST /v1/applications/categories/content-to-sign`.
    async fn categories_content_to_sign(
        &self,
        token: &SessionToken,
        addition: &CategoryAddition,
    ) -> Result<ContentToSign, PlatformError>;

    /// `POST /v1/applications/categories`: categories added on the person's
    /// one service, signed by the card.
    async fn add_categories(
        &self,
        token: &SessionToken,
        request: &CategoryAdditionRequest,
        key: &IdempotencyKey,
    ) -> Result<Application, PlatformError>;
}
