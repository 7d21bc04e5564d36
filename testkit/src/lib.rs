//! Test support shared by the tests of every crate of the workspace (a
//! dev-dependency only, never a dependency of a shipped crate):
//!
//! - [`secrets`]: the PINs, 照合番号B and personal data every standard card holds;
//! - [`cards`]: RSA keys made once per process, standard cards built from
//!   them ([`cards::card_a`], …) and a builder for special ones (expired, a
//!   foreign CA, a reissued card of the same person);
//! - [`taps`]: a card held to a phone (short APDUs) or to an extended-length
//!   reader, a phone that counts its taps, the card layer used on its own;
//! - [`forms`]: valid registration and payment forms, the catalogue's service ids;
//! - [`in_process`]: the real platform server started in this process on a
//!   loopback port with an ephemeral configuration;
//! - [`fake`]: the platform double, an in-memory [`PlatformApi`] with the
//!   contract's rules, planned faults and a record of calls;
//! - [`resident`]: the resident flow walked up to a step, against either;
//! - [`cases`]: tables of cases defined once and run against both platforms.
//!
//! [`PlatformApi`]: mynapoint_core::platform::PlatformApi

pub mod cards;
pub mod cases;
pub mod fake;
pub mod field;
pub mod field_cards;
pub mod field_rig;
pub mod forms;
pub mod in_process;
pub mod resident;
pub mod secrets;
pub mod taps;
