//! A legal representative applies for a child under 15 with the child's
//! card: the session (login, My Key ID, application) is the child's; the
//! representative's card is read, and later signs, through its own
//! `CardSession`, never through the bound one, so tapping it does not end
//! the child's session. It must be another card than the child's.

use std::sync::Arc;

use super::application::service_open;
use super::card_steps::CardSummary;
use super::{ChildHeld, ResidentSession};
use crate::card::{CardSession, CardTransport};
use crate::clock::CivilDate;
use crate::pin::{LastTry, Pin, PinKind, PinPrompt};
use crate::platform::Application;
use crate::resident::error::ResidentError;
use crate::resident::fields::FieldProblem;
use crate::resident::step::Step;

const AUTH: PinKind = PinKind::UserAuth;

/// Checks a child's birth date (`YYYYMMDD`): the contract's rule (half-width
/// digits, a real date from 1900, not after `today`, under 15 on `today`).
pub(crate) fn check_child_birth_date(text: &str, today: CivilDate) -> Result<(), FieldProblem> {
    mynapoint_contract::check_child_birth_date(text, today).map(|_| ())
}

impl ResidentSession {
    /// Makes this application a legal representative's application for the
    /// child whose card is bound (before the payment details). The birth
    /// date is checked here by the session's clock; nothing is sent.
    /// Details entered before are dropped (they must be signed again).
    pub fn apply_for_child(&mut self, birth_date: &str) -> Result<(), ResidentError> {
        self.begin(service_open)?;
        check_child_birth_date(birth_date, self.frame.clock().today())
            .map_err(ResidentError::InvalidChildBirthDate)?;
        let representative = self.held_mut().child.take().and_then(|c| c.representative);
        self.held_mut().child = Some(ChildHeld {
            birth_date: birth_date.to_owned(),
            representative,
        });
        self.drop_prepared();
        Ok(())
    }

    /// Reads the legal representative's card (no PIN: its certificate and
    /// its PIN's retry counter, one tap) through a separate card session,
    /// so its PIN is asked before the one tap that signs. The child's (bound) card, or a certificate of the same
    /// person, is refused with [`ResidentError::RepresentativeIsApplicant`].
    /// Reading again replaces the representative.
    pub async fn read_representative_card(
        &mut self,
        transport: Arc<dyn CardTransport>,
    ) -> Result<CardSummary, ResidentError> {
        self.begin(service_open)?;
        if self.held().child.is_none() {
            return Err(self.wrong_step());
        }
        let mut card = CardSession::new();
        let mut tap = card.tap(transport).await?;
        if self.frame.card().bound() == Some(&tap.report().serial) {
            return Err(ResidentError::RepresentativeIsApplicant);
        }
        let certificate = tap.certificate().await?;
        tap.pin_status(AUTH).await?;
        drop(tap);
        let same_person = self.held().certificate.as_ref().is_some_and(|own| {
            own.serial == certificate.serial
                || (own.issuer == certificate.issuer && own.subject == certificate.subject)
        });
        if same_person {
            return Err(ResidentError::RepresentativeIsApplicant);
        }
        let summary = CardSummary {
            serial: certificate.serial.to_hex(),
            expires_at_unix: certificate.not_after_unix(),
            valid_now: certificate.is_valid_at(std::time::SystemTime::now()),
            pin: card.prompt(AUTH),
        };
        self.held_mut().representative_card = card;
        if let Some(child) = &mut self.held_mut().child {
            child.representative = Some(certificate);
        }
        self.drop_prepared();
        Ok(summary)
    }

    /// The child's birth date of a child application (`YYYYMMDD`).
    pub fn child_birth_date(&self) -> Option<&str> {
        self.held().child.as_ref().map(|c| c.birth_date.as_str())
    }

    /// The representative card's certificate serial (upper hex), once read.
    pub fn representative_serial(&self) -> Option<String> {
        self.held()
            .child
            .as_ref()
            .and_then(|c| c.representative.as_ref())
            .map(|r| r.serial.to_hex())
    }

    /// What to show when asking for the representative's PIN before the tap
    /// of [`Self::representative_signs`]: its counter as read with its card.
    /// `ReadFirst` after a lost VERIFY answer: that tap reads it first and
    /// applies the usual rules.
    pub fn representative_pin_prompt(&self) -> PinPrompt {
        self.held().representative_card.prompt(AUTH)
    }

    /// A VERIFY on the representative's card lost its answer: the next
    /// [`Self::representative_signs`] reads its retry counter first.
    pub fn representative_pin_in_doubt(&self) -> bool {
        self.held().representative_card.pin_in_doubt(AUTH)
    }

    /// One explicit user action at [`Step::RepresentativeSign`]: the
    /// representative's card (the one read before, checked first: another
    /// card is refused and nothing is signed) verifies its own PIN (at most
    /// one VERIFY, `last_try` as confirmed) and signs the same digest the
    /// child's card signed; then the application is submitted (one
    /// Idempotency-Key for every repeat).
    pub async fn representative_signs(
        &mut self,
        transport: Arc<dyn CardTransport>,
        pin: &str,
        last_try: LastTry,
    ) -> Result<Application, ResidentError> {
        self.begin(|s| s == Step::RepresentativeSign)?;
        let pin = Pin::user_auth(pin)?;
        let expected = self
            .held()
            .child
            .as_ref()
            .and_then(|c| c.representative.as_ref())
            .map(|r| r.serial.clone());
        let (Some(expected), Some(digest), true) = (
            expected,
            self.held().prepared.as_ref().map(|p| p.digest),
            self.held().submission.is_some(),
        ) else {
            return Err(self.wrong_step());
        };
        let card = &mut self.held_mut().representative_card;
        card.enter_pin(pin);
        let signed = async {
            let mut tap = card.tap(transport).await?;
            if tap.report().serial != expected || tap.report().card_changed {
                return Err(ResidentError::RepresentativeCardMismatch);
            }
            tap.verify(AUTH, last_try).await?;
            Ok::<_, ResidentError>(tap.sign(&digest).await?)
        }
        .await;
        card.clear_pin();
        let signature = match signed {
            Ok(signature) => signature,
            Err(e @ ResidentError::RepresentativeCardMismatch) => {
                // The separate card session followed the other card: forget it.
                self.held_mut().representative_card = CardSession::new();
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        match &mut self.held_mut().submission {
            Some(super::Submission {
                request: super::Signed::Application(request),
                ..
            }) => request.representative_signature = Some(signature),
            Some(super::Submission {
                request: super::Signed::Addition(request),
                ..
            }) => request.representative_signature = Some(signature),
            None => {}
        }
        self.submit().await
    }

    /// The details must be entered (and signed) again.
    fn drop_prepared(&mut self) {
        self.held_mut().prepared = None;
        self.held_mut().review = None;
        if self.frame.step() == Step::Review {
            // An addition on a fixed service goes back to its categories.
            self.frame.go(if self.service_fixed() {
                Step::ChooseCategories
            } else {
                Step::EnterPayment
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_dates_are_checked_locally() {
        let today = CivilDate::new(2026, 11, 21).unwrap();
        let problem = |t| check_child_birth_date(t, today).unwrap_err();
        check_child_birth_date("20111122", today).unwrap();
        check_child_birth_date("20261121", today).unwrap();
        assert_eq!(problem("20111121"), FieldProblem::NotUnder15);
        assert_eq!(problem("20230229"), FieldProblem::NotADate);
        assert_eq!(problem("20261122"), FieldProblem::InFuture);
        assert_eq!(
            problem("2015041"),
            FieldProblem::WrongLength {
                min: 8,
                max: 8,
                got: 7
            }
        );
        assert_eq!(
            problem("2015-4-1"),
            FieldProblem::NotAllowed { position: 5 }
        );
        assert_eq!(
            problem("２0150401"),
            FieldProblem::FullWidth { position: 1 }
        );
    }
}
