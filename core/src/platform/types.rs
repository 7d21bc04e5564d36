//! The contract's request and response bodies (platform/openapi.yaml, v1):
//! the `mynapoint-contract` crate's types, re-exported so the flows and the
//! shells name them through `mynapoint_core::platform`. Secrets (password,
//! payment ID, security codes, session token) are [`crate::Secret`]s: they
//! serialize into the body and print as `<redacted>`.

pub use mynapoint_contract::{
    Application, ApplicationContent, ApplicationRequest, ApplicationStatus, Candidate, Challenge,
    ChangeRequest, Charset, CheckRequest, CheckResult, ChildInfo, ContentSummary, ContentToSign,
    ForChild, IdempotencyKey, IssueMode, IssueRequest, LoginRequest, LoginResponse, MyKeyIdRecord,
    MyKeyIdStatus, Notifications, PaymentIdRule, RevokeResult, SecurityCodeRule, Service,
    ServiceKind, ServiceList, ServiceSummary, SessionToken,
};
pub use mynapoint_contract::{
    AppliedCategory, Category, CategoryAddition, CategoryAdditionRequest, CategoryState,
    CategoryStatus, Eligibility, EligibilityFacts, FirstInstallment, FixedService,
    PersonEligibility, Requirement, ServiceFixedBy,
};
