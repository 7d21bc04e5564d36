//! The point categories of the 2nd installment for a person: their
//! eligibility (the contract's rule, [`category_statuses`], over the facts
//! other public systems hold), the one service that can no longer be chosen,
//! the check of the categories an application asks for, and the
//! administration of the facts.

use mynapoint_contract::date::CivilDate;
use mynapoint_contract::{
    category_statuses, check_categories, CategoriesProblem, Category, CategoryState,
    CategoryStatus, Eligibility, EligibilityFacts, FixedService, PersonEligibility, Requirement,
    ServiceFixedBy, FIRST_INSTALLMENT_LAST_DAY, MAX_TOTAL_YEN,
};

use super::card_login::Auth;
use super::catalogue::Catalogue;
use super::fields::JsonBody;
use super::Platform;
use crate::rules::error::{ApiError, ApiResult, ErrorCode};
use crate::store::{ApplicationRecord, Store};

/// What a person's categories depend on, read once.
pub struct PersonView {
    pub person_id: Option<i64>,
    pub facts: EligibilityFacts,
    pub application: Option<ApplicationRecord>,
}

impl PersonView {
    /// The session's person (unknown to the platform: no facts, no application).
    pub fn of_session(app: &Platform, auth: &Auth) -> ApiResult<Self> {
        let store = app.store.lock().expect("lock");
        let Some(person) = store.person_id(&auth.session.issuer, &auth.session.subject_cn)? else {
            return Ok(PersonView {
                person_id: None,
                facts: EligibilityFacts::default(),
                application: None,
            });
        };
        Ok(PersonView {
            person_id: Some(person),
            facts: store.eligibility_of(person)?,
            application: store.application_of(person)?,
        })
    }

    /// Each category today (Japan).
    pub fn statuses(&self, app: &Platform) -> Vec<CategoryStatus> {
        let applied: Vec<Category> = self
            .application
            .iter()
            .flat_map(|a| a.categories.iter().map(|c| c.category))
            .collect();
        category_statuses(
            &self.facts,
            &applied,
            CivilDate::in_japan_at(app.clock.now()),
        )
    }

    /// The person's one service once chosen: their application's, or the
    /// 1st installment's.
    pub fn fixed_service(&self, app: &Platform) -> Option<FixedService> {
        if let Some(a) = &self.application {
            return Some(FixedService {
                service_id: a.service_id.clone(),
                service_name: a.service_name.clone(),
                fixed_by: ServiceFixedBy::Application,
            });
        }
        let first = self.facts.first_installment.as_ref()?;
        let service_name = app
            .catalogue
            .get(&first.service_id)
            .map_or_else(|| first.service_id.clone(), |s| s.name.clone());
        Some(FixedService {
            service_id: first.service_id.clone(),
            service_name,
            fixed_by: ServiceFixedBy::FirstInstallment,
        })
    }

    /// Refuses a service other than the fixed one.
    pub fn check_service(&self, app: &Platform, service_id: &str) -> ApiResult<()> {
        match self.fixed_service(app) {
            Some(fixed) if fixed.service_id != service_id => Err(ApiError::new(
                ErrorCode::ServiceCannotChange,
                format!(
                    "The payment service is {} ({}) for good and cannot be changed; new categories are applied for on it.",
                    fixed.service_name,
                    match fixed.fixed_by {
                        ServiceFixedBy::FirstInstallment => "chosen at the 1st installment",
                        ServiceFixedBy::Application => "chosen in the application",
                    }
                ),
            )
            .field("service_id")),
            _ => Ok(()),
        }
    }
}

/// `GET /v1/applications/eligibility`.
pub fn eligibility(app: &Platform, auth: &Auth) -> ApiResult<Eligibility> {
    let view = PersonView::of_session(app, auth)?;
    Ok(Eligibility {
        categories: view.statuses(app),
        service: view.fixed_service(app),
        max_total_yen: MAX_TOTAL_YEN,
    })
}

/// The body's `categories`: known names, at least one, each once.
pub fn read_categories(body: &JsonBody) -> ApiResult<Vec<Category>> {
    let names = body.str_array("categories")?;
    let mut categories = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let category = Category::from_code(name).ok_or_else(|| {
            ApiError::new(
                ErrorCode::CategoriesFormat,
                "A category is card_acquisition, health_insurance or public_fund_account.",
            )
            .field(format!("categories[{i}]"))
        })?;
        categories.push(category);
    }
    check_categories(&categories).map_err(|p| match p {
        CategoriesProblem::Empty => ApiError::new(
            ErrorCode::CategoriesFormat,
            "Choose at least one category to apply for.",
        )
        .field("categories"),
        CategoriesProblem::Duplicate { index } => {
            ApiError::new(ErrorCode::CategoriesFormat, "Each category is named once.")
                .field(format!("categories[{index}]"))
        }
    })?;
    Ok(categories)
}

/// Refuses a category that is not open to the person: what to do first and
/// where, or that it is applied for already.
pub fn check_open(statuses: &[CategoryStatus], categories: &[Category]) -> ApiResult<()> {
    for (i, category) in categories.iter().enumerate() {
        let Some(status) = statuses.iter().find(|s| s.category == *category) else {
            continue;
        };
        let field = format!("categories[{i}]");
        let refuse = |code, message: &str| Err(ApiError::new(code, message).field(field.clone()));
        match status.state {
            CategoryState::Eligible => {}
            CategoryState::Applied => {
                return refuse(
                    ErrorCode::CategoryAlreadyApplied,
                    "The application already covers this category.",
                )
            }
            CategoryState::Continuing => return refuse(
                ErrorCode::CategoryNotAvailable,
                "A 1st-installment applicant keeps earning category (1) on the 1st installment's service; there is nothing to apply for.",
            ),
            CategoryState::Earned => return refuse(
                ErrorCode::CategoryNotAvailable,
                "The 1st installment's 5,000 yen were earned in full; category (1) gives nothing more.",
            ),
            CategoryState::NotYetAvailable => {
                return refuse(
                    ErrorCode::CategoryNotAvailable,
                    match status.requirement {
                        Some(Requirement::HealthInsuranceRegistration) | None => {
                            "Register the card as a health insurance card first (at マイナポータル or a medical institution's card reader), then apply."
                        }
                        Some(Requirement::PublicFundAccountRegistration) => {
                            "Register a public-fund receipt account first (at マイナポータル), then apply."
                        }
                    },
                )
            }
        }
    }
    Ok(())
}

/// A `YYYYMMDD` fact: a real date from 2000 (`field` names it).
fn check_date(text: &str, field: &str) -> ApiResult<CivilDate> {
    CivilDate::parse_yyyymmdd(text)
        .filter(|d| d.year >= 2000 && text.len() == 8)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::EligibilityFormat,
                "A date is a real date written YYYYMMDD.",
            )
            .field(field)
        })
}

/// Checks the facts: dates, the 1st installment's deadline and service,
/// the earned amount. Nothing is stored when one is wrong.
pub fn check_facts(catalogue: &Catalogue, p: &PersonEligibility) -> ApiResult<()> {
    let bad = |field: &str, message: &str| {
        Err(ApiError::new(ErrorCode::EligibilityFormat, message).field(field))
    };
    if p.issuer.trim().is_empty() {
        return bad("issuer", "The certificate issuer is required.");
    }
    if p.subject_cn.trim().is_empty() {
        return bad("subject_cn", "The certificate subject CN is required.");
    }
    if let Some(first) = &p.facts.first_installment {
        let applied = check_date(&first.applied_on, "first_installment.applied_on")?;
        let last = CivilDate::parse_yyyymmdd(FIRST_INSTALLMENT_LAST_DAY).expect("a date");
        if applied > last {
            return bad(
                "first_installment.applied_on",
                "The 1st installment took applications until 31 December 2021.",
            );
        }
        if catalogue.get(&first.service_id).is_none() {
            return bad(
                "first_installment.service_id",
                "No payment service has this id.",
            );
        }
        if first.earned_yen > mynapoint_contract::CARD_ACQUISITION_MAX_YEN {
            return bad(
                "first_installment.earned_yen",
                "The 1st installment gave at most 5,000 yen.",
            );
        }
    }
    if let Some(d) = &p.facts.health_insurance_registered_on {
        check_date(d, "health_insurance_registered_on")?;
    }
    if let Some(d) = &p.facts.public_fund_account_registered_on {
        check_date(d, "public_fund_account_registered_on")?;
    }
    Ok(())
}

/// `PUT /v1/admin/persons/eligibility`: replaces a person's facts.
pub fn set_facts(app: &Platform, body: &[u8]) -> ApiResult<PersonEligibility> {
    let person: PersonEligibility = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            ErrorCode::EligibilityFormat,
            format!("The body is not a person's eligibility facts: {e}"),
        )
    })?;
    check_facts(&app.catalogue, &person)?;
    let now = app.clock.now();
    app.store.lock().expect("lock").set_eligibility(
        &person.issuer,
        &person.subject_cn,
        &person.facts,
        now,
    )?;
    Ok(person)
}

/// Seed data: every person's facts checked, then stored (at start).
pub fn seed(
    store: &mut Store,
    catalogue: &Catalogue,
    persons: &[PersonEligibility],
    now: i64,
) -> Result<(), String> {
    for (i, p) in persons.iter().enumerate() {
        check_facts(catalogue, p).map_err(|e| {
            format!(
                "person {i}: {} ({})",
                e.message,
                e.field.as_deref().unwrap_or("")
            )
        })?;
        store
            .set_eligibility(&p.issuer, &p.subject_cn, &p.facts, now)
            .map_err(|e| format!("person {i}: {e}"))?;
    }
    Ok(())
}

/// Reads a seed file: a JSON list of persons' facts.
pub fn read_seed(path: &std::path::Path) -> Result<Vec<PersonEligibility>, String> {
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))
}
