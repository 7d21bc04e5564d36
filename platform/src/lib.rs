//! The mynapoint reference platform: card login with the JPKI
//! user-authentication certificate, My Key ID, the payment services
//! catalogue and My Number Points applications, as in `API-CONTRACT.md`
//! (machine-readable: `openapi.yaml`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), mynapoint_platform::StartError> {
//! let platform = mynapoint_platform::start(mynapoint_platform::Config::ephemeral()).await?;
//! println!("{}/v1/health", platform.base_url());
//! platform.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Layers, arrows pointing down only (`tests/layers.rs` holds them):
//! - [`http`]: routes, extraction, answers, the idempotency middleware;
//! - [`rules`]: what the domain asks of the server, plain functions (no
//!   HTTP library, no SQL);
//! - [`store`]: the SQLite database, one module per table group, on
//!   transactions (opened by `mynapoint-sqlite`);
//! - under all three: [`clock`], [`config`], [`crypto`].
//!
//! [`server`] wires them together (in process or from the command line);
//! [`cli`] is the administrator's command line, a client of the HTTP API.
//! `README.md` maps each rule of the domain to its file.

pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod http;
pub mod rules;
pub mod server;
pub mod store;

pub use clock::{Clock, SystemClock, TestClock};
pub use config::Config;
pub use http::routes::{Route, ROUTES, ROUTE_TABLE};
pub use rules::error::{ApiError, ErrorCode};
pub use server::{start, start_with_clock, BlockingPlatform, RunningPlatform, StartError};
pub use store::Store;

/// The OpenAPI 3.1 document of the contract.
pub const OPENAPI_YAML: &str = include_str!("../openapi.yaml");
