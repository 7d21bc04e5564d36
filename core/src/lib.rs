//! mynapoint core: the domain of the My Number Points apps.
//!
//! This crate knows nothing of uniffi, Android, iOS or PC/SC: platform services
//! (the card transport first of all) enter as traits that each shell implements.

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
