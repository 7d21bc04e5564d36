//! A simulated card: persistent state, power session, and (optionally) the
//! state file every change that matters is saved to before the response
//! leaves the card.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rsa::pkcs8::DecodePrivateKey;
use rsa::RsaPrivateKey;

use crate::apdu_engine::{Engine, Keys, PowerSession};
use crate::error::SimError;
use crate::pins::{App, PinId};
use crate::spec::CardSpec;
use crate::state::CardState;
use crate::status::Sw;

/// The ATR OpenSC's JPKI driver lists (OpenSC/OpenSC:src/libopensc/card-jpki.c
/// `jpki_atrs`): makes OpenSC pick its jpki driver.
pub const ATR: [u8; 9] = [0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14];

/// `6581`: memory failure — answered when a state change could not be saved.
pub const MEMORY_FAILURE: Sw = Sw::MEMORY_FAILURE;

/// A card shared between transports (taps) and the test that owns it.
pub type SharedCard = Arc<Mutex<SimCard>>;

/// A software My Number Card.
pub struct SimCard {
    state: CardState,
    keys: Keys,
    path: Option<PathBuf>,
    session: PowerSession,
    extended_length: bool,
}

impl std::fmt::Debug for SimCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimCard")
            .field("state", &self.state)
            .field("path", &self.path)
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

impl SimCard {
    /// A new card that lives in memory only.
    pub fn in_memory(spec: CardSpec) -> Result<SimCard, SimError> {
        SimCard::from_state(spec.build()?)
    }

    /// A card with this state, in memory only (clone a state to make many
    /// cards without generating keys again).
    pub fn from_state(state: CardState) -> Result<SimCard, SimError> {
        state.check().map_err(SimError::Spec)?;
        let key = |der: &[u8]| RsaPrivateKey::from_pkcs8_der(der).map_err(SimError::crypto);
        let keys = Keys {
            auth: key(&state.auth_key_pkcs8)?,
            sign: key(&state.sign_key_pkcs8)?,
        };
        Ok(SimCard {
            extended_length: state.extended_length,
            state,
            keys,
            path: None,
            session: PowerSession::default(),
        })
    }

    /// Opens a card from its state file; later changes are saved to it.
    pub fn open(path: impl AsRef<Path>) -> Result<SimCard, SimError> {
        let path = path.as_ref();
        let mut card = SimCard::from_state(CardState::load(path)?)?;
        card.path = Some(path.to_owned());
        Ok(card)
    }

    /// Creates a new card and its state file. Refuses to replace a file.
    pub fn create_file(path: impl AsRef<Path>, spec: CardSpec) -> Result<SimCard, SimError> {
        let path = path.as_ref();
        if path.exists() {
            return Err(SimError::Exists(path.to_owned()));
        }
        SimCard::create_file_replacing(path, spec)
    }

    /// Creates a new card and its state file, replacing any file there.
    pub fn create_file_replacing(
        path: impl AsRef<Path>,
        spec: CardSpec,
    ) -> Result<SimCard, SimError> {
        let mut card = SimCard::in_memory(spec)?;
        card.persist_to(path)?;
        Ok(card)
    }

    /// Saves the card to `path` now and after every later change.
    pub fn persist_to(&mut self, path: impl AsRef<Path>) -> Result<(), SimError> {
        let path = path.as_ref();
        self.state.save(path)?;
        self.path = Some(path.to_owned());
        Ok(())
    }

    /// Wraps the card for sharing with transports.
    pub fn shared(self) -> SharedCard {
        Arc::new(Mutex::new(self))
    }

    pub fn state(&self) -> &CardState {
        &self.state
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn atr(&self) -> &'static [u8] {
        &ATR
    }

    /// Processes one command APDU; returns the response APDU (≥ 2 bytes).
    /// A change to retry counters is saved before this returns; if the save
    /// fails the answer is `6581` (the change stays in memory: a try counts).
    pub fn process(&mut self, apdu: &[u8]) -> Vec<u8> {
        self.process_traced(apdu).0
    }

    /// [`SimCard::process`], and the key reference (application, EF id) a
    /// VERIFY carrying a value reached, if the command was one.
    pub fn process_traced(&mut self, apdu: &[u8]) -> (Vec<u8>, Option<(App, u16)>) {
        let mut engine = Engine {
            state: &mut self.state,
            keys: &self.keys,
            session: &mut self.session,
            extended_length: self.extended_length,
            state_changed: false,
            verify_reached: None,
        };
        let response = engine.process(apdu);
        let reached = engine.verify_reached;
        if engine.state_changed {
            if let Some(path) = &self.path {
                if self.state.save(path).is_err() {
                    return (MEMORY_FAILURE.to_bytes().to_vec(), reached);
                }
            }
        }
        (response, reached)
    }

    /// Power off, power on or reset: the selection and every verified
    /// secret are forgotten. A file-backed card also re-reads its state file,
    /// so a `cardsim reset-pin` run while the card is attached takes effect
    /// at the next power-on (an unreadable file is ignored).
    pub fn power_reset(&mut self) {
        self.session = PowerSession::default();
        if let Some(path) = &self.path {
            if let Ok(on_disk) = CardState::load(path) {
                if on_disk != self.state {
                    if let Ok(fresh) = SimCard::from_state(on_disk) {
                        self.state = fresh.state;
                        self.keys = fresh.keys;
                    }
                }
            }
        }
    }

    /// Municipal-counter reset: a new secret and a full retry counter.
    /// 照合番号A cannot be set (it is the My Number): use
    /// [`SimCard::reset_counter`]. Bad input changes nothing.
    pub fn reset_pin(&mut self, pin: PinId, new_pin: &str) -> Result<(), SimError> {
        if !pin.can_be_set() {
            return Err(SimError::Spec(format!(
                "the {pin} is the card's My Number and cannot be set; reset its counter only"
            )));
        }
        pin.check_format(new_pin).map_err(SimError::Spec)?;
        self.replace_slot(pin, Some(new_pin))
    }

    /// Municipal-counter reset of the retry counter only: the secret stays.
    pub fn reset_counter(&mut self, pin: PinId) -> Result<(), SimError> {
        self.replace_slot(pin, None)
    }

    fn replace_slot(&mut self, pin: PinId, new_value: Option<&str>) -> Result<(), SimError> {
        let mut next = self.state.clone();
        let slot = next.pins.get_mut(pin);
        if let Some(value) = new_value {
            slot.value = value.to_owned();
        }
        slot.tries_left = pin.max_tries();
        if let Some(path) = &self.path {
            next.save(path)?;
        }
        self.state = next;
        self.session.verified.remove(&pin);
        Ok(())
    }

    pub fn tries_left(&self, pin: PinId) -> u8 {
        self.state.pins.get(pin).tries_left
    }

    /// Whether `pin` was verified in the current power session.
    pub fn is_verified(&self, pin: PinId) -> bool {
        self.session.verified.contains(&pin)
    }

    pub fn extended_length(&self) -> bool {
        self.extended_length
    }

    /// Switches extended-length support for as long as this `SimCard` lives
    /// (the state file keeps the value it was created with).
    pub fn set_extended_length(&mut self, on: bool) {
        self.extended_length = on;
    }

    pub fn auth_certificate_der(&self) -> &[u8] {
        &self.state.auth_cert
    }

    pub fn sign_certificate_der(&self) -> &[u8] {
        &self.state.sign_cert
    }

    pub fn ca_certificate_der(&self) -> &[u8] {
        &self.state.ca_cert
    }
}
