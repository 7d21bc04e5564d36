//! What the resident screens read: a snapshot of the session taken each
//! time an operation releases it — when it ends, fails, or is cancelled
//! (its task dropped) — so that a getter never waits for a running
//! operation. (An Android main thread that waited for a tap in progress
//! would freeze the app.) During an operation the getters show the state
//! before it; the shell shows that it is busy.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex as StdMutex, MutexGuard as StdGuard};

use mynapoint_core::resident::ResidentSession;
use tokio::sync::OwnedMutexGuard;

use super::categories::{Category, Eligibility};
use super::records::{ResidentStep, Review};
use crate::records::PinPrompt;

/// The session as the getters show it.
pub(crate) struct ResidentView {
    pub step: ResidentStep,
    pub pin_prompt: PinPrompt,
    pub pin_in_doubt: bool,
    pub card_serial: Option<String>,
    pub my_key_id: Option<String>,
    pub chosen_my_key_id: Option<String>,
    pub changing_my_key_id: bool,
    pub eligibility: Option<Eligibility>,
    pub chosen_categories: Vec<Category>,
    pub service_fixed: bool,
    pub review: Option<Review>,
    pub holds_nothing: bool,
    pub child_birth_date: Option<String>,
    pub representative_serial: Option<String>,
    pub representative_pin_prompt: PinPrompt,
    pub representative_pin_in_doubt: bool,
}

impl ResidentView {
    pub fn of(s: &ResidentSession) -> Self {
        Self {
            step: s.step().into(),
            pin_prompt: s.pin_prompt(),
            pin_in_doubt: s.pin_in_doubt(),
            card_serial: s.card_serial(),
            my_key_id: s.my_key_id().map(str::to_owned),
            chosen_my_key_id: s.chosen_my_key_id().map(str::to_owned),
            changing_my_key_id: s.changing_my_key_id(),
            eligibility: s.eligibility().map(Into::into),
            chosen_categories: s.chosen_categories().iter().map(|c| (*c).into()).collect(),
            service_fixed: s.service_fixed(),
            review: s.review().map(Into::into),
            holds_nothing: s.held_data().is_empty(),
            child_birth_date: s.child_birth_date().map(str::to_owned),
            representative_serial: s.representative_serial(),
            representative_pin_prompt: s.representative_pin_prompt(),
            representative_pin_in_doubt: s.representative_pin_in_doubt(),
        }
    }
}

/// Locks a snapshot (a panic elsewhere does not make it unreadable).
pub(crate) fn read(view: &StdMutex<ResidentView>) -> StdGuard<'_, ResidentView> {
    view.lock().unwrap_or_else(|p| p.into_inner())
}

/// One operation's hold on the session; releasing it takes the snapshot.
pub(crate) struct Turn {
    session: OwnedMutexGuard<ResidentSession>,
    view: Arc<StdMutex<ResidentView>>,
}

impl Turn {
    pub fn new(
        session: OwnedMutexGuard<ResidentSession>,
        view: Arc<StdMutex<ResidentView>>,
    ) -> Self {
        Self { session, view }
    }
}

impl Deref for Turn {
    type Target = ResidentSession;
    fn deref(&self) -> &ResidentSession {
        &self.session
    }
}

impl DerefMut for Turn {
    fn deref_mut(&mut self) -> &mut ResidentSession {
        &mut self.session
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let now = ResidentView::of(&self.session);
        *read(&self.view) = now;
    }
}
