//! Every field error is named, and nothing is sent while a field is wrong.

use mynapoint_core::pin::PinFormatError;
use mynapoint_core::resident::*;

use crate::fake::Endpoint;
use crate::rig::*;

fn aeon(edit: impl FnOnce(&mut PaymentForm)) -> PaymentForm {
    let mut form = aeon_payment();
    edit(&mut form);
    form
}

fn reg(edit: impl FnOnce(&mut RegistrationForm)) -> RegistrationForm {
    let mut form = registration();
    edit(&mut form);
    form
}

fn invalid(field: Field, problem: FieldProblem) -> Result<Review, ResidentError> {
    Err(ResidentError::Invalid(FieldError { field, problem }))
}

#[tokio::test]
async fn payment_fields_are_checked_against_the_service_before_sending() {
    let rig = Rig::new();
    let mut s = rig.with_my_key_id(&card_a()).await;

    // AEON: 16 digits, one 4-digit code.
    let aeon_service = s.choose_service("aeon-waon").await.unwrap();
    s.accept_terms(&aeon_service.terms_version).unwrap();
    let cases: Vec<(PaymentForm, Field, FieldProblem)> = vec![
        (
            aeon(|f| f.payment_id = "123456789012345".into()),
            Field::PaymentId,
            FieldProblem::WrongLength {
                min: 16,
                max: 16,
                got: 15,
            },
        ),
        (
            aeon(|f| f.payment_id = "１２３４567890123456".into()),
            Field::PaymentId,
            FieldProblem::FullWidth { position: 1 },
        ),
        (
            aeon(|f| f.payment_id = String::new()),
            Field::PaymentId,
            FieldProblem::Empty,
        ),
        (
            aeon(|f| f.security_codes = vec![String::new()]),
            Field::SecurityCode { index: 0 },
            FieldProblem::Empty,
        ),
        (
            aeon(|f| f.security_codes = vec!["098".into()]),
            Field::SecurityCode { index: 0 },
            FieldProblem::WrongLength {
                min: 4,
                max: 4,
                got: 3,
            },
        ),
        (
            aeon(|f| f.security_codes = vec!["09８7".into()]),
            Field::SecurityCode { index: 0 },
            FieldProblem::FullWidth { position: 3 },
        ),
        (
            aeon(|f| f.security_codes = vec![]),
            Field::SecurityCode { index: 0 },
            FieldProblem::WrongCount {
                expected: 1,
                got: 0,
            },
        ),
        (
            aeon(|f| f.phone_last4 = Some("５６７８".into())),
            Field::PhoneLast4,
            FieldProblem::FullWidth { position: 1 },
        ),
        (
            aeon(|f| f.phone_last4 = Some("567".into())),
            Field::PhoneLast4,
            FieldProblem::WrongLength {
                min: 4,
                max: 4,
                got: 3,
            },
        ),
    ];
    for (form, field, problem) in cases {
        assert_eq!(s.enter_payment(form).await, invalid(field, problem));
        assert_eq!(s.step(), Step::EnterPayment);
    }

    // QR Pay: upper-case alphanumerics.
    let qr = s.choose_service("qr-pay").await.unwrap();
    s.accept_terms(&qr.terms_version).unwrap();
    let form = PaymentForm {
        payment_id: "ABCD12345x".into(),
        security_codes: vec!["ABC123".into()],
        phone_last4: None,
    };
    assert_eq!(
        s.enter_payment(form).await,
        invalid(Field::PaymentId, FieldProblem::LowerCase { position: 10 })
    );
    let form = PaymentForm {
        payment_id: "ABCD12345X".into(),
        security_codes: vec!["abc123".into()],
        phone_last4: None,
    };
    assert_eq!(
        s.enter_payment(form).await,
        invalid(
            Field::SecurityCode { index: 0 },
            FieldProblem::LowerCase { position: 1 }
        )
    );

    // Two codes: the second one's error names index 1.
    let credit = s.choose_service("sakura-credit").await.unwrap();
    s.accept_terms(&credit.terms_version).unwrap();
    let form = PaymentForm {
        payment_id: "4000123412341234".into(),
        security_codes: vec!["123".into(), "".into()],
        phone_last4: None,
    };
    assert_eq!(
        s.enter_payment(form).await,
        invalid(Field::SecurityCode { index: 1 }, FieldProblem::Empty)
    );

    assert_eq!(
        rig.fake.count(Endpoint::ContentToSign),
        0,
        "nothing was sent"
    );
    assert!(!s.held_data().payment);

    let form = PaymentForm {
        payment_id: "4000123412341234".into(),
        security_codes: vec!["123".into(), "4567".into()],
        phone_last4: None,
    };
    let review = s.enter_payment(form).await.unwrap();
    assert_eq!(review.security_codes_entered, 2);
    assert_eq!(review.phone_last4, None);
    assert_eq!(review.service_name, "さくらクレジット");
}

#[tokio::test]
async fn registration_fields_are_checked_before_sending() {
    let rig = Rig::new();
    let (mut s, _) = rig.logged_in(&card_a()).await;
    assert_eq!(
        s.check_own_choice("mine2024").await,
        Err(ResidentError::Invalid(FieldError {
            field: Field::MyKeyId,
            problem: FieldProblem::LowerCase { position: 1 }
        }))
    );
    assert_eq!(
        s.check_own_choice("ＭINE2024").await.unwrap_err().code(),
        "invalid_field"
    );
    assert!(matches!(
        s.check_own_choice("MINE202").await,
        Err(ResidentError::Invalid(FieldError {
            problem: FieldProblem::WrongLength { got: 7, .. },
            ..
        }))
    ));
    assert_eq!(rig.fake.count(Endpoint::Check), 0);

    let c = s.next_candidate().await.unwrap();
    s.choose_candidate(&c.candidate).unwrap();
    let bad = [
        (
            reg(|f| f.password_again = "Pass1235".into()),
            Field::PasswordConfirmation,
            FieldProblem::Mismatch,
        ),
        (
            reg(|f| {
                f.password = "Pass!234".into();
                f.password_again = "Pass!234".into();
            }),
            Field::Password,
            FieldProblem::NotAllowed { position: 5 },
        ),
        (
            reg(|f| f.email_again = Some("jiro@example.jp".into())),
            Field::EmailConfirmation,
            FieldProblem::Mismatch,
        ),
        (
            reg(|f| f.base_municipality = "131015".into()),
            Field::BaseMunicipality,
            FieldProblem::WrongCheckDigit,
        ),
    ];
    for (form, field, problem) in bad {
        assert_eq!(
            s.issue_my_key_id(form).await,
            Err(ResidentError::Invalid(FieldError { field, problem }))
        );
    }
    assert_eq!(rig.fake.count(Endpoint::Issue), 0, "nothing was sent");
    assert_eq!(s.step(), Step::EnterRegistration);
}

#[tokio::test]
async fn a_mistyped_pin_never_reaches_the_card() {
    let rig = Rig::new();
    let card = card_a();
    let mut s = rig.session();
    s.read_card(dyn_t(&tap(&card))).await.unwrap();
    assert!(matches!(
        s.enter_pin("12３4"),
        Err(ResidentError::PinFormat(PinFormatError::FullWidthDigit {
            position: 3,
            ..
        }))
    ));
    assert_eq!(s.enter_pin("123").unwrap_err().code(), "pin_format");
    let t = tap(&card);
    let err = s
        .log_in(dyn_t(&t), mynapoint_core::pin::LastTry::Refuse)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "pin_not_entered");
    assert_eq!(t.exchanges(), 0, "no tap without a PIN");
    assert_eq!(rig.fake.count(Endpoint::Challenge), 0);
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
        s.choose_service("aeon-waon").await,
        Err(ResidentError::WrongStep { .. })
    ));
    assert!(rig.fake.calls().is_empty());
}
