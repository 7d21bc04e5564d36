//! The resident flow walked up to a step, against the platform double or
//! the real platform in process: one rig, [`ResidentRig`], generic over its
//! [`Target`]. It dereferences to the target, so a test reads the double's
//! record of calls (`rig.count(Endpoint::Issue)`) or the real platform's
//! database (`rig.dump()`) straight from the rig.

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use mynapoint_core::pin::LastTry;
use mynapoint_core::platform::{Application, PlatformApi};
use mynapoint_core::resident::{
    LoginOutcome, ManualClock, PaymentForm, ResidentConfig, ResidentError, ResidentSession, Review,
    Step,
};
use mynapoint_platform::Config;

use crate::cards::Card;
use crate::fake::FakePlatform;
use crate::forms::{aeon_payment, registration, AEON};
use crate::in_process::InProcessPlatform;
use crate::secrets::PIN;

/// A platform the resident flow can run against.
pub trait Target {
    /// The platform API as the core's session takes it.
    fn api(&self) -> Arc<dyn PlatformApi>;
    /// Everything the platform holds (and, for the double, every call it
    /// received): equal before and after a step means that the step sent
    /// nothing that changed anything.
    fn snapshot(&self) -> String;
}

impl Target for Arc<FakePlatform> {
    fn api(&self) -> Arc<dyn PlatformApi> {
        self.clone()
    }

    fn snapshot(&self) -> String {
        format!(
            "calls {:?}\nrecords {:?}\napplications {:?}",
            self.calls(),
            self.records(),
            self.applications()
        )
    }
}

impl Target for InProcessPlatform {
    fn api(&self) -> Arc<dyn PlatformApi> {
        self.api.clone()
    }

    fn snapshot(&self) -> String {
        self.dump()
    }
}

/// The rig: a target platform and the sessions' clock (idle timeouts, the
/// date a child's age is counted on).
pub struct ResidentRig<P> {
    pub target: P,
    pub session_clock: Arc<ManualClock>,
}

impl<P> Deref for ResidentRig<P> {
    type Target = P;
    fn deref(&self) -> &P {
        &self.target
    }
}

impl ResidentRig<Arc<FakePlatform>> {
    /// Against a new platform double.
    pub fn new() -> Self {
        Self::on(Arc::new(FakePlatform::new()))
    }
}

impl Default for ResidentRig<Arc<FakePlatform>> {
    fn default() -> Self {
        Self::new()
    }
}

impl ResidentRig<InProcessPlatform> {
    /// Against a new ephemeral platform in process.
    pub async fn new() -> Self {
        Self::on(InProcessPlatform::start().await)
    }

    pub async fn with_config(config: Config) -> Self {
        Self::on(InProcessPlatform::with_config(config).await)
    }
}

impl<P: Target> ResidentRig<P> {
    pub fn on(target: P) -> Self {
        ResidentRig {
            target,
            session_clock: Arc::new(ManualClock::new()),
        }
    }

    pub fn session(&self) -> ResidentSession {
        self.session_with(ResidentConfig::default())
    }

    pub fn session_with(&self, config: ResidentConfig) -> ResidentSession {
        ResidentSession::with_clock(self.target.api(), config, self.session_clock.clone())
    }

    /// Moves the sessions' clock on by `secs` seconds.
    pub fn advance(&self, secs: u64) {
        self.session_clock.advance(Duration::from_secs(secs));
    }

    /// Read + PIN + card login, each card step a new phone tap.
    pub async fn logged_in(&self, card: &Card) -> (ResidentSession, LoginOutcome) {
        let mut s = self.session();
        s.read_card(card.t()).await.expect("read card");
        s.enter_pin(PIN).expect("PIN format");
        let outcome = s
            .log_in(card.t(), LastTry::Refuse)
            .await
            .expect("card login");
        (s, outcome)
    }

    /// Logged in with a My Key ID (the first candidate when new), at the service choice.
    pub async fn with_my_key_id(&self, card: &Card) -> ResidentSession {
        let (mut s, outcome) = self.logged_in(card).await;
        if outcome.my_key_id.is_none() {
            let c = s.next_candidate().await.expect("candidate");
            s.choose_candidate(&c.candidate).expect("choose");
            s.issue_my_key_id(registration()).await.expect("issue");
        }
        // The categories come first: the default choice (every open one).
        assert_eq!(s.step(), Step::ChooseCategories);
        let chosen = s.chosen_categories().to_vec();
        assert!(!chosen.is_empty(), "a category is open");
        assert_eq!(
            s.choose_categories(&chosen).await.expect("categories"),
            None
        );
        assert_eq!(s.step(), Step::ChooseService);
        s
    }

    /// Up to the review of an application with `service_id` and `form`.
    pub async fn at_review_with(
        &self,
        card: &Card,
        service_id: &str,
        form: PaymentForm,
    ) -> (ResidentSession, Review) {
        let mut s = self.with_my_key_id(card).await;
        let service = s.choose_service(service_id).await.expect("service");
        s.accept_terms(&service.terms_version).expect("terms");
        let review = s.enter_payment(form).await.expect("payment");
        assert_eq!(s.step(), Step::Review);
        (s, review)
    }

    /// Up to the review of an AEON application.
    pub async fn at_review(&self, card: &Card) -> (ResidentSession, Review) {
        self.at_review_with(card, AEON, aeon_payment()).await
    }

    /// A whole application with AEON for `card`.
    pub async fn applied(&self, card: &Card) -> Application {
        let (mut s, _) = self.at_review(card).await;
        submit(&mut s, card).await.expect("submitted")
    }
}

/// Review confirmed, PIN typed, the card signs (a new tap), submitted.
pub async fn submit(s: &mut ResidentSession, card: &Card) -> Result<Application, ResidentError> {
    s.confirm_review()?;
    s.enter_pin(PIN)?;
    s.sign_and_submit(card.t(), LastTry::Refuse).await
}

/// Everything the session held is gone.
#[track_caller]
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
