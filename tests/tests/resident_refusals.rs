//! What the resident flow and the real platform refuse, each with its own
//! code, and that a refusal changes nothing on the platform (the database
//! dump is compared before and after).

mod resident_rig;

use mynapoint_core::card::PinError;
use mynapoint_core::pin::{LastTry, PinKind};
use mynapoint_core::platform::{
    ApplicationContent, ApplicationRequest, ErrorCode, IdempotencyKey, LoginRequest, PlatformApi,
    PlatformError, SessionToken,
};
use mynapoint_core::resident::*;
use mynapoint_core::Secret;
use mynapoint_testkit::cases::fields;
use resident_rig::*;
use sha2::{Digest, Sha256};

#[track_caller]
fn assert_http(result: Result<impl std::fmt::Debug, PlatformError>, status: u16, code: ErrorCode) {
    match result {
        Err(PlatformError::Http {
            status: s, code: c, ..
        }) => assert_eq!((s, c), (status, code)),
        other => panic!("expected {status} {code:?}, got {other:?}"),
    }
}

fn content(service_id: &str, terms: &str, payment_id: &str, codes: &[&str]) -> ApplicationContent {
    ApplicationContent {
        service_id: service_id.into(),
        terms_version: terms.into(),
        payment_id: Secret::new(payment_id),
        security_codes: codes.iter().map(|c| Secret::new(*c)).collect(),
        phone_last4: None,
        for_child: None,
        categories: vec![mynapoint_core::platform::Category::CardAcquisition],
    }
}

// ---- typed fields ----------------------------------------------------------

#[tokio::test]
async fn registration_fields_each_have_their_error_and_nothing_is_issued() {
    let rig = Rig::new().await;
    let a = card_a();
    let (mut s, _) = rig.logged_in(&a).await;
    let c = s.next_candidate().await.unwrap();
    s.choose_candidate(&c.candidate).unwrap();
    let before = rig.dump();

    // The table shared with the double's test (core's `validation`).
    fields::refuse_registration_fields(&rig, &mut s).await;
    assert_eq!(rig.dump(), before, "nothing changed");
    assert_eq!(rig.record_of(&a), None);

    // No e-mail at all is fine; then the chosen candidate is issued.
    let record = s
        .issue_my_key_id(registration_with(|f| {
            f.email = None;
            f.email_again = Some(String::new());
        }))
        .await
        .unwrap();
    assert_eq!(record.my_key_id, c.candidate);
    assert_eq!(record.email, None);
}

#[tokio::test]
async fn my_key_id_format_errors_are_named_and_never_counted() {
    let rig = Rig::new().await;
    rig.seed_taken(&["TAKEN001", "TAKEN002", "TAKEN003"]);
    let a = card_a();
    let (mut s, _) = rig.logged_in(&a).await;
    let before = rig.dump();
    fields::refuse_my_key_id_formats(&rig, &mut s).await;
    assert_eq!(rig.dump(), before);
    // Nothing counted: the fallback comes only with the 3rd taken id.
    for (n, id) in ["TAKEN001", "TAKEN002", "TAKEN003"].iter().enumerate() {
        let r = s.check_own_choice(id).await.unwrap();
        assert_eq!(r.checks_used as usize, n + 1);
        assert_eq!(r.fallback_to_auto, n == 2);
    }

    // The platform applies the same rule to a client that does not.
    let b = card_b();
    let login = rig.direct_login(&b).await.unwrap();
    let token = login.session_token;
    for id in ["abcd1234", "ＡBCD1234", "ABCD123", "ABCD12345"] {
        assert_http(
            rig.api.check_my_key_id(&token, id).await,
            400,
            ErrorCode::MyKeyIdFormat,
        );
    }
    let r = rig.api.check_my_key_id(&token, "TAKEN001").await.unwrap();
    assert_eq!(
        (r.available, r.checks_used),
        (false, 1),
        "format errors not counted"
    );
}

#[tokio::test]
async fn payment_fields_each_have_their_error_and_nothing_is_sent() {
    let rig = Rig::new().await;
    let a = card_a();
    let mut s = rig.with_my_key_id(&a).await;
    let before = rig.dump();
    // The tables shared with the double's test: AEON's fields, SMBC's second code.
    fields::refuse_payment_fields(&rig, &mut s).await;
    assert_eq!(rig.dump(), before);
    assert!(rig.application_of(&a).is_none());
}

#[tokio::test]
async fn the_platform_checks_payment_fields_itself() {
    // A client that skips the local rules meets the same rules on the platform.
    let rig = Rig::new().await;
    let a = card_a();
    drop(rig.with_my_key_id(&a).await);
    let token = rig.direct_login(&a).await.unwrap().session_token;
    let terms = rig
        .api
        .service(Some(&token), AEON)
        .await
        .unwrap()
        .terms_version;
    let before = rig.dump();
    let cases: Vec<(ApplicationContent, ErrorCode, &str)> = vec![
        (
            content(AEON, &terms, "１２３４567890123456", &["0987"]),
            ErrorCode::PaymentIdFormat,
            "payment_id",
        ),
        (
            content(AEON, &terms, "123456789012345", &["0987"]),
            ErrorCode::PaymentIdFormat,
            "payment_id",
        ),
        (
            content(AEON, &terms, "1234567890123456", &[""]),
            ErrorCode::SecurityCodeFormat,
            "security_codes",
        ),
        (
            ApplicationContent {
                phone_last4: Some(Secret::new("56a8")),
                ..content(AEON, &terms, "1234567890123456", &["0987"])
            },
            ErrorCode::PhoneLast4Format,
            "phone_last4",
        ),
        (
            content(AEON, "1999-01", "1234567890123456", &["0987"]),
            ErrorCode::TermsVersionMismatch,
            "terms_version",
        ),
    ];
    for (c, code, field) in cases {
        match rig.api.content_to_sign(&token, &c).await {
            Err(PlatformError::Http {
                status: 400,
                code: got,
                field: got_field,
                ..
            }) => {
                assert_eq!(got, code);
                let got_field = got_field.unwrap_or_default();
                assert!(got_field.starts_with(field), "{got_field} for {code:?}");
            }
            other => panic!("expected 400 {code:?}, got {other:?}"),
        }
    }
    assert_http(
        rig.api
            .content_to_sign(&token, &content("no-such", &terms, "1", &["1"]))
            .await,
        400,
        ErrorCode::ServiceUnknown,
    );
    assert_eq!(rig.dump(), before);
}

#[tokio::test]
async fn pin_format_errors_reach_no_card() {
    let rig = Rig::new().await;
    let a = card_a();
    let mut s = rig.session();
    s.read_card(a.t()).await.unwrap();
    for pin in ["123", "12345", "１２３４", "12a4", ""] {
        let e = s.enter_pin(pin).unwrap_err();
        assert!(matches!(e, ResidentError::PinFormat(_)), "{pin:?}: {e:?}");
        assert_eq!(e.code(), "pin_format");
    }
    assert!(!s.held_data().pin);
    let t = a.tap();
    assert_eq!(
        s.log_in(t.clone(), LastTry::Refuse).await,
        Err(ResidentError::Pin(PinError::NoPinEntered(
            PinKind::UserAuth
        )))
    );
    assert_eq!(t.exchanges(), 0);
    assert_eq!(a.tries_left(), 3);
    assert_eq!(rig.person_id(&a), None);
}

// ---- one application per person ------------------------------------------------

#[tokio::test]
async fn a_second_application_is_refused_and_the_first_stays() {
    let rig = Rig::new().await;
    let a = card_a();
    drop(rig.with_my_key_id(&a).await);
    // Two sessions of the same person reach the review side by side.
    let (mut first, _) = rig.at_review(&a).await;
    let (mut second, _) = rig.at_review_with(&a, PAYPAY, paypay_payment()).await;

    let app = submit(&mut first, &a).await.unwrap();
    let stored = rig.application_of(&a).unwrap();
    let before = rig.dump();

    // Another service than the application's: the service cannot change.
    let e = submit(&mut second, &a).await.unwrap_err();
    assert_eq!(e, ResidentError::ServiceCannotChange);
    assert_eq!(e.code(), "service_cannot_change");
    assert_eq!(second.step(), Step::Done);
    assert_eq!(second.application(), Some(&app), "shows the existing one");
    assert_eq!(
        rig.application_of(&a).unwrap(),
        stored,
        "the first unchanged"
    );
    assert_eq!(rig.dump(), before);

    // The same service with other details is refused as well.
    let mut third = rig.session();
    third.read_card(a.t()).await.unwrap();
    third.enter_pin(PIN).unwrap();
    let outcome = third.log_in(a.t(), LastTry::Refuse).await.unwrap();
    assert_eq!(outcome.application.as_ref(), Some(&app));
    assert_eq!(third.step(), Step::Done);
}

#[tokio::test]
async fn the_service_cannot_be_changed_after_submission() {
    let rig = Rig::new().await;
    let a = card_a();
    let (mut s, _) = rig.at_review(&a).await;
    let app = submit(&mut s, &a).await.unwrap();
    let before = rig.dump();

    // In the same session…
    assert_eq!(
        s.choose_service(PAYPAY).await,
        Err(ResidentError::WrongStep { step: Step::Done })
    );
    assert!(matches!(
        s.enter_payment(paypay_payment()).await,
        Err(ResidentError::WrongStep { .. })
    ));
    // …in a new one…
    let (mut s2, outcome) = rig.logged_in(&a).await;
    assert_eq!(outcome.application.as_ref(), Some(&app));
    assert_eq!(
        s2.choose_service(PAYPAY).await,
        Err(ResidentError::WrongStep { step: Step::Done })
    );
    // …and straight to the platform with a valid signature over other content.
    let token = rig.direct_login(&a).await.unwrap().session_token;
    let terms = rig
        .api
        .service(Some(&token), PAYPAY)
        .await
        .unwrap()
        .terms_version;
    let other = content(PAYPAY, &terms, "PAY1234567", &["AB12CD34"]);
    // Refused before the card signs…
    assert_http(
        rig.api.content_to_sign(&token, &other).await,
        409,
        ErrorCode::ServiceCannotChange,
    );
    // …and at submission, whatever the signature.
    let signature = card_sign(&a, &[7u8; 32]).await;
    assert_http(
        rig.api
            .submit_application(
                &token,
                &ApplicationRequest {
                    content: other,
                    signature,
                    representative_signature: None,
                },
                &IdempotencyKey::new(),
            )
            .await,
        409,
        ErrorCode::ServiceCannotChange,
    );
    let dump = rig.dump();
    // Only the logins' stored answers were added; the application is the same.
    assert_eq!(rig.application_of(&a).unwrap().service_id, AEON);
    assert_eq!(
        section(&dump, "applications"),
        section(&before, "applications")
    );
    assert_eq!(section(&dump, "my_key_ids"), section(&before, "my_key_ids"));
}

fn section<'a>(dump: &'a str, table: &str) -> &'a str {
    let start = dump.find(&format!("[{table}]\n")).expect("table");
    let rest = &dump[start..];
    let end = rest[1..].find("\n[").map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

// ---- certificates and signatures -------------------------------------------------

#[tokio::test]
async fn an_expired_certificate_is_refused() {
    let rig = Rig::new().await;
    let expired = card(0, 0x3333_3333, "EXPIREDPERSON00000000001")
        .expired()
        .build();
    let before = rig.data();
    let mut s = rig.session();
    let summary = s.read_card(expired.t()).await.unwrap();
    assert!(!summary.valid_now);
    s.enter_pin(PIN).unwrap();
    let e = s.log_in(expired.t(), LastTry::Refuse).await.unwrap_err();
    assert_eq!(
        e,
        ResidentError::CertificateRefused(CertificateRefusal::Expired)
    );
    assert_eq!(e.code(), "certificate_expired");
    assert!(!s.held_data().platform_session);
    assert!(matches!(
        s.next_candidate().await,
        Err(ResidentError::WrongStep { .. })
    ));
    assert_eq!(rig.data(), before);
    assert_eq!(rig.person_id(&expired), None);
}

#[tokio::test]
async fn a_certificate_from_a_foreign_ca_is_refused() {
    let rig = Rig::new().await;
    let foreign = card(1, 0x4444_4444, "FOREIGNPERSON00000000001")
        .foreign_ca()
        .build();
    let before = rig.data();
    let mut s = rig.session();
    s.read_card(foreign.t()).await.unwrap();
    s.enter_pin(PIN).unwrap();
    let e = s.log_in(foreign.t(), LastTry::Refuse).await.unwrap_err();
    assert_eq!(
        e,
        ResidentError::CertificateRefused(CertificateRefusal::Untrusted)
    );
    assert_eq!(e.code(), "certificate_untrusted");
    assert!(!s.held_data().platform_session);
    assert_eq!(rig.data(), before);
    assert_eq!(rig.person_id(&foreign), None);
}

#[tokio::test]
async fn a_replayed_challenge_is_refused() {
    let rig = Rig::new().await;
    let a = card_a();
    let challenge = rig.api.create_challenge().await.unwrap();
    let digest: [u8; 32] = Sha256::digest(&challenge.challenge).into();
    let request = LoginRequest {
        challenge_id: challenge.challenge_id.clone(),
        certificate: a.state.auth_cert.clone(),
        signature: card_sign(&a, &digest).await,
    };
    let first = rig.api.login(&request).await.unwrap();
    assert!(same_serial(&first.certificate_serial, &a.serial_hex()));
    let before = rig.data();
    // The same request again (a fresh Idempotency-Key, as a replayer sends).
    assert_http(rig.api.login(&request).await, 400, ErrorCode::ChallengeUsed);
    // A made-up challenge id.
    let unknown = LoginRequest {
        challenge_id: "00000000-0000-4000-8000-000000000000".into(),
        ..request.clone()
    };
    assert_http(
        rig.api.login(&unknown).await,
        400,
        ErrorCode::ChallengeUnknown,
    );
    // An expired one.
    let late = rig.api.create_challenge().await.unwrap();
    rig.clock.advance(301);
    let digest: [u8; 32] = Sha256::digest(&late.challenge).into();
    let late_request = LoginRequest {
        challenge_id: late.challenge_id,
        certificate: a.state.auth_cert.clone(),
        signature: card_sign(&a, &digest).await,
    };
    assert_http(
        rig.api.login(&late_request).await,
        400,
        ErrorCode::ChallengeExpired,
    );
    assert_eq!(rig.data(), before);
}

#[tokio::test]
async fn a_signature_by_another_card_is_refused_at_login_and_on_the_application() {
    let rig = Rig::new().await;
    let (a, b) = (card_a(), card_b());
    let before = rig.data();

    // Login: A's certificate, B's card signed the challenge.
    let challenge = rig.api.create_challenge().await.unwrap();
    let digest: [u8; 32] = Sha256::digest(&challenge.challenge).into();
    let by_b = card_sign(&b, &digest).await;
    assert_http(
        rig.api
            .login(&LoginRequest {
                challenge_id: challenge.challenge_id,
                certificate: a.state.auth_cert.clone(),
                signature: by_b,
            })
            .await,
        401,
        ErrorCode::SignatureInvalid,
    );
    assert_eq!(rig.data(), before);

    // Application: A's session, A's content, B's card signs the digest.
    drop(rig.with_my_key_id(&a).await);
    let token: SessionToken = rig.direct_login(&a).await.unwrap().session_token;
    let service = rig.api.service(Some(&token), AEON).await.unwrap();
    let c = content(AEON, &service.terms_version, "1234567890123456", &["0987"]);
    let signed = rig.api.content_to_sign(&token, &c).await.unwrap();
    let before = rig.data();
    let by_b = card_sign(&b, &signed.digest).await;
    assert_http(
        rig.api
            .submit_application(
                &token,
                &ApplicationRequest {
                    content: c.clone(),
                    signature: by_b,
                    representative_signature: None,
                },
                &IdempotencyKey::new(),
            )
            .await,
        401,
        ErrorCode::SignatureInvalid,
    );
    // A's own signature over other content (another payment id) is refused too.
    let by_a = card_sign(&a, &signed.digest).await;
    let other = content(AEON, &service.terms_version, "6543210987654321", &["0987"]);
    assert_http(
        rig.api
            .submit_application(
                &token,
                &ApplicationRequest {
                    content: other,
                    signature: by_a.clone(),
                    representative_signature: None,
                },
                &IdempotencyKey::new(),
            )
            .await,
        401,
        ErrorCode::SignatureInvalid,
    );
    assert_eq!(
        rig.data(),
        before,
        "nothing stored for the refused submissions"
    );
    // And A's signature from this session does not work in another session of A.
    let other_session = rig.direct_login(&a).await.unwrap().session_token;
    let before_other = rig.data();
    assert_http(
        rig.api
            .submit_application(
                &other_session,
                &ApplicationRequest {
                    content: c.clone(),
                    signature: by_a.clone(),
                    representative_signature: None,
                },
                &IdempotencyKey::new(),
            )
            .await,
        401,
        ErrorCode::SignatureInvalid,
    );
    assert_eq!(rig.data(), before_other);
    assert!(rig.application_of(&a).is_none());

    // The right card in the right session is accepted.
    let app = rig
        .api
        .submit_application(
            &token,
            &ApplicationRequest {
                content: c,
                signature: by_a,
                representative_signature: None,
            },
            &IdempotencyKey::new(),
        )
        .await
        .unwrap();
    assert_eq!(
        rig.application_of(&a).unwrap().application_id,
        app.application_id
    );
}

#[tokio::test]
async fn an_idempotent_repeat_of_a_submission_makes_one_application() {
    let rig = Rig::new().await;
    let a = card_a();
    drop(rig.with_my_key_id(&a).await);
    let token = rig.direct_login(&a).await.unwrap().session_token;
    let service = rig.api.service(Some(&token), AEON).await.unwrap();
    let c = content(AEON, &service.terms_version, "1234567890123456", &["0987"]);
    let signed = rig.api.content_to_sign(&token, &c).await.unwrap();
    let request = ApplicationRequest {
        content: c,
        signature: card_sign(&a, &signed.digest).await,
        representative_signature: None,
    };
    let key = IdempotencyKey::new();
    let first = rig
        .api
        .submit_application(&token, &request, &key)
        .await
        .unwrap();
    let after_first = rig.dump();
    let again = rig
        .api
        .submit_application(&token, &request, &key)
        .await
        .unwrap();
    assert_eq!(again, first, "the stored answer");
    assert_eq!(rig.dump(), after_first, "nothing new");
    // The same key with another body is refused.
    let mut changed = request.clone();
    changed.content.phone_last4 = Some(Secret::new("1111"));
    assert_http(
        rig.api.submit_application(&token, &changed, &key).await,
        422,
        ErrorCode::IdempotencyKeyReused,
    );
    assert_eq!(rig.dump(), after_first);
}
