//! The application: one payment service, its terms, the payment details
//! (checked against the service's rules before sending), the review, the
//! card's signature over the platform's digest, the submission (one
//! Idempotency-Key for all its repeats) and the status.

use std::sync::Arc;

use super::{Content, Prepared, ResidentSession, Signed, Submission};
use crate::card::{CardTransport, PinError};
use crate::pin::{LastTry, PinKind};
use crate::platform::{
    Application, ApplicationRequest, CategoryAdditionRequest, ErrorCode, ForChild, IdempotencyKey,
    PlatformError, Service, ServiceSummary,
};
use crate::resident::error::ResidentError;
use crate::resident::fields::{Field, FieldError, FieldProblem};
use crate::resident::payment::{ChildReview, PaymentForm, Review};
use crate::resident::step::{PinPurpose, Step};

/// Steps where the service may still be (re)chosen: until the card signs
/// (choosing it at the categories takes the default categories).
pub(super) fn service_open(step: Step) -> bool {
    matches!(
        step,
        Step::ChooseCategories
            | Step::ChooseService
            | Step::AcceptTerms
            | Step::EnterPayment
            | Step::Review
    )
}

const SIGN_STEP: Step = Step::EnterPin {
    purpose: PinPurpose::SignApplication,
};

/// The field a `*_format` refusal names.
fn refused_field(code: &ErrorCode, field: Option<&str>) -> Option<Field> {
    match code {
        ErrorCode::PaymentIdFormat => Some(Field::PaymentId),
        ErrorCode::PhoneLast4Format => Some(Field::PhoneLast4),
        ErrorCode::SecurityCodeFormat => {
            let index = field
                .and_then(|f| f.rsplit(['[', '.']).next())
                .and_then(|i| i.trim_end_matches(']').parse().ok())
                .unwrap_or(0);
            Some(Field::SecurityCode { index })
        }
        _ => None,
    }
}

impl ResidentSession {
    /// Searches the catalogue (Japanese, kana or Latin name).
    pub async fn search_services(
        &mut self,
        keyword: &str,
    ) -> Result<Vec<ServiceSummary>, ResidentError> {
        self.begin(service_open)?;
        Ok(self
            .platform
            .search_services(self.held().token.as_ref(), keyword)
            .await?)
    }

    /// Picks the ONE service to apply with; its terms come next. Picking
    /// another drops the accepted terms and any payment details.
    pub async fn choose_service(&mut self, service_id: &str) -> Result<Service, ResidentError> {
        self.begin(service_open)?;
        if let Some(fixed) = self
            .held()
            .eligibility
            .as_ref()
            .and_then(|e| e.service.as_ref())
        {
            if fixed.service_id != service_id {
                return Err(ResidentError::ServiceCannotChange);
            }
        }
        let service = self
            .platform
            .service(self.held().token.as_ref(), service_id)
            .await?;
        self.held_mut().service = Some(service.clone());
        self.held_mut().terms_accepted = false;
        self.held_mut().prepared = None;
        self.held_mut().review = None;
        self.frame.go(Step::AcceptTerms);
        Ok(service)
    }

    /// Accepts the terms the resident read (their version must be the
    /// chosen service's current one).
    pub fn accept_terms(&mut self, terms_version: &str) -> Result<(), ResidentError> {
        self.begin(|s| s == Step::AcceptTerms)?;
        let Some(service) = &self.held().service else {
            return Err(self.wrong_step());
        };
        if service.terms_version != terms_version {
            return Err(ResidentError::TermsVersionMismatch);
        }
        self.held_mut().terms_accepted = true;
        self.frame.go(Step::EnterPayment);
        Ok(())
    }

    /// Checks the payment details against the service's rules (nothing is
    /// sent when a field is wrong), then asks the platform for the digest
    /// to sign. Returns the review screen's data. The form is wiped.
    pub async fn enter_payment(&mut self, form: PaymentForm) -> Result<Review, ResidentError> {
        self.begin(|s| matches!(s, Step::EnterPayment | Step::Review) || s == SIGN_STEP)?;
        let (Some(service), true) = (&self.held().service, self.held().terms_accepted) else {
            return Err(self.wrong_step());
        };
        form.validate(service)?;
        if self.held().categories.is_empty() {
            return Err(ResidentError::NoCategoryChosen);
        }
        let mut content = form.content(service, &self.held().categories);
        let mut child_review = None;
        if let Some(child) = &self.held().child {
            let Some(representative) = &child.representative else {
                return Err(ResidentError::RepresentativeNotRead);
            };
            content.for_child = Some(ForChild {
                birth_date: child.birth_date.clone(),
                representative_certificate: representative.der.clone(),
            });
            child_review = Some(ChildReview {
                birth_date: child.birth_date.clone(),
                representative_serial: representative.serial.to_hex(),
            });
        }
        let phone_last4 = form.phone_last4().map(str::to_owned);
        drop(form);
        self.held_mut().prepared = None;
        self.held_mut().review = None;
        self.frame.go(Step::EnterPayment);

        let answer = self.platform.content_to_sign(self.token()?, &content).await;
        let signed = match answer {
            Ok(answer) => answer,
            Err(PlatformError::Http { code, field, .. })
                if refused_field(&code, field.as_deref()).is_some() =>
            {
                let field = refused_field(&code, field.as_deref()).unwrap_or(Field::PaymentId);
                return Err(FieldError::new(field, FieldProblem::RejectedByPlatform).into());
            }
            Err(e) => {
                let e = ResidentError::from(e);
                match e {
                    ResidentError::CategoryNotAvailable { .. }
                    | ResidentError::CategoryAlreadyApplied { .. } => {
                        self.frame.go(Step::ChooseCategories);
                    }
                    ResidentError::TermsVersionMismatch => {
                        self.held_mut().terms_accepted = false;
                        self.frame.go(Step::AcceptTerms);
                    }
                    ResidentError::ServiceUnknown => {
                        self.held_mut().service = None;
                        self.frame.go(Step::ChooseService);
                    }
                    _ => {}
                }
                return Err(e);
            }
        };
        let Some(service) = &self.held().service else {
            return Err(self.wrong_step());
        };
        if signed.summary.service_name != service.name {
            return Err(ResidentError::PlatformMismatch);
        }
        let (categories, total_yen) = super::categories::lines(&content.categories);
        let review = Review {
            service_id: service.service_id.clone(),
            service_name: service.name.clone(),
            service_fixed_by: None,
            service_kind: Some(service.kind),
            terms_version: service.terms_version.clone(),
            payment_id_label: service.payment_id.label.clone(),
            payment_id: zeroize::Zeroizing::new(content.payment_id.expose().to_owned()),
            payment_id_masked: signed.summary.payment_id_masked,
            phone_last4,
            security_codes_entered: content.security_codes.len() as u32,
            for_child: child_review,
            categories,
            total_yen,
        };
        self.held_mut().prepared = Some(Prepared {
            content: Content::Application(content),
            digest: signed.digest,
        });
        self.held_mut().review = Some(review.clone());
        self.frame.go(Step::Review);
        Ok(review)
    }

    /// The resident checked the review: the PIN is asked for the signature.
    pub fn confirm_review(&mut self) -> Result<(), ResidentError> {
        self.begin(|s| s == Step::Review)?;
        self.frame.go(SIGN_STEP);
        Ok(())
    }

    /// One explicit user action: the card (the bound one, checked first)
    /// verifies the PIN and signs the platform's digest, then the
    /// application is submitted with a fresh Idempotency-Key that every
    /// repeat of this submission reuses.
    ///
    /// A child application is not submitted yet: the step moves to
    /// [`Step::RepresentativeSign`] and the answer is
    /// [`ResidentError::RepresentativeSignatureNeeded`] (not a failure); the
    /// representative's card signs with `representative_signs`.
    pub async fn sign_and_submit(
        &mut self,
        transport: Arc<dyn CardTransport>,
        last_try: LastTry,
    ) -> Result<Application, ResidentError> {
        self.begin(|s| s == SIGN_STEP)?;
        if !self.frame.card().session().has_pin(PinKind::UserAuth) {
            return Err(PinError::NoPinEntered(PinKind::UserAuth).into());
        }
        let Some(digest) = self.held().prepared.as_ref().map(|p| p.digest) else {
            return Err(self.wrong_step());
        };
        let signature = self.verify_and_sign(transport, last_try, &digest).await?;
        let Some(content) = self.held().prepared.as_ref().map(|p| p.content.clone()) else {
            return Err(self.wrong_step());
        };
        let (request, for_child) = match content {
            Content::Application(content) => {
                let for_child = content.for_child.is_some();
                let request = ApplicationRequest {
                    content,
                    signature,
                    representative_signature: None,
                };
                (Signed::Application(request), for_child)
            }
            Content::Addition(addition) => {
                let for_child = addition.representative_certificate.is_some();
                let request = CategoryAdditionRequest {
                    addition,
                    signature,
                    representative_signature: None,
                };
                (Signed::Addition(request), for_child)
            }
        };
        self.held_mut().submission = Some(Submission {
            request,
            key: IdempotencyKey::new(),
        });
        if for_child {
            self.frame.go(Step::RepresentativeSign);
            return Err(ResidentError::RepresentativeSignatureNeeded);
        }
        self.submit().await
    }

    /// Repeats the signed submission whose answer was lost: same body, same key.
    pub async fn retry_submission(&mut self) -> Result<Application, ResidentError> {
        self.begin(|s| s == Step::SubmitPending)?;
        self.submit().await
    }

    pub(super) async fn submit(&mut self) -> Result<Application, ResidentError> {
        let (Some(token), Some(submission)) = (&self.held().token, &self.held().submission) else {
            return Err(self.wrong_step());
        };
        let result = match &submission.request {
            Signed::Application(request) => {
                self.platform
                    .submit_application(token, request, &submission.key)
                    .await
            }
            Signed::Addition(request) => {
                self.platform
                    .add_categories(token, request, &submission.key)
                    .await
            }
        };
        match result {
            Ok(application) => {
                let held = self.held_mut();
                held.submission = None;
                held.prepared = None;
                held.review = None;
                held.application = Some(application.clone());
                // What was applied for is no longer open.
                if let Some(e) = &mut held.eligibility {
                    for status in &mut e.categories {
                        if application
                            .categories
                            .iter()
                            .any(|c| c.category == status.category)
                        {
                            status.state = crate::platform::CategoryState::Applied;
                        }
                    }
                    if e.service.is_none() {
                        e.service = Some(crate::platform::FixedService {
                            service_id: application.service_id.clone(),
                            service_name: application.service_name.clone(),
                            fixed_by: crate::platform::ServiceFixedBy::Application,
                        });
                    }
                }
                self.frame.go(Step::Done);
                Ok(application)
            }
            Err(e) if e.is_transient() => {
                self.frame.go(Step::SubmitPending);
                Err(e.into())
            }
            Err(e) => {
                let e = ResidentError::from(e);
                let applied = if matches!(
                    e,
                    ResidentError::AlreadyApplied | ResidentError::ServiceCannotChange
                ) {
                    Some(self.platform.my_application(token).await.ok())
                } else {
                    None
                };
                let held = self.held_mut();
                held.submission = None;
                held.prepared = None;
                held.review = None;
                match applied {
                    Some(application) => {
                        if application.is_some() {
                            held.application = application;
                        }
                        self.frame.go(Step::Done);
                    }
                    // The digest is not usable: get a new one from the details
                    // (or the categories, for an addition).
                    None => {
                        let back = match e {
                            ResidentError::CategoryNotAvailable { .. }
                            | ResidentError::CategoryAlreadyApplied { .. }
                            | ResidentError::ServiceCannotChange => Step::ChooseCategories,
                            _ if held.service.is_none() => Step::ChooseCategories,
                            _ => Step::EnterPayment,
                        };
                        self.frame.go(back);
                    }
                }
                Err(e)
            }
        }
    }

    /// The application's status (申込済み / registered).
    pub async fn application_status(&mut self) -> Result<Application, ResidentError> {
        self.begin(|s| s == Step::Done || service_open(s))?;
        let application = self.platform.my_application(self.token()?).await?;
        self.held_mut().application = Some(application.clone());
        self.frame.go(Step::Done);
        Ok(application)
    }
}
