//! mynapoint core: the domain of the My Number Points apps.
//!
//! This crate knows nothing of Android, iOS or PC/SC: platform services
//! (the card transport first of all) enter as traits that each shell implements.
//! Its only uniffi code is behind the `uniffi` feature (turned on by the
//! bindings crate alone): derives on the domain types that cross to
//! Kotlin/Swift unchanged, generated as `jp.mynapoint.domain` /
//! `MynapointDomain` (`core/uniffi.toml`).

pub mod card;
pub mod clock;
pub mod failure;
pub mod field;
pub mod pin;
pub mod platform;
pub mod resident;
pub mod secret;
pub mod secret_store;
pub mod session_frame;
pub mod tap_prompt;

pub use secret::Secret;

// The scaffolding of those derives (namespace `mynapoint_domain`).
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("mynapoint_domain");
