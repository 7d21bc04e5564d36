//! The resident session as an object: one resident, one card, one pass
//! through the flow (the core's `ResidentSession`, step by step).
//!
//! Operations on one session run one at a time, in order (an async call
//! waits for the one before). The getters never wait: they read the
//! snapshot taken when the last operation released the session
//! (`view.rs`), so a main thread may call them at any time.

mod account;
mod categories;
mod child;
mod records;
mod view;

pub use categories::*;
pub use records::*;

use std::sync::{Arc, Mutex as StdMutex, MutexGuard as StdGuard};

use mynapoint_core::pin::LastTry;
use mynapoint_core::platform::{HttpPlatform, PlatformApi};
use mynapoint_core::resident::ResidentSession;
use tokio::sync::Mutex;

use crate::error::MynaError;
use crate::pin_entry::PinEntry;
use crate::records::{PinCheck, PinKind, PinPrompt};
use crate::runtime::Running;
use crate::transport::{CardTransport, ForeignTransport};
use view::{ResidentView, Turn};

pub(crate) fn last_try(confirmed: bool) -> LastTry {
    if confirmed {
        LastTry::Confirmed
    } else {
        LastTry::Refuse
    }
}

/// A resident's pass through the flow. Create one per resident; after it
/// ended (another card, the idle timeout, `abort()`), create a new one.
#[derive(uniffi::Object)]
pub struct ResidentFlow {
    session: Arc<Mutex<ResidentSession>>,
    view: Arc<StdMutex<ResidentView>>,
    running: Running,
}

impl ResidentFlow {
    pub(crate) fn over(platform: Arc<dyn PlatformApi>) -> Arc<Self> {
        let session = ResidentSession::new(platform);
        let view = ResidentView::of(&session);
        Arc::new(Self {
            session: Arc::new(Mutex::new(session)),
            view: Arc::new(StdMutex::new(view)),
            running: Running::default(),
        })
    }

    /// The snapshot the getters read (never waits for an operation).
    fn view(&self) -> StdGuard<'_, ResidentView> {
        view::read(&self.view)
    }

    /// Waits for the session (the operation before ends first).
    async fn next(&self) -> Turn {
        Turn::new(self.session.clone().lock_owned().await, self.view.clone())
    }
}

#[uniffi::export]
impl ResidentFlow {
    /// A session against the platform at `platform_url` (`https://host`,
    /// without `/v1`), with the core's default idle timeout (5 minutes).
    ///
    /// Errors: `Failed` with code `network` when the URL cannot be used.
    #[uniffi::constructor]
    pub fn new(platform_url: String) -> Result<Arc<Self>, MynaError> {
        let platform = HttpPlatform::new(&platform_url)?;
        Ok(Self::over(Arc::new(platform)))
    }

    /// The screen to show.
    pub fn step(&self) -> ResidentStep {
        self.view().step
    }

    /// What to show when asking for the PIN, before the tap that uses it
    /// (no tap). `ReadFirst`: tap with `pin_status` first.
    pub fn pin_prompt(&self) -> PinPrompt {
        self.view().pin_prompt
    }

    /// A VERIFY's answer was lost: tap (`pin_status`) to learn whether the try counted.
    pub fn pin_in_doubt(&self) -> bool {
        self.view().pin_in_doubt
    }

    /// The bound card's certificate serial (upper hex).
    pub fn card_serial(&self) -> Option<String> {
        self.view().card_serial.clone()
    }

    /// The issued or recovered My Key ID.
    pub fn my_key_id(&self) -> Option<String> {
        self.view().my_key_id.clone()
    }

    /// The chosen My Key ID before issuance.
    pub fn chosen_my_key_id(&self) -> Option<String> {
        self.view().chosen_my_key_id.clone()
    }

    /// The person's point categories, as the platform answered after login.
    pub fn eligibility(&self) -> Option<Eligibility> {
        self.view().eligibility.clone()
    }

    /// The categories chosen (all open ones by default).
    pub fn chosen_categories(&self) -> Vec<Category> {
        self.view().chosen_categories.clone()
    }

    /// Whether the person's service is fixed (shown, not asked).
    pub fn service_fixed(&self) -> bool {
        self.view().service_fixed
    }

    /// The review's data, at the review step.
    pub fn review(&self) -> Option<Review> {
        self.view().review.clone()
    }

    /// Whether the session holds nothing entered any more (after its end).
    pub fn holds_nothing(&self) -> bool {
        self.view().holds_nothing
    }

    /// Cancels the running operation now (a tap being awaited too); its
    /// call ends with `Cancelled` and the session goes on (a VERIFY in
    /// flight is settled on the next tap). Kotlin may cancel the calling
    /// coroutine instead; a Swift `Task`'s cancellation does not reach the
    /// library, so the Swift shell calls this.
    pub fn cancel(&self) {
        self.running.cancel_all();
    }

    /// Ends the session now and wipes everything entered; a running
    /// operation is cancelled first.
    pub async fn abort(&self) {
        self.running.cancel_all();
        self.next().await.abort();
    }

    /// For a timer: ends the session when idle too long; whether it is ended.
    pub async fn check_idle(&self) -> bool {
        self.next().await.check_idle()
    }

    /// Keeps the PIN typed into `entry` (4 digits, format checked; nothing
    /// reaches the card) for the next card step; `entry` is emptied.
    /// Errors: `pin_format`, `wrong_step`, ….
    pub async fn enter_pin(&self, entry: Arc<PinEntry>) -> Result<(), MynaError> {
        let typed = entry.take_text(PinKind::UserAuth)?;
        Ok(self.next().await.enter_pin(&typed)?)
    }

    /// Tap 1: reads the card (no PIN) and its retry counter; binds the session to it.
    pub async fn read_card(
        &self,
        transport: Arc<dyn CardTransport>,
    ) -> Result<CardSummary, MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move { Ok(s.read_card(ForeignTransport::wrap(transport)).await?.into()) })
            .await
    }

    /// A tap that reads the retry counter (settling a lost VERIFY first).
    pub async fn pin_status(
        &self,
        transport: Arc<dyn CardTransport>,
    ) -> Result<PinCheck, MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move {
                let check = s.pin_status(ForeignTransport::wrap(transport)).await?;
                Ok(PinCheck {
                    status: check.status,
                    recheck: check.recheck,
                })
            })
            .await
    }

    /// Tap 2: the entered PIN and card login (`confirm_last_try` only after
    /// the resident agreed to spend the last try).
    pub async fn log_in(
        &self,
        transport: Arc<dyn CardTransport>,
        confirm_last_try: bool,
    ) -> Result<LoginOutcome, MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move {
                let outcome = s
                    .log_in(
                        ForeignTransport::wrap(transport),
                        last_try(confirm_last_try),
                    )
                    .await?;
                Ok(outcome.into())
            })
            .await
    }

    /// An auto-generated My Key ID candidate (the 3rd is final and chosen).
    pub async fn next_candidate(&self) -> Result<Candidate, MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move { Ok(s.next_candidate().await?.into()) })
            .await
    }

    /// Takes one of the offered candidates.
    pub async fn choose_candidate(&self, my_key_id: String) -> Result<(), MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move { Ok(s.choose_candidate(&my_key_id)?) })
            .await
    }

    /// Checks an own choice (format here, then the platform's duplicate check).
    pub async fn check_own_choice(&self, my_key_id: String) -> Result<CheckResult, MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move { Ok(s.check_own_choice(&my_key_id).await?.into()) })
            .await
    }

    /// Back from registration to the choice (not after the final candidate).
    pub async fn change_my_key_id_choice(&self) -> Result<(), MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move { Ok(s.change_my_key_id_choice()?) })
            .await
    }

    /// Issues the chosen My Key ID with the registration form (checked first).
    pub async fn issue_my_key_id(
        &self,
        form: RegistrationForm,
    ) -> Result<MyKeyIdRecord, MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move { Ok(s.issue_my_key_id(form.into()).await?.into()) })
            .await
    }

    /// Chooses the categories to apply for (each must be open). A fixed
    /// service goes straight to the review (returned); otherwise the
    /// service is chosen next (`None`).
    pub async fn choose_categories(
        &self,
        categories: Vec<Category>,
    ) -> Result<Option<Review>, MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move {
                let chosen: Vec<_> = categories.into_iter().map(Into::into).collect();
                Ok(s.choose_categories(&chosen).await?.as_ref().map(Into::into))
            })
            .await
    }

    /// Searches the payment-service catalogue (Japanese, kana or Latin name).
    pub async fn search_services(&self, keyword: String) -> Result<Vec<ServiceSummary>, MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move {
                let found = s.search_services(&keyword).await?;
                Ok(found.into_iter().map(Into::into).collect())
            })
            .await
    }

    /// Picks the ONE service to apply with; its terms come next.
    pub async fn choose_service(&self, service_id: String) -> Result<Service, MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move { Ok(s.choose_service(&service_id).await?.into()) })
            .await
    }

    /// Accepts the terms of the version the resident read.
    pub async fn accept_terms(&self, terms_version: String) -> Result<(), MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move { Ok(s.accept_terms(&terms_version)?) })
            .await
    }

    /// Checks the payment details against the service's rules, then gets
    /// the digest to sign; returns the review.
    pub async fn enter_payment(&self, form: PaymentForm) -> Result<Review, MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move { Ok((&s.enter_payment(form.into()).await?).into()) })
            .await
    }

    /// The resident confirmed the review: the PIN for the signature comes next.
    pub async fn confirm_review(&self) -> Result<(), MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move { Ok(s.confirm_review()?) })
            .await
    }

    /// Tap 3: the entered PIN, the card's signature, the submission.
    pub async fn sign_and_submit(
        &self,
        transport: Arc<dyn CardTransport>,
        confirm_last_try: bool,
    ) -> Result<PointsApplication, MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move {
                let app = s
                    .sign_and_submit(
                        ForeignTransport::wrap(transport),
                        last_try(confirm_last_try),
                    )
                    .await?;
                Ok(app.into())
            })
            .await
    }

    /// Repeats a signed submission whose answer was lost (same body, same key).
    pub async fn retry_submission(&self) -> Result<PointsApplication, MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move { Ok(s.retry_submission().await?.into()) })
            .await
    }

    /// The application's status from the platform.
    pub async fn application_status(&self) -> Result<PointsApplication, MynaError> {
        let mut s = self.next().await;
        self.running
            .run(async move { Ok(s.application_status().await?.into()) })
            .await
    }
}
