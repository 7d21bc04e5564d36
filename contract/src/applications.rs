//! My Number Points applications: `POST /v1/applications/content-to-sign`,
//! `POST /v1/applications`, `GET /v1/applications/mine`; the canonical
//! content the card signs (with the point categories applied for, see
//! [`crate::categories`]), the masked payment ID, and the rules of the
//! phone number's last digits and of a child's birth date.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::base64_field::{b64, b64_digest, b64_opt};
use crate::categories::{categories_text, AppliedCategory, Category};
use crate::date::CivilDate;
use crate::field::{check_text, FieldProblem};
use crate::secret::Secret;
use crate::services::Charset;

/// The first line of the canonical content (with its newline).
pub const CONTENT_PREFIX: &str = "mynapoint-application-v2\n";
/// A legal representative applies for a child younger than this (years).
pub const CHILD_AGE_LIMIT: u32 = 15;
/// The earliest birth year the API takes.
pub const MIN_BIRTH_YEAR: u32 = 1900;

/// What the resident applies with: the body of `content-to-sign`, and of the
/// application itself with the signature added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationContent {
    pub service_id: String,
    /// The service's `terms_version` the resident accepted.
    pub terms_version: String,
    /// Per the service's [`crate::PaymentIdRule`].
    pub payment_id: Secret,
    /// One per entry of the service's `security_codes`, in that order.
    pub security_codes: Vec<Secret>,
    /// 4 half-width digits ([`check_phone_last4`]); absent, null or empty: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_last4: Option<Secret>,
    /// A legal representative applies for a child under 15 (the session is
    /// the child's card login); absent or null otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_child: Option<ForChild>,
    /// The point categories applied for: at least one, each once, each open
    /// to the person ([`crate::categories::check_categories`]).
    pub categories: Vec<Category>,
}

/// `for_child` of an application: the child's birth date and the
/// representative's user-authentication certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForChild {
    /// `YYYYMMDD` ([`check_child_birth_date`]).
    pub birth_date: String,
    /// DER of the representative card's user-authentication certificate
    /// (base64 on the wire).
    #[serde(with = "b64")]
    pub representative_certificate: Vec<u8>,
}

impl ApplicationContent {
    /// The phone digits, if any (empty counts as none).
    pub fn phone_last4(&self) -> Option<&str> {
        self.phone_last4
            .as_ref()
            .map(Secret::expose)
            .filter(|p| !p.is_empty())
    }

    /// The canonical content the card signs (UTF-8 lines, each ending in
    /// `\n`): [`CONTENT_PREFIX`], `session_id` (the server's id of the
    /// session, never shown: a signature works only in the session that
    /// asked for it), `service_id`, `terms_version`, `payment_id`,
    /// lower-case hex of SHA-256 of the security codes joined by `\n`, the
    /// phone digits or nothing, `categories:` and
    /// [`crate::categories::categories_text`]; for a child application one more line,
    /// `child:<birth_date>:<representative serial>` (upper hex without
    /// leading zero bytes, [`crate::certificate_serial_text`]).
    ///
    /// `representative_serial` is the serial of `for_child`'s certificate;
    /// the child line is written when both are present.
    pub fn canonical_text(&self, session_id: &str, representative_serial: Option<&str>) -> Secret {
        let codes: Vec<&str> = self.security_codes.iter().map(Secret::expose).collect();
        let joined = Secret::new(codes.join("\n"));
        let codes_hash = hex::encode(Sha256::digest(joined.expose().as_bytes()));
        let mut text = format!(
            "{CONTENT_PREFIX}{session_id}\n{}\n{}\n{}\n{codes_hash}\n{}\ncategories:{}\n",
            self.service_id,
            self.terms_version,
            self.payment_id.expose(),
            self.phone_last4().unwrap_or(""),
            categories_text(&self.categories),
        );
        if let (Some(child), Some(serial)) = (&self.for_child, representative_serial) {
            text.push_str(&format!("child:{}:{serial}\n", child.birth_date));
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

/// The last 4 digits of a phone number: exactly 4 half-width digits.
pub fn check_phone_last4(text: &str) -> Result<(), FieldProblem> {
    check_text(text, Charset::Digits, 4, 4)
}

/// A child's birth date for an application by a legal representative:
/// `YYYYMMDD` in half-width digits, a real date from [`MIN_BIRTH_YEAR`], not
/// after `today`, and under [`CHILD_AGE_LIMIT`] on `today` (the 15th
/// birthday itself is 15; a 29 February birthday comes on 1 March in a
/// common year). `today` is the date in Japan.
pub fn check_child_birth_date(text: &str, today: CivilDate) -> Result<CivilDate, FieldProblem> {
    check_text(text, Charset::Digits, 8, 8)?;
    let birth = CivilDate::parse_yyyymmdd(text)
        .filter(|d| d.year >= MIN_BIRTH_YEAR)
        .ok_or(FieldProblem::NotADate)?;
    match birth.age_on(today) {
        None => Err(FieldProblem::InFuture),
        Some(age) if age >= CHILD_AGE_LIMIT => Err(FieldProblem::NotUnder15),
        Some(_) => Ok(birth),
    }
}

/// A payment ID as every answer shows it: all but the last 4 characters as
/// `*` (4 characters or fewer: all but the last one).
pub fn mask_payment_id(payment_id: &str) -> String {
    let n = payment_id.chars().count();
    let keep = if n > 4 { 4 } else { n.min(1) };
    payment_id
        .chars()
        .enumerate()
        .map(|(i, c)| if i < n - keep { '*' } else { c })
        .collect()
}

/// `for_child` of an application as the platform reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildInfo {
    /// `YYYYMMDD`.
    pub birth_date: String,
    /// The representative certificate's serial, upper hex.
    pub representative_serial: String,
}

/// What the resident confirms before the card signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentSummary {
    pub service_name: String,
    /// [`mask_payment_id`]; null for a category addition (the account is
    /// the one the service already holds).
    pub payment_id_masked: Option<String>,
    /// The categories the card signs for, in [`Category::ALL`] order.
    pub categories: Vec<Category>,
    /// Their amounts together, in yen (category (1): the most it gives).
    pub total_yen: u32,
}

/// `POST /v1/applications/content-to-sign` -> 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentToSign {
    /// [`ApplicationContent::digest`] (base64 on the wire).
    #[serde(with = "b64_digest")]
    pub digest: [u8; 32],
    pub summary: ContentSummary,
}

/// `POST /v1/applications` body: the content and the card's signature over
/// the digest `content-to-sign` returned for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationRequest {
    #[serde(flatten)]
    pub content: ApplicationContent,
    /// RSASSA-PKCS1-v1_5 SHA-256 by the session's card (base64 on the wire).
    #[serde(with = "b64")]
    pub signature: Vec<u8>,
    /// A child application: the representative's card signature over the
    /// same digest (base64 on the wire; absent otherwise).
    #[serde(default, with = "b64_opt", skip_serializing_if = "Option::is_none")]
    pub representative_signature: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// 申込済み: submitted, registration takes about a day.
    Submitted,
    /// Registered with the payment service.
    Registered,
}

/// `POST /v1/applications` -> 201 and `GET /v1/applications/mine` -> 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// A UUID.
    pub application_id: String,
    pub status: ApplicationStatus,
    pub service_id: String,
    pub service_name: String,
    /// [`mask_payment_id`]; null for an application on the 1st
    /// installment's service (its account is the one chosen then).
    pub payment_id_masked: Option<String>,
    /// Unix seconds.
    pub submitted_at: u64,
    /// A child application; null otherwise.
    pub for_child: Option<ChildInfo>,
    /// The categories applied for, each with its state, in [`Category::ALL`]
    /// order (absent from an older server: read as none).
    #[serde(default)]
    pub categories: Vec<AppliedCategory>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> ApplicationContent {
        ApplicationContent {
            service_id: "aeon-card-waon".into(),
            terms_version: "2022-06".into(),
            payment_id: "1234567890123456".into(),
            security_codes: vec!["4821".into()],
            phone_last4: None,
            for_child: None,
            categories: vec![Category::HealthInsurance, Category::CardAcquisition],
        }
    }

    #[test]
    fn the_canonical_content_is_the_documented_text() {
        let codes = hex::encode(Sha256::digest(b"4821"));
        let ordinary = format!(
            "mynapoint-application-v2\nS\naeon-card-waon\n2022-06\n1234567890123456\n{codes}\n\ncategories:card_acquisition,health_insurance\n"
        );
        let c = content();
        assert_eq!(c.canonical_text("S", None).expose(), ordinary);
        let d: [u8; 32] = Sha256::digest(ordinary.as_bytes()).into();
        assert_eq!(c.digest("S", None), d);
        // An empty phone counts as none; a serial without `for_child` adds nothing.
        let mut empty_phone = content();
        empty_phone.phone_last4 = Some("".into());
        assert_eq!(empty_phone.digest("S", Some("1A2B")), d);

        let mut child = content();
        child.for_child = Some(ForChild {
            birth_date: "20150401".into(),
            representative_certificate: vec![1, 2],
        });
        let text = format!("{ordinary}child:20150401:1A2B\n");
        assert_eq!(child.canonical_text("S", Some("1A2B")).expose(), text);
        // The session id is part of what is signed, and so are the categories.
        assert_ne!(c.digest("T", None), d);
        let mut fewer = content();
        fewer.categories.pop();
        assert_ne!(fewer.digest("S", None), d);
    }

    #[test]
    fn masking_keeps_the_last_four() {
        assert_eq!(mask_payment_id("1234567890123456"), "************3456");
        assert_eq!(mask_payment_id("ABCD"), "***D");
        assert_eq!(mask_payment_id(""), "");
    }

    #[test]
    fn child_birth_dates() {
        let today = CivilDate::new(2025, 5, 10).unwrap();
        assert!(check_child_birth_date("20100511", today).is_ok());
        assert_eq!(
            check_child_birth_date("20100510", today),
            Err(FieldProblem::NotUnder15)
        );
        assert_eq!(
            check_child_birth_date("20250511", today),
            Err(FieldProblem::InFuture)
        );
        assert_eq!(
            check_child_birth_date("20130229", today),
            Err(FieldProblem::NotADate)
        );
        assert_eq!(
            check_child_birth_date("18991231", today),
            Err(FieldProblem::NotADate)
        );
        assert!(matches!(
            check_child_birth_date("2010051", today),
            Err(FieldProblem::WrongLength { .. })
        ));
        assert_eq!(check_phone_last4("0123"), Ok(()));
        assert!(check_phone_last4("01234").is_err());
    }

    #[test]
    fn an_ordinary_request_leaves_out_the_child_fields() {
        let request = ApplicationRequest {
            content: content(),
            signature: vec![1, 2, 3],
            representative_signature: None,
        };
        let json = serde_json::to_value(&request).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "categories",
                "payment_id",
                "security_codes",
                "service_id",
                "signature",
                "terms_version"
            ]
        );
        let back: ApplicationRequest = serde_json::from_value(json).unwrap();
        assert_eq!(back, request);
    }
}
