//! The command processor: one command APDU in, one response APDU out, the way
//! a My Number Card answers. Never panics; every problem is a status word.
//!
//! Choices where no real card was observed (see `card-protocol.md`):
//! - READ BINARY of a PIN or key file: `6982`. With no EF selected: `6986`.
//! - COMPUTE DIGITAL SIGNATURE when the current EF is not a key: `6985`.
//!   Le may be absent or ≥ 256 (short `00`); a smaller Le is `6700`. The
//!   data must be 1–245 bytes (what PKCS#1 v1.5 padding leaves room for).
//! - VERIFY with data and an Le: `6700`, no try spent. VERIFY on anything that
//!   is not a key reference of the current application: `6A88`.
//! - A VERIFY value of the wrong length counts as a wrong try (so 14 digits
//!   sent to 照合番号A at `0014` spend one of its tries, as they would on a
//!   real card).
//! - READ BINARY without Le, or with data: `6700`.
//! - SELECT by AID with no data: `6700`; by file id with other than 2 bytes: `6700`.
//! - A failed SELECT keeps the current selection.

use std::collections::BTreeSet;

use rsa::{Pkcs1v15Sign, RsaPrivateKey};

use crate::command_apdu::{ins, is_extended, CommandApdu};
use crate::layout::{self, EfKind};
use crate::pins::{App, PinId};
use crate::state::CardState;
use crate::status::Sw;

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

/// What a VERIFY reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyRef {
    Secret(PinId),
    /// Card-info AP `0012`.
    Blocked,
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
    /// The key reference (application, EF id) a VERIFY carrying a value
    /// reached, whatever the card answered; `None` for every other command.
    pub verify_reached: Option<(App, u16)>,
}

struct Reply {
    data: Vec<u8>,
    sw: Sw,
}

impl From<Sw> for Reply {
    fn from(sw: Sw) -> Self {
        Reply {
            data: Vec::new(),
            sw,
        }
    }
}

impl Reply {
    fn ok(data: Vec<u8>) -> Self {
        Reply { data, sw: Sw::OK }
    }
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
            return Sw::WRONG_LENGTH.into();
        }
        let Ok(cmd) = CommandApdu::parse(apdu) else {
            return Sw::WRONG_LENGTH.into();
        };
        match (cmd.cla, cmd.ins) {
            (0x00, ins::SELECT) => self.select(&cmd),
            (0x00, ins::READ_BINARY) => self.read_binary(&cmd),
            (0x00, ins::VERIFY) => self.verify(&cmd),
            (0x80, ins::COMPUTE_DIGITAL_SIGNATURE) => self.sign(&cmd),
            (0x00 | 0x80, _) => Sw::INS_NOT_SUPPORTED.into(),
            _ => Sw::CLA_NOT_SUPPORTED.into(),
        }
    }

    fn select(&mut self, cmd: &CommandApdu) -> Reply {
        if !matches!(cmd.p2, 0x0C | 0x00 | 0x04) {
            return Sw::WRONG_P1P2.into();
        }
        match (cmd.p1, cmd.data) {
            (0x04, []) => Sw::WRONG_LENGTH.into(),
            (0x04, aid) => match App::from_aid(aid) {
                Some(app) => self.enter(Some(app)),
                None => Sw::NOT_FOUND.into(),
            },
            (0x00, [] | [0x3F, 0x00]) => self.enter(None),
            (0x00 | 0x02, [hi, lo]) => self.select_ef(u16::from_be_bytes([*hi, *lo])),
            (0x00 | 0x02, _) => Sw::WRONG_LENGTH.into(),
            _ => Sw::WRONG_P1P2.into(),
        }
    }

    /// Selecting an application (or the MF) drops every verified secret.
    fn enter(&mut self, app: Option<App>) -> Reply {
        *self.session = PowerSession {
            app,
            ..PowerSession::default()
        };
        Sw::OK.into()
    }

    fn select_ef(&mut self, ef: u16) -> Reply {
        let found = self
            .session
            .app
            .is_some_and(|app| layout::ef_kind(app, ef).is_some());
        if !found {
            return Sw::NOT_FOUND.into();
        }
        self.session.ef = Some(ef);
        Sw::OK.into()
    }

    fn current(&self) -> Option<(App, u16, EfKind)> {
        let (app, ef) = (self.session.app?, self.session.ef?);
        Some((app, ef, layout::ef_kind(app, ef)?))
    }

    fn read_binary(&mut self, cmd: &CommandApdu) -> Reply {
        if cmd.p1 & 0x80 != 0 {
            return Sw::WRONG_P1P2.into(); // SFI form: not modelled
        }
        let Some(le) = cmd.le.filter(|_| cmd.data.is_empty()) else {
            return Sw::WRONG_LENGTH.into();
        };
        let Some((app, ef, kind)) = self.current() else {
            return Sw::NO_CURRENT_EF.into();
        };
        let EfKind::Data(access) = kind else {
            return Sw::SECURITY_NOT_SATISFIED.into();
        };
        if !access.allows(|pin| self.session.verified.contains(&pin)) {
            return Sw::SECURITY_NOT_SATISFIED.into();
        }
        let content = layout::contents(self.state, app, ef);
        let offset = usize::from(u16::from_be_bytes([cmd.p1, cmd.p2]));
        if offset >= content.len() {
            return Sw::OFFSET_BEYOND_END.into();
        }
        let end = content.len().min(offset + le);
        Reply::ok(content[offset..end].to_vec())
    }

    /// The key reference a VERIFY addresses: P2 `80` = the current EF,
    /// `80|SFI` = EF `00 SFI` of the current application (soltia48/myna-card:
    /// src/card.rs, JICSAP 4.2 (2)). `6A88` when there is none there.
    fn verify_target(&self, p2: u8) -> Result<(App, u16, KeyRef), Sw> {
        let ef = match p2 {
            0x80 => self.session.ef,
            0x81..=0x9E => Some(u16::from(p2 & 0x1F)),
            _ => return Err(Sw::WRONG_P1P2),
        };
        let (Some(app), Some(ef)) = (self.session.app, ef) else {
            return Err(Sw::REF_DATA_NOT_FOUND);
        };
        match layout::ef_kind(app, ef) {
            Some(EfKind::Pin(pin)) => Ok((app, ef, KeyRef::Secret(pin))),
            Some(EfKind::BlockedKey) => Ok((app, ef, KeyRef::Blocked)),
            _ => Err(Sw::REF_DATA_NOT_FOUND),
        }
    }

    fn verify(&mut self, cmd: &CommandApdu) -> Reply {
        if cmd.p1 != 0x00 {
            return Sw::WRONG_P1P2.into();
        }
        let (app, ef, key) = match self.verify_target(cmd.p2) {
            Ok(target) => target,
            Err(sw) => return sw.into(),
        };
        if cmd.le.is_some() {
            // `00 20 00 80 00` (the 5-byte query) and VERIFY with an Le.
            return Sw::WRONG_LENGTH.into();
        }
        if !cmd.data.is_empty() {
            self.verify_reached = Some((app, ef));
        }
        let pin = match key {
            // soltia48/myna-card:src/ap/text.rs `BLOCKED_0012`: the query
            // answers 63C0 and a VERIFY 6984; no counter moves.
            KeyRef::Blocked if cmd.data.is_empty() => return Sw::tries_left(0).into(),
            KeyRef::Blocked => return Sw::REF_DATA_BLOCKED.into(),
            KeyRef::Secret(pin) => pin,
        };
        let slot = self.state.pins.get_mut(pin);
        if cmd.data.is_empty() {
            // Retry-counter query: never spends a try.
            return if self.session.verified.contains(&pin) {
                Sw::OK.into()
            } else {
                Sw::tries_left(slot.tries_left).into()
            };
        }
        if slot.is_locked() {
            return Sw::REF_DATA_BLOCKED.into();
        }
        if constant_time_eq(cmd.data, slot.value.as_bytes()) {
            if slot.tries_left != pin.max_tries() {
                slot.tries_left = pin.max_tries();
                self.state_changed = true;
            }
            self.session.verified.insert(pin);
            Sw::OK.into()
        } else {
            // A wrong-length value counts as a wrong try.
            slot.tries_left -= 1;
            self.state_changed = true;
            self.session.verified.remove(&pin);
            Sw::tries_left(slot.tries_left).into()
        }
    }

    fn sign(&mut self, cmd: &CommandApdu) -> Reply {
        if (cmd.p1, cmd.p2) != (0x00, 0x80) {
            return Sw::WRONG_P1P2.into();
        }
        let Some((_, _, EfKind::Key(pin))) = self.current() else {
            return Sw::CONDITIONS_NOT_SATISFIED.into();
        };
        if !self.session.verified.contains(&pin) {
            return Sw::SECURITY_NOT_SATISFIED.into();
        }
        if cmd.data.is_empty()
            || cmd.data.len() > MAX_SIGN_INPUT
            || cmd.le.is_some_and(|le| le < 256)
        {
            return Sw::WRONG_LENGTH.into();
        }
        let key = match pin {
            PinId::Sign => &self.keys.sign,
            _ => &self.keys.auth,
        };
        match key.sign(Pkcs1v15Sign::new_unprefixed(), cmd.data) {
            Ok(signature) => Reply::ok(signature),
            Err(_) => Sw::NO_DIAGNOSIS.into(),
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
    fn constant_time_compare() {
        assert!(constant_time_eq(b"1234", b"1234"));
        assert!(!constant_time_eq(b"1234", b"1235"));
        assert!(!constant_time_eq(b"123", b"1234"));
    }
}
