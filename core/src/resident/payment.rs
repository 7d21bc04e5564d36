//! The payment details of an application, checked against the chosen
//! service's rules before anything is sent, and the review screen's data.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use mynapoint_contract::check_phone_last4;

use super::fields::{Field, FieldError};
use crate::platform::{ApplicationContent, Category, Service, ServiceFixedBy, ServiceKind};
use crate::secret::Secret;

/// The payment screen. Wiped when dropped; `Debug` shows no text.
#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct PaymentForm {
    /// 決済サービスID.
    pub payment_id: String,
    /// セキュリティコード, one per entry of the service's `security_codes`.
    pub security_codes: Vec<String>,
    /// Last 4 digits of a phone number; optional (`None` or empty).
    pub phone_last4: Option<String>,
}

impl fmt::Debug for PaymentForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaymentForm")
            .field("security_codes", &self.security_codes.len())
            .finish_non_exhaustive()
    }
}

impl PaymentForm {
    /// The first problem against `service`'s rules, in screen order.
    pub fn validate(&self, service: &Service) -> Result<(), FieldError> {
        service
            .check_payment_id(&self.payment_id)
            .map_err(|p| FieldError::new(Field::PaymentId, p))?;
        service
            .check_security_codes(&self.security_codes)
            .map_err(|p| FieldError::new(Field::SecurityCode { index: p.index }, p.problem))?;
        if let Some(phone) = self.phone_last4() {
            check_phone_last4(phone).map_err(|p| FieldError::new(Field::PhoneLast4, p))?;
        }
        Ok(())
    }

    pub fn phone_last4(&self) -> Option<&str> {
        self.phone_last4.as_deref().filter(|p| !p.is_empty())
    }

    /// The application content for `service` and `categories` (after `validate`).
    pub(crate) fn content(&self, service: &Service, categories: &[Category]) -> ApplicationContent {
        ApplicationContent {
            service_id: service.service_id.clone(),
            terms_version: service.terms_version.clone(),
            payment_id: Secret::new(self.payment_id.as_str()),
            security_codes: self
                .security_codes
                .iter()
                .map(|c| Secret::new(c.as_str()))
                .collect(),
            phone_last4: self.phone_last4().map(Secret::new),
            for_child: None,
            categories: categories.to_vec(),
        }
    }
}

/// The final check before the card signs: what will be applied for.
/// The payment ID WHOLE, because this is where the person checks it (the
/// 2023 mis-linking cases: points went to another person's account); masked
/// everywhere after. No security code. `Debug` shows neither.
#[derive(Clone, PartialEq, Eq)]
pub struct Review {
    pub service_id: String,
    pub service_name: String,
    /// Set when the service was chosen before (the 1st installment, or the
    /// application categories are added to): shown, not chosen now.
    pub service_fixed_by: Option<ServiceFixedBy>,
    /// Unknown (`None`) for a fixed service.
    pub service_kind: Option<ServiceKind>,
    pub terms_version: String,
    /// The label the service gives its payment ID (e.g. カード番号).
    pub payment_id_label: String,
    /// The payment ID as typed, shown whole at the review only (empty for a
    /// fixed service: nothing is typed). Wiped when dropped (the session
    /// drops its review when it ends or moves on).
    pub payment_id: Zeroizing<String>,
    /// As the platform masked it (the form it will show on the application);
    /// none for the 1st installment's service.
    pub payment_id_masked: Option<String>,
    pub phone_last4: Option<String>,
    pub security_codes_entered: u32,
    /// A legal representative's application for a child under 15.
    pub for_child: Option<ChildReview>,
    /// The categories the card signs for, each with its amount.
    pub categories: Vec<CategoryLine>,
    /// Their amounts together (category (1): the most it gives).
    pub total_yen: u32,
}

/// A category on the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryLine {
    pub category: Category,
    /// [`Category::max_yen`].
    pub amount_yen: u32,
}

impl fmt::Debug for Review {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Review")
            .field("service_id", &self.service_id)
            .field("service_name", &self.service_name)
            .field("service_fixed_by", &self.service_fixed_by)
            .field("service_kind", &self.service_kind)
            .field("terms_version", &self.terms_version)
            .field("payment_id_label", &self.payment_id_label)
            .field("payment_id_masked", &self.payment_id_masked)
            .field("phone_last4", &self.phone_last4)
            .field("security_codes_entered", &self.security_codes_entered)
            .field("for_child", &self.for_child)
            .field("categories", &self.categories)
            .field("total_yen", &self.total_yen)
            .finish_non_exhaustive()
    }
}

/// The child part of the review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildReview {
    /// `YYYYMMDD`.
    pub birth_date: String,
    /// The representative card's certificate serial, upper hex.
    pub representative_serial: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::{Charset, PaymentIdRule, SecurityCodeRule};
    use crate::resident::fields::FieldProblem;

    fn credit() -> Service {
        Service {
            service_id: "card".into(),
            name: "Card".into(),
            name_kana: "カード".into(),
            name_latin: "Card".into(),
            kind: ServiceKind::Credit,
            terms: "…".into(),
            terms_version: "v1".into(),
            payment_id: PaymentIdRule {
                label: "カード番号".into(),
                min_len: 16,
                max_len: 16,
                charset: Charset::Digits,
            },
            security_codes: vec![
                SecurityCodeRule {
                    label: "A".into(),
                    len: 3,
                    charset: Charset::Digits,
                },
                SecurityCodeRule {
                    label: "B".into(),
                    len: 4,
                    charset: Charset::AlnumUpper,
                },
            ],
        }
    }

    fn form() -> PaymentForm {
        PaymentForm {
            payment_id: "1234567890123456".into(),
            security_codes: vec!["123".into(), "AB12".into()],
            phone_last4: Some("5678".into()),
        }
    }

    #[test]
    fn the_review_holds_the_payment_id_whole_but_debug_never_shows_it() {
        let review = Review {
            service_id: "card".into(),
            service_name: "Card".into(),
            service_fixed_by: None,
            service_kind: Some(ServiceKind::Credit),
            terms_version: "v1".into(),
            payment_id_label: "カード番号".into(),
            payment_id: "1234567890123456".to_owned().into(),
            payment_id_masked: Some("************3456".into()),
            phone_last4: None,
            security_codes_entered: 2,
            for_child: None,
            categories: Vec::new(),
            total_yen: 0,
        };
        assert_eq!(review.payment_id.as_str(), "1234567890123456");
        let shown = format!("{review:?}");
        assert!(!shown.contains("1234567890"), "{shown}");
        assert!(shown.contains("************3456"), "{shown}");
    }

    #[test]
    fn per_field_errors() {
        let s = credit();
        form().validate(&s).unwrap();
        let mut f = form();
        f.security_codes[1] = "ab12".into();
        assert_eq!(
            f.validate(&s).unwrap_err(),
            FieldError::new(
                Field::SecurityCode { index: 1 },
                FieldProblem::LowerCase { position: 1 }
            )
        );
        let mut f = form();
        f.security_codes.pop();
        assert_eq!(
            f.validate(&s).unwrap_err().problem,
            FieldProblem::WrongCount {
                expected: 2,
                got: 1
            }
        );
        let mut f = form();
        f.phone_last4 = Some(String::new());
        f.validate(&s).unwrap();
        let c = f.content(&s, &[Category::CardAcquisition]);
        assert_eq!(c.phone_last4, None);
        assert_eq!(c.security_codes[1].expose(), "AB12");
    }

    #[test]
    fn debug_hides_the_details() {
        let shown = format!("{:?}", form());
        assert!(!shown.contains("1234567890"));
        assert!(!shown.contains("AB12"));
    }
}
