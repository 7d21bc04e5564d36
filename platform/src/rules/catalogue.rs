//! The payment services a resident can choose (a seed file), their input
//! rules, and keyword search that ignores case and half/full width.

use std::collections::HashSet;
use std::path::Path;

use mynapoint_contract::{FieldProblem, ServiceList};
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use super::Platform;
use crate::rules::error::{ApiError, ApiResult, ErrorCode};

pub use mynapoint_contract::{Charset, PaymentIdRule, SecurityCodeRule, Service, ServiceKind};

/// The reference catalogue shipped with the server.
pub const BUILTIN_SEED: &str = include_str!("../../seed/payment-services.json");

/// The payment ID against `service`'s rule (field `payment_id`).
pub fn check_payment_id(service: &Service, payment_id: &str) -> ApiResult<()> {
    service.check_payment_id(payment_id).map_err(|p| {
        ApiError::refused_field(
            ErrorCode::PaymentIdFormat,
            "payment_id",
            &service.describe_payment_id(),
            p,
        )
    })
}

/// The security codes against `service`'s rules (field `security_codes`).
pub fn check_security_codes(service: &Service, codes: &[&str]) -> ApiResult<()> {
    service.check_security_codes(codes).map_err(|p| {
        let rule = match p.problem {
            FieldProblem::WrongCount { expected, .. } => {
                format!("{} needs {expected} security code(s).", service.name_latin)
            }
            _ => {
                let rule = &service.security_codes[p.index as usize];
                format!(
                    "Security code {} ({}) is {} {}.",
                    p.index + 1,
                    rule.label,
                    rule.len,
                    rule.charset.describe()
                )
            }
        };
        ApiError::refused_field(
            ErrorCode::SecurityCodeFormat,
            "security_codes",
            &rule,
            p.problem,
        )
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFile {
    services: Vec<Service>,
}

/// The catalogue, with each service's folded search text.
#[derive(Debug, Clone)]
pub struct Catalogue {
    services: Vec<(Service, String)>,
}

/// Folds for search: NFKC (full-width ASCII to half-width, half-width kana
/// to full-width), lower case, hiragana to katakana, runs of spaces as one.
pub fn fold(text: &str) -> String {
    let folded: String = text
        .nfkc()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ぁ'..='ゖ' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            c if c.is_whitespace() => ' ',
            _ => c,
        })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Catalogue {
    pub fn builtin() -> Self {
        Catalogue::from_json(BUILTIN_SEED).expect("the built-in seed is valid")
    }

    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Catalogue::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn from_json(text: &str) -> Result<Self, String> {
        let seed: SeedFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        // Every key of the file is one the contract's `Service` has: written
        // back, each service is the object it was read from.
        let raw: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut ids = HashSet::new();
        for (i, s) in seed.services.iter().enumerate() {
            if !ids.insert(s.service_id.clone()) {
                return Err(format!("service {} appears twice", s.service_id));
            }
            s.check_rules()?;
            if serde_json::to_value(s).ok().as_ref() != Some(&raw["services"][i]) {
                return Err(format!(
                    "service {}: a key the contract's Service does not have",
                    s.service_id
                ));
            }
        }
        Ok(Catalogue {
            services: seed
                .services
                .into_iter()
                .map(|s| {
                    let text = fold(&format!("{}\n{}\n{}", s.name, s.name_kana, s.name_latin));
                    (s, text)
                })
                .collect(),
        })
    }

    pub fn get(&self, service_id: &str) -> Option<&Service> {
        self.services
            .iter()
            .map(|(s, _)| s)
            .find(|s| s.service_id == service_id)
    }

    pub fn search(&self, keyword: &str) -> Vec<&Service> {
        let needle = fold(keyword);
        self.services
            .iter()
            .filter(|(_, text)| needle.is_empty() || text.contains(&needle))
            .map(|(s, _)| s)
            .collect()
    }

    pub fn len(&self) -> usize {
        self.services.len()
    }

    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
    }
}

/// The services whose names contain `keyword` (folded; empty: all), as
/// summaries (`GET /v1/payment-services?q=`).
pub fn search(app: &Platform, keyword: &str) -> ServiceList {
    let services = app
        .catalogue
        .search(keyword)
        .into_iter()
        .map(Service::summary)
        .collect();
    ServiceList { services }
}

/// No service has the id in a URL path: 404 `service_unknown`.
pub fn not_found() -> ApiError {
    ApiError::new(ErrorCode::ServiceUnknown, "No payment service has this id.")
        .field("service_id")
        .status(404)
}

/// One service with its rules (`GET /v1/payment-services/{service_id}`).
pub fn get(app: &Platform, service_id: &str) -> ApiResult<Service> {
    app.catalogue.get(service_id).cloned().ok_or_else(not_found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(found: Vec<&Service>) -> Vec<&str> {
        found.iter().map(|s| s.service_id.as_str()).collect()
    }

    #[test]
    fn the_builtin_catalogue_is_complete() {
        let c = Catalogue::builtin();
        assert!(c.len() >= 8);
        assert!(c
            .services
            .iter()
            .any(|(s, _)| s.security_codes.len() == 2 && s.kind == ServiceKind::Credit));
        for kind in [
            ServiceKind::Qr,
            ServiceKind::EMoney,
            ServiceKind::Credit,
            ServiceKind::Debit,
        ] {
            assert!(c.services.iter().any(|(s, _)| s.kind == kind), "{kind:?}");
        }
    }

    #[test]
    fn search_ignores_case_and_width() {
        let c = Catalogue::builtin();
        let aeon = ["aeon-card-waon", "aeon-bank-cash-debit"];
        for q in [
            "イオン",
            "aeon",
            "AEON",
            "ＡＥＯＮ",
            "ｲｵﾝ",
            "いおん",
            " Aeon ",
        ] {
            assert_eq!(ids(c.search(q)), aeon, "{q}");
        }
        assert_eq!(ids(c.search("ペイペイ")), ["paypay"]);
        assert_eq!(ids(c.search("ｐａｙｐａｙ")), ["paypay"]);
        assert_eq!(ids(c.search("suica")), ["suica"]);
        assert_eq!(c.search("").len(), c.len());
        assert!(c.search("存在しない").is_empty());
    }

    #[test]
    fn input_rules() {
        let c = Catalogue::builtin();
        let smbc = c.get("smbc-card").unwrap();
        assert!(check_payment_id(smbc, "1234567890123456").is_ok());
        let e = check_payment_id(smbc, "123456789012345").unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::PaymentIdFormat, Some("payment_id"))
        );
        assert!(check_payment_id(smbc, "１２３４５６７８９０１２３４５６").is_err());
        assert!(check_security_codes(smbc, &["1234", "567"]).is_ok());
        for bad in [&["1234"][..], &["1234", "5678"], &["", "567"]] {
            let e = check_security_codes(smbc, bad).unwrap_err();
            assert_eq!(
                (e.code, e.field.as_deref()),
                (ErrorCode::SecurityCodeFormat, Some("security_codes"))
            );
        }
    }

    #[test]
    fn a_seed_with_a_key_the_contract_lacks_is_refused() {
        let mut seed: serde_json::Value = serde_json::from_str(BUILTIN_SEED).unwrap();
        seed["services"][0]["colour"] = "red".into();
        let err = Catalogue::from_json(&seed.to_string()).unwrap_err();
        assert!(err.contains("a key the contract"), "{err}");
    }
}
