//! A legal representative's application for a child under 15
//! (`mynapoint resident child`): the child's card logs in and signs; the
//! representative's own card (another reader or tap) is read before the
//! service is chosen and signs the same application last.

use mynapoint_core::failure::{Failure as CoreFailure, FailureCode, RetryHint};
use mynapoint_core::resident::{CivilDate, ResidentError, Step};

use super::explain::{failure, line};
use super::flow::{pin_retryable, Flow, Taps};
use crate::commands::card::utc_date;
use crate::Failure;

/// PIN entries (and lost taps) the representative's signature may take.
const PIN_ATTEMPTS: usize = 6;

/// `YYYYMMDD` as `YYYY-MM-DD` (as typed when it is not a date).
pub fn iso_date(yyyymmdd: &str) -> String {
    CivilDate::parse_yyyymmdd(yyyymmdd).map_or_else(|| yyyymmdd.to_owned(), CivilDate::to_iso)
}

impl<'a> Flow<'a, '_> {
    fn representative_taps(&self) -> Result<Taps<'a>, Failure> {
        let step = self.session.step();
        self.representative
            .ok_or_else(|| failure(ResidentError::WrongStep { step }))
    }

    /// The child's birth date, then one tap of the representative's card
    /// (no PIN: its certificate and PIN retry counter).
    pub(super) async fn for_a_child(&mut self) -> Result<(), Failure> {
        let taps = self.representative_taps()?;
        self.say
            .step("A legal representative applies for a child under 15")?;
        self.say.line(
            "the child's card (read above) logs in and signs first; the legal representative's \
             own card signs the same application last",
        )?;
        if self.session.child_birth_date().is_none() {
            loop {
                let date = self.answers.child_birth_date(&mut self.say)?;
                match self.session.apply_for_child(&date) {
                    Ok(()) => break,
                    Err(e) if CoreFailure::from(&e).retry() == RetryHint::ReenterField => {
                        self.say.problem(line(&e))?
                    }
                    Err(e) => return Err(failure(e)),
                }
            }
        }
        self.say.line(
            "tap: the legal representative's card (certificate and PIN retry counter, no PIN) ...",
        )?;
        let card = self
            .session
            .read_representative_card(self.tap_with(taps)?)
            .await
            .map_err(failure)?;
        self.say.line(format!(
            "legal representative's card: serial {}, valid until {}{}",
            card.serial,
            utc_date(card.expires_at_unix),
            if card.valid_now {
                ""
            } else {
                " (NOT valid now)"
            }
        ))
    }

    /// The representative's PIN, asked before the one tap of their card that
    /// checks it, signs the digest the child's card signed, and submits.
    pub(super) async fn representative_signs(&mut self) -> Result<(), Failure> {
        let taps = self.representative_taps()?;
        self.say.step(
            "The legal representative's PIN: their card signs the same application, then it is \
             submitted",
        )?;
        for _ in 0..PIN_ATTEMPTS {
            let prompt = self.session.representative_pin_prompt();
            let last_try = self.settle_prompt(prompt, Some("the representative's card"))?;
            let pin = self
                .answers
                .representative_pin(&mut self.say, prompt.tries_left())?;
            self.say.line(
                "tap: the legal representative's card checks the PIN and signs; submitting ...",
            )?;
            let transport = self.tap_with(taps)?;
            match self
                .session
                .representative_signs(transport, &pin, last_try)
                .await
            {
                Ok(app) => {
                    return self.say.line(format!(
                        "signed by both cards and submitted: application {}",
                        app.application_id
                    ))
                }
                Err(e) if pin_retryable(&e) => self.say.problem(line(&e))?,
                Err(e) => return self.go_on_or_stop(e, Step::RepresentativeSign),
            }
        }
        Err(Failure::of(FailureCode::TooManyAttempts))
    }
}
