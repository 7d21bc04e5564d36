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
///
/// The variants differ in one thing the PIN rules depend on: whether the
/// command may have reached the card. See [`TransportError::may_have_reached_card`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The card left the field or the reader (phone moved, card pulled out).
    /// The command may or may not have reached the card.
    #[error("the card was removed or the tag was lost")]
    TagLost,
    /// The card did not answer in time. The command may have reached the card.
    #[error("the card did not answer in time")]
    Timeout,
    /// The card was reset (by another program, or by Windows PC/SC after a
    /// transaction held idle for about 5 seconds) BEFORE this command was
    /// transmitted: the command did not reach the card. Everything the card
    /// held for this power session (selected application, verified PINs) is
    /// gone. The transport has reconnected; the next command reaches the
    /// card in its after-reset state.
    ///
    /// PC/SC: `SCARD_W_RESET_CARD` from `SCardTransmit` (pcsc-lite and
    /// WinSCard check the reader's event counter before transmitting).
    #[error("the card was reset by another program or by the reader before the command was sent")]
    CardReset,
    /// Anything else the reader or the platform reported. The command may
    /// have reached the card.
    #[error("reader error: {0}")]
    Io(String),
}

impl TransportError {
    /// Whether the card may have received (and acted on) the command.
    /// Only [`TransportError::CardReset`] is known to be before the send.
    pub fn may_have_reached_card(&self) -> bool {
        !matches!(self, TransportError::CardReset)
    }
}

/// A connection to one card for the time it stays in the field.
///
/// Implementations: Android IsoDep, iOS Core NFC, PC/SC, the simulator.
/// One connection is one *tap*: the card layer opens a [`super::CardSession`]
/// tap per connection and never keeps it open across a prompt to a person.
///
/// # The contract every implementation keeps (the shells test against it)
///
/// * `transceive` gets one whole command APDU (header, Lc, data, Le, as
///   ISO/IEC 7816-4 encodes it) and returns the whole response APDU: the
///   data **followed by SW1 SW2**, so at least 2 bytes. An answer of fewer
///   than 2 bytes is not an answer: report [`TransportError::TagLost`].
///   - iOS Core NFC: `NFCISO7816Tag.sendCommand(apdu:)` hands back
///     `(Data, UInt8, UInt8)`; the adapter appends `sw1` and `sw2` to the
///     data. `NFCReaderError.readerTransceiveErrorTagConnectionLost` (and a
///     session invalidated while a command is in flight) is `TagLost`.
///   - Android IsoDep: `transceive` already returns data + SW1 SW2.
///     `TagLostException` is `TagLost`; any other `IOException` is `Io`.
///     Raise `IsoDep.setTimeout` well above its default (an RSA signature
///     takes longer than the default allows; 5,000 ms or more) before the
///     first command, or signatures end as `Timeout`.
///   - PC/SC: `SCARD_W_REMOVED_CARD` / `SCARD_E_NO_SMARTCARD` and friends are
///     `TagLost`; `SCARD_W_RESET_CARD` is [`TransportError::CardReset`] after
///     the transport reconnected (`SCardReconnect`, leave card).
/// * The transport does nothing with the bytes: no retries, no GET RESPONSE,
///   no re-sends. Retries are the card layer's decision, because a VERIFY
///   must never be sent twice; reads are retried by the card layer only.
/// * `capabilities` tells the truth about the reader, read at run time:
///   Android `IsoDep.getMaxTransceiveLength()` bounds both the command and
///   the response (some phones report about 200 bytes, below the 256-byte
///   signature plus SW1 SW2: the core then refuses a signing step before any
///   PIN is sent); `isExtendedLengthApduSupported()` tells extended length.
///   A reader that announces extended length but whose driver refuses such
///   an APDU with an error (`SCARD_E_NOT_TRANSACTED` on some USB readers) is
///   still correct to report that as `Io`: the card layer falls back to
///   short APDUs for the rest of the session.
/// * Errors say whether the command may have reached the card: only
///   `CardReset` is known not to have. When unsure, say `TagLost`, `Timeout`
///   or `Io`: the PIN rules then treat a VERIFY as "may have counted".
/// * Never log the command bytes of VERIFY (`00 20 ..` with data): they hold
///   the PIN.
#[async_trait]
pub trait CardTransport: Send + Sync {
    /// What this reader can carry.
    fn capabilities(&self) -> ReaderCapabilities;

    /// Sends one command APDU and returns its response APDU (data, SW1, SW2).
    async fn transceive(&self, command: &[u8]) -> Result<Vec<u8>, TransportError>;
}
