//! The resident session: one resident, one card, one pass through the flow.
//!
//! It is a [`SessionFrame`] over the resident [`Step`]s and what the flow
//! holds ([`Held`]): bound to the card of its first read (the certificate
//! serial), every card interaction goes through the frame's one
//! `CardSession`. A tap of another card, the idle timeout or
//! [`ResidentSession::abort`] END it: everything entered (payment details,
//! security codes, password, e-mail, service, My Key ID choices, the
//! platform session token, the signature) is wiped, and every later call
//! answers [`ResidentError::SessionEnded`]. A new card gets a new session
//! only when the shell creates one. (The real incident: on a shared device
//! resident A gave up after typing payment details, resident B tapped and
//! went on, and B's card got attached to A's details.)

mod application;
mod card_steps;
mod categories;
mod child;
mod my_key_id;

use std::sync::Arc;
use std::time::Duration;

use zeroize::Zeroize;

use super::error::ResidentError;
use super::payment::Review;
use super::step::{EndReason, Step};
use crate::card::{CardSession, CertSerial, CertificateInfo};
use crate::clock::{Clock, SystemClock};
use crate::pin::PinKind;
use crate::platform::{
    Application, ApplicationContent, ApplicationRequest, Category, CategoryAddition,
    CategoryAdditionRequest, Eligibility, IdempotencyKey, IssueMode, PlatformApi, Service,
    SessionToken,
};
use crate::session_frame::{CardBinding, FlowData, FrameError, SessionFrame};

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

/// What the card signs: a new application, or categories added on the
/// person's fixed service.
#[derive(Clone)]
enum Content {
    Application(ApplicationContent),
    Addition(CategoryAddition),
}

/// Content the platform returned a digest for.
struct Prepared {
    content: Content,
    digest: [u8; 32],
}

/// A signed request.
enum Signed {
    Application(ApplicationRequest),
    Addition(CategoryAdditionRequest),
}

impl Signed {
    fn wipe(&mut self) {
        match self {
            Signed::Application(r) => {
                r.signature.zeroize();
                if let Some(s) = &mut r.representative_signature {
                    s.zeroize();
                }
            }
            Signed::Addition(r) => {
                r.signature.zeroize();
                if let Some(s) = &mut r.representative_signature {
                    s.zeroize();
                }
            }
        }
    }
}

/// A signed application, kept (with its key) until the platform answers.
struct Submission {
    request: Signed,
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
    /// Each category for this person, as the platform answered after login.
    eligibility: Option<Eligibility>,
    /// The categories chosen to apply for.
    categories: Vec<Category>,
    child: Option<ChildHeld>,
    /// The legal representative's card: never the bound (child's) card,
    /// never through the frame's card binding.
    representative_card: CardSession,
}

impl FlowData for Held {
    type Report = HeldData;

    /// Zeroizes what is not already a zeroizing secret and forgets the
    /// representative's card (the frame then drops it all; the secrets
    /// wipe themselves when dropped).
    fn wipe(&mut self) {
        if let Some(id) = &mut self.my_key_id {
            id.zeroize();
        }
        self.keys.wipe();
        if let Some(p) = &mut self.prepared {
            p.digest.zeroize();
        }
        if let Some(s) = &mut self.submission {
            s.request.wipe();
        }
        if let Some(c) = &mut self.child {
            c.birth_date.zeroize();
        }
        self.representative_card.abort();
    }

    fn report(&self, card: &CardBinding) -> HeldData {
        HeldData {
            card: card.holds_card() || self.certificate.is_some(),
            pin: card.session().has_pin(PinKind::UserAuth),
            platform_session: self.token.is_some(),
            my_key_id_choices: !self.keys.candidates.is_empty()
                || !self.keys.own_checked.is_empty()
                || self.keys.chosen.is_some()
                || self.my_key_id.is_some(),
            service: self.service.is_some() || self.terms_accepted || !self.categories.is_empty(),
            payment: self.prepared.is_some() || self.review.is_some(),
            signature: self.submission.is_some(),
            representative: self.child.is_some()
                || self.representative_card.bound_card().is_some()
                || self.representative_card.has_pin(PinKind::UserAuth),
        }
    }
}

/// A resident's pass through the flow, driven step by step by a shell.
pub struct ResidentSession {
    platform: Arc<dyn PlatformApi>,
    frame: SessionFrame<Step, Held>,
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
        Self {
            platform,
            frame: SessionFrame::new(Step::ReadCard, config.idle_timeout, clock),
        }
    }

    /// The screen to show.
    pub fn step(&self) -> Step {
        self.frame.step()
    }

    /// The bound card's certificate serial (upper hex).
    pub fn card_serial(&self) -> Option<String> {
        self.frame.card().bound().map(CertSerial::to_hex)
    }

    /// The issued or recovered My Key ID.
    pub fn my_key_id(&self) -> Option<&str> {
        self.held().my_key_id.as_deref()
    }

    /// The candidates offered so far, in order.
    pub fn candidates(&self) -> &[String] {
        &self.held().keys.candidates
    }

    /// Whether the session is choosing a new id for an existing one.
    pub fn changing_my_key_id(&self) -> bool {
        self.held().keys.change_from.is_some()
    }

    /// The chosen My Key ID before issuance or a change (candidate or checked own choice).
    pub fn chosen_my_key_id(&self) -> Option<&str> {
        self.held().keys.chosen.as_ref().map(|(_, id)| id.as_str())
    }

    pub fn service(&self) -> Option<&Service> {
        self.held().service.as_ref()
    }

    pub fn review(&self) -> Option<&Review> {
        self.held().review.as_ref()
    }

    pub fn application(&self) -> Option<&Application> {
        self.held().application.as_ref()
    }

    /// Each point category for this person (after login).
    pub fn eligibility(&self) -> Option<&Eligibility> {
        self.held().eligibility.as_ref()
    }

    /// The categories chosen to apply for (all open ones by default).
    pub fn chosen_categories(&self) -> &[Category] {
        &self.held().categories
    }

    /// A VERIFY's answer was lost: tap the card (e.g. [`Self::pin_status`])
    /// to learn whether the try counted.
    pub fn pin_in_doubt(&self) -> bool {
        self.frame.card().session().pin_in_doubt(PinKind::UserAuth)
    }

    pub fn held_data(&self) -> HeldData {
        self.frame.held()
    }

    /// Ends the session now and wipes everything.
    pub fn abort(&mut self) {
        self.frame.abort();
    }

    /// For a shell's timer: ends (and wipes) the session when it has been
    /// idle too long. Returns whether it is ended.
    pub fn check_idle(&mut self) -> bool {
        self.frame.check_idle()
    }

    fn held(&self) -> &Held {
        self.frame.data()
    }

    fn held_mut(&mut self) -> &mut Held {
        self.frame.data_mut()
    }

    fn end(&mut self, reason: EndReason) {
        self.frame.end(reason);
    }

    /// Starts a user action: refused once ended; ends the session when it
    /// was idle too long; refused at a step where it does not belong.
    fn begin(&mut self, allowed: impl FnOnce(Step) -> bool) -> Result<(), ResidentError> {
        Ok(self.frame.begin(allowed)?)
    }

    /// The refusal of an action at the current step.
    fn wrong_step(&self) -> ResidentError {
        self.frame.wrong_step().into()
    }

    fn token(&self) -> Result<&SessionToken, ResidentError> {
        self.held().token.as_ref().ok_or_else(|| self.wrong_step())
    }
}

impl From<FrameError<Step>> for ResidentError {
    fn from(e: FrameError<Step>) -> Self {
        match e {
            FrameError::SessionEnded { reason } => ResidentError::SessionEnded { reason },
            FrameError::IdleTimeout => ResidentError::IdleTimeout,
            FrameError::CardChanged => ResidentError::CardChanged,
            FrameError::WrongStep { step } => ResidentError::WrongStep { step },
            FrameError::Card(e) => ResidentError::Card(e),
        }
    }
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
