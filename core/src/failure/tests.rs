use super::*;
use crate::card::PinError;
use crate::card::{CardError, TransportError};
use crate::pin::PinFormatError;
use crate::platform::{ErrorCode, PlatformError};
use crate::resident::{CertificateRefusal, EndReason, FieldError, ResidentError};

/// The committed list the phone shells' tests read: `code hint` a line.
const LIST_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/failure-codes.txt");

fn list_lines() -> Vec<String> {
    FailureCode::ALL
        .iter()
        .map(|c| format!("{} {}", c.as_str(), c.retry().as_str()))
        .collect()
}

#[test]
fn the_committed_list_holds_every_code_with_its_hint() {
    let expected = list_lines();
    let text = std::fs::read_to_string(LIST_PATH).expect("core/failure-codes.txt");
    let listed: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    assert!(
        listed == expected,
        "core/failure-codes.txt differs from FailureCode::ALL; its lines must be:\n{}",
        expected.join("\n")
    );
}

#[test]
fn codes_and_hints_are_snake_case_and_distinct() {
    let mut seen = std::collections::HashSet::new();
    for code in FailureCode::ALL {
        let text = code.as_str();
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{text}"
        );
        assert!(seen.insert(text), "{text} twice");
        assert_eq!(FailureCode::from_code(text), Some(*code));
    }
    assert_eq!(FailureCode::from_code("pin_wrong"), None);
    let hints: std::collections::HashSet<_> = RetryHint::ALL.iter().map(|h| h.as_str()).collect();
    assert_eq!(hints.len(), RetryHint::ALL.len());
}

#[test]
fn every_code_has_a_japanese_and_an_english_message() {
    let mut en_seen = std::collections::HashMap::new();
    let mut ja_seen = std::collections::HashMap::new();
    for code in FailureCode::ALL {
        let failure = Failure::new(*code);
        let en = failure.message(Lang::En);
        let ja = failure.message(Lang::Ja);
        assert!(en.is_ascii() && en.len() > 10, "{code}: {en}");
        assert!(
            ja.chars().any(|c| ('\u{3040}'..='\u{30FF}').contains(&c)),
            "{code}: no kana in {ja}"
        );
        assert!(ja.ends_with('。'), "{code}: {ja}");
        if let Some(other) = en_seen.insert(en.clone(), code) {
            panic!("{code} and {other} say the same: {en}");
        }
        if let Some(other) = ja_seen.insert(ja.clone(), code) {
            panic!("{code} and {other} say the same: {ja}");
        }
    }
}

#[test]
fn a_wrong_pin_says_the_tries_left_in_both_languages() {
    let f: Failure = PinError::WrongPin {
        kind: PinKind::UserAuth,
        tries_left: 2,
    }
    .into();
    assert_eq!(f.code, FailureCode::WrongPin);
    assert_eq!(f.retry(), RetryHint::ReenterField);
    assert_eq!(f.tries_left, Some(2));
    assert_eq!(f.message(Lang::Ja), "暗証番号が違います。残り2回です。");
    assert!(f.message(Lang::En).contains("2 tries left"));
    let one: Failure = PinError::WrongPin {
        kind: PinKind::UserAuth,
        tries_left: 1,
    }
    .into();
    assert!(one.message(Lang::En).contains("1 try left"));
}

#[test]
fn a_wrong_or_locked_secret_is_named() {
    let code_b: Failure = PinError::WrongPin {
        kind: PinKind::CardInfoCodeB,
        tries_left: 9,
    }
    .into();
    assert_eq!(
        code_b.message(Lang::Ja),
        "照合番号Bが違います。残り9回です。"
    );
    assert!(code_b
        .message(Lang::En)
        .starts_with("wrong 照合番号B: 9 tries left"));
    let card_info: Failure = PinError::Locked {
        kind: PinKind::CardInfo,
        by_this_try: true,
    }
    .into();
    assert!(card_info
        .message(Lang::En)
        .starts_with("the card-info PIN is locked"));
    assert!(card_info
        .message(Lang::Ja)
        .starts_with("券面事項入力補助用の暗証番号がロックされています"));
}

#[test]
fn one_situation_has_one_code_whichever_layer_met_it() {
    let wrong = PinError::WrongPin {
        kind: PinKind::UserAuth,
        tries_left: 2,
    };
    assert_eq!(Failure::from(&wrong).code, FailureCode::WrongPin);
    assert_eq!(
        Failure::from(ResidentError::Pin(wrong)).code,
        FailureCode::WrongPin
    );

    let lost = CardError::Transport(TransportError::TagLost);
    for f in [
        Failure::from(TransportError::TagLost),
        Failure::from(lost.clone()),
        Failure::from(PinError::Card(lost.clone())),
        Failure::from(ResidentError::Card(lost.clone())),
        Failure::from(ResidentError::Pin(PinError::Card(lost))),
    ] {
        assert_eq!(f.code, FailureCode::CardRemoved);
        assert_eq!(f.retry(), RetryHint::TapAgain);
    }

    // The session's end reasons are the situations themselves.
    assert_eq!(
        Failure::from(ResidentError::SessionEnded {
            reason: EndReason::CardChanged
        })
        .code,
        Failure::from(ResidentError::CardChanged).code
    );
    assert_eq!(
        Failure::from(ResidentError::SessionEnded {
            reason: EndReason::IdleTimeout
        })
        .code,
        FailureCode::IdleTimeout
    );

    // A platform code means the same through the resident flow or directly.
    for (code, expected) in [
        (
            ErrorCode::CertificateExpired,
            FailureCode::CertificateExpired,
        ),
        (ErrorCode::MyKeyIdTaken, FailureCode::MyKeyIdTaken),
        (ErrorCode::AlreadyApplied, FailureCode::AlreadyApplied),
        (
            ErrorCode::PaymentAccountInUse,
            FailureCode::PaymentAccountInUse,
        ),
        (
            ErrorCode::RepresentativeCertificateRevoked,
            FailureCode::RepresentativeCertificateRevoked,
        ),
        (
            ErrorCode::ChildNotUnder15,
            FailureCode::InvalidChildBirthDate,
        ),
    ] {
        let platform = PlatformError::Http {
            status: 409,
            code: code.clone(),
            message: String::new(),
            field: None,
        };
        assert_eq!(Failure::from(&platform).code, expected, "{code:?}");
        assert_eq!(
            Failure::from(ResidentError::from(platform)).code,
            expected,
            "{code:?} through ResidentError"
        );
    }
    assert_eq!(
        Failure::from(ResidentError::CertificateRefused(
            CertificateRefusal::Revoked
        ))
        .retry(),
        RetryHint::MunicipalCounter
    );
}

#[test]
fn the_card_and_the_platform_time_out_under_different_codes() {
    assert_eq!(
        Failure::from(TransportError::Timeout).code,
        FailureCode::CardTimeout
    );
    assert_eq!(
        Failure::from(PlatformError::Timeout).code,
        FailureCode::PlatformTimeout
    );
    assert_eq!(
        Failure::from(ResidentError::Timeout).code,
        FailureCode::PlatformTimeout
    );
}

#[test]
fn a_counter_changed_meanwhile_is_the_situation_it_leads_to() {
    let changed = |tries_left| {
        Failure::from(PinError::CounterChanged {
            kind: PinKind::UserAuth,
            shown: 3,
            tries_left,
        })
    };
    assert_eq!(changed(0).code, FailureCode::PinLocked);
    assert_eq!(changed(1).code, FailureCode::PinCounterChanged);
    let two = changed(2);
    assert_eq!(two.code, FailureCode::PinCounterChanged);
    assert_eq!(two.tries_left, Some(2));
    assert!(two.message(Lang::Ja).contains("残り回数が2回"));
}

#[test]
fn a_refused_field_names_the_field_and_why() {
    let e = ResidentError::Invalid(FieldError::new(
        Field::PaymentId,
        FieldProblem::WrongLength {
            min: 16,
            max: 16,
            got: 4,
        },
    ));
    let f = Failure::from(&e);
    assert_eq!(f.code, FailureCode::InvalidField);
    assert_eq!(f.field, Some(Field::PaymentId));
    assert_eq!(f.retry(), RetryHint::ReenterField);
    assert!(f.message(Lang::En).contains("16 characters"), "{f}");
    let ja = f.message(Lang::Ja);
    assert!(
        ja.contains("決済サービスのID") && ja.contains("16文字"),
        "{ja}"
    );

    // The platform refusing a field the local rules let through.
    let f = Failure::from_platform(400, &ErrorCode::EmailFormat);
    assert_eq!(f.code, FailureCode::InvalidField);
    assert_eq!(f.field, Some(Field::Email));
    assert_eq!(f.problem, Some(FieldProblem::RejectedByPlatform));
}

#[test]
fn a_pin_format_names_the_secret_and_the_problem() {
    let e: PinFormatError = crate::pin::Pin::user_auth("12").unwrap_err();
    let f = Failure::from(&e);
    assert_eq!(f.code, FailureCode::PinFormat);
    assert_eq!(f.pin, Some(PinKind::UserAuth));
    assert!(f.message(Lang::En).contains("4 characters long, 2"), "{f}");
    assert!(
        f.message(Lang::Ja).contains("数字4桁"),
        "{}",
        f.message(Lang::Ja)
    );
}

#[test]
fn an_unknown_platform_code_keeps_its_status_and_code() {
    let f = Failure::from_platform(500, &ErrorCode::Other("brand_new".into()));
    assert_eq!(f.code, FailureCode::PlatformError);
    assert_eq!(f.http_status, Some(500));
    assert!(f.message(Lang::En).contains("500 brand_new"), "{f}");
    let f = Failure::from_platform(401, &ErrorCode::Other("session_expired".into()));
    assert_eq!(f.code, FailureCode::PlatformSessionExpired);
}

#[test]
fn languages_parse_from_a_flag_or_a_locale() {
    assert_eq!(Lang::parse("ja"), Some(Lang::Ja));
    assert_eq!(Lang::parse("ja_JP.UTF-8"), Some(Lang::Ja));
    assert_eq!(Lang::parse("EN"), Some(Lang::En));
    assert_eq!(Lang::parse("fr"), None);
    assert_eq!(Lang::default(), Lang::En);
}
