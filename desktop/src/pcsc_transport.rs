//! [`CardTransport`] over PC/SC (pcsc-lite on Linux and macOS, WinSCard on Windows).

use std::sync::Mutex;

use async_trait::async_trait;
use mynapoint_core::card::{CardTransport, ReaderCapabilities, TransportError};
use pcsc::{Card, Context, Disposition, Protocols, ShareMode};

use crate::readers::{c_name, ReaderError};

/// A shared connection to the card on one PC/SC reader.
///
/// `transceive` blocks the calling thread for the length of the exchange:
/// fine for the desktop command, which runs one card operation at a time.
///
/// While connected, the transport holds a PC/SC transaction on the card, so
/// another program using the same reader cannot slip its own commands (say, a
/// SELECT of another application) between ours — the card's selected file and
/// verified PINs are shared state. The transaction ends when the transport
/// is dropped (the card is left powered, not reset). One connection is one
/// tap: callers never keep it open while a person types (WinSCard resets a
/// card whose transaction stays idle for about 5 seconds).
pub struct PcscTransport {
    inner: Mutex<Inner>,
    reader: String,
    capabilities: ReaderCapabilities,
}

struct Inner {
    card: Card,
    buffer: Vec<u8>,
}

impl PcscTransport {
    /// Connects (shared mode) to the card on `reader`, preferring T=1 and
    /// falling back to whatever protocol the reader offers.
    ///
    /// `extended_length`: whether the caller vouches that this reader carries
    /// extended-length APDUs. Without it the transport announces short APDUs
    /// only, like a phone.
    pub fn connect(
        ctx: &Context,
        reader: &str,
        extended_length: bool,
    ) -> Result<Self, ReaderError> {
        let name = c_name(reader)?;
        let mut card = match ctx.connect(&name, ShareMode::Shared, Protocols::T1) {
            Err(pcsc::Error::ProtoMismatch) => {
                ctx.connect(&name, ShareMode::Shared, Protocols::ANY)
            }
            other => other,
        }
        .map_err(|e| ReaderError::from_pcsc(e, Some(reader)))?;
        // Keep other programs out for as long as we are connected; the
        // transaction ends when `card` disconnects (on drop).
        let transaction = card
            .transaction()
            .map_err(|e| ReaderError::from_pcsc(e, Some(reader)))?;
        std::mem::forget(transaction);
        Ok(Self {
            inner: Mutex::new(Inner {
                card,
                buffer: vec![0; pcsc::MAX_BUFFER_SIZE_EXTENDED],
            }),
            reader: reader.to_owned(),
            capabilities: if extended_length {
                ReaderCapabilities::EXTENDED
            } else {
                ReaderCapabilities::SHORT_ONLY
            },
        })
    }

    /// The PC/SC name of the reader.
    pub fn reader(&self) -> &str {
        &self.reader
    }

    /// The card's answer-to-reset, if the reader reports it.
    pub fn atr(&self) -> Option<Vec<u8>> {
        let inner = self.lock();
        inner
            .card
            .status2_owned()
            .ok()
            .map(|s| s.atr().to_vec())
            .filter(|a| !a.is_empty())
    }

    /// Sends one APDU, blocking until the answer (or an error) comes.
    ///
    /// A card reset by someone else (or by WinSCard after a transaction held
    /// idle for about 5 seconds) is reported as [`TransportError::CardReset`]
    /// once the handle has reconnected, so the next command reaches the card
    /// in its after-reset state.
    pub fn transmit(&self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let mut inner = self.lock();
        let Inner { card, buffer } = &mut *inner;
        let error = match card.transmit(command, buffer) {
            Ok(response) => return check_response(response).map(<[u8]>::to_vec),
            Err(e) => e,
        };
        let mapped = map_transmit_error(error);
        if mapped == TransportError::CardReset {
            reconnect_after_reset(card)?;
        }
        Err(mapped)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves nothing half-done that matters:
        // the card handle stays valid.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl std::fmt::Debug for PcscTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcscTransport")
            .field("reader", &self.reader)
            .field("capabilities", &self.capabilities)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl CardTransport for PcscTransport {
    fn capabilities(&self) -> ReaderCapabilities {
        self.capabilities
    }

    async fn transceive(&self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.transmit(command)
    }
}

/// Reconnects a handle whose card was reset (leaving the card as it is) and
/// takes the transaction again. When that fails the card is as good as gone.
fn reconnect_after_reset(card: &mut Card) -> Result<(), TransportError> {
    match card.reconnect(ShareMode::Shared, Protocols::T1, Disposition::LeaveCard) {
        Err(pcsc::Error::ProtoMismatch) => {
            card.reconnect(ShareMode::Shared, Protocols::ANY, Disposition::LeaveCard)
        }
        other => other,
    }
    .map_err(|e| {
        tracing::warn!("reconnecting after a card reset failed: {e}");
        TransportError::TagLost
    })?;
    match card.transaction() {
        // Held until the card disconnects, as in `connect`.
        Ok(transaction) => std::mem::forget(transaction),
        Err(e) => tracing::warn!("no PC/SC transaction after the reset: {e}"),
    }
    Ok(())
}

/// What a PC/SC error during an exchange means to the card layer.
///
/// `SCARD_W_RESET_CARD`: the card was reset before this command was
/// transmitted (pcsc-lite and WinSCard check the reader's event counter first),
/// so the command did not reach it: [`TransportError::CardReset`]. A card that
/// was pulled out, lost power or stopped answering is treated like a phone
/// losing the tag: the command may or may not have reached the card.
pub fn map_transmit_error(error: pcsc::Error) -> TransportError {
    use pcsc::Error as E;
    match error {
        E::ResetCard => TransportError::CardReset,
        E::RemovedCard
        | E::NoSmartcard
        | E::UnpoweredCard
        | E::UnresponsiveCard
        | E::CommDataLost
        | E::ReaderUnavailable => TransportError::TagLost,
        E::Timeout | E::WaitedTooLong => TransportError::Timeout,
        other => TransportError::Io(other.to_string()),
    }
}

/// An answer without the two status bytes is no answer: the reader lost the
/// card during the exchange. vsmartcard's vpcd, for one, reports a card that
/// left mid-command as a successful exchange with an empty response. Like a
/// lost tag, the command may or may not have reached the card.
pub fn check_response(response: &[u8]) -> Result<&[u8], TransportError> {
    if response.len() < 2 {
        return Err(TransportError::TagLost);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn transport_is_send_and_sync() {
        assert_send_sync::<PcscTransport>();
    }

    #[test]
    fn an_answer_without_status_word_is_tag_loss() {
        assert_eq!(check_response(&[]), Err(TransportError::TagLost));
        assert_eq!(check_response(&[0x90]), Err(TransportError::TagLost));
        assert_eq!(check_response(&[0x90, 0x00]), Ok(&[0x90, 0x00][..]));
        assert_eq!(
            check_response(&[0x01, 0x63, 0xC2]),
            Ok(&[0x01, 0x63, 0xC2][..])
        );
    }

    #[test]
    fn card_loss_is_tag_loss() {
        assert_eq!(
            map_transmit_error(pcsc::Error::ResetCard),
            TransportError::CardReset,
            "a reset comes before the command: it is not a lost tag"
        );
        for e in [
            pcsc::Error::RemovedCard,
            pcsc::Error::NoSmartcard,
            pcsc::Error::UnpoweredCard,
            pcsc::Error::UnresponsiveCard,
            pcsc::Error::ReaderUnavailable,
        ] {
            assert_eq!(map_transmit_error(e), TransportError::TagLost, "{e:?}");
        }
        assert_eq!(
            map_transmit_error(pcsc::Error::Timeout),
            TransportError::Timeout
        );
        match map_transmit_error(pcsc::Error::SharingViolation) {
            TransportError::Io(m) => assert!(!m.is_empty()),
            other => panic!("{other:?}"),
        }
    }
}
