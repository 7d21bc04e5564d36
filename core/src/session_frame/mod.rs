//! The card-bound session frame every flow of the apps is built on: the
//! step guard, the idle timeout, abort, binding to one card, and the wipe of
//! everything held when the session ends.
//!
//! A flow (the resident session, the field session) keeps a
//! [`SessionFrame`] over its own steps ([`FlowStep`]) and its own held data
//! ([`FlowData`]), and starts every user action with
//! [`SessionFrame::begin`], naming the steps where the action belongs:
//!
//! - once the frame has ended, every call answers
//!   [`FrameError::SessionEnded`] with the reason;
//! - after the idle timeout (on the injected [`Clock`]) the frame ends, and
//!   the call answers [`FrameError::IdleTimeout`];
//! - at a step that does not permit the action: [`FrameError::WrongStep`]
//!   (nothing changes; the call counts as activity).
//!
//! Every card interaction goes through [`SessionFrame::tap`] and the one
//! [`CardBinding`] of the frame: once the flow has bound the frame to a
//! card (its certificate serial), a tap of another card ends the frame
//! ([`FrameError::CardChanged`]) before anything is done with that card.
//!
//! Ending, for whatever reason ([`SessionFrame::end`], [`SessionFrame::abort`],
//! the idle timeout, a card change), wipes the card binding (entered PIN,
//! counters, serial) and the flow's data ([`FlowData::wipe`] zeroizes, then
//! the data is replaced by its empty default), and the step becomes the
//! flow's end step. An ended frame stays ended.
//!
//! One frame is one card at most, not one card per flow: a flow decides what
//! a frame spans. The resident session is one frame for the whole pass,
//! bound to the card of its first read. The field session (many
//! participants in a row on one staff session) is a frame that never taps
//! (bound instead to the terminal login its data holds, ending on idle
//! timeout or logout), and each participant's tap is its own short frame,
//! bound to that participant's card and ended (wiped) once its verdict is
//! kept: nothing of one participant reaches the next.

mod card_binding;

use std::fmt::Debug;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::card::{CardError, CardTransport, Tap};
use crate::clock::Clock;

use card_binding::BindingRefusal;
pub use card_binding::CardBinding;

/// The ends every frame knows; a flow's end reasons include them (and may
/// add their own, such as a revoked My Key ID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FrameEnd {
    /// Another card was tapped than the one the frame is bound to.
    CardChanged,
    /// Nothing happened for the idle timeout.
    IdleTimeout,
    /// The holder or staff ended it.
    Aborted,
}

/// A flow's steps: what a shell shows. One step (or family of steps) says
/// the session ended, with its reason.
pub trait FlowStep: Copy + Eq + Debug {
    /// Why a session of this flow ended.
    type EndReason: Copy + Eq + Debug + From<FrameEnd>;

    /// The step of a session ended for `reason`.
    fn ended(reason: Self::EndReason) -> Self;

    /// The reason, when this step is an end step.
    fn end_reason(self) -> Option<Self::EndReason>;
}

/// What a flow holds during a session: entered details, answers, tokens.
/// The default value holds nothing.
pub trait FlowData: Default {
    /// What kinds of data are held now (never the values), for a shell's
    /// "logged out" check and for tests of the wipe.
    type Report;

    /// Zeroizes every secret and personal detail held (what is not already
    /// a zeroizing type). The frame then replaces the data by its default.
    fn wipe(&mut self);

    /// What is held now, the frame's `card` binding included.
    fn report(&self, card: &CardBinding) -> Self::Report;
}

/// What the frame answers instead of letting an action go on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError<S: FlowStep> {
    /// The session ended earlier, for `reason`; a new one is needed.
    #[error("the session has ended ({reason:?})")]
    SessionEnded { reason: S::EndReason },
    /// Nothing happened for the idle timeout: the session ended now, wiped.
    #[error("the session timed out")]
    IdleTimeout,
    /// Another card than the bound one was tapped: the session ended now,
    /// wiped, and nothing was done with that card.
    #[error("another card was tapped: the session ended")]
    CardChanged,
    /// The action does not belong to the current step; nothing changed.
    #[error("not possible at step {step:?}")]
    WrongStep { step: S },
    /// The tapped card could not be read far enough to know which it is.
    #[error(transparent)]
    Card(CardError),
}

/// A session's lifecycle around a flow's steps `S` and held data `D`.
pub struct SessionFrame<S: FlowStep, D: FlowData> {
    clock: Arc<dyn Clock>,
    idle_timeout: Duration,
    last_activity: Instant,
    step: S,
    card: CardBinding,
    data: D,
}

impl<S: FlowStep, D: FlowData> SessionFrame<S, D> {
    /// A frame at step `first`, holding nothing, bound to no card, that ends
    /// after `idle_timeout` without an action (by `clock`).
    pub fn new(first: S, idle_timeout: Duration, clock: Arc<dyn Clock>) -> Self {
        let last_activity = clock.now();
        Self {
            clock,
            idle_timeout,
            last_activity,
            step: first,
            card: CardBinding::default(),
            data: D::default(),
        }
    }

    /// The current step (the end step once ended).
    pub fn step(&self) -> S {
        self.step
    }

    /// Why the frame ended, once it has.
    pub fn end_reason(&self) -> Option<S::EndReason> {
        self.step.end_reason()
    }

    pub fn is_ended(&self) -> bool {
        self.end_reason().is_some()
    }

    /// The frame's clock (for a flow's dates, e.g. today's).
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// Moves to `step`. An end step ends the frame (and wipes); an ended
    /// frame does not move.
    pub fn go(&mut self, step: S) {
        if self.is_ended() {
            return;
        }
        match step.end_reason() {
            Some(reason) => self.end(reason),
            None => self.step = step,
        }
    }

    /// Starts a user action permitted at the steps `allowed` accepts:
    /// refused once ended; ends the frame when it was idle too long;
    /// refused at another step. Counts as activity unless it ends.
    pub fn begin(&mut self, allowed: impl FnOnce(S) -> bool) -> Result<(), FrameError<S>> {
        if let Some(reason) = self.end_reason() {
            return Err(FrameError::SessionEnded { reason });
        }
        if self.idle_expired() {
            self.end(FrameEnd::IdleTimeout.into());
            return Err(FrameError::IdleTimeout);
        }
        self.last_activity = self.clock.now();
        if allowed(self.step) {
            Ok(())
        } else {
            Err(self.wrong_step())
        }
    }

    /// The refusal of an action at the current step.
    pub fn wrong_step(&self) -> FrameError<S> {
        FrameError::WrongStep { step: self.step }
    }

    /// For a shell's timer: ends (and wipes) the frame when it has been
    /// idle too long. Returns whether it is ended.
    pub fn check_idle(&mut self) -> bool {
        if !self.is_ended() && self.idle_expired() {
            self.end(FrameEnd::IdleTimeout.into());
        }
        self.is_ended()
    }

    fn idle_expired(&self) -> bool {
        self.clock
            .now()
            .saturating_duration_since(self.last_activity)
            >= self.idle_timeout
    }

    /// Ends the frame now ([`FrameEnd::Aborted`]) and wipes everything.
    pub fn abort(&mut self) {
        self.end(FrameEnd::Aborted.into());
    }

    /// Ends the frame for `reason`: wipes the card binding and the flow's
    /// data; every later action answers [`FrameError::SessionEnded`]. An
    /// ended frame keeps its first reason.
    pub fn end(&mut self, reason: S::EndReason) {
        if self.is_ended() {
            return;
        }
        self.card.wipe();
        end_parts(&mut self.step, &mut self.data, reason);
    }

    /// The flow's data.
    pub fn data(&self) -> &D {
        &self.data
    }

    /// The flow's data, to change after [`Self::begin`] let an action go on.
    pub fn data_mut(&mut self) -> &mut D {
        &mut self.data
    }

    /// The card binding: the bound serial, the holder's card session.
    pub fn card(&self) -> &CardBinding {
        &self.card
    }

    /// The card binding, to bind it or to enter a PIN.
    pub fn card_mut(&mut self) -> &mut CardBinding {
        &mut self.card
    }

    /// What is held now (the flow's report, the card binding included).
    pub fn held(&self) -> D::Report {
        self.data.report(&self.card)
    }

    /// Starts a tap of the frame's card: refused once ended; another card
    /// than the bound one ends the frame ([`FrameError::CardChanged`],
    /// everything wiped, nothing more done with that card). A PIN in doubt
    /// is settled first, as [`crate::card::CardSession::tap`] does.
    pub async fn tap(
        &mut self,
        transport: Arc<dyn CardTransport>,
    ) -> Result<Tap<'_>, FrameError<S>> {
        if let Some(reason) = self.end_reason() {
            return Err(FrameError::SessionEnded { reason });
        }
        match self.card.tap(transport).await {
            Ok(tap) => Ok(tap),
            Err(BindingRefusal::Card(e)) => Err(FrameError::Card(e)),
            Err(BindingRefusal::OtherCard) => {
                // The binding wiped itself; the card is still borrowed here,
                // so the rest is ended through the other fields.
                end_parts(&mut self.step, &mut self.data, FrameEnd::CardChanged.into());
                Err(FrameError::CardChanged)
            }
        }
    }
}

/// Ends the flow's part of a frame: wipes and empties its data, then sets
/// the end step.
fn end_parts<S: FlowStep, D: FlowData>(step: &mut S, data: &mut D, reason: S::EndReason) {
    tracing::info!(?reason, "session ended and wiped");
    data.wipe();
    *data = D::default();
    *step = S::ended(reason);
}
