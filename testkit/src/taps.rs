//! A card held to a reader: a phone (short APDUs only, a new transport per
//! tap, as a new NFC session is) or an extended-length reader; a phone that
//! counts its taps; the card layer used on its own.

use std::sync::{Arc, Mutex};

use cardsim::{PinId, SharedCard, SimTransport};
use mynapoint_core::card::{CardSession, CardTransport, PinError, ReaderCapabilities};
use mynapoint_core::pin::{LastTry, Pin, PinKind};

use crate::cards::Card;
use crate::secrets::{PIN, WRONG_PIN};

/// A new tap of `card` on a reader with `caps`.
pub fn tap_on(card: &SharedCard, caps: ReaderCapabilities) -> Arc<SimTransport> {
    Arc::new(SimTransport::with_capabilities(card.clone(), caps))
}

/// A new tap of `card` on a phone that carries short APDUs only.
pub fn phone_tap(card: &SharedCard) -> Arc<SimTransport> {
    tap_on(card, ReaderCapabilities::SHORT_ONLY)
}

/// A new tap of `card` on a reader that carries extended-length APDUs.
pub fn extended_tap(card: &SharedCard) -> Arc<SimTransport> {
    tap_on(card, ReaderCapabilities::EXTENDED)
}

/// The transport as the trait object the core takes.
pub fn dyn_transport(t: &Arc<SimTransport>) -> Arc<dyn CardTransport> {
    t.clone()
}

/// Tries left of `card`'s user-authentication PIN.
pub fn tries_left(card: &SharedCard) -> u8 {
    card.lock().unwrap().tries_left(PinId::Auth)
}

/// The INS bytes of the commands that reached the card, in order.
pub fn instructions(t: &SimTransport) -> Vec<u8> {
    t.commands_reached_card().iter().map(|c| c[1]).collect()
}

/// A phone that counts its taps: every [`Phone::tap`] is a new transport
/// (a new NFC session, one "hold your card to the phone").
pub struct Phone {
    card: SharedCard,
    taps: Mutex<Vec<Arc<SimTransport>>>,
}

impl Phone {
    pub fn new(card: &SharedCard) -> Self {
        Self {
            card: card.clone(),
            taps: Mutex::new(Vec::new()),
        }
    }

    /// A new tap.
    pub fn tap(&self) -> Arc<dyn CardTransport> {
        let t = phone_tap(&self.card);
        self.taps.lock().unwrap().push(t.clone());
        t
    }

    /// The last tap's transport.
    pub fn last(&self) -> Arc<SimTransport> {
        self.taps.lock().unwrap().last().expect("a tap").clone()
    }

    /// Taps so far.
    pub fn taps(&self) -> usize {
        self.taps.lock().unwrap().len()
    }

    /// APDUs exchanged over every tap.
    pub fn apdus(&self) -> usize {
        self.sum(SimTransport::exchanges)
    }

    /// VERIFY commands that reached the card over every tap.
    pub fn verifies(&self) -> usize {
        self.sum(SimTransport::verifies_reached_card)
    }

    fn sum(&self, count: impl Fn(&SimTransport) -> usize) -> usize {
        self.taps.lock().unwrap().iter().map(|t| count(t)).sum()
    }
}

/// Another app on another phone spends `n` tries of `card`'s PIN with a
/// wrong one (the last with its holder's confirmation).
pub async fn another_app_spends(card: &SharedCard, n: usize) {
    let mut other = CardSession::new();
    for _ in 0..n {
        other.enter_pin(Pin::user_auth(WRONG_PIN).unwrap());
        let mut t = other
            .tap(dyn_transport(&phone_tap(card)))
            .await
            .expect("tap");
        let e = t
            .verify(PinKind::UserAuth, LastTry::Confirmed)
            .await
            .unwrap_err();
        assert!(
            matches!(e, PinError::WrongPin { .. } | PinError::Locked { .. }),
            "{e:?}"
        );
    }
}

/// The card layer on its own: PIN, then the card signs `digest` with its
/// authentication key (for calls the flow never makes, e.g. a replayed challenge).
pub async fn card_sign(card: &Card, digest: &[u8; 32]) -> Vec<u8> {
    let mut session = CardSession::new();
    session.enter_pin(Pin::user_auth(PIN).expect("PIN format"));
    let mut tap = session
        .tap(dyn_transport(&phone_tap(card)))
        .await
        .expect("tap");
    tap.verify(PinKind::UserAuth, LastTry::Refuse)
        .await
        .expect("PIN");
    tap.sign(digest).await.expect("sign")
}
