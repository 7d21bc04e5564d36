//! Fixtures: two simulated cards (made once per binary: RSA key generation
//! is slow), a fake platform, a manual clock, and the flow walked up to a step.

#![allow(dead_code)]

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use cardsim::{CardSpec, CardState, PinId, SharedCard, SimCard, SimTransport};
use mynapoint_core::card::{CardSession, CardTransport, ReaderCapabilities};
use mynapoint_core::pin::{LastTry, Pin, PinError, PinKind};
use mynapoint_core::platform::{Notifications, PlatformApi};
use mynapoint_core::resident::*;

use crate::fake::FakePlatform;

pub const PIN: &str = "1234";
pub const WRONG_PIN: &str = "9999";
/// In a fresh tap: SELECT AP, SELECT EF, READ, SELECT PIN EF, query, VERIFY.
pub const VERIFY_AT: usize = 5;

fn card(serial: u32, cell: &'static OnceLock<CardState>) -> SharedCard {
    let state = cell.get_or_init(|| {
        CardSpec::new()
            .auth_pin(PIN)
            .serial(serial)
            .build()
            .expect("card")
    });
    SimCard::from_state(state.clone())
        .expect("card state")
        .shared()
}

/// Resident A's card.
pub fn card_a() -> SharedCard {
    static STATE: OnceLock<CardState> = OnceLock::new();
    card(0x0123_4567, &STATE)
}

/// Resident B's card.
pub fn card_b() -> SharedCard {
    static STATE: OnceLock<CardState> = OnceLock::new();
    card(0x0765_4321, &STATE)
}

/// A third person's card (a legal representative swapped in).
pub fn card_c() -> SharedCard {
    static STATE: OnceLock<CardState> = OnceLock::new();
    card(0x00AB_CDEF, &STATE)
}

/// A new tap of `card` on a phone.
pub fn tap(card: &SharedCard) -> Arc<SimTransport> {
    Arc::new(SimTransport::with_capabilities(
        card.clone(),
        ReaderCapabilities::SHORT_ONLY,
    ))
}

pub fn dyn_t(t: &Arc<SimTransport>) -> Arc<dyn CardTransport> {
    t.clone()
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
        let t = tap(&self.card);
        self.taps.lock().unwrap().push(t.clone());
        t
    }

    /// The last tap's transport.
    pub fn last(&self) -> Arc<SimTransport> {
        self.taps.lock().unwrap().last().expect("a tap").clone()
    }

    pub fn taps(&self) -> usize {
        self.taps.lock().unwrap().len()
    }

    /// APDUs exchanged over every tap.
    pub fn apdus(&self) -> usize {
        self.taps
            .lock()
            .unwrap()
            .iter()
            .map(|t| t.exchanges())
            .sum()
    }

    pub fn verifies(&self) -> usize {
        self.taps
            .lock()
            .unwrap()
            .iter()
            .map(|t| t.verifies_reached_card())
            .sum()
    }
}

/// Another app on another phone spends `n` tries of `card`'s PIN with a
/// wrong one (the last with its holder's confirmation).
pub async fn another_app_spends(card: &SharedCard, n: usize) {
    let mut other = CardSession::new();
    for _ in 0..n {
        other.enter_pin(Pin::user_auth(WRONG_PIN).unwrap());
        let mut t = other.tap(dyn_t(&tap(card))).await.expect("tap");
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

pub fn tries_left(card: &SharedCard) -> u8 {
    card.lock().unwrap().tries_left(PinId::Auth)
}

pub struct Rig {
    pub fake: Arc<FakePlatform>,
    pub clock: Arc<ManualClock>,
}

impl Rig {
    pub fn new() -> Self {
        Self {
            fake: Arc::new(FakePlatform::new()),
            clock: Arc::new(ManualClock::new()),
        }
    }

    pub fn session(&self) -> ResidentSession {
        self.session_with(ResidentConfig::default())
    }

    pub fn session_with(&self, config: ResidentConfig) -> ResidentSession {
        let platform: Arc<dyn PlatformApi> = self.fake.clone();
        ResidentSession::with_clock(platform, config, self.clock.clone())
    }

    pub fn advance(&self, secs: u64) {
        self.clock.advance(Duration::from_secs(secs));
    }

    /// Read + PIN + card login.
    pub async fn logged_in(&self, card: &SharedCard) -> (ResidentSession, LoginOutcome) {
        let mut s = self.session();
        s.read_card(dyn_t(&tap(card))).await.expect("read card");
        s.enter_pin(PIN).expect("PIN format");
        let outcome = s
            .log_in(dyn_t(&tap(card)), LastTry::Refuse)
            .await
            .expect("login");
        (s, outcome)
    }

    /// Logged in with a My Key ID (the first candidate), at the service choice.
    pub async fn with_my_key_id(&self, card: &SharedCard) -> ResidentSession {
        let (mut s, outcome) = self.logged_in(card).await;
        if outcome.my_key_id.is_none() {
            let c = s.next_candidate().await.expect("candidate");
            s.choose_candidate(&c.candidate).expect("choose");
            s.issue_my_key_id(registration()).await.expect("issue");
        }
        assert_eq!(s.step(), Step::ChooseService);
        s
    }

    /// Up to the review of an AEON application.
    pub async fn at_review(&self, card: &SharedCard) -> (ResidentSession, Review) {
        let mut s = self.with_my_key_id(card).await;
        let service = s.choose_service("aeon-waon").await.expect("service");
        s.accept_terms(&service.terms_version).expect("terms");
        let review = s.enter_payment(aeon_payment()).await.expect("payment");
        (s, review)
    }
}

pub fn registration() -> RegistrationForm {
    RegistrationForm {
        password: "Pass1234".into(),
        password_again: "Pass1234".into(),
        email: Some("taro@example.jp".into()),
        email_again: Some("taro@example.jp".into()),
        notifications: Notifications {
            points_granted: true,
            points_expired: true,
            password_changed: true,
            my_key_id_changes: false,
        },
        base_municipality: "131016".into(),
    }
}

pub fn aeon_payment() -> PaymentForm {
    PaymentForm {
        payment_id: "1234567890123456".into(),
        security_codes: vec!["0987".into()],
        phone_last4: Some("5678".into()),
    }
}

pub fn assert_wiped(s: &ResidentSession) {
    assert!(s.held_data().is_empty(), "{:?}", s.held_data());
    assert_eq!(s.service(), None);
    assert_eq!(s.review(), None);
    assert_eq!(s.my_key_id(), None);
    assert!(s.candidates().is_empty());
    assert_eq!(s.chosen_my_key_id(), None);
    assert_eq!(s.card_serial(), None);
    assert_eq!(s.application(), None);
}
