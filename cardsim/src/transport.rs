//! An in-memory [`CardTransport`] over a simulated card, with fault injection:
//! the tag lost (or a timeout) before a command reaches the card or after the
//! card processed it.
//!
//! Creating a transport is a new tap: the card's power session is reset.
//! After a loss every later exchange on the transport fails with `TagLost`
//! and the card's power session is reset (it left the field).
//!
//! Reader limits are enforced like a phone does: a command longer than
//! `max_command_len`, or an extended-length command on a reader without
//! extended length, fails with `TransportError::Io` and never reaches the
//! card; a response longer than `max_response_len` fails the same way after
//! the card processed the command.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use mynapoint_core::card::{CardTransport, ReaderCapabilities, TransportError};

use crate::card::SharedCard;
use crate::command_apdu::{ins, is_extended, CommandApdu};
use crate::pins::{App, PinId};

/// A fault planned for one exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The command never reaches the card; `TagLost`.
    LoseBefore,
    /// The card processes the command (and changes state); the response is lost: `TagLost`.
    LoseAfter,
    /// The command never reaches the card; `Timeout`.
    TimeoutBefore,
    /// The card processes the command; the answer never comes: `Timeout`.
    TimeoutAfter,
}

#[derive(Default)]
struct Inner {
    exchanges: usize,
    faults: BTreeMap<usize, Fault>,
    lost: bool,
    reached: Vec<Vec<u8>>,
    verifies: usize,
    verifies_by_key: BTreeMap<(App, u16), usize>,
}

/// One tap on a simulated card.
pub struct SimTransport {
    card: SharedCard,
    caps: ReaderCapabilities,
    inner: Mutex<Inner>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl SimTransport {
    /// A tap with an extended-length reader (like PC/SC).
    pub fn new(card: SharedCard) -> Self {
        SimTransport::with_capabilities(card, ReaderCapabilities::EXTENDED)
    }

    /// A tap with a phone that carries short APDUs only.
    pub fn short_only(card: SharedCard) -> Self {
        SimTransport::with_capabilities(card, ReaderCapabilities::SHORT_ONLY)
    }

    pub fn with_capabilities(card: SharedCard, caps: ReaderCapabilities) -> Self {
        lock(&card).power_reset();
        SimTransport {
            card,
            caps,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// The card behind this transport.
    pub fn card(&self) -> &SharedCard {
        &self.card
    }

    /// Plans `fault` for the `n`-th exchange on this transport (0-based).
    pub fn inject(&self, n: usize, fault: Fault) {
        lock(&self.inner).faults.insert(n, fault);
    }

    /// The `n`-th exchange never reaches the card: `TagLost`.
    pub fn lose_tag_before(&self, n: usize) {
        self.inject(n, Fault::LoseBefore);
    }

    /// The card processes the `n`-th command, then the response is lost: `TagLost`.
    pub fn lose_tag_after(&self, n: usize) {
        self.inject(n, Fault::LoseAfter);
    }

    /// The `n`-th exchange never reaches the card: `Timeout`.
    pub fn time_out_before(&self, n: usize) {
        self.inject(n, Fault::TimeoutBefore);
    }

    /// The card processes the `n`-th command, the answer never comes: `Timeout`.
    pub fn time_out_after(&self, n: usize) {
        self.inject(n, Fault::TimeoutAfter);
    }

    /// The card leaves the field now.
    pub fn remove_card(&self) {
        let mut inner = lock(&self.inner);
        self.lose(&mut inner);
    }

    pub fn is_lost(&self) -> bool {
        lock(&self.inner).lost
    }

    /// How many times `transceive` was called.
    pub fn exchanges(&self) -> usize {
        lock(&self.inner).exchanges
    }

    /// The command APDUs that reached the card, in order. Commands carrying a
    /// secret (VERIFY) keep only their header and length byte(s).
    pub fn commands_reached_card(&self) -> Vec<Vec<u8>> {
        lock(&self.inner).reached.clone()
    }

    /// How many VERIFY commands with a PIN (tries that may count) reached the card.
    pub fn verifies_reached_card(&self) -> usize {
        lock(&self.inner).verifies
    }

    /// How many VERIFY commands carrying a value reached key reference `ef`
    /// of `app` (e.g. `(App::CardInfo, 0x0014)`, 照合番号A), whatever the card
    /// answered. A VERIFY the card refused before finding a key (no key
    /// there, wrong P1 P2, an Le) is not counted here.
    pub fn verifies_reached_key(&self, app: App, ef: u16) -> usize {
        lock(&self.inner)
            .verifies_by_key
            .get(&(app, ef))
            .copied()
            .unwrap_or(0)
    }

    /// [`SimTransport::verifies_reached_key`] for the key reference of `pin`.
    pub fn verifies_reached_pin(&self, pin: PinId) -> usize {
        self.verifies_reached_key(pin.app(), pin.ef())
    }

    fn lose(&self, inner: &mut Inner) {
        inner.lost = true;
        lock(&self.card).power_reset();
    }

    fn exchange(&self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let mut inner = lock(&self.inner);
        let index = inner.exchanges;
        inner.exchanges += 1;
        if inner.lost {
            return Err(TransportError::TagLost);
        }
        let fault = inner.faults.get(&index).copied();
        match fault {
            Some(Fault::LoseBefore) => {
                self.lose(&mut inner);
                return Err(TransportError::TagLost);
            }
            Some(Fault::TimeoutBefore) => {
                self.lose(&mut inner);
                return Err(TransportError::Timeout);
            }
            _ => {}
        }
        if command.len() > self.caps.max_command_len {
            return Err(TransportError::Io(format!(
                "a command of {} bytes exceeds the reader's {}",
                command.len(),
                self.caps.max_command_len
            )));
        }
        if !self.caps.extended_length && is_extended(command) {
            return Err(TransportError::Io(
                "the reader cannot send extended-length APDUs".into(),
            ));
        }

        let (response, key) = lock(&self.card).process_traced(command);
        inner.reached.push(redacted(command));
        if command[..].starts_with(&[0x00, ins::VERIFY])
            && CommandApdu::parse(command).is_ok_and(|c| !c.data.is_empty())
        {
            inner.verifies += 1;
        }
        if let Some(key) = key {
            *inner.verifies_by_key.entry(key).or_default() += 1;
        }

        match fault {
            Some(Fault::LoseAfter) => {
                self.lose(&mut inner);
                Err(TransportError::TagLost)
            }
            Some(Fault::TimeoutAfter) => {
                self.lose(&mut inner);
                Err(TransportError::Timeout)
            }
            _ if response.len() > self.caps.max_response_len => Err(TransportError::Io(format!(
                "a response of {} bytes exceeds the reader's {}",
                response.len(),
                self.caps.max_response_len
            ))),
            _ => Ok(response),
        }
    }
}

/// The command as the log keeps it: no secret data.
fn redacted(command: &[u8]) -> Vec<u8> {
    if command.len() > 5 && CommandApdu::carries_secret(command[1]) {
        let header = if is_extended(command) { 7 } else { 5 };
        command[..header].to_vec()
    } else {
        command.to_vec()
    }
}

#[async_trait]
impl CardTransport for SimTransport {
    fn capabilities(&self) -> ReaderCapabilities {
        self.caps
    }

    async fn transceive(&self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.exchange(command)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_header_and_length_only() {
        assert_eq!(
            redacted(&[0x00, 0x20, 0x00, 0x80, 0x04, b'1', b'2', b'3', b'4']),
            vec![0x00, 0x20, 0x00, 0x80, 0x04]
        );
        assert_eq!(
            redacted(&[0x00, 0x20, 0x00, 0x80]),
            vec![0x00, 0x20, 0x00, 0x80]
        );
        assert_eq!(
            redacted(&[0x00, 0xB0, 0x00, 0x00, 0x00]),
            vec![0x00, 0xB0, 0x00, 0x00, 0x00]
        );
    }
}
