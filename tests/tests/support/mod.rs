//! The kit's standard cards (made once per test binary), taps and secrets
//! for the card-layer tests.

#![allow(unused_imports)]

pub use mynapoint_testkit::cards::{card_a, card_b, signature_verifies, Card, SERIAL_A, SERIAL_B};
pub use mynapoint_testkit::secrets::*;
pub use mynapoint_testkit::taps::{
    another_app_spends, dyn_transport, instructions, phone_tap, tap_on, tries_left,
};
