//! Payment services: `GET /v1/payment-services?q=` and
//! `GET /v1/payment-services/{service_id}`, and each service's input rules
//! (payment ID, security codes), which the client checks as they are typed
//! and the server checks again.

use serde::{Deserialize, Serialize};

use crate::field::{check_text, FieldProblem};

/// A service has 1 to this many security codes.
pub const MAX_SECURITY_CODES: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    Qr,
    EMoney,
    Credit,
    Debit,
}

/// Which characters a field takes (half-width only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Charset {
    /// 0-9.
    Digits,
    /// A-Z and 0-9.
    AlnumUpper,
    /// A-Z, a-z and 0-9.
    Alnum,
}

impl Charset {
    pub fn allows_char(self, c: char) -> bool {
        match self {
            Charset::Digits => c.is_ascii_digit(),
            Charset::AlnumUpper => c.is_ascii_uppercase() || c.is_ascii_digit(),
            Charset::Alnum => c.is_ascii_alphanumeric(),
        }
    }

    /// Every character of `text` is allowed (an empty text is).
    pub fn allows(self, text: &str) -> bool {
        text.chars().all(|c| self.allows_char(c))
    }

    /// English words for messages ("half-width digits", …).
    pub fn describe(self) -> &'static str {
        match self {
            Charset::Digits => "half-width digits",
            Charset::AlnumUpper => "half-width upper-case letters and digits",
            Charset::Alnum => "half-width letters and digits",
        }
    }
}

/// An entry of `GET /v1/payment-services?q=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSummary {
    pub service_id: String,
    /// The Japanese name.
    pub name: String,
    pub name_kana: String,
    pub name_latin: String,
    pub kind: ServiceKind,
    pub terms_version: String,
}

/// `GET /v1/payment-services?q=` -> 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceList {
    pub services: Vec<ServiceSummary>,
}

/// The payment ID (決済サービスID) a service takes: `min_len..=max_len`
/// characters of `charset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentIdRule {
    /// What the service calls it (e.g. カード番号).
    pub label: String,
    /// In characters, at least 1.
    pub min_len: u32,
    /// In characters, at least `min_len`.
    pub max_len: u32,
    pub charset: Charset,
}

/// One security code (セキュリティコード) a service takes: exactly `len`
/// characters of `charset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityCodeRule {
    pub label: String,
    /// In characters, at least 1.
    pub len: u32,
    pub charset: Charset,
}

/// `GET /v1/payment-services/{service_id}` -> 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub service_id: String,
    pub name: String,
    pub name_kana: String,
    pub name_latin: String,
    pub kind: ServiceKind,
    /// The terms the resident reads and accepts.
    pub terms: String,
    /// Sent back in the application: the terms accepted.
    pub terms_version: String,
    pub payment_id: PaymentIdRule,
    /// 1 to [`MAX_SECURITY_CODES`] codes, in the order they are asked.
    pub security_codes: Vec<SecurityCodeRule>,
}

/// What is wrong with the security codes: the code at `index` (0-based; for
/// a wrong count, the first missing or extra one) and its problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityCodeProblem {
    pub index: u32,
    pub problem: FieldProblem,
}

impl Service {
    /// Its entry in a search answer.
    pub fn summary(&self) -> ServiceSummary {
        ServiceSummary {
            service_id: self.service_id.clone(),
            name: self.name.clone(),
            name_kana: self.name_kana.clone(),
            name_latin: self.name_latin.clone(),
            kind: self.kind,
            terms_version: self.terms_version.clone(),
        }
    }

    /// The service's own rules are usable: 1 to [`MAX_SECURITY_CODES`]
    /// codes, lengths at least 1, `min_len <= max_len`. A catalogue refuses
    /// a service that breaks them.
    pub fn check_rules(&self) -> Result<(), String> {
        let p = &self.payment_id;
        if !(1..=MAX_SECURITY_CODES).contains(&self.security_codes.len()) {
            return Err(format!(
                "service {} needs 1 to {MAX_SECURITY_CODES} security codes",
                self.service_id
            ));
        }
        if p.min_len == 0 || p.min_len > p.max_len {
            return Err(format!(
                "service {}: bad payment_id lengths",
                self.service_id
            ));
        }
        if self.security_codes.iter().any(|c| c.len == 0) {
            return Err(format!(
                "service {}: a security code of length 0",
                self.service_id
            ));
        }
        Ok(())
    }

    /// The payment ID against this service's rule.
    pub fn check_payment_id(&self, payment_id: &str) -> Result<(), FieldProblem> {
        let rule = &self.payment_id;
        check_text(payment_id, rule.charset, rule.min_len, rule.max_len)
    }

    /// The security codes, in order, against this service's rules: first
    /// their count, then each code.
    pub fn check_security_codes<S: AsRef<str>>(
        &self,
        codes: &[S],
    ) -> Result<(), SecurityCodeProblem> {
        let expected = self.security_codes.len() as u32;
        let got = codes.len() as u32;
        if got != expected {
            return Err(SecurityCodeProblem {
                index: got.min(expected),
                problem: FieldProblem::WrongCount { expected, got },
            });
        }
        for (i, (code, rule)) in codes.iter().zip(&self.security_codes).enumerate() {
            check_text(code.as_ref(), rule.charset, rule.len, rule.len).map_err(|problem| {
                SecurityCodeProblem {
                    index: i as u32,
                    problem,
                }
            })?;
        }
        Ok(())
    }

    /// An English sentence with the payment ID's rule, for messages.
    pub fn describe_payment_id(&self) -> String {
        let rule = &self.payment_id;
        let length = if rule.min_len == rule.max_len {
            format!("{}", rule.min_len)
        } else {
            format!("{} to {}", rule.min_len, rule.max_len)
        };
        format!(
            "The {} of {} is {length} {}.",
            rule.label,
            self.name_latin,
            rule.charset.describe()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card() -> Service {
        Service {
            service_id: "card".into(),
            name: "カード".into(),
            name_kana: "カード".into(),
            name_latin: "Card".into(),
            kind: ServiceKind::Credit,
            terms: "terms".into(),
            terms_version: "1".into(),
            payment_id: PaymentIdRule {
                label: "card number".into(),
                min_len: 16,
                max_len: 16,
                charset: Charset::Digits,
            },
            security_codes: vec![
                SecurityCodeRule {
                    label: "code".into(),
                    len: 4,
                    charset: Charset::Digits,
                },
                SecurityCodeRule {
                    label: "check".into(),
                    len: 3,
                    charset: Charset::AlnumUpper,
                },
            ],
        }
    }

    #[test]
    fn payment_ids_and_security_codes_follow_the_service() {
        let s = card();
        assert_eq!(s.check_payment_id("1234567890123456"), Ok(()));
        assert!(matches!(
            s.check_payment_id("123456789012345"),
            Err(FieldProblem::WrongLength { got: 15, .. })
        ));
        assert_eq!(
            s.check_payment_id("１２３４５６７８９０１２３４５６"),
            Err(FieldProblem::FullWidth { position: 1 })
        );
        assert_eq!(s.check_security_codes(&["1234", "AB7"]), Ok(()));
        assert_eq!(
            s.check_security_codes(&["1234"]),
            Err(SecurityCodeProblem {
                index: 1,
                problem: FieldProblem::WrongCount {
                    expected: 2,
                    got: 1
                }
            })
        );
        assert_eq!(
            s.check_security_codes(&["1234", "ab7"]).unwrap_err(),
            SecurityCodeProblem {
                index: 1,
                problem: FieldProblem::LowerCase { position: 1 }
            }
        );
        assert_eq!(
            s.check_security_codes(&["", "AB7"]).unwrap_err().problem,
            FieldProblem::Empty
        );
        assert_eq!(
            s.describe_payment_id(),
            "The card number of Card is 16 half-width digits."
        );
    }

    #[test]
    fn a_service_with_unusable_rules_is_refused() {
        assert!(card().check_rules().is_ok());
        let mut s = card();
        s.security_codes.clear();
        assert!(s.check_rules().is_err());
        let mut s = card();
        s.payment_id.min_len = 17;
        assert!(s.check_rules().is_err());
        let mut s = card();
        s.security_codes[0].len = 0;
        assert!(s.check_rules().is_err());
    }

    #[test]
    fn charsets() {
        assert!(Charset::AlnumUpper.allows("AB12"));
        assert!(!Charset::AlnumUpper.allows("ab12"));
        assert!(Charset::Alnum.allows("ab12"));
        assert!(!Charset::Digits.allows("12a"));
    }
}
