//! The resident session: one resident, one card, one pass through the flow.
//!
//! It is bound to the card of its first read (the certificate serial); every
//! card interaction goes through the same [`CardSession`]. A tap of another
//! card, the idle timeout or [`ResidentSession::abort`] END it: everything
//! entered (payment details, security codes, password, e-mail, service, My
//! Key ID choices, the platform session token, the signature) is wiped, and
//! every later call answers [`ResidentError::SessionEnded`]. A new card gets
//! a new session only when the shell creates one. (The real incident: on a
//! shared device resident A gave up after typing payment details, resident B
//! tapped and went on, and B's card got attached to A's details.)

mod application;
mod card_steps;
mod child;
mod my_key_id;

use std::sync::Arc;
use std::time::{Duration, Instant};

use zeroize::Zeroize;

use super::clock::{Clock, SystemClock};
use super::error::ResidentError;
use super::payment::Review;
use super::step::{EndReason, Step};
use crate::card::{CardSession, CertSerial, CertificateInfo};
use crate::pin::PinKind;
use crate::platform::{
    Application, ApplicationContent, ApplicationRequest, IdempotencyKey, IssueMode, PlatformApi,
    Service, SessionToken,
};

pub use card_steps::{CardSummary, LoginOutcome, PinCheck};

/// Settings of a resident session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResidentConfig {
    /// No action for this long ends the session (default 5 minutes).
    pub idle_timeout: Duration,
}

impl Default for ResidentConfig {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(5 * 60),
        }
    }
}

/// Which kinds of entered data a session holds now (for a shell's
/// "logged out" check, and for tests of the wipe).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HeldData {
    pub card: bool,
    pub pin: bool,
    pub platform_session: bool,
    pub my_key_id_choices: bool,
    pub service: bool,
    pub payment: bool,
    pub signature: bool,
    /// A child application: the birth date, the representative's
    /// certificate, card binding or PIN.
    pub representative: bool,
}

impl HeldData {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The My Key ID choices of this session.
#[derive(Default)]
struct KeyChoice {
    candidates: Vec<String>,
    final_given: bool,
    own_exhausted: bool,
    own_checked: Vec<String>,
    chosen: Option<(IssueMode, String)>,
    /// Choosing a new id for an existing one: the step to go back to.
    change_from: Option<Step>,
    /// The key of the change request, kept so a retry after a lost answer
    /// is the same request.
    change_key: Option<IdempotencyKey>,
    /// An id was issued or changed in this session (another change needs a
    /// new card login).
    done_here: bool,
}

impl KeyChoice {
    /// Zeroizes the ids (the rest is dropped with the struct).
    fn wipe(&mut self) {
        self.candidates.zeroize();
        self.own_checked.zeroize();
        if let Some((_, id)) = &mut self.chosen {
            id.zeroize();
        }
    }
}

/// A legal representative's application for the child whose card is bound.
struct ChildHeld {
    birth_date: String,
    /// The representative's certificate, read through its own `CardSession`.
    representative: Option<CertificateInfo>,
}

/// Content the platform returned a digest for.
struct Prepared {
    content: ApplicationContent,
    digest: [u8; 32],
}

/// A signed application, kept (with its key) until the platform answers.
struct Submission {
    request: ApplicationRequest,
    key: IdempotencyKey,
}

/// Everything a session learns or is told; wiped at the end.
#[derive(Default)]
struct Held {
    certificate: Option<CertificateInfo>,
    token: Option<SessionToken>,
    my_key_id: Option<String>,
    keys: KeyChoice,
    service: Option<Service>,
    terms_accepted: bool,
    prepared: Option<Prepared>,
    review: Option<Review>,
    submission: Option<Submission>,
    application: Option<Application>,
    child: Option<ChildHeld>,
}

impl Held {
    /// Zeroizes what is not already a zeroizing secret, then drops it all
    /// (the secrets wipe themselves when dropped).
    fn wipe(&mut self) {
        if let Some(id) = &mut self.my_key_id {
            id.zeroize();
        }
        self.keys.wipe();
        if let Some(p) = &mut self.prepared {
            p.digest.zeroize();
        }
        if let Some(s) = &mut self.submission {
            s.request.signature.zeroize();
            if let Some(r) = &mut s.request.representative_signature {
                r.zeroize();
            }
        }
        if let Some(c) = &mut self.child {
            c.birth_date.zeroize();
        }
        *self = Held::default();
    }
}

/// A resident's pass through the flow, driven step by step by a shell.
pub struct ResidentSession {
    platform: Arc<dyn PlatformApi>,
    clock: Arc<dyn Clock>,
    config: ResidentConfig,
    card: CardSession,
    /// The legal representative's card: never the bound (child's) card,
    /// never through `card`.
    representative_card: CardSession,
    bound: Option<CertSerial>,
    step: Step,
    last_activity: Instant,
    held: Held,
}

impl ResidentSession {
    /// A session with the default idle timeout and the system clock.
    pub fn new(platform: Arc<dyn PlatformApi>) -> Self {
        Self::with_clock(platform, ResidentConfig::default(), Arc::new(SystemClock))
    }

    pub fn with_clock(
        platform: Arc<dyn PlatformApi>,
        config: ResidentConfig,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let last_activity = clock.now();
        Self {
            platform,
            clock,
            config,
            card: CardSession::new(),
            representative_card: CardSession::new(),
            bound: None,
            step: Step::ReadCard,
            last_activity,
            held: Held::default(),
        }
    }

    /// The screen to show.
    pub fn step(&self) -> Step {
        self.step
    }

    /// The bound card's certificate serial (upper hex).
    pub fn card_serial(&self) -> Option<String> {
        self.bound.as_ref().map(CertSerial::to_hex)
    }

    /// The issued or recovered My Key ID.
    pub fn my_key_id(&self) -> Option<&str> {
        self.held.my_key_id.as_deref()
    }

    /// The candidates offered so far, in order.
    pub fn candidates(&self) -> &[String] {
        &self.held.keys.candidates
    }

    /// Whether the session is choosing a new id for an existing one.
    pub fn changing_my_key_id(&self) -> bool {
        self.held.keys.change_from.is_some()
    }

    /// The chosen My Key ID before issuance or a change (candidate or checked own choice).
    pub fn chosen_my_key_id(&self) -> Option<&str> {
        self.held.keys.chosen.as_ref().map(|(_, id)| id.as_str())
    }

    pub fn service(&self) -> Option<&Service> {
        self.held.service.as_ref()
    }

    pub fn review(&self) -> Option<&Review> {
        self.held.review.as_ref()
    }

    pub fn application(&self) -> Option<&Application> {
        self.held.application.as_ref()
    }

    /// A VERIFY's answer was lost: tap the card (e.g. [`Self::pin_status`])
    /// to learn whether the try counted.
    pub fn pin_in_doubt(&self) -> bool {
        self.card.pin_in_doubt(PinKind::UserAuth)
    }

    pub fn held_data(&self) -> HeldData {
        let h = &self.held;
        HeldData {
            card: self.bound.is_some()
                || self.card.bound_card().is_some()
                || h.certificate.is_some(),
            pin: self.card.has_pin(PinKind::UserAuth),
            platform_session: h.token.is_some(),
            my_key_id_choices: !h.keys.candidates.is_empty()
                || !h.keys.own_checked.is_empty()
                || h.keys.chosen.is_some()
                || h.my_key_id.is_some(),
            service: h.service.is_some() || h.terms_accepted,
            payment: h.prepared.is_some() || h.review.is_some(),
            signature: h.submission.is_some(),
            representative: h.child.is_some()
                || self.representative_card.bound_card().is_some()
                || self.representative_card.has_pin(PinKind::UserAuth),
        }
    }

    /// Ends the session now and wipes everything.
    pub fn abort(&mut self) {
        if !matches!(self.step, Step::Ended { .. }) {
            self.end(EndReason::Aborted);
        }
    }

    /// For a shell's timer: ends (and wipes) the session when it has been
    /// idle too long. Returns whether it is ended.
    pub fn check_idle(&mut self) -> bool {
        if !matches!(self.step, Step::Ended { .. }) && self.idle_expired() {
            self.end(EndReason::IdleTimeout);
        }
        matches!(self.step, Step::Ended { .. })
    }

    fn idle_expired(&self) -> bool {
        self.clock
            .now()
            .saturating_duration_since(self.last_activity)
            >= self.config.idle_timeout
    }

    fn end(&mut self, reason: EndReason) {
        tracing::info!(reason = reason.code(), "resident session ended and wiped");
        self.card.abort();
        self.representative_card.abort();
        self.bound = None;
        self.held.wipe();
        self.step = Step::Ended { reason };
    }

    /// Starts a user action: refused once ended; ends the session when it
    /// was idle too long; refused at a step where it does not belong.
    fn begin(&mut self, allowed: impl Fn(Step) -> bool) -> Result<(), ResidentError> {
        if let Step::Ended { reason } = self.step {
            return Err(ResidentError::SessionEnded { reason });
        }
        if self.idle_expired() {
            self.end(EndReason::IdleTimeout);
            return Err(ResidentError::IdleTimeout);
        }
        self.last_activity = self.clock.now();
        if allowed(self.step) {
            Ok(())
        } else {
            Err(ResidentError::WrongStep { step: self.step })
        }
    }

    /// Ends the session for a card change and gives the error to return.
    fn card_changed(&mut self) -> ResidentError {
        self.end(EndReason::CardChanged);
        ResidentError::CardChanged
    }

    fn token(&self) -> Result<&SessionToken, ResidentError> {
        self.held
            .token
            .as_ref()
            .ok_or(ResidentError::WrongStep { step: self.step })
    }
}

/// Whether a tap's card is not the session's card.
fn is_other_card(report: &crate::card::TapReport, bound: Option<&CertSerial>) -> bool {
    bound.is_some_and(|b| report.card_changed || report.serial != *b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn the_session_can_cross_threads() {
        assert_send_sync::<ResidentSession>();
        assert_send_sync::<ResidentError>();
        assert_send_sync::<Step>();
    }
}
