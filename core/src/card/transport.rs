//! The one door between the core and a physical (or simulated) card.
//!
//! Android's `IsoDep.transceive` and PC/SC block, iOS's `sendCommand` completes
//! asynchronously: the trait is async so every one of them fits, and a blocking
//! implementation simply does its work inside the future.

use async_trait::async_trait;

/// What the reader in front of the card can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderCapabilities {
    /// Largest command APDU the reader sends, header included
    /// (Android's `IsoDep.getMaxTransceiveLength()`, 261 by default).
    pub max_command_len: usize,
    /// Largest response APDU the reader returns, status word included.
    pub max_response_len: usize,
    /// Whether extended-length APDUs (Lc/Le over 255/256) reach the card
    /// (Android's `IsoDep.isExtendedLengthApduSupported()`).
    pub extended_length: bool,
}

impl ReaderCapabilities {
    /// A reader that only carries short APDUs: what every phone can do.
    pub const SHORT_ONLY: Self = Self {
        max_command_len: 261,
        max_response_len: 258,
        extended_length: false,
    };

    /// A reader that carries extended-length APDUs up to 64 KiB.
    pub const EXTENDED: Self = Self {
        max_command_len: 65_544,
        max_response_len: 65_538,
        extended_length: true,
    };

    /// The largest number of data bytes one response may carry.
    pub fn max_response_data(&self) -> usize {
        let limit = self.max_response_len.saturating_sub(2);
        if self.extended_length {
            limit.min(65_536)
        } else {
            limit.min(256)
        }
    }
}

/// Why an exchange did not produce a response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The card left the field or the reader (phone moved, card pulled out).
    /// The command may or may not have reached the card.
    #[error("the card was removed or the tag was lost")]
    TagLost,
    /// The card did not answer in time.
    #[error("the card did not answer in time")]
    Timeout,
    /// Anything else the reader or the platform reported.
    #[error("reader error: {0}")]
    Io(String),
}

/// A connection to one card for the time it stays in the field.
///
/// Implementations: Android IsoDep, iOS Core NFC, PC/SC, the simulator.
/// `transceive` gets a whole command APDU and returns the whole response APDU
/// (data followed by SW1 SW2).
#[async_trait]
pub trait CardTransport: Send + Sync {
    /// What this reader can carry.
    fn capabilities(&self) -> ReaderCapabilities;

    /// Sends one command APDU and returns its response APDU.
    async fn transceive(&self, command: &[u8]) -> Result<Vec<u8>, TransportError>;
}
