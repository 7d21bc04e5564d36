//! A resident who has a My Key ID changes it (choosing by the same rules as
//! at issuance) or revokes it for good, in a session after card login.
//!
//! Change: `start_my_key_id_change()`, then `next_candidate()` /
//! `choose_candidate()` / `check_own_choice()` at the choice step, then
//! `change_my_key_id()` (or `cancel_my_key_id_change()`). Revocation takes
//! the My Key ID typed again as its confirmation: there is no call that
//! revokes without it.

use zeroize::Zeroize;

use super::records::MyKeyIdRecord;
use super::ResidentFlow;
use crate::error::MynaError;

#[uniffi::export]
impl ResidentFlow {
    /// Whether a My Key ID change is under way (the choice step is the change's).
    pub fn changing_my_key_id(&self) -> bool {
        self.view().changing_my_key_id
    }

    /// Starts changing the My Key ID (after login, at the categories, the
    /// service choice or the status; not in a session that issued or
    /// changed one already). The step becomes `ChooseMyKeyId`.
    ///
    /// Errors: `my_key_id_required` (none yet), `fresh_login_required`,
    /// `wrong_step`.
    pub async fn start_my_key_id_change(&self) -> Result<(), MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move { Ok(s.start_my_key_id_change()?) })
            .await
    }

    /// Leaves a change without changing anything; back to the step before.
    pub async fn cancel_my_key_id_change(&self) -> Result<(), MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move { Ok(s.cancel_my_key_id_change()?) })
            .await
    }

    /// Registers the chosen id in place of the current one (the old one is
    /// retired for good); back to the step the change started from. A
    /// repeat after a lost answer is replayed by the platform, not refused.
    ///
    /// Errors: `my_key_id_taken` (choose again), `wrong_step` (nothing
    /// chosen), network failures (`retry_step`).
    pub async fn change_my_key_id(&self) -> Result<MyKeyIdRecord, MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move { Ok(s.change_my_key_id().await?.into()) })
            .await
    }

    /// Revokes the person's My Key ID for good, after they typed it again
    /// (`typed_confirmation`; surrounding spaces ignored). Anything else is
    /// `revocation_not_confirmed`: nothing is sent, the session stays.
    /// On success the session ends (`Ended { reason: Revoked }`) and is wiped.
    pub async fn revoke_my_key_id(&self, typed_confirmation: String) -> Result<(), MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move {
                let mut typed = typed_confirmation;
                let result = s.confirm_and_revoke_my_key_id(&typed).await;
                typed.zeroize();
                Ok(result?)
            })
            .await
    }
}
