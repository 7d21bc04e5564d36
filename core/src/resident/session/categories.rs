//! The point categories of the 2nd installment: after card login the
//! platform's eligibility (one GET, no tap), the choice (all open ones by
//! default), and for a person whose service is fixed (their application's,
//! or the 1st installment's) the addition the card signs: the service is
//! shown, never asked.

use super::{ChildHeld, Content, Prepared, ResidentSession};
use crate::platform::{
    Category, CategoryAddition, CategoryState, Eligibility, ErrorCode, PlatformError,
};
use crate::resident::error::ResidentError;
use crate::resident::payment::{CategoryLine, ChildReview, Review};
use crate::resident::step::Step;

/// The refusal of a category by its state.
pub(super) fn refusal(eligibility: &Eligibility, category: Category) -> Option<ResidentError> {
    let status = eligibility.of(category)?;
    match status.state {
        CategoryState::Eligible => None,
        CategoryState::Applied => Some(ResidentError::CategoryAlreadyApplied {
            category: Some(category),
        }),
        CategoryState::Continuing | CategoryState::Earned | CategoryState::NotYetAvailable => {
            Some(ResidentError::CategoryNotAvailable {
                category: Some(category),
                requirement: status.requirement,
            })
        }
    }
}

/// The review's lines for `categories`, in the leaflet's order, and their total.
pub(super) fn lines(categories: &[Category]) -> (Vec<CategoryLine>, u32) {
    let mut sorted = categories.to_vec();
    sorted.sort();
    let lines: Vec<CategoryLine> = sorted
        .into_iter()
        .map(|category| CategoryLine {
            category,
            amount_yen: category.max_yen(),
        })
        .collect();
    let total = lines.iter().map(|l| l.amount_yen).sum();
    (lines, total)
}

impl ResidentSession {
    /// After login: the eligibility, the default choice (every open
    /// category), and the step — the categories when one is open (or no
    /// application exists yet), the status otherwise.
    pub(super) async fn after_login(&mut self) -> Result<(), ResidentError> {
        let token = self.token()?;
        let eligibility = match self.platform.eligibility(token).await {
            Ok(e) => Some(e),
            Err(e) => {
                tracing::info!(error = %e, "eligibility unknown after login");
                None
            }
        };
        let open = eligibility
            .as_ref()
            .map(Eligibility::eligible)
            .unwrap_or_default();
        let applied = self.held().application.is_some();
        // A child's application: categories are added with the legal
        // representative's card too (read before the choice).
        let child = self
            .held()
            .application
            .as_ref()
            .and_then(|a| a.for_child.as_ref())
            .map(|c| c.birth_date.clone());
        if let Some(birth_date) = child {
            self.held_mut().child = Some(ChildHeld {
                birth_date,
                representative: None,
            });
        }
        self.held_mut().categories = open.clone();
        self.held_mut().eligibility = eligibility;
        let has_id = self.held().my_key_id.is_some();
        match (applied, has_id) {
            (true, true) if !open.is_empty() => self.frame.go(Step::ChooseCategories),
            (true, _) => self.frame.go(Step::Done),
            (false, false) => self.frame.go(Step::ChooseMyKeyId {
                own_choice_allowed: true,
            }),
            (false, true) => self.frame.go(Step::ChooseCategories),
        }
        Ok(())
    }

    /// Whether the person's service is fixed (shown, not asked).
    pub fn service_fixed(&self) -> bool {
        self.held()
            .eligibility
            .as_ref()
            .is_some_and(|e| e.service.is_some())
    }

    /// Chooses the categories to apply for (each must be open: otherwise
    /// what to do first, or that it is applied for already; nothing is
    /// sent). A person whose service is open goes on to the service; one
    /// whose service is fixed gets the review of the addition (the platform
    /// prepares the digest the card signs).
    pub async fn choose_categories(
        &mut self,
        categories: &[Category],
    ) -> Result<Option<Review>, ResidentError> {
        self.begin(|s| s == Step::ChooseCategories || super::application::service_open(s))?;
        if categories.is_empty() {
            return Err(ResidentError::NoCategoryChosen);
        }
        // Unknown after login (the platform did not answer then): ask again.
        if self.held().eligibility.is_none() {
            let fresh = self.platform.eligibility(self.token()?).await?;
            self.held_mut().eligibility = Some(fresh);
        }
        if let Some(eligibility) = &self.held().eligibility {
            if let Some(e) = categories.iter().find_map(|c| refusal(eligibility, *c)) {
                return Err(e);
            }
        }
        let mut chosen = categories.to_vec();
        chosen.sort();
        chosen.dedup();
        self.held_mut().categories = chosen.clone();
        self.held_mut().prepared = None;
        self.held_mut().review = None;
        let fixed = self
            .held()
            .eligibility
            .as_ref()
            .and_then(|e| e.service.clone());
        let Some(fixed) = fixed else {
            if self.frame.step() == Step::ChooseCategories || self.frame.step() == Step::Review {
                self.frame.go(Step::ChooseService);
            }
            return Ok(None);
        };
        let mut child_review = None;
        let mut representative_certificate = None;
        if let Some(child) = &self.held().child {
            let Some(representative) = &child.representative else {
                return Err(ResidentError::RepresentativeNotRead);
            };
            representative_certificate = Some(representative.der.clone());
            child_review = Some(ChildReview {
                birth_date: child.birth_date.clone(),
                representative_serial: representative.serial.to_hex(),
            });
        }
        let addition = CategoryAddition {
            service_id: fixed.service_id.clone(),
            categories: chosen.clone(),
            representative_certificate,
        };
        let answer = self
            .platform
            .categories_content_to_sign(self.token()?, &addition)
            .await;
        let signed = match answer {
            Ok(a) => a,
            Err(PlatformError::Http {
                code: ErrorCode::CategoryNotAvailable | ErrorCode::CategoryAlreadyApplied,
                ..
            }) => {
                // The platform knows better: read the eligibility again.
                if let Ok(fresh) = self.platform.eligibility(self.token()?).await {
                    let e = chosen.iter().find_map(|c| refusal(&fresh, *c));
                    self.held_mut().eligibility = Some(fresh);
                    if let Some(e) = e {
                        return Err(e);
                    }
                }
                return Err(ResidentError::CategoryNotAvailable {
                    category: None,
                    requirement: None,
                });
            }
            Err(e) => return Err(e.into()),
        };
        if signed.summary.service_name != fixed.service_name {
            return Err(ResidentError::PlatformMismatch);
        }
        let (categories, total_yen) = lines(&chosen);
        let review = Review {
            service_id: fixed.service_id,
            service_name: fixed.service_name,
            service_fixed_by: Some(fixed.fixed_by),
            service_kind: None,
            terms_version: String::new(),
            payment_id_label: String::new(),
            payment_id: zeroize::Zeroizing::new(String::new()),
            payment_id_masked: signed.summary.payment_id_masked,
            phone_last4: None,
            security_codes_entered: 0,
            for_child: child_review,
            categories,
            total_yen,
        };
        self.held_mut().prepared = Some(Prepared {
            content: Content::Addition(addition),
            digest: signed.digest,
        });
        self.held_mut().review = Some(review.clone());
        self.frame.go(Step::Review);
        Ok(Some(review))
    }
}
