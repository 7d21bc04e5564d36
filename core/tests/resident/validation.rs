//! Every field error is named, and nothing is sent while a field is wrong.

use mynapoint_core::pin::PinFormatError;
use mynapoint_core::resident::*;

use crate::rig::*;
use mynapoint_testkit::cases::fields::{self, invalid};
use mynapoint_testkit::fake::Endpoint;

#[tokio::test]
async fn payment_fields_are_checked_against_the_service_before_sending() {
    let rig = Rig::new();
    let mut s = rig.with_my_key_id(&card_a()).await;

    // The table shared with the real platform's test: AEON (16 digits, one
    // 4-digit code), then SMBC's second code.
    fields::refuse_payment_fields(&rig, &mut s).await;

    // PayPay: upper-case alphanumerics.
    let paypay = s.choose_service(PAYPAY).await.unwrap();
    s.accept_terms(&paypay.terms_version).unwrap();
    let form = PaymentForm {
        payment_id: "ABCD12345x".into(),
        security_codes: vec!["ABCD1234".into()],
        phone_last4: None,
    };
    assert_eq!(
        s.enter_payment(form).await,
        Err(invalid(
            Field::PaymentId,
            FieldProblem::LowerCase { position: 10 }
        ))
    );
    let form = PaymentForm {
        payment_id: "ABCD12345X".into(),
        security_codes: vec!["abcd1234".into()],
        phone_last4: None,
    };
    assert_eq!(
        s.enter_payment(form).await,
        Err(invalid(
            Field::SecurityCode { index: 0 },
            FieldProblem::LowerCase { position: 1 }
        ))
    );

    // Two codes: the second one's error names index 1.
    let credit = s.choose_service(SMBC).await.unwrap();
    s.accept_terms(&credit.terms_version).unwrap();
    let form = PaymentForm {
        payment_id: "4000123412341234".into(),
        security_codes: vec!["1234".into(), "".into()],
        phone_last4: None,
    };
    assert_eq!(
        s.enter_payment(form).await,
        Err(invalid(
            Field::SecurityCode { index: 1 },
            FieldProblem::Empty
        ))
    );

    assert_eq!(rig.count(Endpoint::ContentToSign), 0, "nothing was sent");
    assert!(!s.held_data().payment);

    let form = PaymentForm {
        payment_id: "4000123412341234".into(),
        security_codes: vec!["1234".into(), "567".into()],
        phone_last4: None,
    };
    let review = s.enter_payment(form).await.unwrap();
    assert_eq!(review.security_codes_entered, 2);
    assert_eq!(review.phone_last4, None);
    assert_eq!(review.service_name, "三井住友カード");
}

#[tokio::test]
async fn registration_fields_are_checked_before_sending() {
    let rig = Rig::new();
    let (mut s, _) = rig.logged_in(&card_a()).await;
    // The tables shared with the real platform's test.
    fields::refuse_my_key_id_formats(&rig, &mut s).await;
    assert_eq!(
        s.check_own_choice("ＭINE2024").await.unwrap_err().code(),
        "invalid_field"
    );
    assert_eq!(rig.count(Endpoint::Check), 0);

    let c = s.next_candidate().await.unwrap();
    s.choose_candidate(&c.candidate).unwrap();
    fields::refuse_registration_fields(&rig, &mut s).await;
    assert_eq!(rig.count(Endpoint::Issue), 0, "nothing was sent");
    assert_eq!(s.step(), Step::EnterRegistration);
}

#[tokio::test]
async fn a_mistyped_pin_never_reaches_the_card() {
    let rig = Rig::new();
    let card = card_a();
    let mut s = rig.session();
    s.read_card(dyn_transport(&phone_tap(&card))).await.unwrap();
    assert!(matches!(
        s.enter_pin("12３4"),
        Err(ResidentError::PinFormat(PinFormatError::FullWidthDigit {
            position: 3,
            ..
        }))
    ));
    assert_eq!(s.enter_pin("123").unwrap_err().code(), "pin_format");
    let t = phone_tap(&card);
    let err = s
        .log_in(dyn_transport(&t), mynapoint_core::pin::LastTry::Refuse)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "pin_not_entered");
    assert_eq!(t.exchanges(), 0, "no tap without a PIN");
    assert_eq!(rig.count(Endpoint::Challenge), 0);
}

#[tokio::test]
async fn steps_out_of_order_are_refused() {
    let rig = Rig::new();
    let mut s = rig.session();
    assert_eq!(
        s.enter_pin(PIN),
        Err(ResidentError::WrongStep {
            step: Step::ReadCard
        })
    );
    assert!(matches!(
        s.choose_service(AEON).await,
        Err(ResidentError::WrongStep { .. })
    ));
    assert!(rig.calls().is_empty());
}
