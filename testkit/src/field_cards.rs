//! Card helpers of the field app's tests: a card that is not a My Number
//! Card (it refuses the JPKI application), and person digests of the
//! standard cards as a roster holds them.

use async_trait::async_trait;
use mynapoint_contract::grant::{person_digest, PERSON_DIGEST_LEN, ROSTER_SALT_LEN};
use mynapoint_core::card::{CardTransport, ReaderCapabilities, TransportError};

use crate::cards::Card;

/// A contactless card of another kind (a transit card, a credit card): it
/// answers every SELECT with `6A82` (file or application not found,
/// ISO/IEC 7816-4) and every other command with `6D00`.
pub struct RefusesSelect;

#[async_trait]
impl CardTransport for RefusesSelect {
    fn capabilities(&self) -> ReaderCapabilities {
        ReaderCapabilities::SHORT_ONLY
    }

    async fn transceive(&self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        Ok(match command.get(1) {
            Some(0xA4) => vec![0x6A, 0x82],
            _ => vec![0x6D, 0x00],
        })
    }
}

/// `card`'s person digest under `salt`, as the platform writes it in a
/// synced roster.
pub fn digest_of(card: &Card, salt: &[u8; ROSTER_SALT_LEN]) -> [u8; PERSON_DIGEST_LEN] {
    let (issuer, cn) = card.person();
    person_digest(salt, &issuer, &cn)
}

/// A card that answers at once, for benchmarks of the core's own time: every
/// SELECT succeeds (`9000`), READ BINARY returns `certificate` from the
/// command's offset (P1-P2) for its Le (`00`: 256), then `9000`. Counts its
/// exchanges.
pub struct InstantCard {
    certificate: Vec<u8>,
    exchanges: std::sync::atomic::AtomicUsize,
}

impl InstantCard {
    pub fn new(certificate: &[u8]) -> Self {
        Self {
            certificate: certificate.to_vec(),
            exchanges: Default::default(),
        }
    }

    /// Exchanges so far.
    pub fn exchanges(&self) -> usize {
        self.exchanges.load(std::sync::atomic::Ordering::Relaxed)
    }
}

#[async_trait]
impl CardTransport for InstantCard {
    fn capabilities(&self) -> ReaderCapabilities {
        ReaderCapabilities::SHORT_ONLY
    }

    async fn transceive(&self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.exchanges
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        match command {
            [_, 0xB0, p1, p2, le] => {
                let offset = usize::from(*p1) << 8 | usize::from(*p2);
                let len = if *le == 0 { 256 } else { usize::from(*le) };
                let end = (offset + len).min(self.certificate.len());
                let mut out = self.certificate.get(offset..end).unwrap_or(&[]).to_vec();
                out.extend_from_slice(&[0x90, 0x00]);
                Ok(out)
            }
            [_, 0xA4, ..] => Ok(vec![0x90, 0x00]),
            _ => Ok(vec![0x6D, 0x00]),
        }
    }
}
