//! The payment services a resident can choose (a seed file), their input
//! rules, and keyword search that ignores case and half/full width.

use std::collections::HashSet;
use std::path::Path;

use axum::extract::{Path as UrlPath, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use unicode_normalization::UnicodeNormalization;

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;

/// The reference catalogue shipped with the server.
pub const BUILTIN_SEED: &str = include_str!("../seed/payment-services.json");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Qr,
    EMoney,
    Credit,
    Debit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Charset {
    /// 0-9
    Digits,
    /// A-Z 0-9
    AlnumUpper,
    /// A-Z a-z 0-9
    Alnum,
}

impl Charset {
    pub fn allows(self, s: &str) -> bool {
        s.bytes().all(|b| match self {
            Charset::Digits => b.is_ascii_digit(),
            Charset::AlnumUpper => b.is_ascii_uppercase() || b.is_ascii_digit(),
            Charset::Alnum => b.is_ascii_alphanumeric(),
        })
    }

    fn describe(self) -> &'static str {
        match self {
            Charset::Digits => "half-width digits",
            Charset::AlnumUpper => "half-width upper-case letters and digits",
            Charset::Alnum => "half-width letters and digits",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentIdRule {
    pub label: String,
    pub min_len: usize,
    pub max_len: usize,
    pub charset: Charset,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityCodeRule {
    pub label: String,
    pub len: usize,
    pub charset: Charset,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub service_id: String,
    pub name: String,
    pub name_kana: String,
    pub name_latin: String,
    pub kind: Kind,
    pub terms: String,
    pub terms_version: String,
    pub payment_id: PaymentIdRule,
    pub security_codes: Vec<SecurityCodeRule>,
}

impl Service {
    pub fn summary(&self) -> Value {
        json!({
            "service_id": self.service_id,
            "name": self.name,
            "name_kana": self.name_kana,
            "name_latin": self.name_latin,
            "kind": self.kind,
            "terms_version": self.terms_version,
        })
    }

    pub fn check_payment_id(&self, id: &str) -> ApiResult<()> {
        let rule = &self.payment_id;
        if (rule.min_len..=rule.max_len).contains(&id.len()) && rule.charset.allows(id) {
            return Ok(());
        }
        let length = if rule.min_len == rule.max_len {
            format!("{}", rule.min_len)
        } else {
            format!("{} to {}", rule.min_len, rule.max_len)
        };
        Err(ApiError::new(
            ErrorCode::PaymentIdFormat,
            format!(
                "The {} of {} is {length} {}.",
                rule.label,
                self.name_latin,
                rule.charset.describe()
            ),
        )
        .field("payment_id"))
    }

    pub fn check_security_codes(&self, codes: &[&str]) -> ApiResult<()> {
        if codes.len() != self.security_codes.len() {
            return Err(ApiError::new(
                ErrorCode::SecurityCodeFormat,
                format!(
                    "{} needs {} security code(s).",
                    self.name_latin,
                    self.security_codes.len()
                ),
            )
            .field("security_codes"));
        }
        for (i, (code, rule)) in codes.iter().zip(&self.security_codes).enumerate() {
            if code.len() != rule.len || !rule.charset.allows(code) {
                return Err(ApiError::new(
                    ErrorCode::SecurityCodeFormat,
                    format!(
                        "Security code {} ({}) is {} {}.",
                        i + 1,
                        rule.label,
                        rule.len,
                        rule.charset.describe()
                    ),
                )
                .field("security_codes"));
            }
        }
        Ok(())
    }
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
        let mut ids = HashSet::new();
        for s in &seed.services {
            if !ids.insert(s.service_id.clone()) {
                return Err(format!("service {} appears twice", s.service_id));
            }
            if !(1..=2).contains(&s.security_codes.len()) {
                return Err(format!(
                    "service {} needs 1 or 2 security codes",
                    s.service_id
                ));
            }
            if s.payment_id.min_len == 0 || s.payment_id.min_len > s.payment_id.max_len {
                return Err(format!("service {}: bad payment_id lengths", s.service_id));
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

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

/// `GET /v1/payment-services?q=`
pub async fn list(State(app): State<AppState>, Query(query): Query<SearchQuery>) -> Json<Value> {
    let services: Vec<Value> = app
        .catalogue
        .search(query.q.as_deref().unwrap_or(""))
        .into_iter()
        .map(Service::summary)
        .collect();
    Json(json!({ "services": services }))
}

/// `GET /v1/payment-services/{service_id}`
pub async fn get(
    State(app): State<AppState>,
    UrlPath(service_id): UrlPath<String>,
) -> ApiResult<Json<Service>> {
    app.catalogue
        .get(&service_id)
        .cloned()
        .map(Json)
        .ok_or_else(|| {
            ApiError::new(ErrorCode::ServiceUnknown, "No payment service has this id.")
                .field("service_id")
        })
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
            .any(|(s, _)| s.security_codes.len() == 2 && s.kind == Kind::Credit));
        for kind in [Kind::Qr, Kind::EMoney, Kind::Credit, Kind::Debit] {
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
        assert!(smbc.check_payment_id("1234567890123456").is_ok());
        assert!(smbc.check_payment_id("123456789012345").is_err());
        assert!(smbc
            .check_payment_id("１２３４５６７８９０１２３４５６")
            .is_err());
        assert!(smbc.check_security_codes(&["1234", "567"]).is_ok());
        assert!(smbc.check_security_codes(&["1234"]).is_err());
        assert!(smbc.check_security_codes(&["1234", "5678"]).is_err());
        assert!(smbc.check_security_codes(&["", "567"]).is_err());
        assert!(Charset::AlnumUpper.allows("AB12"));
        assert!(!Charset::AlnumUpper.allows("ab12"));
    }
}
