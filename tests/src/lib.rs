//! Test support for mynapoint's end-to-end tests: a PC/SC daemon with the
//! vsmartcard virtual reader (vpcd), and a tiny scripted card for it.
//!
//! ```no_run
//! use std::time::Duration;
//! use mynapoint_e2e::{Pcscd, VIRTUAL_READER};
//!
//! // Takes the process-wide reader lock, starts `pcscd -f -a` unless one is
//! // already running, and waits until "Virtual PCD 00 00" is listed.
//! let pcscd = Pcscd::start().expect("pcscd");
//! // ... attach a card to vpcd (127.0.0.1:35963), then:
//! pcscd.wait_for_card(VIRTUAL_READER, Duration::from_secs(10)).unwrap();
//! // ... run the commands under test ...
//! drop(pcscd); // SIGTERM to the pcscd we started (a pre-existing one is left alone)
//! ```
//!
//! Requirements: the Debian packages `pcscd` and `vsmartcard-vpcd`
//! (`scripts/test.sh` installs them). Starting pcscd needs root (it creates
//! `/run/pcscd`); as another user, start pcscd yourself and the harness reuses it.
//!
//! All tests that use the virtual reader must hold a [`Pcscd`] guard: it
//! serialises them (one vpcd slot, one card at a time) across threads and,
//! through a file lock, across test processes.

mod lock;
mod pcscd;
pub mod vpcd;

pub use lock::ReaderLock;
pub use pcscd::{
    card_event_count, card_present, pcscd_running, reader_names, wait_for_card, wait_for_no_card,
    wait_for_reader, HarnessError, Pcscd, PCSCD_SOCKET,
};

/// The first vpcd reader: the one the tests use.
pub const VIRTUAL_READER: &str = "Virtual PCD 00 00";

/// Where a virtual card connects to reach [`VIRTUAL_READER`]
/// (`/etc/reader.conf.d/vpcd`: `DEVICENAME /dev/null:0x8C7B`).
///
/// Do not probe this port with a plain TCP connect: vpcd takes any connection
/// for a card being inserted.
pub const VPCD_ADDR: (&str, u16) = ("127.0.0.1", 35963);
