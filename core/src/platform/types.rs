//! The contract's request and response bodies (platform/API-CONTRACT.md, v1),
//! as plain owned data. Secrets (password, payment ID, security codes,
//! session token) are [`Secret`]s: they serialize into the body and print as
//! `<redacted>`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::wire::{b64, b64_digest, b64_opt};
use crate::secret::Secret;

/// The bearer token of a platform session (15 min idle, bound server-side to
/// the certificate that logged in).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionToken(Secret);

impl SessionToken {
    pub fn new(token: impl Into<String>) -> Self {
        Self(Secret::new(token))
    }

    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

/// `Idempotency-Key`: one per logical request, the same on every retry of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// A fresh random (v4) UUID.
    pub fn new() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for IdempotencyKey {
    fn default() -> Self {
        Self::new()
    }
}

// ---- card login ---------------------------------------------------------

/// `POST /v1/auth/challenge` -> 201.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    pub challenge_id: String,
    /// The 32 random bytes the card signs (as SHA-256 of them, PKCS#1 v1.5).
    #[serde(with = "b64")]
    pub challenge: Vec<u8>,
    pub expires_at: u64,
}

/// `POST /v1/auth/login` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub challenge_id: String,
    /// DER of the user-authentication certificate.
    #[serde(with = "b64")]
    pub certificate: Vec<u8>,
    #[serde(with = "b64")]
    pub signature: Vec<u8>,
}

/// `POST /v1/auth/login` -> 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub session_token: SessionToken,
    pub expires_at: u64,
    /// Upper-case hex.
    pub certificate_serial: String,
    pub my_key_id: Option<String>,
    pub card_reissued: bool,
}

// ---- My Key ID ----------------------------------------------------------

/// Which e-mails the resident wants.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notifications {
    pub points_granted: bool,
    pub points_expired: bool,
    pub password_changed: bool,
    pub my_key_id_changes: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MyKeyIdStatus {
    Active,
    Revoked,
}

/// `GET /v1/my-key-id` and `POST /v1/my-key-id` -> the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyKeyIdRecord {
    pub my_key_id: String,
    pub certificate_serial: String,
    pub certificate_expires_at: u64,
    pub email: Option<String>,
    pub notifications: Notifications,
    pub base_municipality: String,
    pub status: MyKeyIdStatus,
    /// When the id was last changed (unix seconds); `None` if never.
    #[serde(default)]
    pub changed_at: Option<u64>,
}

/// `POST /v1/my-key-id/candidates` -> 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub candidate: String,
    pub attempt: u8,
    /// The 3rd candidate: the one that will be registered.
    #[serde(rename = "final")]
    pub is_final: bool,
}

/// `POST /v1/my-key-id/check` -> 200.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    pub available: bool,
    pub checks_used: u8,
    pub fallback_to_auto: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueMode {
    Auto,
    Own,
}

/// `POST /v1/my-key-id` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueRequest {
    pub mode: IssueMode,
    pub my_key_id: String,
    pub password: Secret,
    pub email: Option<String>,
    pub notifications: Notifications,
    pub base_municipality: String,
}

/// `PUT /v1/my-key-id` body: the new id, chosen by the issuance rules in
/// this (card login) session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRequest {
    pub mode: IssueMode,
    pub my_key_id: String,
}

/// `DELETE /v1/my-key-id` -> 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeResult {
    pub status: MyKeyIdStatus,
}

// ---- payment services ---------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    Qr,
    EMoney,
    Credit,
    Debit,
}

/// Which characters a field takes (half-width only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Charset {
    /// 0-9.
    Digits,
    /// A-Z and 0-9.
    AlnumUpper,
    /// A-Z, a-z and 0-9.
    Alnum,
}

/// An entry of `GET /v1/payment-services?q=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSummary {
    pub service_id: String,
    pub name: String,
    #[serde(default)]
    pub name_kana: String,
    #[serde(default)]
    pub name_latin: String,
    #[serde(default)]
    pub kind: Option<ServiceKind>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentIdRule {
    pub label: String,
    pub min_len: u32,
    pub max_len: u32,
    pub charset: Charset,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityCodeRule {
    pub label: String,
    pub len: u32,
    pub charset: Charset,
}

/// `GET /v1/payment-services/{id}` -> 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub service_id: String,
    pub name: String,
    pub name_kana: String,
    pub name_latin: String,
    pub kind: ServiceKind,
    pub terms: String,
    pub terms_version: String,
    pub payment_id: PaymentIdRule,
    pub security_codes: Vec<SecurityCodeRule>,
}

// ---- application --------------------------------------------------------

/// What the resident applies with: the body of `content-to-sign`, and of the
/// application itself with the signature added. `for_child` is sent as
/// `null` for an ordinary application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationContent {
    pub service_id: String,
    pub terms_version: String,
    pub payment_id: Secret,
    pub security_codes: Vec<Secret>,
    pub phone_last4: Option<Secret>,
    /// A legal representative applies for a child under 15 (the session is
    /// the child's card login).
    #[serde(default)]
    pub for_child: Option<ForChild>,
}

/// `for_child` of an application: the child's birth date and the
/// representative's user-authentication certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForChild {
    /// `YYYYMMDD`.
    pub birth_date: String,
    /// DER of the representative card's user-authentication certificate
    /// (base64 on the wire).
    #[serde(with = "b64")]
    pub representative_certificate: Vec<u8>,
}

/// `for_child` of an application as the platform reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildInfo {
    /// `YYYYMMDD`.
    pub birth_date: String,
    /// The representative certificate's serial, upper hex.
    pub representative_serial: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentSummary {
    pub service_name: String,
    pub payment_id_masked: String,
}

/// `POST /v1/applications/content-to-sign` -> 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentToSign {
    /// SHA-256 of the canonical content, which includes the server's session
    /// id: a signature over it is good in this platform session only.
    #[serde(with = "b64_digest")]
    pub digest: [u8; 32],
    pub summary: ContentSummary,
}

/// `POST /v1/applications` body: the content and the card's signature over
/// the digest `content-to-sign` returned for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationRequest {
    #[serde(flatten)]
    pub content: ApplicationContent,
    #[serde(with = "b64")]
    pub signature: Vec<u8>,
    /// A child application: the representative's card signature over the
    /// same digest (base64 on the wire; absent otherwise).
    #[serde(default, with = "b64_opt", skip_serializing_if = "Option::is_none")]
    pub representative_signature: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// 申込済み: submitted, registration takes about a day.
    Submitted,
    /// Registered with the payment service.
    Registered,
}

/// A time the contract does not pin down: Unix seconds or text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Timestamp {
    Unix(u64),
    Text(String),
}

/// `POST /v1/applications` -> 201 and `GET /v1/applications/mine` -> 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub application_id: String,
    pub status: ApplicationStatus,
    pub service_id: String,
    pub service_name: String,
    pub payment_id_masked: String,
    pub submitted_at: Timestamp,
    /// A child application (absent or null otherwise; older answers lack it).
    #[serde(default)]
    pub for_child: Option<ChildInfo>,
}
