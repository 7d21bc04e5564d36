//! Everything a card keeps across power cycles, and its JSON state file.
//!
//! The file is a simulator's: it holds the PINs and private keys in clear
//! (base64), so it is written with owner-only permissions. Saves are atomic
//! (temporary file + rename) so a crash never leaves half a card.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::SimError;
use crate::personal::Personal;
use crate::pins::PinId;

/// The version of the state file layout. 2 added 照合番号A (`pins.code_a`);
/// a format-1 file is migrated when read (see [`CardState::from_json`]).
pub const STATE_FORMAT: u32 = 2;

/// One secret and its retry counter.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinSlot {
    pub value: String,
    pub tries_left: u8,
}

impl PinSlot {
    pub fn fresh(pin: PinId, value: &str) -> Self {
        PinSlot {
            value: value.to_owned(),
            tries_left: pin.max_tries(),
        }
    }

    pub fn is_locked(&self) -> bool {
        self.tries_left == 0
    }
}

/// The secrets, one slot (value and retry counter) per key reference.
/// Card-info AP `0012` has none: it is blocked as issued.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pins {
    pub auth: PinSlot,
    pub sign: PinSlot,
    pub card_info: PinSlot,
    /// 照合番号A: its value is always the My Number.
    pub code_a: PinSlot,
    pub code_b: PinSlot,
}

impl Pins {
    pub fn get(&self, pin: PinId) -> &PinSlot {
        match pin {
            PinId::Auth => &self.auth,
            PinId::Sign => &self.sign,
            PinId::CardInfo => &self.card_info,
            PinId::CodeA => &self.code_a,
            PinId::CodeB => &self.code_b,
        }
    }

    pub fn get_mut(&mut self, pin: PinId) -> &mut PinSlot {
        match pin {
            PinId::Auth => &mut self.auth,
            PinId::Sign => &mut self.sign,
            PinId::CardInfo => &mut self.card_info,
            PinId::CodeA => &mut self.code_a,
            PinId::CodeB => &mut self.code_b,
        }
    }
}

/// The persistent content of a card.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardState {
    pub format: u32,
    pub pins: Pins,
    pub personal: Personal,
    /// The card's expiry year (part of 照合番号B), for display.
    pub card_expiry_year: u32,
    /// User-authentication private key, PKCS#8 DER.
    #[serde(with = "b64")]
    pub auth_key_pkcs8: Vec<u8>,
    /// User-authentication certificate, DER (EF 000A).
    #[serde(with = "b64")]
    pub auth_cert: Vec<u8>,
    /// Signature private key, PKCS#8 DER.
    #[serde(with = "b64")]
    pub sign_key_pkcs8: Vec<u8>,
    /// Signature certificate, DER (EF 0001).
    #[serde(with = "b64")]
    pub sign_cert: Vec<u8>,
    /// The issuing CA's certificate, DER (EF 000B and EF 0002).
    #[serde(with = "b64")]
    pub ca_cert: Vec<u8>,
    /// Whether the card accepts extended-length APDUs.
    pub extended_length: bool,
}

impl fmt::Debug for CardState {
    // PINs, keys and personal data stay out of Debug output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CardState")
            .field("auth_tries_left", &self.pins.auth.tries_left)
            .field("sign_tries_left", &self.pins.sign.tries_left)
            .field("card_info_tries_left", &self.pins.card_info.tries_left)
            .field("code_a_tries_left", &self.pins.code_a.tries_left)
            .field("code_b_tries_left", &self.pins.code_b.tries_left)
            .field("auth_cert_len", &self.auth_cert.len())
            .field("extended_length", &self.extended_length)
            .finish_non_exhaustive()
    }
}

impl CardState {
    /// Checks what a hand-edited or damaged file could get wrong.
    pub fn check(&self) -> Result<(), String> {
        if self.format != STATE_FORMAT {
            return Err(format!(
                "state format {} (this cardsim reads {STATE_FORMAT})",
                self.format
            ));
        }
        for pin in PinId::ALL {
            let slot = self.pins.get(pin);
            pin.check_format(&slot.value)?;
            if slot.tries_left > pin.max_tries() {
                return Err(format!(
                    "the {pin} has {} tries left, more than its {}",
                    slot.tries_left,
                    pin.max_tries()
                ));
            }
        }
        self.personal.check()?;
        if self.pins.code_a.value != self.personal.my_number {
            return Err("照合番号A must be the card's My Number".into());
        }
        for (what, der) in [
            ("user-authentication certificate", &self.auth_cert),
            ("signature certificate", &self.sign_cert),
            ("CA certificate", &self.ca_cert),
        ] {
            if der.is_empty() || der.len() > 0x7FFF {
                return Err(format!("the {what} is empty or too large for a card file"));
            }
        }
        Ok(())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("card state serialises")
    }

    /// Reads a state file's JSON. A format-1 file (before 照合番号A was
    /// modelled) is migrated: its secrets and counters are kept and 照合番号A
    /// gets the My Number with a full counter. Any other format is refused.
    pub fn from_json(json: &str) -> Result<CardState, String> {
        let mut value: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
        match value.get("format").and_then(serde_json::Value::as_u64) {
            Some(1) => migrate_from_format_1(&mut value)?,
            Some(n) if n == u64::from(STATE_FORMAT) => {}
            Some(n) => {
                return Err(format!(
                    "state format {n}: this cardsim reads formats 1 and {STATE_FORMAT}; \
                     create the card again with `cardsim create --force`"
                ))
            }
            None => return Err("no state format number".into()),
        }
        let state: CardState = serde_json::from_value(value).map_err(|e| e.to_string())?;
        state.check()?;
        Ok(state)
    }

    /// Reads and checks a state file.
    pub fn load(path: &Path) -> Result<CardState, SimError> {
        let json = fs::read_to_string(path).map_err(|e| SimError::io(path, e))?;
        CardState::from_json(&json).map_err(|reason| SimError::BadState {
            path: path.to_owned(),
            reason,
        })
    }

    /// Writes the state atomically: a temporary file in the same directory,
    /// flushed to disk, then renamed over `path`.
    pub fn save(&self, path: &Path) -> Result<(), SimError> {
        let tmp = temp_path(path);
        let result =
            write_synced(&tmp, self.to_json().as_bytes()).and_then(|()| fs::rename(&tmp, path));
        if let Err(e) = result {
            let _ = fs::remove_file(&tmp);
            return Err(SimError::io(path, e));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Make the rename itself durable; not every platform allows it.
            if let Ok(d) = fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

/// Format 1 had no 照合番号A slot (and its `code_b` was the same 14-digit
/// secret, then wrongly modelled at `0014`): add `pins.code_a`.
fn migrate_from_format_1(value: &mut serde_json::Value) -> Result<(), String> {
    let my_number = value
        .pointer("/personal/my_number")
        .and_then(serde_json::Value::as_str)
        .ok_or("format-1 state without personal.my_number")?
        .to_owned();
    let pins = value
        .get_mut("pins")
        .and_then(serde_json::Value::as_object_mut)
        .ok_or("format-1 state without pins")?;
    let slot = PinSlot::fresh(PinId::CodeA, &my_number);
    pins.insert(
        "code_a".into(),
        serde_json::to_value(slot).map_err(|e| e.to_string())?,
    );
    value["format"] = STATE_FORMAT.into();
    Ok(())
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp-{}", std::process::id()));
    path.with_file_name(name)
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

mod b64 {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD
            .decode(text.as_bytes())
            .map_err(serde::de::Error::custom)
    }
}
