//! A legal representative applies for a child under 15 against the real
//! platform: the child's card logs in and signs, the representative's own
//! card signs the same content, and the representative's own payment account
//! cannot be reused for the child.

mod resident_rig;

use mynapoint_core::pin::LastTry;
use mynapoint_core::resident::*;
use resident_rig::*;

const CHILD_BIRTH_DATE: &str = "20200101";

fn child_payment() -> PaymentForm {
    PaymentForm {
        payment_id: "1234567890129999".into(),
        security_codes: vec!["2468".into()],
        phone_last4: None,
    }
}

#[tokio::test]
async fn a_representative_applies_for_a_child_and_both_cards_sign() {
    let rig = Rig::new().await;
    let (child, rep) = (card_a(), card_b());
    // The representative applied for themself first, with their AEON account.
    rig.applied(&rep).await;

    let mut s = rig.with_my_key_id(&child).await;
    s.apply_for_child(CHILD_BIRTH_DATE).unwrap();
    s.read_representative_card(rep.t()).await.unwrap();
    let service = s.choose_service(AEON).await.unwrap();
    s.accept_terms(&service.terms_version).unwrap();

    // One payment account holds one person's points: not the representative's own.
    let before = rig.data();
    let e = s.enter_payment(aeon_payment()).await.unwrap_err();
    assert_eq!(e.code(), "payment_account_in_use", "{e:?}");
    assert_eq!(rig.data(), before);

    s.enter_payment(child_payment()).await.unwrap();
    let review = s.review().unwrap().clone();
    let for_child = review
        .for_child
        .expect("the review says it is a child application");
    assert_eq!(for_child.birth_date, CHILD_BIRTH_DATE);
    assert!(same_serial(
        &for_child.representative_serial,
        &rep.serial_hex()
    ));

    s.confirm_review().unwrap();
    s.enter_pin(PIN).unwrap();
    let next = s
        .sign_and_submit(child.t(), LastTry::Refuse)
        .await
        .unwrap_err();
    assert_eq!(next, ResidentError::RepresentativeSignatureNeeded);
    assert_eq!(s.step(), Step::RepresentativeSign);
    assert!(
        rig.application_of(&child).is_none(),
        "nothing before the representative signs"
    );

    let app = s
        .representative_signs(rep.t(), PIN, LastTry::Refuse)
        .await
        .unwrap();
    let info = app.for_child.expect("child data in the answer");
    assert_eq!(info.birth_date, CHILD_BIRTH_DATE);
    assert!(same_serial(&info.representative_serial, &rep.serial_hex()));
    assert!(rig.application_of(&child).is_some());
    assert_eq!((child.tries_left(), rep.tries_left()), (3, 3));
}

#[tokio::test]
async fn the_childs_own_card_cannot_be_the_representative() {
    let rig = Rig::new().await;
    let child = card_a();
    let mut s = rig.with_my_key_id(&child).await;
    s.apply_for_child(CHILD_BIRTH_DATE).unwrap();
    let e = s.read_representative_card(child.t()).await.unwrap_err();
    assert_eq!(e.code(), "representative_is_applicant", "{e:?}");
    assert_eq!(s.step(), Step::ChooseService, "the child's session goes on");
}

#[tokio::test]
async fn an_adult_is_not_a_child() {
    let rig = Rig::new().await;
    let mut s = rig.with_my_key_id(&card_a()).await;
    let e = s.apply_for_child("19900401").unwrap_err();
    assert!(
        matches!(e, ResidentError::InvalidChildBirthDate(_)),
        "{e:?}"
    );
}
