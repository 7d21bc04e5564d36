//! The point categories after card login: each with its state and amount
//! (and, for one not open yet, what to do first and where), the choice (all
//! open ones by default; asked only when more than one is open), and the
//! review of an addition on a fixed service.

use mynapoint_core::failure::Failure as CoreFailure;
use mynapoint_core::platform::{
    Category, CategoryState, CategoryStatus, Eligibility, ServiceFixedBy,
};
use mynapoint_core::resident::{ResidentError, Review};

use super::explain::failure;
use super::flow::Flow;
use crate::Failure;

/// `(1) card acquisition` and friends, as the leaflet numbers them.
pub fn category_name(category: Category) -> &'static str {
    match category {
        Category::CardAcquisition => "(1) card holders (25% of top-ups or purchases)",
        Category::HealthInsurance => "(2) card used as a health insurance card",
        Category::PublicFundAccount => "(3) public-fund receipt account registered",
    }
}

/// One line per category: what it gives and where the person stands.
pub fn status_line(status: &CategoryStatus) -> String {
    let amount = match status.category {
        Category::CardAcquisition => format!("up to {} yen", status.amount_yen),
        _ => format!("{} yen", status.amount_yen),
    };
    let state = match status.state {
        CategoryState::Eligible => "open: can be applied for now".to_owned(),
        CategoryState::Applied => "applied for".to_owned(),
        CategoryState::Continuing => format!(
            "1st-installment applicant: keep earning (still {} yen) on your service, nothing to apply for",
            status.amount_yen
        ),
        CategoryState::Earned => "1st installment's 5,000 yen earned in full".to_owned(),
        CategoryState::NotYetAvailable => {
            let what = ResidentError::CategoryNotAvailable {
                category: Some(status.category),
                requirement: status.requirement,
            };
            format!(
                "not yet: {}",
                CoreFailure::from(&what).message(crate::lang())
            )
        }
    };
    let amount = match status.state {
        CategoryState::Continuing | CategoryState::Earned => String::new(),
        _ => format!("{amount}, "),
    };
    format!("{}: {amount}{state}", category_name(status.category))
}

/// Where the fixed service comes from.
pub fn fixed_by_text(by: ServiceFixedBy) -> &'static str {
    match by {
        ServiceFixedBy::FirstInstallment => "chosen at the 1st installment",
        ServiceFixedBy::Application => "chosen in your application",
    }
}

impl Flow<'_, '_> {
    pub(super) async fn choose_categories(&mut self) -> Result<(), Failure> {
        self.say
            .step("Point categories: what you can apply for (up to 20,000 yen in all)")?;
        let Some(eligibility) = self.session.eligibility().cloned() else {
            self.say
                .line("the platform did not say; applying for category (1)")?;
            return self.take_categories(&[Category::CardAcquisition]).await;
        };
        for status in &eligibility.categories {
            self.say.line(status_line(status))?;
        }
        if let Some(fixed) = &eligibility.service {
            self.say.line(format!(
                "your payment service: {} [{}] ({}; it cannot be changed)",
                fixed.service_name,
                fixed.service_id,
                fixed_by_text(fixed.fixed_by)
            ))?;
        }
        let open = eligibility.eligible();
        // A child's application: the legal representative who applied signs
        // the added categories too (`mynapoint resident child`).
        if eligibility.service.is_some()
            && !open.is_empty()
            && self.session.child_birth_date().is_some()
            && self.session.representative_serial().is_none()
        {
            if self.representative.is_none() {
                self.say.line(
                    "this is a child's application: the legal representative adds categories \
                     with `mynapoint resident child` (both cards)",
                )?;
                return Err(failure(ResidentError::RepresentativeNotRead));
            }
            self.for_a_child().await?;
        }
        let chosen = match open.len() {
            0 => return Err(nothing_open(&eligibility)),
            1 => open,
            _ => self.answers.categories(&mut self.say, &open)?,
        };
        self.take_categories(&chosen).await
    }

    async fn take_categories(&mut self, chosen: &[Category]) -> Result<(), Failure> {
        let names: Vec<&str> = chosen.iter().map(|c| category_name(*c)).collect();
        self.say
            .line(format!("applying for: {}", names.join(", ")))?;
        match self.session.choose_categories(chosen).await {
            Ok(_) => Ok(()),
            Err(e) => {
                let before = mynapoint_core::resident::Step::ChooseCategories;
                self.go_on_or_stop(e, before)
            }
        }
    }

    /// The review of categories added on a fixed service.
    pub(super) fn review_addition(&mut self, review: &Review) -> Result<(), Failure> {
        self.say.line(format!(
            "service:        {} [{}] ({}; unchanged)",
            review.service_name,
            review.service_id,
            review.service_fixed_by.map_or("", fixed_by_text)
        ))?;
        if let Some(masked) = &review.payment_id_masked {
            self.say
                .line(format!("payment ID:     {masked} (as registered)"))?;
        }
        self.review_categories(review)
    }

    pub(super) fn review_categories(&mut self, review: &Review) -> Result<(), Failure> {
        for c in &review.categories {
            self.say.line(format!(
                "category:       {}: {} yen{}",
                category_name(c.category),
                c.amount_yen,
                if c.category == Category::CardAcquisition {
                    " at most"
                } else {
                    ""
                }
            ))?;
        }
        self.say
            .line(format!("total:          up to {} yen", review.total_yen))
    }
}

/// No category is open: say what to do first (the first one not yet available).
fn nothing_open(eligibility: &Eligibility) -> Failure {
    let first = eligibility
        .categories
        .iter()
        .find(|s| s.state == CategoryState::NotYetAvailable);
    failure(ResidentError::CategoryNotAvailable {
        category: first.map(|s| s.category),
        requirement: first.and_then(|s| s.requirement),
    })
}
