//! A legal representative applies for a child under 15: the session is the
//! child's (the child's card logs in and signs); the representative's card
//! is read once (no PIN), and after the child's signature it signs the same
//! content with its own PIN, in one tap.
//!
//! Order: after login and the My Key ID, `apply_for_child(birth_date)`,
//! `read_representative_card(tap)`, the service and payment as usual, the
//! review (its `for_child` names both), the child's PIN and tap
//! (`sign_and_submit` fails with `representative_signature_needed` and the
//! step becomes `RepresentativeSign`), then `representative_signs`.

use std::sync::Arc;

use super::records::{CardSummary, PointsApplication};
use super::{last_try, ResidentFlow};
use crate::error::MynaError;
use crate::pin_entry::PinEntry;
use crate::records::{PinKind, PinPrompt};
use crate::transport::{CardTransport, ForeignTransport};

#[uniffi::export]
impl ResidentFlow {
    /// Makes this a representative's application for the child whose card
    /// logged in. `birth_date` is `YYYYMMDD` (half-width digits, a real
    /// date, under 15 today); checked here, nothing is sent. Payment
    /// details entered before must be entered again.
    ///
    /// Errors: `invalid_child_birth_date` (with the problem), `wrong_step`.
    pub async fn apply_for_child(&self, birth_date: String) -> Result<(), MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move { Ok(s.apply_for_child(&birth_date)?) })
            .await
    }

    /// One tap of the representative's card (no PIN): its certificate and
    /// its PIN's retry counter. The child's own card is refused
    /// (`representative_is_applicant`) and the child's session goes on.
    pub async fn read_representative_card(
        &self,
        transport: Arc<dyn CardTransport>,
    ) -> Result<CardSummary, MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move {
                let summary = s
                    .read_representative_card(ForeignTransport::wrap(transport))
                    .await?;
                Ok(summary.into())
            })
            .await
    }

    /// The child's birth date (`YYYYMMDD`) of a child application.
    pub fn child_birth_date(&self) -> Option<String> {
        self.view().child_birth_date.clone()
    }

    /// The representative card's certificate serial (upper hex), once read.
    pub fn representative_serial(&self) -> Option<String> {
        self.view().representative_serial.clone()
    }

    /// What to show when asking for the representative's PIN, before the
    /// tap of `representative_signs` (`ReadFirst` after a lost VERIFY: that
    /// tap reads the counter first and applies the usual rules).
    pub fn representative_pin_prompt(&self) -> PinPrompt {
        self.view().representative_pin_prompt
    }

    /// A VERIFY on the representative's card lost its answer.
    pub fn representative_pin_in_doubt(&self) -> bool {
        self.view().representative_pin_in_doubt
    }

    /// At `RepresentativeSign`: the representative's PIN (typed into
    /// `entry` before the tap; `entry` is emptied), then one tap of the SAME card read
    /// before (another card is refused with `representative_card_mismatch`,
    /// nothing signed): one VERIFY (`confirm_last_try` only after the
    /// representative agreed to spend the last try), the signature of the
    /// content the child's card signed, the submission.
    pub async fn representative_signs(
        &self,
        transport: Arc<dyn CardTransport>,
        entry: Arc<PinEntry>,
        confirm_last_try: bool,
    ) -> Result<PointsApplication, MynaError> {
        let typed = entry.take_text(PinKind::UserAuth)?;
        let mut s = self.next().await;
        self.running
            .run(async move {
                let app = s
                    .representative_signs(
                        ForeignTransport::wrap(transport),
                        &typed,
                        last_try(confirm_last_try),
                    )
                    .await?;
                Ok(app.into())
            })
            .await
    }
}
