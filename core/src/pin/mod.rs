//! PINs: their format, their safe keeping, and the rules that keep a card
//! from being locked by accident.
//!
//! The policy only: nothing here knows APDUs, status words or the card
//! layer (the card layer applies these rules, never the reverse; a test in
//! `core/tests/module_deps.rs` keeps it so). Which key reference a secret
//! is, how a status word reads as a [`PinStatus`], and what a VERIFY
//! answered (`card::PinError`) live in the card layer.

mod safety;
mod secret;

pub(crate) use safety::{Decision, PinGuard, Refusal};
pub use safety::{LastTry, PinPrompt, PinStatus, Recheck};
pub use secret::{Pin, PinFormatError, PinKind};
