//! Tables of cases defined once and run against both the platform double
//! and the real platform (through [`crate::resident::ResidentRig`]), so that
//! the two cannot drift apart: the core's tests run them on the double, the
//! end-to-end tests on the server.

pub mod application;
pub mod fields;
pub mod my_key_id;
pub mod taps;
