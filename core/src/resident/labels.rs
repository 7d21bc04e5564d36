//! What a shell shows for each field of the resident flow: its prompt (the
//! field's name and its rule), whether it is typed without echo, and the
//! names of a charset and of a kind of payment service, in Japanese or
//! English. The desktop and the phone shells show the same words; the
//! rules themselves are the contract's.

use mynapoint_contract::{MY_KEY_ID_LEN, PASSWORD_LEN};

use super::fields::Field;
use crate::failure::Lang;
use crate::platform::{Charset, Service, ServiceKind};

/// Whether `field` is typed without echo (and never shown again).
pub fn is_secret(field: Field) -> bool {
    matches!(
        field,
        Field::Password | Field::PasswordConfirmation | Field::SecurityCode { .. }
    )
}

/// What a charset takes, in words.
pub fn charset_name(charset: Charset, lang: Lang) -> &'static str {
    match (lang, charset) {
        (Lang::En, c) => c.describe(),
        (Lang::Ja, Charset::Digits) => "半角数字",
        (Lang::Ja, Charset::AlnumUpper) => "半角英大文字・数字",
        (Lang::Ja, Charset::Alnum) => "半角英数字",
    }
}

/// A kind of payment service, in words.
pub fn service_kind_name(kind: ServiceKind, lang: Lang) -> &'static str {
    match (lang, kind) {
        (Lang::En, ServiceKind::Qr) => "QR code payment",
        (Lang::En, ServiceKind::EMoney) => "e-money",
        (Lang::En, ServiceKind::Credit) => "credit card",
        (Lang::En, ServiceKind::Debit) => "debit card",
        (Lang::Ja, ServiceKind::Qr) => "QRコード決済",
        (Lang::Ja, ServiceKind::EMoney) => "電子マネー",
        (Lang::Ja, ServiceKind::Credit) => "クレジットカード",
        (Lang::Ja, ServiceKind::Debit) => "デビットカード",
    }
}

fn length(min: u32, max: u32) -> String {
    if min == max {
        min.to_string()
    } else {
        format!("{min}-{max}")
    }
}

/// `n` characters of `charset`, e.g. `16 half-width digits` / `半角数字16文字`.
fn rule(min: u32, max: u32, charset: Charset, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{} {}", length(min, max), charset_name(charset, lang)),
        Lang::Ja => format!("{}{}文字", charset_name(charset, lang), length(min, max)),
    }
}

/// The prompt of a field: its name and its rule (for the payment fields,
/// the chosen `service`'s label and rule).
pub fn field_prompt(field: Field, service: Option<&Service>, lang: Lang) -> String {
    let (min_pw, max_pw) = (*PASSWORD_LEN.start(), *PASSWORD_LEN.end());
    match (lang, field) {
        (Lang::En, Field::MyKeyId) => format!(
            "My Key ID ({})",
            rule(MY_KEY_ID_LEN, MY_KEY_ID_LEN, Charset::AlnumUpper, lang)
        ),
        (Lang::Ja, Field::MyKeyId) => format!(
            "マイキーID（{}）",
            rule(MY_KEY_ID_LEN, MY_KEY_ID_LEN, Charset::AlnumUpper, lang)
        ),
        (Lang::En, Field::Password) => format!(
            "My Page password ({})",
            rule(min_pw, max_pw, Charset::Alnum, lang)
        ),
        (Lang::Ja, Field::Password) => format!(
            "マイページのパスワード（{}）",
            rule(min_pw, max_pw, Charset::Alnum, lang)
        ),
        (Lang::En, Field::PasswordConfirmation) => "the My Page password again".into(),
        (Lang::Ja, Field::PasswordConfirmation) => "確認のため、パスワードをもう一度".into(),
        (Lang::En, Field::Email) => "e-mail address (empty: none)".into(),
        (Lang::Ja, Field::Email) => "メールアドレス（空欄: なし）".into(),
        (Lang::En, Field::EmailConfirmation) => "the e-mail address again".into(),
        (Lang::Ja, Field::EmailConfirmation) => "確認のため、メールアドレスをもう一度".into(),
        (Lang::En, Field::BaseMunicipality) => {
            "base municipality (6-digit local government code with check digit, e.g. 131016)".into()
        }
        (Lang::Ja, Field::BaseMunicipality) => {
            "基本自治体（検査数字付き6桁の地方公共団体コード、例: 131016）".into()
        }
        (_, Field::PaymentId) => match service {
            Some(s) => {
                let r = &s.payment_id;
                let what = rule(r.min_len, r.max_len, r.charset, lang);
                match lang {
                    Lang::En => format!("{} (payment ID: {what})", r.label),
                    Lang::Ja => format!("{}（決済サービスID: {what}）", r.label),
                }
            }
            None => match lang {
                Lang::En => "payment ID".into(),
                Lang::Ja => "決済サービスID".into(),
            },
        },
        (_, Field::SecurityCode { index }) => {
            let n = index + 1;
            match (
                lang,
                service.and_then(|s| s.security_codes.get(index as usize)),
            ) {
                (Lang::En, Some(r)) => format!(
                    "{} (security code {n}: {})",
                    r.label,
                    rule(r.len, r.len, r.charset, lang)
                ),
                (Lang::Ja, Some(r)) => format!(
                    "{}（セキュリティコード{n}: {}）",
                    r.label,
                    rule(r.len, r.len, r.charset, lang)
                ),
                (Lang::En, None) => format!("security code {n}"),
                (Lang::Ja, None) => format!("セキュリティコード{n}"),
            }
        }
        (Lang::En, Field::PhoneLast4) => {
            "last 4 digits of a phone number (optional, empty: none)".into()
        }
        (Lang::Ja, Field::PhoneLast4) => "電話番号の下4桁（任意、空欄: なし）".into(),
    }
}

/// What the chosen service takes, one rule per field, e.g.
/// `決済サービスID: 16 half-width digits; セキュリティコード: 4 half-width digits`.
pub fn service_rules(service: &Service, lang: Lang) -> String {
    let r = &service.payment_id;
    let mut rules = vec![format!(
        "{}: {}",
        r.label,
        rule(r.min_len, r.max_len, r.charset, lang)
    )];
    for code in &service.security_codes {
        rules.push(format!(
            "{}: {}",
            code.label,
            rule(code.len, code.len, code.charset, lang)
        ));
    }
    rules.join(match lang {
        Lang::En => "; ",
        Lang::Ja => "、",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_state_the_contracts_rules_in_both_languages() {
        assert_eq!(
            field_prompt(Field::Password, None, Lang::En),
            "My Page password (6-16 half-width letters and digits)"
        );
        assert_eq!(
            field_prompt(Field::MyKeyId, None, Lang::Ja),
            "マイキーID（半角英大文字・数字8文字）"
        );
        assert!(is_secret(Field::PasswordConfirmation));
        assert!(!is_secret(Field::PaymentId));
        assert_eq!(
            service_kind_name(ServiceKind::EMoney, Lang::Ja),
            "電子マネー"
        );
    }
}
