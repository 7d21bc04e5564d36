//! Getting a My Key ID: auto-generated candidates (at most 3, the 3rd is
//! final) or an own choice (duplicate-checked; after 3 taken, auto only),
//! then issuance with the registration form. A resident who has one may
//! change it later, in a new session (card + PIN again), choosing by the
//! same rules: [`ResidentSession::start_my_key_id_change`], then
//! `next_candidate` / `choose_candidate` / `check_own_choice`, then
//! [`ResidentSession::change_my_key_id`]. Or revoke it for good:
//! [`ResidentSession::revoke_my_key_id`].

use super::KeyChoice;
use super::ResidentSession;
use crate::platform::{
    Candidate, ChangeRequest, CheckResult, ErrorCode, IdempotencyKey, IssueMode, IssueRequest,
    MyKeyIdRecord, PlatformError,
};
use crate::resident::error::ResidentError;
use crate::resident::fields::{Field, FieldError, FieldProblem};
use crate::resident::registration::{check_my_key_id, RegistrationForm};
use crate::resident::step::{EndReason, Step};
use crate::secret::Secret;

const MAX_CANDIDATES: usize = 3;

fn is_choosing(step: Step) -> bool {
    matches!(step, Step::ChooseMyKeyId { .. })
}

/// A platform refusal of a field the local rules accepted.
fn rejected(field: Field) -> ResidentError {
    ResidentError::Invalid(FieldError::new(field, FieldProblem::RejectedByPlatform))
}

impl ResidentSession {
    fn choosing_step(&self) -> Step {
        Step::ChooseMyKeyId {
            own_choice_allowed: !self.held().keys.own_exhausted,
        }
    }

    /// Takes a choice. Issuance goes on to registration; a change stays at
    /// the choice (another candidate or own choice may replace it until the
    /// final candidate) until [`Self::change_my_key_id`].
    fn choose(&mut self, mode: IssueMode, my_key_id: &str) {
        self.held_mut().keys.chosen = Some((mode, my_key_id.to_owned()));
        self.frame.go(if self.held().keys.change_from.is_some() {
            self.choosing_step()
        } else {
            Step::EnterRegistration
        });
    }

    /// In a change, the final candidate is the one registered.
    fn ensure_final_not_given(&self) -> Result<(), ResidentError> {
        if self.held().keys.final_given {
            return Err(ResidentError::NoMoreCandidates);
        }
        Ok(())
    }

    /// Starts changing the My Key ID of a resident who has one (after login:
    /// at the service choice or the application status). Not in a session
    /// that issued or changed one already: that needs a new card login.
    pub fn start_my_key_id_change(&mut self) -> Result<(), ResidentError> {
        self.begin(|s| matches!(s, Step::ChooseCategories | Step::ChooseService | Step::Done))?;
        if self.held().my_key_id.is_none() {
            return Err(ResidentError::MyKeyIdRequired);
        }
        if self.held().keys.done_here {
            return Err(ResidentError::FreshLoginRequired);
        }
        self.held_mut().keys.change_from = Some(self.frame.step());
        self.frame.go(self.choosing_step());
        Ok(())
    }

    /// Leaves a change without changing anything (the candidates and checks
    /// used so far stay used in this session; the final candidate, once
    /// given, stays chosen, so a change started again can still register it).
    pub fn cancel_my_key_id_change(&mut self) -> Result<(), ResidentError> {
        let change_from = self.held().keys.change_from;
        self.begin(|s| is_choosing(s) && change_from.is_some())?;
        let keys = &mut self.held_mut().keys;
        if !keys.final_given {
            keys.chosen = None;
        }
        keys.change_key = None;
        let back = keys.change_from.take().expect("checked above");
        self.frame.go(back);
        Ok(())
    }

    /// Registers the chosen id in place of the current one (the old one is
    /// retired by the platform, never issued again).
    pub async fn change_my_key_id(&mut self) -> Result<MyKeyIdRecord, ResidentError> {
        let change_from = self.held().keys.change_from;
        self.begin(|s| is_choosing(s) && change_from.is_some())?;
        let (Some((mode, my_key_id)), Some(back)) = (self.held().keys.chosen.clone(), change_from)
        else {
            return Err(self.wrong_step());
        };
        let request = ChangeRequest {
            mode,
            my_key_id: my_key_id.clone(),
        };
        // The same key on a retry: a lost answer is replayed, not refused.
        let key = self
            .held_mut()
            .keys
            .change_key
            .get_or_insert_with(IdempotencyKey::new)
            .clone();
        let result = self
            .platform
            .change_my_key_id(self.token()?, &request, &key)
            .await;
        match result {
            Ok(record) => {
                if record.my_key_id != my_key_id {
                    return Err(ResidentError::PlatformMismatch);
                }
                self.held_mut().keys.wipe();
                self.held_mut().keys = KeyChoice {
                    done_here: true,
                    ..KeyChoice::default()
                };
                self.held_mut().my_key_id = Some(record.my_key_id.clone());
                self.frame.go(back);
                Ok(record)
            }
            Err(e @ PlatformError::Http { .. }) => {
                // Refused: nothing was stored, a new attempt gets a new key.
                self.held_mut().keys.change_key = None;
                Err(match e.code() {
                    Some(ErrorCode::MyKeyIdTaken) => {
                        if !self.held().keys.final_given {
                            self.held_mut().keys.chosen = None;
                        }
                        ResidentError::MyKeyIdTaken
                    }
                    Some(ErrorCode::MyKeyIdFormat) => rejected(Field::MyKeyId),
                    _ => e.into(),
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Revokes the person's My Key ID for good (the platform never issues
    /// it again), after the card login of this session (its PIN step was
    /// that login's one tap; no other tap is needed). The shell asks for an
    /// explicit confirmation first. Then the session ends
    /// ([`EndReason::Revoked`]) and is wiped. A repeat after a lost answer
    /// finds it revoked already, which is success too.
    pub async fn revoke_my_key_id(&mut self) -> Result<(), ResidentError> {
        self.begin(|s| matches!(s, Step::ChooseCategories | Step::ChooseService | Step::Done))?;
        if self.held().my_key_id.is_none() {
            return Err(ResidentError::MyKeyIdRequired);
        }
        let result = self
            .platform
            .revoke_my_key_id(self.token()?, &IdempotencyKey::new())
            .await;
        match result {
            Ok(_)
            | Err(PlatformError::Http {
                code: ErrorCode::MyKeyIdRevoked,
                ..
            }) => {
                self.end(EndReason::Revoked);
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Revokes the My Key ID after the person typed it as the confirmation
    /// (the same for every shell: the id itself, surrounding spaces ignored).
    /// Anything else is [`ResidentError::RevocationNotConfirmed`]: nothing is
    /// sent and the session stays where it was.
    pub async fn confirm_and_revoke_my_key_id(&mut self, typed: &str) -> Result<(), ResidentError> {
        self.begin(|s| matches!(s, Step::ChooseCategories | Step::ChooseService | Step::Done))?;
        let Some(my_key_id) = self.held().my_key_id.as_deref() else {
            return Err(ResidentError::MyKeyIdRequired);
        };
        if typed.trim() != my_key_id {
            return Err(ResidentError::RevocationNotConfirmed);
        }
        self.revoke_my_key_id().await
    }

    /// Asks the platform for an auto-generated candidate. The 3rd is final:
    /// it is chosen at once and the flow goes on to registration (or, in a
    /// change, waits for [`Self::change_my_key_id`]).
    pub async fn next_candidate(&mut self) -> Result<Candidate, ResidentError> {
        self.begin(is_choosing)?;
        if self.held().keys.final_given || self.held().keys.candidates.len() >= MAX_CANDIDATES {
            return Err(ResidentError::NoMoreCandidates);
        }
        let candidate = self.platform.my_key_id_candidate(self.token()?).await?;
        let keys = &mut self.held_mut().keys;
        keys.candidates.push(candidate.candidate.clone());
        if candidate.is_final || keys.candidates.len() >= MAX_CANDIDATES {
            keys.final_given = true;
            self.choose(IssueMode::Auto, &candidate.candidate);
        }
        Ok(candidate)
    }

    /// Takes one of the offered candidates.
    pub fn choose_candidate(&mut self, my_key_id: &str) -> Result<(), ResidentError> {
        self.begin(is_choosing)?;
        self.ensure_final_not_given()?;
        if !self.held().keys.candidates.iter().any(|c| c == my_key_id) {
            return Err(ResidentError::CandidateNotOffered);
        }
        self.choose(IssueMode::Auto, my_key_id);
        Ok(())
    }

    /// Checks an own choice: format here (nothing sent when wrong), then the
    /// platform's duplicate check. Available: chosen, on to registration.
    /// After 3 taken: auto-generation only.
    pub async fn check_own_choice(
        &mut self,
        my_key_id: &str,
    ) -> Result<CheckResult, ResidentError> {
        self.begin(is_choosing)?;
        self.ensure_final_not_given()?;
        if self.held().keys.own_exhausted {
            return Err(ResidentError::OwnChoiceExhausted);
        }
        check_my_key_id(my_key_id)?;
        if self.held().keys.change_from.is_some()
            && self.held().my_key_id.as_deref() == Some(my_key_id)
        {
            return Err(ResidentError::MyKeyIdUnchanged);
        }
        let result = match self
            .platform
            .check_my_key_id(self.token()?, my_key_id)
            .await
        {
            Ok(r) => r,
            Err(PlatformError::Http {
                code: ErrorCode::MyKeyIdFormat,
                ..
            }) => return Err(rejected(Field::MyKeyId)),
            Err(PlatformError::Http {
                code: ErrorCode::OwnChoiceExhausted,
                ..
            }) => {
                self.held_mut().keys.own_exhausted = true;
                self.frame.go(self.choosing_step());
                return Err(ResidentError::OwnChoiceExhausted);
            }
            Err(e) => return Err(e.into()),
        };
        let keys = &mut self.held_mut().keys;
        keys.own_checked.push(my_key_id.to_owned());
        if result.available {
            self.choose(IssueMode::Own, my_key_id);
        } else if result.fallback_to_auto {
            keys.own_exhausted = true;
            self.frame.go(self.choosing_step());
        }
        Ok(result)
    }

    /// Back from registration to the choice (not after the final candidate).
    pub fn change_my_key_id_choice(&mut self) -> Result<(), ResidentError> {
        let final_given = self.held().keys.final_given;
        self.begin(|s| s == Step::EnterRegistration && !final_given)?;
        self.held_mut().keys.chosen = None;
        self.frame.go(self.choosing_step());
        Ok(())
    }

    /// Issues the chosen My Key ID with the registration form (checked here
    /// first; nothing is sent when a field is wrong). The form is wiped.
    pub async fn issue_my_key_id(
        &mut self,
        form: RegistrationForm,
    ) -> Result<MyKeyIdRecord, ResidentError> {
        self.begin(|s| s == Step::EnterRegistration)?;
        form.validate()?;
        let Some((mode, my_key_id)) = self.held().keys.chosen.clone() else {
            return Err(self.wrong_step());
        };
        let request = IssueRequest {
            mode,
            my_key_id: my_key_id.clone(),
            password: Secret::new(form.password.as_str()),
            email: form.email().map(str::to_owned),
            notifications: form.notifications,
            base_municipality: form.base_municipality.clone(),
        };
        drop(form);
        let token = self.token()?;
        let result = self
            .platform
            .issue_my_key_id(token, &request, &IdempotencyKey::new())
            .await;
        let record = match result {
            Ok(record) => record,
            Err(e @ PlatformError::Http { .. }) => self.issue_refused(e, &my_key_id).await?,
            Err(e) => return Err(e.into()),
        };
        self.held_mut().my_key_id = Some(record.my_key_id.clone());
        self.held_mut().keys.done_here = true;
        self.frame.go(Step::ChooseCategories);
        Ok(record)
    }

    /// Maps a refusal of issuance; a person already issued with the chosen
    /// id (an earlier attempt whose answer was lost) counts as issued.
    async fn issue_refused(
        &mut self,
        error: PlatformError,
        chosen: &str,
    ) -> Result<MyKeyIdRecord, ResidentError> {
        let (code, field) = match &error {
            PlatformError::Http { code, field, .. } => (code.clone(), field.clone()),
            _ => return Err(error.into()),
        };
        Err(match code {
            ErrorCode::PasswordFormat => rejected(Field::Password),
            ErrorCode::EmailFormat => rejected(Field::Email),
            ErrorCode::MyKeyIdFormat => rejected(Field::MyKeyId),
            ErrorCode::MyKeyIdTaken => {
                if !self.held().keys.final_given {
                    self.held_mut().keys.chosen = None;
                    self.frame.go(self.choosing_step());
                }
                ResidentError::MyKeyIdTaken
            }
            ErrorCode::MyKeyIdAlreadyIssued => {
                let existing = self.platform.my_key_id(self.token()?).await?;
                if existing.my_key_id == chosen {
                    return Ok(existing);
                }
                self.held_mut().my_key_id = Some(existing.my_key_id);
                self.frame.go(Step::ChooseCategories);
                ResidentError::MyKeyIdAlreadyIssued
            }
            _ if field.as_deref() == Some("base_municipality") => rejected(Field::BaseMunicipality),
            _ => error.into(),
        })
    }
}
