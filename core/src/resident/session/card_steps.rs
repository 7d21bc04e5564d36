//! The steps that touch the card: reading it, the PIN, and card login.
//! Every tap goes through the session's one `CardSession` and is checked
//! against the bound card before anything else is done with it.
//!
//! PIN first, one tap per card step: the first tap reads the certificate and
//! the retry counter (no try spent); each PIN step asks the PIN with
//! [`ResidentSession::pin_prompt`] (no tap), then one tap reads the counter
//! again, verifies and signs. The application takes three taps.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::ResidentSession;
use crate::card::{CardTransport, PinError};
use crate::pin::{LastTry, Pin, PinKind, PinPrompt, PinStatus, Recheck};
use crate::platform::{Application, Eligibility, ErrorCode, LoginRequest, PlatformError};
use crate::resident::error::ResidentError;
use crate::resident::step::{PinPurpose, Step};

const AUTH: PinKind = PinKind::UserAuth;

/// The card the session is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardSummary {
    /// Certificate serial (発行番号), upper hex.
    pub serial: String,
    pub expires_at_unix: u64,
    pub valid_now: bool,
    /// The user-authentication PIN's retry counter, read in the same tap
    /// (no try spent): what to show when the PIN is asked next.
    pub pin: PinPrompt,
}

/// The retry counter, read without spending a try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinCheck {
    pub status: PinStatus,
    /// Set when a VERIFY's answer had been lost: whether that try counted.
    pub recheck: Option<Recheck>,
}

/// What card login found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginOutcome {
    /// The person's existing My Key ID (recovered), or none yet.
    pub my_key_id: Option<String>,
    /// The card was reissued since the My Key ID was registered; the record follows it.
    pub card_reissued: bool,
    /// The person's application, when one exists (the flow is then done,
    /// unless a category can be added to it).
    pub application: Option<Application>,
    /// Each point category for the person; `None` when the platform could
    /// not say (the application is still possible; the platform decides).
    pub eligibility: Option<Eligibility>,
}

fn is_pin_step(step: Step) -> bool {
    matches!(step, Step::EnterPin { .. })
}

impl ResidentSession {
    /// Reads the card (no PIN) and binds the session to it: one tap reads
    /// the certificate and the PIN's retry counter (no try spent).
    pub async fn read_card(
        &mut self,
        transport: Arc<dyn CardTransport>,
    ) -> Result<CardSummary, ResidentError> {
        self.begin(|s| s == Step::ReadCard)?;
        let mut tap = self.frame.tap(transport).await?;
        let certificate = tap.certificate().await?;
        tap.pin_status(AUTH).await?;
        drop(tap);
        let summary = CardSummary {
            serial: certificate.serial.to_hex(),
            expires_at_unix: certificate.not_after_unix(),
            valid_now: certificate.is_valid_at(std::time::SystemTime::now()),
            pin: self.frame.card().session().prompt(AUTH),
        };
        self.frame.card_mut().bind(certificate.serial.clone());
        self.held_mut().certificate = Some(certificate);
        self.frame.go(Step::EnterPin {
            purpose: PinPurpose::Login,
        });
        Ok(summary)
    }

    /// What to show when asking for the PIN, before the tap that uses it:
    /// the last counter read of the bound card (no tap). `ReadFirst` (a
    /// VERIFY's answer was lost): tap with [`Self::pin_status`] first.
    pub fn pin_prompt(&self) -> PinPrompt {
        self.frame.card().session().prompt(AUTH)
    }

    /// Keeps the typed PIN for the next card step (format checked here;
    /// nothing reaches the card). It is tied to the count
    /// [`Self::pin_prompt`] shows now: the tap refuses to send it when the
    /// card shows fewer tries ([`PinError::CounterChanged`], PIN wiped).
    pub fn enter_pin(&mut self, text: &str) -> Result<(), ResidentError> {
        self.begin(is_pin_step)?;
        self.frame.card_mut().enter_pin(Pin::user_auth(text)?);
        Ok(())
    }

    /// Taps to read the retry counter (settling a lost VERIFY first). The
    /// flow reads it with the card; this extra tap is for
    /// [`PinPrompt::ReadFirst`], after a VERIFY's answer was lost.
    pub async fn pin_status(
        &mut self,
        transport: Arc<dyn CardTransport>,
    ) -> Result<PinCheck, ResidentError> {
        self.begin(is_pin_step)?;
        let mut tap = self.frame.tap(transport).await?;
        let status = tap.pin_status(AUTH).await?;
        Ok(PinCheck {
            status,
            recheck: tap.report().recheck,
        })
    }

    /// One explicit user action: one tap, at most one VERIFY (under the
    /// card layer's rules; `last_try` as the resident confirmed it), then
    /// the card signs `digest`.
    pub(super) async fn verify_and_sign(
        &mut self,
        transport: Arc<dyn CardTransport>,
        last_try: LastTry,
        digest: &[u8; 32],
    ) -> Result<Vec<u8>, ResidentError> {
        let mut tap = self.frame.tap(transport).await?;
        tap.verify(AUTH, last_try).await?;
        Ok(tap.sign(digest).await?)
    }

    /// Card login: the platform's challenge signed by the card after the
    /// PIN. Then: a recovered My Key ID goes straight to the service choice
    /// (or to the status when an application exists); none goes to issuance.
    pub async fn log_in(
        &mut self,
        transport: Arc<dyn CardTransport>,
        last_try: LastTry,
    ) -> Result<LoginOutcome, ResidentError> {
        self.begin(|s| {
            s == Step::EnterPin {
                purpose: PinPurpose::Login,
            }
        })?;
        if !self.frame.card().session().has_pin(AUTH) {
            return Err(PinError::NoPinEntered(AUTH).into());
        }
        let challenge = self.platform.create_challenge().await?;
        let digest: [u8; 32] = Sha256::digest(&challenge.challenge).into();
        let signature = self.verify_and_sign(transport, last_try, &digest).await?;
        let (Some(certificate), Some(bound)) =
            (&self.held().certificate, self.frame.card().bound())
        else {
            return Err(self.wrong_step());
        };
        let request = LoginRequest {
            challenge_id: challenge.challenge_id,
            certificate: certificate.der.clone(),
            signature,
        };
        let bound_hex = bound.to_hex();
        let login = self.platform.login(&request).await?;
        if !same_serial(&login.certificate_serial, &bound_hex) {
            return Err(ResidentError::PlatformMismatch);
        }
        self.held_mut().token = Some(login.session_token);
        let mut outcome = LoginOutcome {
            my_key_id: login.my_key_id.clone(),
            card_reissued: login.card_reissued,
            application: None,
            eligibility: None,
        };
        if let Some(id) = &login.my_key_id {
            self.held_mut().my_key_id = Some(id.clone());
        }
        // The application belongs to the person, not to the My Key ID: it is
        // asked for even without one (a revoked My Key ID keeps it).
        let token = self.token()?;
        let existing = match self.platform.my_application(token).await {
            Ok(app) => Some(app),
            Err(PlatformError::Http {
                code: ErrorCode::NotApplied,
                ..
            }) => None,
            // Unknown for now: the platform refuses a second application anyway.
            Err(e) => {
                tracing::info!(error = %e, "application status unknown after login");
                None
            }
        };
        if let Some(app) = existing {
            outcome.application = Some(app.clone());
            self.held_mut().application = Some(app);
        }
        // The categories come with the login answer (one GET, no tap).
        self.after_login().await?;
        outcome.eligibility = self.held().eligibility.clone();
        Ok(outcome)
    }
}

/// Serials as hex, ignoring case and leading zeros.
fn same_serial(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim_start_matches('0').to_ascii_uppercase();
    norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    #[test]
    fn serials_compare_as_numbers() {
        assert!(super::same_serial("00AB12", "ab12"));
        assert!(!super::same_serial("AB12", "AB13"));
    }
}
