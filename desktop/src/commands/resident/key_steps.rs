//! Getting a My Key ID: auto-generated candidates or an own choice, then the
//! registration form (password, e-mail, notifications, base municipality).

use mynapoint_core::platform::Notifications;
use mynapoint_core::resident::{
    check_confirmation, check_field, check_my_key_id, Field, RegistrationForm, ResidentError, Step,
};
use zeroize::Zeroizing;

use super::answers::KeyChoice;
use super::explain::{failure, line};
use super::flow::Flow;
use crate::Failure;

/// The registration screen's answers, kept until the platform accepts them.
#[derive(Default)]
struct Typed {
    password: Zeroizing<String>,
    password_again: Zeroizing<String>,
    email: Zeroizing<String>,
    email_again: Zeroizing<String>,
    notifications: Notifications,
    municipality: Zeroizing<String>,
}

impl Typed {
    fn form(&self) -> RegistrationForm {
        let email = (!self.email.is_empty()).then(|| self.email.to_string());
        RegistrationForm {
            password: self.password.to_string(),
            password_again: self.password_again.to_string(),
            email_again: email.as_ref().map(|_| self.email_again.to_string()),
            email,
            notifications: self.notifications,
            base_municipality: self.municipality.to_string(),
        }
    }
}

impl Flow<'_, '_> {
    pub(super) async fn choose_my_key_id(&mut self, own_allowed: bool) -> Result<(), Failure> {
        self.say.step("Get a My Key ID")?;
        self.say.line(
            "auto-generation: the platform proposes a duplicate-checked candidate; you may ask \
             again, at most 3 times, and the 3rd is the one registered",
        )?;
        if own_allowed {
            self.say.line(
                "own choice: 8 characters, checked for duplicates; after 3 taken ones, \
                 auto-generation only",
            )?;
        }
        while let Step::ChooseMyKeyId { own_choice_allowed } = self.session.step() {
            match self.answers.key_choice(&mut self.say, own_choice_allowed)? {
                KeyChoice::Auto => self.next_candidates().await?,
                KeyChoice::Own(id) => self.check_own(&id).await?,
            }
        }
        Ok(())
    }

    pub(super) async fn next_candidates(&mut self) -> Result<(), Failure> {
        loop {
            self.say.line("asking the platform for a candidate ...")?;
            let c = match self.session.next_candidate().await {
                Ok(c) => c,
                Err(e @ ResidentError::NoMoreCandidates) => {
                    return self.say.problem(line(&e));
                }
                Err(e) => return Err(failure(e)),
            };
            self.say
                .line(format!("candidate {} of 3: {}", c.attempt, c.candidate))?;
            if c.is_final {
                self.say.line(format!(
                    "the 3rd candidate is final: {} is the one registered (candidates were {})",
                    c.candidate,
                    self.session.candidates().join(", ")
                ))?;
                return Ok(());
            }
            if self.answers.take_candidate(&mut self.say, &c)? {
                self.session
                    .choose_candidate(&c.candidate)
                    .map_err(failure)?;
                return self.say.line(format!("chosen: {}", c.candidate));
            }
        }
    }

    pub(super) async fn check_own(&mut self, id: &str) -> Result<(), Failure> {
        // The format first, here: nothing is sent (or announced) for a malformed id.
        if let Err(e) = check_my_key_id(id) {
            return self.say.problem(line(&ResidentError::Invalid(e)));
        }
        self.say.line(format!("checking {id} for duplicates ..."))?;
        match self.session.check_own_choice(id).await {
            Ok(r) if r.available => self.say.line(format!("{id} is available: chosen")),
            Ok(r) => self.say.problem(format!(
                "{id} is taken (check {} of 3){}",
                r.checks_used,
                if r.fallback_to_auto {
                    ": continue with auto-generation"
                } else {
                    ": choose another"
                }
            )),
            Err(
                e @ (ResidentError::Invalid(_)
                | ResidentError::OwnChoiceExhausted
                | ResidentError::MyKeyIdUnchanged),
            ) => self.say.problem(line(&e)),
            Err(e) => Err(failure(e)),
        }
    }

    /// Asks `fields` in order, each checked as it is entered (nothing is
    /// sent): a refused answer is said in one line and asked again; a
    /// confirmation that does not match asks both entries again. An e-mail
    /// is followed by its confirmation and the notifications (none without one).
    fn fill(&mut self, typed: &mut Typed, fields: &[Field]) -> Result<(), Failure> {
        let mut i = 0;
        while let Some(&field) = fields.get(i) {
            if field == Field::EmailConfirmation && typed.email.is_empty() {
                typed.email_again = Zeroizing::default();
                i += 1;
                continue;
            }
            let value = self.answers.field(&mut self.say, field, None)?;
            let checked = match field {
                Field::PasswordConfirmation => check_confirmation(field, &typed.password, &value),
                Field::EmailConfirmation => check_confirmation(field, &typed.email, &value),
                _ => check_field(field, &value, None),
            };
            if let Err(e) = checked {
                self.say.problem(line(&ResidentError::Invalid(e)))?;
                let first = e.fields_to_reenter()[0];
                i = fields.iter().position(|f| *f == first).unwrap_or(i);
                continue;
            }
            match field {
                Field::Password => typed.password = value,
                Field::PasswordConfirmation => typed.password_again = value,
                Field::Email => {
                    typed.email = value;
                    if typed.email.is_empty() {
                        typed.notifications = Notifications::default();
                    }
                }
                Field::EmailConfirmation => {
                    typed.email_again = value;
                    typed.notifications = self.answers.notifications(&mut self.say)?;
                }
                _ => typed.municipality = value,
            }
            i += 1;
        }
        Ok(())
    }

    pub(super) async fn register(&mut self) -> Result<(), Failure> {
        let chosen = self.session.chosen_my_key_id().unwrap_or("?").to_owned();
        self.say.step(format!(
            "Register My Key ID {chosen}: My Page password, e-mail, base municipality"
        ))?;
        let mut typed = Typed::default();
        self.fill(
            &mut typed,
            &[
                Field::Password,
                Field::PasswordConfirmation,
                Field::Email,
                Field::EmailConfirmation,
                Field::BaseMunicipality,
            ],
        )?;
        loop {
            self.say.line("issuing the My Key ID ...")?;
            match self.session.issue_my_key_id(typed.form()).await {
                Ok(record) => {
                    self.say.line(format!(
                        "My Key ID {} issued, registered with the card's serial {}",
                        record.my_key_id, record.certificate_serial
                    ))?;
                    return self.say.line(format!(
                        "e-mail {}, base municipality {}",
                        record.email.as_deref().unwrap_or("none"),
                        record.base_municipality
                    ));
                }
                Err(ResidentError::Invalid(f)) if f.field != Field::MyKeyId => {
                    self.say.problem(line(&ResidentError::Invalid(f)))?;
                    self.fill(&mut typed, &f.fields_to_reenter())?;
                }
                Err(e) => return self.go_on_or_stop(e, Step::EnterRegistration),
            }
        }
    }
}
