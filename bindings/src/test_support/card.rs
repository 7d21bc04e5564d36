//! A simulated card (cardsim, in memory) that a Kotlin test transport
//! drives APDU by APDU.

use std::sync::{Arc, Mutex, MutexGuard};

use cardsim::command_apdu::{ins, CommandApdu};
use cardsim::{CardSpec, PinId, SharedCard, SimCard};

use super::TestSetupError;
use crate::records::PinKind;

/// A software My Number Card: RSA-2048 keys, certificates from cardsim's
/// stable test CA (the embedded platform trusts it).
#[derive(uniffi::Object)]
pub struct SimulatedCard {
    card: SharedCard,
    verifies: Mutex<u32>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn pin_id(kind: PinKind) -> PinId {
    match kind {
        PinKind::UserAuth => PinId::Auth,
        PinKind::CardInfo => PinId::CardInfo,
        PinKind::CardInfoCodeB => PinId::CodeB,
    }
}

#[uniffi::export]
impl SimulatedCard {
    /// A new card with user-authentication PIN `pin` (4 digits) and
    /// 照合番号B `code_b` (14 digits). Takes about a second (RSA keys).
    #[uniffi::constructor]
    pub fn new(pin: String, code_b: String) -> Result<Arc<Self>, TestSetupError> {
        let spec = CardSpec::new().auth_pin(&pin).code_b(&code_b);
        let card = SimCard::in_memory(spec).map_err(|e| TestSetupError::Failed {
            reason: e.to_string(),
        })?;
        Ok(Arc::new(Self {
            card: card.shared(),
            verifies: Mutex::new(0),
        }))
    }

    /// The card enters the field: a new power session (nothing selected or verified).
    pub fn power_on(&self) {
        lock(&self.card).power_reset();
    }

    /// Processes one command APDU; returns the response (data, SW1 SW2).
    pub fn exchange(&self, command: Vec<u8>) -> Vec<u8> {
        if let Ok(apdu) = CommandApdu::parse(&command) {
            if apdu.ins == ins::VERIFY && !apdu.data.is_empty() {
                *lock(&self.verifies) += 1;
            }
        }
        lock(&self.card).process(&command)
    }

    /// Tries left on the card for `pin` (what the card holds, for assertions).
    pub fn tries_left(&self, pin: PinKind) -> u8 {
        lock(&self.card).tries_left(pin_id(pin))
    }

    /// How many VERIFY commands carrying a secret reached the card.
    pub fn verifies_received(&self) -> u32 {
        *lock(&self.verifies)
    }
}
