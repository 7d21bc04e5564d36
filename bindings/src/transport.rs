//! The card transport as a foreign trait (Android IsoDep, iOS Core NFC, a
//! test's simulated card), wrapped into the core's `CardTransport` here and
//! nowhere else.
//!
//! The contract is the core's (`mynapoint_core::card::CardTransport`): one
//! whole command APDU in, the whole response out (data **then SW1 SW2**),
//! no retries, no GET RESPONSE, and errors that say whether the command may
//! have reached the card.

use std::sync::Arc;

use async_trait::async_trait;
use mynapoint_core::card as core_card;

/// What the reader in front of the card can carry, read at run time
/// (Android: `IsoDep.getMaxTransceiveLength()` for both lengths and
/// `isExtendedLengthApduSupported()`; iOS: 261 / 258 and `false`, unless
/// the tag reports more).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct ReaderCapabilities {
    /// Largest command APDU, header included, in bytes.
    pub max_command_len: u32,
    /// Largest response APDU, SW1 SW2 included, in bytes.
    pub max_response_len: u32,
    /// Whether extended-length APDUs reach the card.
    pub extended_length: bool,
}

impl From<ReaderCapabilities> for core_card::ReaderCapabilities {
    fn from(c: ReaderCapabilities) -> Self {
        Self {
            max_command_len: c.max_command_len as usize,
            max_response_len: c.max_response_len as usize,
            extended_length: c.extended_length,
        }
    }
}

/// Why an exchange gave no response. Only `CardReset` says the command did
/// not reach the card; when unsure, use `TagLost`, `Timeout` or `Io`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum TransportError {
    /// The card left the field (Android `TagLostException`; iOS
    /// `readerTransceiveErrorTagConnectionLost`, or the reader session
    /// invalidated while a command was in flight).
    #[error("the tag was lost")]
    TagLost,
    /// The card did not answer in time.
    #[error("the card did not answer in time")]
    Timeout,
    /// The card was reset before this command was sent; the transport has
    /// reconnected.
    #[error("the card was reset before the command was sent")]
    CardReset,
    /// Any other reader or platform error (never the command's bytes).
    #[error("reader error: {reason}")]
    Io { reason: String },
}

/// A Kotlin or Swift exception that is not a [`TransportError`] arrives
/// here: an I/O error, which may have reached the card.
impl From<uniffi::UnexpectedUniFFICallbackError> for TransportError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        TransportError::Io {
            reason: format!("unexpected error in the card transport: {}", e.reason),
        }
    }
}

impl From<TransportError> for core_card::TransportError {
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::TagLost => Self::TagLost,
            TransportError::Timeout => Self::Timeout,
            TransportError::CardReset => Self::CardReset,
            TransportError::Io { reason } => Self::Io(reason),
        }
    }
}

/// A connection to one card for one tap, implemented by the shell.
///
/// Implementations must catch every `Throwable` (Kotlin) themselves and
/// report it as a [`TransportError`]: a Kotlin `Error` that escapes is not
/// caught by the generated code and the call would never finish.
#[uniffi::export(with_foreign)]
#[async_trait]
pub trait CardTransport: Send + Sync {
    /// What this reader can carry (read at run time, not assumed).
    fn capabilities(&self) -> ReaderCapabilities;

    /// Sends one command APDU; returns the response APDU: data, then SW1
    /// SW2 (at least 2 bytes; fewer is reported by the core as a lost tag).
    async fn transceive(&self, command: Vec<u8>) -> Result<Vec<u8>, TransportError>;
}

/// The shell's transport seen as the core's.
pub(crate) struct ForeignTransport(pub Arc<dyn CardTransport>);

impl ForeignTransport {
    pub(crate) fn wrap(t: Arc<dyn CardTransport>) -> Arc<dyn core_card::CardTransport> {
        Arc::new(ForeignTransport(t))
    }
}

#[async_trait]
impl core_card::CardTransport for ForeignTransport {
    fn capabilities(&self) -> core_card::ReaderCapabilities {
        self.0.capabilities().into()
    }

    async fn transceive(&self, command: &[u8]) -> Result<Vec<u8>, core_card::TransportError> {
        let response = self.0.transceive(command.to_vec()).await?;
        if response.len() < 2 {
            // The contract: an answer without SW1 SW2 is not an answer.
            return Err(core_card::TransportError::TagLost);
        }
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mynapoint_core::card::CardTransport as _;

    struct Answers(Vec<u8>);

    #[async_trait]
    impl CardTransport for Answers {
        fn capabilities(&self) -> ReaderCapabilities {
            ReaderCapabilities {
                max_command_len: 261,
                max_response_len: 258,
                extended_length: false,
            }
        }
        async fn transceive(&self, _: Vec<u8>) -> Result<Vec<u8>, TransportError> {
            Ok(self.0.clone())
        }
    }

    fn block<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(f)
    }

    #[test]
    fn an_answer_without_sw1_sw2_is_a_lost_tag() {
        let t = ForeignTransport(Arc::new(Answers(vec![0x90])));
        assert_eq!(
            block(t.transceive(&[0, 0xA4, 4, 0])),
            Err(core_card::TransportError::TagLost)
        );
        let t = ForeignTransport(Arc::new(Answers(vec![0x01, 0x90, 0x00])));
        assert_eq!(
            block(t.transceive(&[0, 0xB0, 0, 0])),
            Ok(vec![0x01, 0x90, 0x00])
        );
        assert_eq!(
            t.capabilities(),
            core_card::ReaderCapabilities::SHORT_ONLY,
            "the shell's capabilities reach the core as given"
        );
    }

    #[test]
    fn an_unexpected_shell_exception_is_an_io_error_that_may_have_reached_the_card() {
        let e: TransportError =
            uniffi::UnexpectedUniFFICallbackError::new("java.lang.IllegalStateException").into();
        let core: core_card::TransportError = e.into();
        assert!(matches!(&core, core_card::TransportError::Io(m) if m.contains("IllegalState")));
        assert!(core.may_have_reached_card());
    }

    #[test]
    fn each_transport_error_keeps_its_meaning() {
        use core_card::TransportError as C;
        assert_eq!(C::from(TransportError::TagLost), C::TagLost);
        assert_eq!(C::from(TransportError::Timeout), C::Timeout);
        assert_eq!(C::from(TransportError::CardReset), C::CardReset);
    }
}
