//! cardsim: a software My Number Card.
//!
//! It answers APDUs the way a real card does (see `shared/card-protocol.md`),
//! so every flow can be tested and demonstrated without hardware:
//! - [`CardSpec`] makes a card: PINs, personal data, fresh RSA-2048 keys and
//!   certificates from the stable [`TestCa`] (or another CA);
//! - [`SimCard`] is the card: its [`CardState`] (kept in memory or in a JSON
//!   state file saved before every response that changed it) and the command
//!   processor;
//! - [`SimTransport`] is an in-memory `CardTransport` with fault injection;
//! - [`command_apdu`], [`Sw`] and [`card_ids`] are cardsim's own APDU parser,
//!   status words and identifier table, written from public descriptions of
//!   real cards: cardsim uses nothing of `mynapoint_core` but the
//!   `CardTransport` trait family it implements, so a wrong belief in the
//!   core cannot pass through the simulator unnoticed;
//! - [`vpcd`] attaches a card to PC/SC through vsmartcard's virtual reader.

mod apdu_engine;
mod ca;
mod card;
pub mod card_ids;
pub mod command_apdu;
mod efs;
mod error;
pub mod issue;
mod layout;
pub mod personal;
mod pins;
mod spec;
mod state;
mod status;
mod transport;
pub mod vpcd;

pub use apdu_engine::MAX_SIGN_INPUT;
pub use ca::{
    test_ca_certificate_der, test_ca_certificate_pem, TestCa, CA_ORG_UNITS, TEST_CA_ORGANIZATION,
};
pub use card::{SharedCard, SimCard, ATR, MEMORY_FAILURE};
pub use command_apdu::is_extended;
pub use error::SimError;
pub use personal::{Personal, Sex};
pub use pins::{App, PinId};
pub use spec::{generate_key_pair, CardSpec};
pub use state::{CardState, PinSlot, Pins, STATE_FORMAT};
pub use status::Sw;
pub use transport::{Fault, SimTransport};
