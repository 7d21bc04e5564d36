//! The three point categories of the 2nd installment of My Number Points
//! (seeds 000/001, the FAQ leaflet) and who may apply for which:
//!
//! | category | amount | who |
//! |---|---|---|
//! | [`Category::CardAcquisition`] | up to 5,000 yen (25% of top-ups or purchases) | card holders who did not apply to the 1st installment; 1st-installment applicants who have not earned their 5,000 yen keep earning on their 1st service without applying |
//! | [`Category::HealthInsurance`] | 7,500 yen | the card is registered as a health insurance card |
//! | [`Category::PublicFundAccount`] | 7,500 yen | a public-fund receipt account is registered |
//!
//! Up to [`MAX_TOTAL_YEN`] in all, on ONE payment service that never changes:
//! a 1st-installment applicant's is the one chosen then. Routes:
//! `GET /v1/applications/eligibility` ([`Eligibility`]);
//! `POST /v1/applications/categories/content-to-sign` ([`CategoryAddition`]
//! → [`crate::ContentToSign`]) and `POST /v1/applications/categories`
//! ([`CategoryAdditionRequest`] → [`crate::Application`]): categories added
//! to the person's application (or, for a 1st-installment applicant, applied
//! for on the 1st service), signed by the card again;
//! `PUT /v1/admin/persons/eligibility` ([`PersonEligibility`], administrator
//! token): the facts other public systems hold.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::date::CivilDate;
use crate::secret::Secret;
use crate::ApplicationStatus;

/// Up to this many yen in all, the three categories together.
pub const MAX_TOTAL_YEN: u32 = 20_000;
/// The most a 1st-installment applicant earns (and category (1) gives).
pub const CARD_ACQUISITION_MAX_YEN: u32 = 5_000;
/// 7,500 yen each for categories (2) and (3).
pub const REGISTRATION_YEN: u32 = 7_500;
/// The 1st installment took applications until the end of December 2021
/// (seed 001: "Those who applied by the end of December 2021").
pub const FIRST_INSTALLMENT_LAST_DAY: &str = "20211231";
/// The first line of a category addition's canonical content.
pub const ADDITION_PREFIX: &str = "mynapoint-categories-v1\n";

/// A point category of the 2nd installment (wire: snake_case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// (1) マイナンバーカードの新規取得等: up to 5,000 yen, 25% of top-ups or purchases.
    CardAcquisition,
    /// (2) 健康保険証としての利用申込み: 7,500 yen.
    HealthInsurance,
    /// (3) 公金受取口座の登録: 7,500 yen.
    PublicFundAccount,
}

impl Category {
    /// The three, in the leaflet's order (also the canonical order).
    pub const ALL: [Category; 3] = [
        Category::CardAcquisition,
        Category::HealthInsurance,
        Category::PublicFundAccount,
    ];

    /// The wire form.
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::CardAcquisition => "card_acquisition",
            Category::HealthInsurance => "health_insurance",
            Category::PublicFundAccount => "public_fund_account",
        }
    }

    pub fn from_code(text: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// The most this category gives, in yen.
    pub const fn max_yen(self) -> u32 {
        match self {
            Category::CardAcquisition => CARD_ACQUISITION_MAX_YEN,
            Category::HealthInsurance | Category::PublicFundAccount => REGISTRATION_YEN,
        }
    }

    /// What must be registered first (categories (2) and (3)).
    pub const fn requirement(self) -> Option<Requirement> {
        match self {
            Category::CardAcquisition => None,
            Category::HealthInsurance => Some(Requirement::HealthInsuranceRegistration),
            Category::PublicFundAccount => Some(Requirement::PublicFundAccountRegistration),
        }
    }
}

/// What a person must do before a category is open to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// Register the card as a health insurance card (マイナポータル, or a
    /// medical institution's card reader).
    HealthInsuranceRegistration,
    /// Register a public-fund receipt account (公金受取口座; マイナポータル).
    PublicFundAccountRegistration,
}

/// Where a person stands with one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryState {
    /// Open: it can be applied for now.
    Eligible,
    /// In the person's application.
    Applied,
    /// (1) for a 1st-installment applicant who has not earned the 5,000
    /// yen: they keep earning on their 1st service, nothing to apply for;
    /// `amount_yen` is what they can still earn.
    Continuing,
    /// (1) for a 1st-installment applicant who earned the full 5,000 yen.
    Earned,
    /// Not open yet: `requirement` says what to register first.
    NotYetAvailable,
}

/// One category as the person sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryStatus {
    pub category: Category,
    pub state: CategoryState,
    /// What the category can still give this person, in yen (the category's
    /// amount; for `continuing` what is left to earn; 0 when `earned`).
    pub amount_yen: u32,
    /// Set when `not_yet_available`.
    pub requirement: Option<Requirement>,
}

/// The 1st-installment application, as the 1st installment's system holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstInstallment {
    /// The service chosen then (a catalogue `service_id`): the person's one
    /// service for good.
    pub service_id: String,
    /// `YYYYMMDD`, at most [`FIRST_INSTALLMENT_LAST_DAY`].
    pub applied_on: String,
    /// Points earned so far, 0..=5,000 yen (5,000: the full amount).
    pub earned_yen: u32,
}

/// What each category depends on, for one person (from other public
/// systems; the reference platform takes them through its administration
/// API and seed data). Dates are `YYYYMMDD` in Japan; a registration dated
/// after today does not count yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityFacts {
    /// Null: the person did not apply to the 1st installment.
    pub first_installment: Option<FirstInstallment>,
    /// The card's registration as a health insurance card, or null.
    pub health_insurance_registered_on: Option<String>,
    /// The public-fund receipt account's registration, or null.
    pub public_fund_account_registered_on: Option<String>,
}

/// `PUT /v1/admin/persons/eligibility` body (and its 200 answer): a person
/// (issuer and subject CN of the user-authentication certificate, as card
/// login keys persons) and their facts, replacing earlier ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonEligibility {
    pub issuer: String,
    pub subject_cn: String,
    #[serde(flatten)]
    pub facts: EligibilityFacts,
}

/// Why the person's service is fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceFixedBy {
    /// Chosen at the 1st installment.
    FirstInstallment,
    /// Chosen in the person's application.
    Application,
}

/// The person's one service, when it is already chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixedService {
    pub service_id: String,
    pub service_name: String,
    pub fixed_by: ServiceFixedBy,
}

/// `GET /v1/applications/eligibility` → 200: each category for the session's
/// person, and the service when it can no longer be chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    /// The three, in [`Category::ALL`] order.
    pub categories: Vec<CategoryStatus>,
    /// Null: the service is chosen in the application.
    pub service: Option<FixedService>,
    /// [`MAX_TOTAL_YEN`].
    pub max_total_yen: u32,
}

impl Eligibility {
    /// The status of `category`.
    pub fn of(&self, category: Category) -> Option<&CategoryStatus> {
        self.categories.iter().find(|s| s.category == category)
    }

    /// The categories open now, in order (the default choice).
    pub fn eligible(&self) -> Vec<Category> {
        self.categories
            .iter()
            .filter(|s| s.state == CategoryState::Eligible)
            .map(|s| s.category)
            .collect()
    }
}

/// A category in an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedCategory {
    pub category: Category,
    /// [`Category::max_yen`].
    pub amount_yen: u32,
    /// 申込済み until registered with the payment service (about a day).
    pub status: ApplicationStatus,
    /// Unix seconds.
    pub applied_at: u64,
}

/// A registration date (`YYYYMMDD`) that counts on `today`.
fn registered_by(date: Option<&str>, today: CivilDate) -> bool {
    date.and_then(CivilDate::parse_yyyymmdd)
        .is_some_and(|d| d <= today)
}

/// Each category for a person with these `facts`, whose application holds
/// `applied`, on `today` (Japan), in [`Category::ALL`] order. The rule both
/// sides read: the platform decides with it, the app shows its answer.
pub fn category_statuses(
    facts: &EligibilityFacts,
    applied: &[Category],
    today: CivilDate,
) -> Vec<CategoryStatus> {
    Category::ALL
        .into_iter()
        .map(|category| {
            let status = |state, amount_yen| CategoryStatus {
                category,
                state,
                amount_yen,
                requirement: None,
            };
            if applied.contains(&category) {
                return status(CategoryState::Applied, category.max_yen());
            }
            let registered_on = match category {
                Category::CardAcquisition => {
                    return match &facts.first_installment {
                        None => status(CategoryState::Eligible, category.max_yen()),
                        Some(f) if f.earned_yen >= CARD_ACQUISITION_MAX_YEN => {
                            status(CategoryState::Earned, 0)
                        }
                        Some(f) => status(
                            CategoryState::Continuing,
                            CARD_ACQUISITION_MAX_YEN - f.earned_yen,
                        ),
                    };
                }
                Category::HealthInsurance => facts.health_insurance_registered_on.as_deref(),
                Category::PublicFundAccount => facts.public_fund_account_registered_on.as_deref(),
            };
            if registered_by(registered_on, today) {
                status(CategoryState::Eligible, category.max_yen())
            } else {
                CategoryStatus {
                    requirement: category.requirement(),
                    ..status(CategoryState::NotYetAvailable, category.max_yen())
                }
            }
        })
        .collect()
}

/// Why a list of categories is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoriesProblem {
    /// None chosen.
    Empty,
    /// The same category twice (its index).
    Duplicate { index: usize },
}

/// A chosen list: at least one, each once.
pub fn check_categories(categories: &[Category]) -> Result<(), CategoriesProblem> {
    if categories.is_empty() {
        return Err(CategoriesProblem::Empty);
    }
    for (index, c) in categories.iter().enumerate() {
        if categories[..index].contains(c) {
            return Err(CategoriesProblem::Duplicate { index });
        }
    }
    Ok(())
}

/// The categories as one canonical line: wire names in [`Category::ALL`]
/// order, joined by `,`.
pub fn categories_text(categories: &[Category]) -> String {
    let mut sorted = categories.to_vec();
    sorted.sort();
    sorted.dedup();
    sorted
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// `POST /v1/applications/categories/content-to-sign` body: categories to
/// add on the person's fixed service ([`FixedService`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryAddition {
    /// The service the app showed; refused (`service_cannot_change`) when
    /// it is not the person's fixed one.
    pub service_id: String,
    pub categories: Vec<Category>,
    /// An application for a child under 15: the certificate (DER, base64
    /// on the wire) of the legal representative who applied, whose card
    /// signs the addition too; absent otherwise.
    #[serde(
        default,
        with = "crate::base64_field::b64_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub representative_certificate: Option<Vec<u8>>,
}

impl CategoryAddition {
    /// The canonical content the card signs (UTF-8 lines, each ending in
    /// `\n`): [`ADDITION_PREFIX`], `session_id`, `service_id`, `categories:`
    /// and [`categories_text`]; for a child's application one more line,
    /// `representative:` and the representative certificate's serial (upper
    /// hex without leading zero bytes), written when both are present.
    pub fn canonical_text(&self, session_id: &str, representative_serial: Option<&str>) -> Secret {
        let mut text = format!(
            "{ADDITION_PREFIX}{session_id}\n{}\ncategories:{}\n",
            self.service_id,
            categories_text(&self.categories)
        );
        if let (Some(_), Some(serial)) = (&self.representative_certificate, representative_serial) {
            text.push_str(&format!("representative:{serial}\n"));
        }
        Secret::new(text)
    }

    /// SHA-256 of [`Self::canonical_text`]: the 32 bytes the card signs.
    pub fn digest(&self, session_id: &str, representative_serial: Option<&str>) -> [u8; 32] {
        Sha256::digest(
            self.canonical_text(session_id, representative_serial)
                .expose()
                .as_bytes(),
        )
        .into()
    }
}

/// `POST /v1/applications/categories` body: the addition and the card's
/// signature over its digest (RSASSA-PKCS1-v1_5 SHA-256, base64).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryAdditionRequest {
    #[serde(flatten)]
    pub addition: CategoryAddition,
    #[serde(with = "crate::base64_field::b64")]
    pub signature: Vec<u8>,
    /// A child's application: the legal representative's card signature
    /// over the same digest (base64; absent otherwise).
    #[serde(
        default,
        with = "crate::base64_field::b64_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub representative_signature: Option<Vec<u8>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> CivilDate {
        CivilDate::parse_yyyymmdd(text).unwrap()
    }

    fn states(facts: &EligibilityFacts, applied: &[Category]) -> Vec<(CategoryState, u32)> {
        category_statuses(facts, applied, day("20260601"))
            .into_iter()
            .map(|s| (s.state, s.amount_yen))
            .collect()
    }

    #[test]
    fn each_combination_of_facts() {
        use CategoryState::*;
        let none = EligibilityFacts::default();
        assert_eq!(
            states(&none, &[]),
            [
                (Eligible, 5000),
                (NotYetAvailable, 7500),
                (NotYetAvailable, 7500)
            ]
        );
        let all = EligibilityFacts {
            first_installment: None,
            health_insurance_registered_on: Some("20260101".into()),
            public_fund_account_registered_on: Some("20260601".into()),
        };
        assert_eq!(
            states(&all, &[]),
            [(Eligible, 5000), (Eligible, 7500), (Eligible, 7500)]
        );
        assert_eq!(
            states(&all, &[Category::HealthInsurance]),
            [(Eligible, 5000), (Applied, 7500), (Eligible, 7500)]
        );
        // A registration dated after today does not count yet.
        let later = EligibilityFacts {
            health_insurance_registered_on: Some("20260602".into()),
            ..none.clone()
        };
        let s = category_statuses(&later, &[], day("20260601"));
        assert_eq!(s[1].state, NotYetAvailable);
        assert_eq!(
            s[1].requirement,
            Some(Requirement::HealthInsuranceRegistration)
        );
        assert_eq!(
            s[2].requirement,
            Some(Requirement::PublicFundAccountRegistration)
        );
        assert_eq!(s[0].requirement, None);
        // 1st-installment applicants keep earning (what is left), or are done.
        let first = |earned_yen| EligibilityFacts {
            first_installment: Some(FirstInstallment {
                service_id: "s".into(),
                applied_on: "20210930".into(),
                earned_yen,
            }),
            ..none.clone()
        };
        assert_eq!(states(&first(1200), &[])[0], (Continuing, 3800));
        assert_eq!(states(&first(5000), &[])[0], (Earned, 0));
    }

    #[test]
    fn categories_are_checked_and_written_in_one_order() {
        use Category::*;
        assert_eq!(check_categories(&[]), Err(CategoriesProblem::Empty));
        assert_eq!(
            check_categories(&[HealthInsurance, CardAcquisition, HealthInsurance]),
            Err(CategoriesProblem::Duplicate { index: 2 })
        );
        assert_eq!(check_categories(&[PublicFundAccount]), Ok(()));
        assert_eq!(
            categories_text(&[PublicFundAccount, CardAcquisition]),
            "card_acquisition,public_fund_account"
        );
        for c in Category::ALL {
            assert_eq!(Category::from_code(c.as_str()), Some(c));
        }
        assert_eq!(
            Category::ALL.iter().map(|c| c.max_yen()).sum::<u32>(),
            MAX_TOTAL_YEN
        );
    }

    #[test]
    fn an_addition_signs_its_service_and_categories() {
        let a = CategoryAddition {
            service_id: "aeon-card-waon".into(),
            categories: vec![Category::PublicFundAccount, Category::HealthInsurance],
            representative_certificate: None,
        };
        let text = "mynapoint-categories-v1\nS\naeon-card-waon\ncategories:health_insurance,public_fund_account\n";
        assert_eq!(a.canonical_text("S", Some("1A")).expose(), text);
        let d: [u8; 32] = Sha256::digest(text.as_bytes()).into();
        assert_eq!(a.digest("S", None), d);
        let other = CategoryAddition {
            categories: vec![Category::HealthInsurance],
            ..a.clone()
        };
        assert_ne!(other.digest("S", None), d);
        // A child's application: the representative is signed for too.
        let child = CategoryAddition {
            representative_certificate: Some(vec![1]),
            ..a.clone()
        };
        assert_eq!(
            child.canonical_text("S", Some("1A")).expose(),
            format!("{text}representative:1A\n")
        );
    }
}
