//! The My Key ID of a person who has one: change it (`mynapoint resident
//! change-key`: the same rules as issuing, auto candidates or an own choice)
//! or revoke it for good (`mynapoint resident revoke`: the person types the
//! id as the confirmation). Both start with the card and its PIN.

use mynapoint_core::platform::MyKeyIdRecord;
use mynapoint_core::resident::{ResidentError, Step};

use super::answers::KeyChoice;
use super::explain::{failure, line};
use super::flow::Flow;
use crate::Failure;

/// Choices (and refused changes) one change may take before giving up.
const MAX_CHOICES: usize = 20;

impl Flow<'_, '_> {
    /// Card, PIN and login; the person's My Key ID (refused without one).
    async fn logged_in_with_id(&mut self) -> Result<String, Failure> {
        self.read_card().await?;
        let outcome = self.log_in().await?;
        outcome
            .my_key_id
            .ok_or_else(|| failure(ResidentError::MyKeyIdRequired))
    }

    /// Changes the My Key ID; returns the old id and the new record.
    pub async fn change_my_key_id(&mut self) -> Result<(String, MyKeyIdRecord), Failure> {
        let old = self.logged_in_with_id().await?;
        self.session.start_my_key_id_change().map_err(failure)?;
        self.say.step(format!("Change My Key ID {old}"))?;
        self.say.line(
            "the same rules as issuing: auto-generated candidates (at most 3, the 3rd is final) \
             or your own 8 characters (after 3 taken, auto only); the old id is retired, never \
             issued again",
        )?;
        for _ in 0..MAX_CHOICES {
            let Step::ChooseMyKeyId { own_choice_allowed } = self.session.step() else {
                break;
            };
            if self.session.chosen_my_key_id().is_none() {
                match self.answers.key_choice(&mut self.say, own_choice_allowed)? {
                    KeyChoice::Auto => self.next_candidates().await?,
                    KeyChoice::Own(id) => self.check_own(&id).await?,
                }
                continue;
            }
            let new = self
                .session
                .chosen_my_key_id()
                .unwrap_or_default()
                .to_owned();
            self.say.line(format!("changing {old} to {new} ..."))?;
            match self.session.change_my_key_id().await {
                Ok(record) => {
                    self.say.line(format!(
                        "My Key ID changed: {} (was {old}; registered with the card's serial {})",
                        record.my_key_id, record.certificate_serial
                    ))?;
                    return Ok((old, record));
                }
                Err(e @ ResidentError::MyKeyIdTaken) => self.say.problem(line(&e))?,
                Err(e) => return Err(failure(e)),
            }
        }
        Err(failure(ResidentError::WrongStep {
            step: self.session.step(),
        }))
    }

    /// Revokes the My Key ID for good after the typed confirmation; returns it.
    pub async fn revoke_my_key_id(&mut self) -> Result<String, Failure> {
        let id = self.logged_in_with_id().await?;
        self.say.step(format!("Revoke My Key ID {id}"))?;
        self.say.line(
            "irreversible: the id is never issued again, and this card gets no other My Key ID \
             here (the municipal counter can help); an application already made stays",
        )?;
        let typed = self.answers.revocation_confirmation(&mut self.say, &id)?;
        self.say.line("revoking ...")?;
        self.session
            .confirm_and_revoke_my_key_id(&typed)
            .await
            .map_err(failure)?;
        self.say
            .line(format!("My Key ID {id} revoked; the session ended"))?;
        Ok(id)
    }
}
