//! Drives a [`ResidentSession`] from its current step to the end, asking
//! [`Answers`] and printing each step. Every card step is a new tap, and
//! the PIN is asked BEFORE the tap that uses it (no card transaction is held
//! across a prompt): the application takes three taps.

use std::cell::Cell;
use std::sync::Arc;

use mynapoint_core::card::{CardTransport, PinError};
use mynapoint_core::failure::{Failure as CoreFailure, FailureCode, RetryHint};
use mynapoint_core::pin::{LastTry, PinKind, PinPrompt};
use mynapoint_core::platform::{Application, ApplicationStatus};
use mynapoint_core::resident::{LoginOutcome, PinPurpose, ResidentError, ResidentSession, Step};

use super::answers::Answers;
use super::explain::{failure, line};
use super::say::Say;
use crate::commands::card::utc_date;
use crate::Failure;

/// A new tap of the card (a new connection to it).
pub type Taps<'a> = &'a dyn Fn() -> Result<Arc<dyn CardTransport>, Failure>;

/// PIN entries (and lost taps) one card step may take before giving up.
const PIN_ATTEMPTS: usize = 6;
/// Steps one flow may take (re-entries included) before giving up.
const MAX_STEPS: usize = 100;

pub struct Flow<'a, 'o> {
    pub session: ResidentSession,
    pub say: Say<'o>,
    pub(super) answers: &'a mut dyn Answers,
    taps: Taps<'a>,
    /// A child application: taps of the legal representative's card.
    pub(super) representative: Option<Taps<'a>>,
    /// Taps made so far (transports opened).
    tapped: Cell<usize>,
}

/// Whether another PIN entry (or tap) may settle it: the core's retry hint.
pub(super) fn pin_retryable(e: &ResidentError) -> bool {
    matches!(
        CoreFailure::from(e).retry(),
        RetryHint::ReenterField | RetryHint::TapAgain
    )
}

impl<'a, 'o> Flow<'a, 'o> {
    pub fn new(
        session: ResidentSession,
        taps: Taps<'a>,
        answers: &'a mut dyn Answers,
        say: Say<'o>,
    ) -> Self {
        Self {
            session,
            say,
            answers,
            taps,
            representative: None,
            tapped: Cell::new(0),
        }
    }

    /// A legal representative's application for the child whose card
    /// `taps` reads: `representative` taps the representative's own card.
    pub fn for_child(mut self, representative: Taps<'a>) -> Self {
        self.representative = Some(representative);
        self
    }

    pub(super) fn tap(&self) -> Result<Arc<dyn CardTransport>, Failure> {
        self.tap_with(self.taps)
    }

    /// A new tap through `taps` (the resident's card or the representative's).
    pub(super) fn tap_with(&self, taps: Taps<'a>) -> Result<Arc<dyn CardTransport>, Failure> {
        let transport = taps()?;
        self.tapped.set(self.tapped.get() + 1);
        Ok(transport)
    }

    /// The taps made so far (each a new connection to the card).
    pub fn taps(&self) -> usize {
        self.tapped.get()
    }

    /// The whole flow: from the card read to the submitted application.
    pub async fn apply(&mut self) -> Result<Application, Failure> {
        for _ in 0..MAX_STEPS {
            match self.session.step() {
                Step::ReadCard => self.read_card().await?,
                Step::EnterPin {
                    purpose: PinPurpose::Login,
                } => {
                    if self.log_in().await?.my_key_id.is_none() {
                        self.say.line("one is issued next")?;
                    }
                }
                Step::ChooseMyKeyId { own_choice_allowed } => {
                    self.choose_my_key_id(own_choice_allowed).await?
                }
                Step::EnterRegistration => self.register().await?,
                Step::ChooseCategories => self.choose_categories().await?,
                Step::ChooseService
                    if self.representative.is_some()
                        && self.session.representative_serial().is_none() =>
                {
                    self.for_a_child().await?
                }
                Step::ChooseService => self.choose_service().await?,
                Step::AcceptTerms => self.accept_terms().await?,
                Step::EnterPayment => self.enter_payment().await?,
                Step::Review => self.review().await?,
                Step::EnterPin {
                    purpose: PinPurpose::SignApplication,
                } => self.sign_and_submit().await?,
                Step::SubmitPending => self.retry_submission().await?,
                Step::RepresentativeSign => self.representative_signs().await?,
                Step::Done => return self.status().await,
                Step::Ended { reason } => {
                    return Err(failure(ResidentError::SessionEnded { reason }))
                }
            }
        }
        Err(Failure::of(FailureCode::TooManyAttempts))
    }

    /// An error after which the session stands at another step the flow
    /// goes on from: say it and go on. Anything else stops the flow.
    pub(super) fn go_on_or_stop(&mut self, e: ResidentError, before: Step) -> Result<(), Failure> {
        let step = self.session.step();
        if e.ends_session() || matches!(step, Step::Ended { .. }) || step == before {
            return Err(failure(e));
        }
        self.say.problem(line(&e))
    }

    pub async fn read_card(&mut self) -> Result<(), Failure> {
        self.say.step("Read the card (no PIN needed)")?;
        self.say.line(
            "tap: reading the user-authentication certificate and the PIN retry counter \
             (spends no try) ...",
        )?;
        let card = self.session.read_card(self.tap()?).await.map_err(failure)?;
        self.say.line(format!(
            "certificate serial (issue number) {}, valid until {}{}",
            card.serial,
            utc_date(card.expires_at_unix),
            if card.valid_now {
                ""
            } else {
                " (NOT valid now)"
            }
        ))?;
        self.say
            .line("the session is bound to this card from now on")
    }

    /// Asks for the PIN before the tap that uses it, with the tries left as
    /// last read from this card (and, with one try left, the explicit
    /// confirmation first), and keeps it for that tap. Only when the count
    /// is unknown (a VERIFY's answer was lost) does it tap to read it first.
    async fn prepare_pin(&mut self, purpose: PinPurpose) -> Result<LastTry, Failure> {
        let mut prompt = self.session.pin_prompt();
        if prompt == PinPrompt::ReadFirst {
            self.say.line(
                "tap: reading the PIN retry counter first (spends no try): the answer to the \
                 last PIN check was lost ...",
            )?;
            let check = self
                .session
                .pin_status(self.tap()?)
                .await
                .map_err(failure)?;
            if let Some(recheck) = check.recheck {
                self.say.line(match recheck.try_counted {
                    Some(true) => "the try whose answer was lost did count",
                    Some(false) => "the try whose answer was lost did not count",
                    None => "whether the lost try counted is unknown",
                })?;
            }
            prompt = self.session.pin_prompt();
        }
        let last_try = self.settle_prompt(prompt, None)?;
        let tries = prompt.tries_left();
        loop {
            let pin = self.answers.pin(&mut self.say, purpose, tries)?;
            match self.session.enter_pin(&pin) {
                Ok(()) => return Ok(last_try),
                Err(e) if CoreFailure::from(&e).retry() == RetryHint::ReenterField => {
                    self.say.problem(line(&e))?
                }
                Err(e) => return Err(failure(e)),
            }
        }
    }

    /// What a PIN prompt means before the PIN is asked: a locked card is
    /// refused, one try left needs the explicit confirmation, otherwise the
    /// tries left are said. `other_card`: whose card it is when it is not the
    /// resident's own (e.g. "the representative's card").
    pub(super) fn settle_prompt(
        &mut self,
        prompt: PinPrompt,
        other_card: Option<&str>,
    ) -> Result<LastTry, Failure> {
        let on = other_card.map_or(String::new(), |c| format!(" on {c}"));
        match prompt {
            PinPrompt::Locked => Err(PinError::Locked {
                kind: PinKind::UserAuth,
                by_this_try: false,
            }
            .into()),
            PinPrompt::ConfirmLastTry => {
                self.say.problem(format!(
                    "only 1 PIN try is left{on}: a wrong PIN locks the card until the municipal \
                     counter resets it"
                ))?;
                if !self.answers.spend_last_try(&mut self.say)? {
                    return Err(Failure::of(FailureCode::LastTryRefused));
                }
                Ok(LastTry::Confirmed)
            }
            PinPrompt::Ask { tries_left } => {
                self.say.line(match other_card {
                    None => format!(
                        "{tries_left} PIN tries left (3 wrong entries in a row lock the card)"
                    ),
                    Some(_) => format!("{tries_left} PIN tries left{on}"),
                })?;
                Ok(LastTry::Refuse)
            }
            PinPrompt::ReadFirst => {
                if let Some(card) = other_card {
                    self.say.line(format!(
                        "the retry counter of {card} is read first in the same tap"
                    ))?;
                }
                Ok(LastTry::Refuse)
            }
        }
    }

    pub async fn log_in(&mut self) -> Result<LoginOutcome, Failure> {
        self.say.step("PIN and card login")?;
        for _ in 0..PIN_ATTEMPTS {
            let last_try = self.prepare_pin(PinPurpose::Login).await?;
            self.say.line(
                "tap: the card's retry counter is read again, the card checks the PIN and signs \
                 the platform's challenge; logging in ...",
            )?;
            match self.session.log_in(self.tap()?, last_try).await {
                Ok(outcome) => {
                    self.say.line("PIN verified, logged in to the platform")?;
                    match &outcome.my_key_id {
                        Some(id) => self.say.line(format!(
                            "this person's My Key ID: {id}{}",
                            if outcome.card_reissued {
                                " (the card was reissued: the record now follows it)"
                            } else {
                                ""
                            }
                        ))?,
                        None => self.say.line("no My Key ID yet")?,
                    }
                    if outcome.application.is_some() {
                        self.say.line("an application exists already")?;
                    }
                    return Ok(outcome);
                }
                Err(e) if pin_retryable(&e) => self.say.problem(line(&e))?,
                Err(e) => return Err(failure(e)),
            }
        }
        Err(Failure::of(FailureCode::TooManyAttempts))
    }

    pub async fn sign_and_submit(&mut self) -> Result<(), Failure> {
        self.say
            .step("PIN again: the card signs the application, then it is submitted")?;
        let before = self.session.step();
        for _ in 0..PIN_ATTEMPTS {
            let last_try = self.prepare_pin(PinPurpose::SignApplication).await?;
            self.say.line(
                "tap: the card's retry counter is read again, the card checks the PIN and signs \
                 the platform's digest of this application ...",
            )?;
            match self.session.sign_and_submit(self.tap()?, last_try).await {
                Ok(app) => {
                    return self.say.line(format!(
                        "signed and submitted: application {}",
                        app.application_id
                    ))
                }
                Err(ResidentError::RepresentativeSignatureNeeded) => {
                    return self.say.line(
                        "the child's card signed; the legal representative's card signs next",
                    )
                }
                Err(e) if pin_retryable(&e) => self.say.problem(line(&e))?,
                Err(e) => return self.go_on_or_stop(e, before),
            }
        }
        Err(Failure::of(FailureCode::TooManyAttempts))
    }

    /// The signed application's answer was lost: repeat it (same body and key).
    async fn retry_submission(&mut self) -> Result<(), Failure> {
        for attempt in 1..=3u64 {
            tokio::time::sleep(std::time::Duration::from_secs(attempt)).await;
            self.say
                .line("repeating the submission (same signed content, same key) ...")?;
            match self.session.retry_submission().await {
                Ok(_) => return Ok(()),
                Err(e) if self.session.step() == Step::SubmitPending => {
                    self.say.problem(line(&e))?
                }
                Err(e) => return self.go_on_or_stop(e, Step::SubmitPending),
            }
        }
        Err(Failure::of(FailureCode::SubmissionUnconfirmed))
    }

    /// The application's status (申込済み / registered).
    pub async fn status(&mut self) -> Result<Application, Failure> {
        self.say.step("Application status")?;
        let app = self.session.application_status().await.map_err(failure)?;
        self.say.line(match app.status {
            ApplicationStatus::Submitted => {
                "status: submitted (申込済み); registration with the payment service takes about a day"
            }
            ApplicationStatus::Registered => "status: registered with the payment service",
        })?;
        self.say.line(format!(
            "service: {} [{}], payment ID {}",
            app.service_name,
            app.service_id,
            app.payment_id_masked
                .as_deref()
                .unwrap_or("as registered at the 1st installment")
        ))?;
        for c in &app.categories {
            self.say.line(format!(
                "category {}: {} yen{}, {}",
                super::category_steps::category_name(c.category),
                c.amount_yen,
                if c.category == mynapoint_core::platform::Category::CardAcquisition {
                    " at most"
                } else {
                    ""
                },
                match c.status {
                    ApplicationStatus::Submitted => "submitted (申込済み)",
                    ApplicationStatus::Registered => "registered",
                }
            ))?;
        }
        self.say
            .line("points are shown by the payment service itself, never in this app")?;
        Ok(app)
    }
}
