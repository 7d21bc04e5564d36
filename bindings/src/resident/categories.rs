//! The point categories of the 2nd installment as uniffi types: what the
//! person can apply for (eligibility), what they chose, what they applied for.

use mynapoint_core::platform as p;

use super::records::ApplicationStatus;

/// A point category (in the leaflet's order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Category {
    /// (1) マイナンバーカードの新規取得等: up to 5,000 yen.
    CardAcquisition,
    /// (2) 健康保険証としての利用申込み: 7,500 yen.
    HealthInsurance,
    /// (3) 公金受取口座の登録: 7,500 yen.
    PublicFundAccount,
}

impl From<p::Category> for Category {
    fn from(c: p::Category) -> Self {
        match c {
            p::Category::CardAcquisition => Self::CardAcquisition,
            p::Category::HealthInsurance => Self::HealthInsurance,
            p::Category::PublicFundAccount => Self::PublicFundAccount,
        }
    }
}

impl From<Category> for p::Category {
    fn from(c: Category) -> Self {
        match c {
            Category::CardAcquisition => Self::CardAcquisition,
            Category::HealthInsurance => Self::HealthInsurance,
            Category::PublicFundAccount => Self::PublicFundAccount,
        }
    }
}

/// Where a person stands with one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CategoryState {
    /// Open: it can be applied for now.
    Eligible,
    /// In the person's application.
    Applied,
    /// (1) still being earned on the 1st installment's service.
    Continuing,
    /// (1) earned in full.
    Earned,
    /// Not open yet: `requirement` says what to register first.
    NotYetAvailable,
}

/// What to register before a category opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Requirement {
    HealthInsuranceRegistration,
    PublicFundAccountRegistration,
}

/// One category as the person sees it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CategoryStatus {
    pub category: Category,
    pub state: CategoryState,
    /// In yen: what it can still give this person.
    pub amount_yen: u32,
    pub requirement: Option<Requirement>,
}

/// The person's categories and, when it can no longer be chosen, their service.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Eligibility {
    pub categories: Vec<CategoryStatus>,
    /// The fixed service's ID and name; `None`: chosen in the application.
    pub fixed_service_id: Option<String>,
    pub fixed_service_name: Option<String>,
    pub max_total_yen: u32,
}

impl From<&p::Eligibility> for Eligibility {
    fn from(e: &p::Eligibility) -> Self {
        Self {
            categories: e
                .categories
                .iter()
                .map(|s| CategoryStatus {
                    category: s.category.into(),
                    state: match s.state {
                        p::CategoryState::Eligible => CategoryState::Eligible,
                        p::CategoryState::Applied => CategoryState::Applied,
                        p::CategoryState::Continuing => CategoryState::Continuing,
                        p::CategoryState::Earned => CategoryState::Earned,
                        p::CategoryState::NotYetAvailable => CategoryState::NotYetAvailable,
                    },
                    amount_yen: s.amount_yen,
                    requirement: s.requirement.map(|r| match r {
                        p::Requirement::HealthInsuranceRegistration => {
                            Requirement::HealthInsuranceRegistration
                        }
                        p::Requirement::PublicFundAccountRegistration => {
                            Requirement::PublicFundAccountRegistration
                        }
                    }),
                })
                .collect(),
            fixed_service_id: e.service.as_ref().map(|s| s.service_id.clone()),
            fixed_service_name: e.service.as_ref().map(|s| s.service_name.clone()),
            max_total_yen: e.max_total_yen,
        }
    }
}

/// A category line of the review or of an application, with its amount.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CategoryLine {
    pub category: Category,
    pub amount_yen: u32,
    /// For an application's line: submitted or registered.
    pub status: Option<ApplicationStatus>,
}

impl From<&mynapoint_core::resident::CategoryLine> for CategoryLine {
    fn from(l: &mynapoint_core::resident::CategoryLine) -> Self {
        Self {
            category: l.category.into(),
            amount_yen: l.amount_yen,
            status: None,
        }
    }
}

impl From<p::AppliedCategory> for CategoryLine {
    fn from(a: p::AppliedCategory) -> Self {
        Self {
            category: a.category.into(),
            amount_yen: a.amount_yen,
            status: Some(a.status.into()),
        }
    }
}
