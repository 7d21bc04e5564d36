//! The command processor: one command APDU in, one response APDU out, the way
//! a My Number Card answers. Never panics; every problem is a status word.
//!
//! Choices where no real card was observed (see `card-protocol.md`):
//! - READ BINARY of a PIN or key file: `6982`. With no EF selected: `6986`.
//! - COMPUTE DIGITAL SIGNATURE when the current EF is not a key: `6985`.
//!   Le may be absent or ≥ 256 (short `00`); a smaller Le is `6700`. The
//!   data must be 1–245 bytes (what PKCS#1 v1.5 padding leaves room for).
//! - VERIFY with data and an Le: `6700`, no try spent. VERIFY on anything that
//!   is not a PIN file of the current application: `6A88`.
//! - READ BINARY without Le, or with data: `6700`.
//! - SELECT by AID with no data: `6700`; by file id with other than 2 bytes: `6700`.
//! - A failed SELECT keeps the current selection.

use std::collections::BTreeSet;

use mynapoint_core::card::apdu::{ins, Command};
use mynapoint_core::card::StatusWord;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};

use crate::layout::{self, EfKind};
use crate::pins::{App, PinId};
use crate::state::CardState;

/// `6A88`: referenced data (the PIN) not found.
pub const REF_DATA_NOT_FOUND: StatusWord = StatusWord(0x6A88);
/// `6986`: command not allowed, no current EF.
pub const NO_CURRENT_EF: StatusWord = StatusWord(0x6986);
/// `6F00`: no precise diagnosis (an internal failure).
pub const NO_DIAGNOSIS: StatusWord = StatusWord(0x6F00);
/// The largest DigestInfo an RSA-2048 PKCS#1 v1.5 signature can wrap.
pub const MAX_SIGN_INPUT: usize = 256 - 11;

/// What lives only while the card has power.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PowerSession {
    /// `None`: the MF.
    pub app: Option<App>,
    pub ef: Option<u16>,
    pub verified: BTreeSet<PinId>,
}

/// The card's private keys, parsed.
pub struct Keys {
    pub auth: RsaPrivateKey,
    pub sign: RsaPrivateKey,
}

/// One command's processing over the card's state.
pub struct Engine<'a> {
    pub state: &'a mut CardState,
    pub keys: &'a Keys,
    pub session: &'a mut PowerSession,
    pub extended_length: bool,
    /// Set when the persistent state changed and must be saved before the
    /// response leaves the card.
    pub state_changed: bool,
}

struct Reply {
    data: Vec<u8>,
    sw: StatusWord,
}

impl From<StatusWord> for Reply {
    fn from(sw: StatusWord) -> Self {
        Reply {
            data: Vec::new(),
            sw,
        }
    }
}

impl Reply {
    fn ok(data: Vec<u8>) -> Self {
        Reply {
            data,
            sw: StatusWord::OK,
        }
    }
}

/// Whether the bytes use extended length fields (`00 HH LL` after the header).
/// Short APDUs never have a zero Lc, so a body starting with `00` and at least
/// three bytes long is extended.
pub fn is_extended(apdu: &[u8]) -> bool {
    apdu.len() >= 7 && apdu[4] == 0x00
}

impl Engine<'_> {
    /// Processes one command APDU and returns the response APDU (≥ 2 bytes).
    pub fn process(&mut self, apdu: &[u8]) -> Vec<u8> {
        let reply = self.dispatch(apdu);
        let mut out = reply.data;
        out.extend_from_slice(&reply.sw.to_bytes());
        out
    }

    fn dispatch(&mut self, apdu: &[u8]) -> Reply {
        if apdu.len() < 4 || (is_extended(apdu) && !self.extended_length) {
            return StatusWord::WRONG_LENGTH.into();
        }
        let Ok(cmd) = Command::parse(apdu) else {
            return StatusWord::WRONG_LENGTH.into();
        };
        match (cmd.cla, cmd.ins) {
            (0x00, ins::SELECT) => self.select(&cmd),
            (0x00, ins::READ_BINARY) => self.read_binary(&cmd),
            (0x00, ins::VERIFY) => self.verify(&cmd),
            (0x80, ins::COMPUTE_DIGITAL_SIGNATURE) => self.sign(&cmd),
            (0x00 | 0x80, _) => StatusWord::INS_NOT_SUPPORTED.into(),
            _ => StatusWord::CLA_NOT_SUPPORTED.into(),
        }
    }

    fn select(&mut self, cmd: &Command) -> Reply {
        if !matches!(cmd.p2, 0x0C | 0x00 | 0x04) {
            return StatusWord::WRONG_P1P2.into();
        }
        match (cmd.p1, cmd.data.as_slice()) {
            (0x04, []) => StatusWord::WRONG_LENGTH.into(),
            (0x04, aid) => match App::from_aid(aid) {
                Some(app) => self.enter(Some(app)),
                None => StatusWord::NOT_FOUND.into(),
            },
            (0x00, [] | [0x3F, 0x00]) => self.enter(None),
            (0x00 | 0x02, [hi, lo]) => self.select_ef(u16::from_be_bytes([*hi, *lo])),
            (0x00 | 0x02, _) => StatusWord::WRONG_LENGTH.into(),
            _ => StatusWord::WRONG_P1P2.into(),
        }
    }

    /// Selecting an application (or the MF) drops every verified secret.
    fn enter(&mut self, app: Option<App>) -> Reply {
        *self.session = PowerSession {
            app,
            ..PowerSession::default()
        };
        StatusWord::OK.into()
    }

    fn select_ef(&mut self, ef: u16) -> Reply {
        let found = self
            .session
            .app
            .is_some_and(|app| layout::ef_kind(app, ef).is_some());
        if !found {
            return StatusWord::NOT_FOUND.into();
        }
        self.session.ef = Some(ef);
        StatusWord::OK.into()
    }

    fn current(&self) -> Option<(App, u16, EfKind)> {
        let (app, ef) = (self.session.app?, self.session.ef?);
        Some((app, ef, layout::ef_kind(app, ef)?))
    }

    fn read_binary(&mut self, cmd: &Command) -> Reply {
        if cmd.p1 & 0x80 != 0 {
            return StatusWord::WRONG_P1P2.into(); // SFI form: not modelled
        }
        let Some(le) = cmd.le.filter(|_| cmd.data.is_empty()) else {
            return StatusWord::WRONG_LENGTH.into();
        };
        let Some((app, ef, kind)) = self.current() else {
            return NO_CURRENT_EF.into();
        };
        let EfKind::Data(access) = kind else {
            return StatusWord::SECURITY_NOT_SATISFIED.into();
        };
        if !access.allows(|pin| self.session.verified.contains(&pin)) {
            return StatusWord::SECURITY_NOT_SATISFIED.into();
        }
        let content = layout::contents(self.state, app, ef);
        let offset = usize::from(u16::from_be_bytes([cmd.p1, cmd.p2]));
        if offset >= content.len() {
            return StatusWord::OFFSET_BEYOND_END.into();
        }
        let end = content.len().min(offset + le);
        Reply::ok(content[offset..end].to_vec())
    }

    /// The PIN a VERIFY addresses: P2 `80` = the current EF, `80|SFI` = EF
    /// `00 SFI` of the current application.
    fn verify_target(&self, p2: u8) -> Result<PinId, StatusWord> {
        let ef = match p2 {
            0x80 => self.session.ef,
            0x81..=0x9E => Some(u16::from(p2 & 0x1F)),
            _ => return Err(StatusWord::WRONG_P1P2),
        };
        match (self.session.app, ef) {
            (Some(app), Some(ef)) => PinId::from_ef(app, ef).ok_or(REF_DATA_NOT_FOUND),
            _ => Err(REF_DATA_NOT_FOUND),
        }
    }

    fn verify(&mut self, cmd: &Command) -> Reply {
        if cmd.p1 != 0x00 {
            return StatusWord::WRONG_P1P2.into();
        }
        let pin = match self.verify_target(cmd.p2) {
            Ok(pin) => pin,
            Err(sw) => return sw.into(),
        };
        if cmd.le.is_some() {
            // `00 20 00 80 00` (the 5-byte query) and VERIFY with an Le.
            return StatusWord::WRONG_LENGTH.into();
        }
        let slot = self.state.pins.get_mut(pin);
        if cmd.data.is_empty() {
            // Retry-counter query: never spends a try.
            return if self.session.verified.contains(&pin) {
                StatusWord::OK.into()
            } else {
                StatusWord::tries_left(slot.tries_left).into()
            };
        }
        if slot.is_locked() {
            return StatusWord::REF_DATA_BLOCKED.into();
        }
        if constant_time_eq(&cmd.data, slot.value.as_bytes()) {
            if slot.tries_left != pin.max_tries() {
                slot.tries_left = pin.max_tries();
                self.state_changed = true;
            }
            self.session.verified.insert(pin);
            StatusWord::OK.into()
        } else {
            // A wrong-length PIN counts as a wrong try.
            slot.tries_left -= 1;
            self.state_changed = true;
            self.session.verified.remove(&pin);
            StatusWord::tries_left(slot.tries_left).into()
        }
    }

    fn sign(&mut self, cmd: &Command) -> Reply {
        if (cmd.p1, cmd.p2) != (0x00, 0x80) {
            return StatusWord::WRONG_P1P2.into();
        }
        let Some((_, _, EfKind::Key(pin))) = self.current() else {
            return StatusWord::CONDITIONS_NOT_SATISFIED.into();
        };
        if !self.session.verified.contains(&pin) {
            return StatusWord::SECURITY_NOT_SATISFIED.into();
        }
        if cmd.data.is_empty()
            || cmd.data.len() > MAX_SIGN_INPUT
            || cmd.le.is_some_and(|le| le < 256)
        {
            return StatusWord::WRONG_LENGTH.into();
        }
        let key = match pin {
            PinId::Sign => &self.keys.sign,
            _ => &self.keys.auth,
        };
        match key.sign(Pkcs1v15Sign::new_unprefixed(), &cmd.data) {
            Ok(signature) => Reply::ok(signature),
            Err(_) => NO_DIAGNOSIS.into(),
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extended_detection() {
        assert!(!is_extended(&[0x00, 0xB0, 0x00, 0x00, 0x00]));
        assert!(is_extended(&[0x00, 0xB0, 0x00, 0x00, 0x00, 0x10, 0x00]));
        assert!(!is_extended(&[0x00, 0x20, 0x00, 0x80, 0x04, 1, 2, 3, 4]));
        assert!(!is_extended(&[0x00, 0x20, 0x00, 0x80]));
    }

    #[test]
    fn constant_time_compare() {
        assert!(constant_time_eq(b"1234", b"1234"));
        assert!(!constant_time_eq(b"1234", b"1235"));
        assert!(!constant_time_eq(b"123", b"1234"));
    }
}
