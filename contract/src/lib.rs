//! The mynapoint platform API (v1) as a contract both sides compile against.
//!
//! - the request and response bodies of every route (serde; JSON field names
//!   are the Rust field names unless stated), grouped by route family:
//!   [`auth`], [`my_key_id`], [`services`], [`applications`] (with the
//!   point [`categories`] of the 2nd installment), [`health`],
//!   and the field point-grant app's [`grant`] (with its administration API);
//! - one [`ErrorCode`] enum with the HTTP status of each code, and the error
//!   body [`ErrorResponse`];
//! - the rules both the client (checking a field as it is typed) and the
//!   server (checking what arrives) apply: identifier formats
//!   ([`my_key_id::check_my_key_id`], [`IdempotencyKey::parse`]), the
//!   municipality check digit, password and e-mail rules, a service's
//!   payment-ID and security-code rules, the canonical content the card signs
//!   ([`applications::ApplicationContent::digest`]), the masked payment ID,
//!   and calendar dates in Japan ([`date::CivilDate`]).
//!
//! No I/O, no HTTP client or server, no database: the phone bindings can use
//! it as it is. `platform/openapi.yaml` describes the same API; a test in
//! `platform/tests/contract_schemas.rs` holds the two equal.

pub mod applications;
pub mod auth;
mod base64_field;
pub mod categories;
pub mod date;
pub mod error;
pub mod field;
pub mod grant;
pub mod health;
pub mod my_key_id;
mod secret;
pub mod services;

pub use applications::*;
pub use auth::*;
pub use categories::*;
pub use error::{ErrorBody, ErrorClass, ErrorCode, ErrorResponse};
pub use field::FieldProblem;
pub use health::Health;
pub use my_key_id::*;
pub use secret::Secret;
pub use services::*;
