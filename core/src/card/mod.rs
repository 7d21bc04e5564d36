//! Everything that talks to the My Number Card.
//!
//! The card layer applies the PIN rules of [`crate::pin`] (which knows
//! nothing of APDUs); it never depends on a flow or on the session frame.

pub mod apdu;
pub mod card_info;
pub mod cert_head;
pub mod certificate;
mod error;
pub mod files;
pub mod jpki;
pub mod link;
mod pin_error;
mod read;
pub mod session;
pub mod status;
pub mod tlv;
pub mod trace;
pub mod transport;

pub use apdu::{ApduError, Command, Response};
pub use card_info::{BasicFour, Sex};
pub use cert_head::CertificateHead;
pub use certificate::{CertSerial, CertificateError, CertificateInfo, RsaPublicKey};
pub use error::CardError;
pub use jpki::sha256_digest_info;
pub use link::{CardLink, ReadStrategy, ReaderMemory};
pub use pin_error::PinError;
pub use read::READ_RETRIES;
pub use session::{CardSession, Tap, TapReport};
pub use status::{StatusKind, StatusWord};
pub use trace::{Trace, TraceEntry, TraceOutcome, TraceTotals};
pub use transport::{CardTransport, ReaderCapabilities, TransportError};
