//! My Key ID (マイキーID): `GET/POST/PUT/DELETE /v1/my-key-id`,
//! `POST /v1/my-key-id/candidates`, `POST /v1/my-key-id/check`, and the
//! rules of what is typed at issuance: the ID's format, the My Page
//! password, the e-mail address and the base municipality's code.

use serde::{Deserialize, Serialize};

use crate::field::{check_text, is_full_width, FieldProblem};
use crate::secret::Secret;
use crate::services::Charset;

/// Characters of a My Key ID.
pub const MY_KEY_ID_LEN: u32 = 8;
/// Auto-generated candidates offered per session; the last one is final.
pub const MAX_CANDIDATES: u8 = 3;
/// Own-choice duplicate checks per session; after that, auto-generation.
pub const MAX_OWN_CHECKS: u8 = 3;
/// Characters of the My Page password.
pub const PASSWORD_LEN: std::ops::RangeInclusive<u32> = 6..=16;
/// Characters (bytes: ASCII only) of an e-mail address at most.
pub const EMAIL_MAX_LEN: usize = 254;

/// Exactly [`MY_KEY_ID_LEN`] half-width upper-case letters and digits.
pub fn check_my_key_id(text: &str) -> Result<(), FieldProblem> {
    check_text(text, Charset::AlnumUpper, MY_KEY_ID_LEN, MY_KEY_ID_LEN)
}

/// The My Page password: [`PASSWORD_LEN`] half-width letters and digits.
pub fn check_password(text: &str) -> Result<(), FieldProblem> {
    check_text(
        text,
        Charset::Alnum,
        *PASSWORD_LEN.start(),
        *PASSWORD_LEN.end(),
    )
}

/// An e-mail address: half-width printable characters, one `@` with
/// something before it and a dotted domain after it (no leading, trailing
/// or double dot), at most [`EMAIL_MAX_LEN`] characters.
pub fn check_email(email: &str) -> Result<(), FieldProblem> {
    if email.is_empty() {
        return Err(FieldProblem::Empty);
    }
    for (i, c) in email.chars().enumerate() {
        let position = i as u32 + 1;
        if is_full_width(c) {
            return Err(FieldProblem::FullWidth { position });
        }
        if !c.is_ascii_graphic() {
            return Err(FieldProblem::NotAllowed { position });
        }
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(FieldProblem::BadFormat);
    };
    let domain_ok = !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..");
    if local.is_empty() || !domain_ok || email.len() > EMAIL_MAX_LEN {
        return Err(FieldProblem::BadFormat);
    }
    Ok(())
}

/// JIS X 0402 check digit of the first 5 digits of a local government code:
/// (11 − Σ dᵢ·(6,5,4,3,2) mod 11) mod 10.
pub fn municipality_check_digit(first5: [u8; 5]) -> u8 {
    let sum: u32 = first5
        .iter()
        .zip([6u32, 5, 4, 3, 2])
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    ((11 - sum % 11) % 10) as u8
}

/// A base municipality: a 6-digit local government code (JIS X 0402) whose
/// 6th digit is the [`municipality_check_digit`] of the first 5, and whose
/// prefecture (first 2 digits) is 01 to 47.
pub fn check_municipality(code: &str) -> Result<(), FieldProblem> {
    check_text(code, Charset::Digits, 6, 6)?;
    let d: Vec<u8> = code.bytes().map(|b| b - b'0').collect();
    let prefecture = d[0] * 10 + d[1];
    if !(1..=47).contains(&prefecture) {
        return Err(FieldProblem::BadFormat);
    }
    let first5 = [d[0], d[1], d[2], d[3], d[4]];
    if municipality_check_digit(first5) == d[5] {
        Ok(())
    } else {
        Err(FieldProblem::WrongCheckDigit)
    }
}

/// Which e-mails the resident wants. A flag left out of a request is false.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Notifications {
    pub points_granted: bool,
    pub points_expired: bool,
    pub password_changed: bool,
    /// My Key ID registered, changed or revoked.
    pub my_key_id_changes: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MyKeyIdStatus {
    Active,
    Revoked,
}

/// `GET /v1/my-key-id` -> 200, `POST` -> 201, `PUT` -> 200: the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyKeyIdRecord {
    pub my_key_id: String,
    /// The certificate registered with it (upper hex).
    pub certificate_serial: String,
    /// Unix seconds.
    pub certificate_expires_at: u64,
    pub email: Option<String>,
    pub notifications: Notifications,
    /// 6-digit local government code.
    pub base_municipality: String,
    pub status: MyKeyIdStatus,
    /// When the id was last changed (Unix seconds); null if never.
    pub changed_at: Option<u64>,
}

/// `POST /v1/my-key-id/candidates` -> 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub candidate: String,
    /// 1 to [`MAX_CANDIDATES`].
    pub attempt: u8,
    /// The last candidate: the one that will be registered.
    #[serde(rename = "final")]
    pub is_final: bool,
}

/// `POST /v1/my-key-id/check` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRequest {
    pub my_key_id: String,
}

/// `POST /v1/my-key-id/check` -> 200.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    pub available: bool,
    /// 1 to [`MAX_OWN_CHECKS`].
    pub checks_used: u8,
    /// The last check found the id taken: only auto-generation is left.
    pub fallback_to_auto: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueMode {
    /// One of the candidates offered in this session.
    Auto,
    /// An id checked as available in this session.
    Own,
}

/// `POST /v1/my-key-id` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueRequest {
    pub mode: IssueMode,
    pub my_key_id: String,
    /// [`check_password`].
    pub password: Secret,
    /// [`check_email`]; absent, null or empty: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default)]
    pub notifications: Notifications,
    /// [`check_municipality`].
    pub base_municipality: String,
}

/// `PUT /v1/my-key-id` body: the new id, chosen by the issuance rules in
/// this (card login) session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRequest {
    pub mode: IssueMode,
    pub my_key_id: String,
}

/// `DELETE /v1/my-key-id` -> 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeResult {
    pub status: MyKeyIdStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn my_key_id_format() {
        assert_eq!(check_my_key_id("AB12CD34"), Ok(()));
        assert_eq!(
            check_my_key_id("ab12cd34"),
            Err(FieldProblem::LowerCase { position: 1 })
        );
        assert_eq!(
            check_my_key_id("ＡB12CD34"),
            Err(FieldProblem::FullWidth { position: 1 })
        );
        for bad in ["AB12CD3", "AB12CD345", "AB12-D34", "AB12CD3 ", ""] {
            assert!(check_my_key_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn municipality_codes_carry_a_jis_check_digit() {
        // 東京都千代田区, 北海道札幌市, 大阪府大阪市, 福岡県福岡市
        for ok in ["131016", "011002", "271004", "401005"] {
            assert_eq!(check_municipality(ok), Ok(()), "{ok}");
        }
        assert_eq!(
            check_municipality("131017"),
            Err(FieldProblem::WrongCheckDigit)
        );
        assert!(matches!(
            check_municipality("13101"),
            Err(FieldProblem::WrongLength { got: 5, .. })
        ));
        for bad in ["1310166", "13101a", "１３１０１６"] {
            assert!(check_municipality(bad).is_err(), "{bad}");
        }
        // A right check digit, but no prefecture 00 or 48.
        assert_eq!(municipality_check_digit([0, 0, 0, 0, 0]), 1);
        assert_eq!(check_municipality("000001"), Err(FieldProblem::BadFormat));
        assert_eq!(municipality_check_digit([4, 8, 0, 0, 0]), 2);
        assert_eq!(check_municipality("480002"), Err(FieldProblem::BadFormat));
        assert_eq!(check_municipality("000000"), Err(FieldProblem::BadFormat));
    }

    #[test]
    fn passwords_and_emails() {
        assert_eq!(check_password("abc123"), Ok(()));
        assert_eq!(check_password("A1b2C3d4E5f6G7h8"), Ok(()));
        for bad in [
            "abc12",
            "A1b2C3d4E5f6G7h8X",
            "abc 123",
            "ａｂｃ１２３",
            "abc12!",
        ] {
            assert!(check_password(bad).is_err(), "{bad}");
        }
        assert_eq!(check_email("taro@example.jp"), Ok(()));
        for bad in [
            "taro",
            "taro@",
            "@example.jp",
            "taro@example",
            "ta ro@example.jp",
            "a@b@c.jp",
            "taro@.example.jp",
            "taro@example..jp",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
        assert_eq!(
            check_email("taro＠example.jp"),
            Err(FieldProblem::FullWidth { position: 5 })
        );
        let long = format!("{}@example.jp", "a".repeat(250));
        assert_eq!(check_email(&long), Err(FieldProblem::BadFormat));
    }

    #[test]
    fn notification_flags_left_out_are_false() {
        let n: Notifications = serde_json::from_str(r#"{"points_granted": true}"#).unwrap();
        assert_eq!(
            n,
            Notifications {
                points_granted: true,
                ..Notifications::default()
            }
        );
    }
}
