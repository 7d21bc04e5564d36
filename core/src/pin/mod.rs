//! PINs: their format, their safe keeping, and the rules that keep a card
//! from being locked by accident.

mod safety;
mod secret;

pub(crate) use safety::{Decision, PinGuard, Refusal};
pub use safety::{LastTry, PinError, PinPrompt, PinStatus, Recheck};
pub use secret::{Pin, PinFormatError, PinKind};
