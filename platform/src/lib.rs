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

pub mod applications;
pub mod auth;
pub mod catalogue;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod error;
pub mod http;
pub mod my_key_id;
pub mod server;
pub mod store;

pub use clock::{Clock, SystemClock, TestClock};
pub use config::Config;
pub use error::{ApiError, ErrorCode};
pub use http::routes::{Route, ROUTES, ROUTE_TABLE};
pub use server::{start, start_with_clock, BlockingPlatform, RunningPlatform, StartError};
pub use store::Store;

/// The OpenAPI 3.1 document of the contract.
pub const OPENAPI_YAML: &str = include_str!("../openapi.yaml");
