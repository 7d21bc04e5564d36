//! The card operations a shell needs outside a flow: the certificate, the
//! PIN status, VERIFY, a signature, and the card face with 照合番号B (staff).
//!
//! One `CardReader` is one card session: it binds to the first card read
//! (its certificate serial) and keeps the PIN rules across taps (a lost
//! VERIFY is settled by reading the counter on the next tap; another card
//! drops everything). Every operation is one tap; a secret is typed before
//! the tap that uses it (`pin_prompt` tells what to show).

use std::sync::Arc;

use mynapoint_core::card::CardSession;
use mynapoint_core::pin;
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use crate::error::MynaError;
use crate::pin_entry::PinEntry;
use crate::records::{CardFace, CardInfo, PinCheck, PinKind, PinPrompt};
use crate::resident::last_try;
use crate::runtime::Running;
use crate::transport::{CardTransport, ForeignTransport};

/// The card operations, each one tap, under the core's PIN rules.
#[derive(uniffi::Object)]
pub struct CardReader {
    session: Arc<Mutex<CardSession>>,
    running: Running,
}

#[uniffi::export]
impl CardReader {
    #[uniffi::constructor]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            session: Arc::new(Mutex::new(CardSession::new())),
            running: Running::default(),
        })
    }

    /// What to show when asking for `pin`, from the last counter read (no
    /// tap; after a running tap has ended).
    pub async fn pin_prompt(&self, pin: PinKind) -> PinPrompt {
        self.session.lock().await.prompt(pin)
    }

    /// Cancels the running tap now (it ends with `Cancelled`; a VERIFY in
    /// flight is settled on the next tap). For Swift, whose `Task`
    /// cancellation does not reach the library.
    pub fn cancel(&self) {
        self.running.cancel_all();
    }

    /// Forgets the card, every entered secret and every verified state
    /// (cancel a running tap first: this waits for it to end).
    pub async fn abort(&self) {
        self.session.lock().await.abort();
    }

    /// One tap: the user-authentication certificate (no PIN).
    pub async fn card_info(
        &self,
        transport: Arc<dyn CardTransport>,
    ) -> Result<CardInfo, MynaError> {
        let mut s = self.session.clone().lock_owned().await;
        self.running
            .run(async move {
                let mut tap = s.tap(ForeignTransport::wrap(transport)).await?;
                let cert = tap.certificate().await?;
                Ok((&cert).into())
            })
            .await
    }

    /// One tap: the retry counter of `pin` (no try spent), settling a lost VERIFY first.
    pub async fn pin_status(
        &self,
        transport: Arc<dyn CardTransport>,
        pin: PinKind,
    ) -> Result<PinCheck, MynaError> {
        let mut s = self.session.clone().lock_owned().await;
        self.running
            .run(async move {
                let mut tap = s.tap(ForeignTransport::wrap(transport)).await?;
                let status = tap.pin_status(pin).await?;
                Ok(PinCheck {
                    status,
                    recheck: tap.report().recheck,
                })
            })
            .await
    }

    /// One tap: VERIFY of the secret typed into `entry` for `pin` (format
    /// checked first, `entry` emptied; counter read first; nothing
    /// sent when locked, or on the last try without `confirm_last_try`).
    /// Errors: `pin_format`, `wrong_pin` (tries left), `pin_locked`,
    /// `last_try_needs_confirmation`, `pin_maybe_counted`, ….
    pub async fn verify(
        &self,
        transport: Arc<dyn CardTransport>,
        pin: PinKind,
        entry: Arc<PinEntry>,
        confirm_last_try: bool,
    ) -> Result<(), MynaError> {
        let typed = entry.take(pin)?;
        let mut s = self.session.clone().lock_owned().await;
        self.running
            .run(async move {
                let mut tap = s.tap(ForeignTransport::wrap(transport)).await?;
                tap.enter_pin(typed);
                tap.verify(pin, last_try(confirm_last_try)).await?;
                Ok(())
            })
            .await
    }

    /// One tap: the user-authentication PIN, then the card's RSA PKCS#1 v1.5
    /// signature over SHA-256 of `data` (256 bytes for RSA-2048).
    pub async fn sign(
        &self,
        transport: Arc<dyn CardTransport>,
        entry: Arc<PinEntry>,
        data: Vec<u8>,
        confirm_last_try: bool,
    ) -> Result<Vec<u8>, MynaError> {
        let typed = entry.take(PinKind::UserAuth)?;
        let digest: [u8; 32] = Sha256::digest(&data).into();
        let mut s = self.session.clone().lock_owned().await;
        self.running
            .run(async move {
                let mut tap = s.tap(ForeignTransport::wrap(transport)).await?;
                tap.enter_pin(typed);
                tap.verify(pin::PinKind::UserAuth, last_try(confirm_last_try))
                    .await?;
                Ok(tap.sign(&digest).await?)
            })
            .await
    }

    /// One tap: 照合番号B (14 digits), then the card face's basic four items.
    /// For municipal staff; the My Number itself is never read.
    pub async fn card_face(
        &self,
        transport: Arc<dyn CardTransport>,
        entry: Arc<PinEntry>,
        confirm_last_try: bool,
    ) -> Result<CardFace, MynaError> {
        let typed = entry.take(PinKind::CardInfoCodeB)?;
        let mut s = self.session.clone().lock_owned().await;
        self.running
            .run(async move {
                let mut tap = s.tap(ForeignTransport::wrap(transport)).await?;
                tap.enter_pin(typed);
                tap.verify(pin::PinKind::CardInfoCodeB, last_try(confirm_last_try))
                    .await?;
                Ok(tap.basic_four().await?.into())
            })
            .await
    }
}
