//! A legal representative applies for a child under 15 with the child's
//! card (A): the representative's card (B) is read and signs through its own
//! card session; the child's session is never ended by it.

use mynapoint_core::pin::LastTry;
use mynapoint_core::resident::*;

use crate::rig::*;
use mynapoint_testkit::fake::Endpoint;

const BIRTH: &str = "20150401";

fn today() -> CivilDate {
    CivilDate::new(2026, 11, 21).unwrap()
}

fn rig() -> Rig {
    let rig = Rig::new();
    rig.session_clock.set_today(today());
    rig.set_today(today());
    rig
}

/// The child (A) logged in with a My Key ID; a child application with `rep`.
async fn child_with(rig: &Rig, rep: &Card) -> ResidentSession {
    let mut s = rig.with_my_key_id(&card_a()).await;
    s.apply_for_child(BIRTH).unwrap();
    let summary = s
        .read_representative_card(dyn_transport(&phone_tap(rep)))
        .await
        .unwrap();
    assert_eq!(Some(summary.serial), s.representative_serial());
    s
}

/// Up to the child's signature with `payment`: the step is then
/// `RepresentativeSign`.
async fn child_signed(s: &mut ResidentSession, payment: PaymentForm) -> Review {
    if s.step() == Step::ChooseService {
        let service = s.choose_service(AEON).await.unwrap();
        s.accept_terms(&service.terms_version).unwrap();
    }
    let review = s.enter_payment(payment).await.unwrap();
    s.confirm_review().unwrap();
    s.enter_pin(PIN).unwrap();
    assert_eq!(
        s.sign_and_submit(dyn_transport(&phone_tap(&card_a())), LastTry::Refuse)
            .await,
        Err(ResidentError::RepresentativeSignatureNeeded)
    );
    assert_eq!(s.step(), Step::RepresentativeSign);
    review
}

fn other_payment() -> PaymentForm {
    let mut form = aeon_payment();
    form.payment_id = "9999888877776666".into();
    form
}

#[tokio::test]
async fn a_representative_applies_for_a_child_end_to_end() {
    let rig = rig();
    let (a, b) = (card_a(), card_b());
    let mut s = child_with(&rig, &b).await;
    // Reading B did not end (or rebind) the child's session.
    assert_eq!(s.step(), Step::ChooseService);
    assert_eq!(s.card_serial().as_deref(), Some("01234567"));
    assert_eq!(s.representative_serial().as_deref(), Some("07654321"));
    assert_eq!(s.child_birth_date(), Some(BIRTH));
    assert!(s.held_data().representative);

    let review = child_signed(&mut s, aeon_payment()).await;
    assert_eq!(
        review.for_child,
        Some(ChildReview {
            birth_date: BIRTH.into(),
            representative_serial: "07654321".into()
        })
    );
    assert_eq!(rig.count(Endpoint::Submit), 0, "not submitted yet");
    assert!(s.held_data().signature);

    let tb = phone_tap(&b);
    let app = s
        .representative_signs(dyn_transport(&tb), PIN, LastTry::Refuse)
        .await
        .unwrap();
    assert_eq!(tb.verifies_reached_card(), 1);
    assert_eq!(s.step(), Step::Done);
    let child = app.for_child.clone().expect("a child application");
    assert_eq!(child.birth_date, BIRTH);
    assert_eq!(child.representative_serial, "07654321");
    assert_eq!(rig.applications().len(), 1);
    assert_eq!(rig.applications()[0].1, app);
    assert_eq!(rig.count(Endpoint::Submit), 1);
    assert_eq!(tries_left(&a), 3);
    assert_eq!(tries_left(&b), 3);

    // The child's later login sees the child application.
    let (_, outcome) = rig.logged_in(&a).await;
    assert_eq!(outcome.application, Some(app));
}

#[tokio::test]
async fn the_childs_own_card_cannot_be_the_representative() {
    let rig = rig();
    let mut s = rig.with_my_key_id(&card_a()).await;
    s.apply_for_child(BIRTH).unwrap();
    assert_eq!(
        s.read_representative_card(dyn_transport(&phone_tap(&card_a())))
            .await,
        Err(ResidentError::RepresentativeIsApplicant)
    );
    assert_eq!(s.step(), Step::ChooseService, "the session goes on");
    assert_eq!(s.card_serial().as_deref(), Some("01234567"));
    assert_eq!(s.representative_serial(), None);
    let service = s.choose_service(AEON).await.unwrap();
    s.accept_terms(&service.terms_version).unwrap();
    assert_eq!(
        s.enter_payment(aeon_payment()).await,
        Err(ResidentError::RepresentativeNotRead)
    );
    assert_eq!(rig.count(Endpoint::ContentToSign), 0);
}

#[tokio::test]
async fn a_swapped_representative_card_signs_nothing_and_nothing_is_submitted() {
    let rig = rig();
    let (a, b, c) = (card_a(), card_b(), card_c());
    let mut s = child_with(&rig, &b).await;
    child_signed(&mut s, aeon_payment()).await;

    for other in [&c, &a] {
        let t = phone_tap(other);
        assert_eq!(
            s.representative_signs(dyn_transport(&t), PIN, LastTry::Refuse)
                .await,
            Err(ResidentError::RepresentativeCardMismatch)
        );
        assert_eq!(t.verifies_reached_card(), 0, "no PIN reached that card");
        assert_eq!(s.step(), Step::RepresentativeSign);
    }
    assert_eq!(rig.count(Endpoint::Submit), 0);
    assert!(rig.applications().is_empty());
    assert_eq!(tries_left(&c), 3);

    // The representative read before still can.
    s.representative_signs(dyn_transport(&phone_tap(&b)), PIN, LastTry::Refuse)
        .await
        .unwrap();
    assert_eq!(rig.applications().len(), 1);
}

#[tokio::test]
async fn a_wrong_representative_pin_counts_on_their_card_only() {
    let rig = rig();
    let b = card_b();
    let mut s = child_with(&rig, &b).await;
    child_signed(&mut s, aeon_payment()).await;
    let err = s
        .representative_signs(dyn_transport(&phone_tap(&b)), WRONG_PIN, LastTry::Refuse)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "wrong_pin");
    assert_eq!(tries_left(&b), 2);
    assert_eq!(tries_left(&card_a()), 3);
    assert_eq!(s.step(), Step::RepresentativeSign);
    assert_eq!(rig.count(Endpoint::Submit), 0);
    s.representative_signs(dyn_transport(&phone_tap(&b)), PIN, LastTry::Refuse)
        .await
        .unwrap();
    assert_eq!(tries_left(&b), 3);
}

#[tokio::test]
async fn a_child_who_is_15_today_is_refused_locally() {
    let rig = rig();
    let mut s = rig.with_my_key_id(&card_a()).await;
    assert_eq!(
        s.apply_for_child("20111121"),
        Err(ResidentError::InvalidChildBirthDate(
            FieldProblem::NotUnder15
        ))
    );
    assert_eq!(
        s.apply_for_child("20230229"),
        Err(ResidentError::InvalidChildBirthDate(FieldProblem::NotADate))
    );
    assert_eq!(
        s.apply_for_child("20261122"),
        Err(ResidentError::InvalidChildBirthDate(FieldProblem::InFuture))
    );
    assert_eq!(
        s.apply_for_child("2015041"),
        Err(ResidentError::InvalidChildBirthDate(
            FieldProblem::WrongLength {
                min: 8,
                max: 8,
                got: 7
            }
        ))
    );
    assert_eq!(s.child_birth_date(), None);
    assert_eq!(rig.count(Endpoint::ContentToSign), 0);
    // One day younger is under 15.
    s.apply_for_child("20111122").unwrap();
    assert_eq!(s.step(), Step::ChooseService);
}

#[tokio::test]
async fn the_representatives_own_payment_account_is_refused() {
    let rig = rig();
    let b = card_b();
    // The representative applied for themselves with the AEON account.
    let (mut own, _) = rig.at_review(&b).await;
    own.confirm_review().unwrap();
    own.enter_pin(PIN).unwrap();
    own.sign_and_submit(dyn_transport(&phone_tap(&b)), LastTry::Refuse)
        .await
        .unwrap();
    drop(own);

    let mut s = child_with(&rig, &b).await;
    child_signed(&mut s, aeon_payment()).await;
    assert_eq!(
        s.representative_signs(dyn_transport(&phone_tap(&b)), PIN, LastTry::Refuse)
            .await,
        Err(ResidentError::PaymentAccountInUse)
    );
    assert_eq!(s.step(), Step::EnterPayment);
    assert!(!s.held_data().signature);
    assert_eq!(rig.applications().len(), 1);

    // Another account (signed again by both cards) is accepted.
    child_signed(&mut s, other_payment()).await;
    let app = s
        .representative_signs(dyn_transport(&phone_tap(&b)), PIN, LastTry::Refuse)
        .await
        .unwrap();
    assert!(app.for_child.is_some());
    assert_eq!(rig.applications().len(), 2);
}

#[tokio::test]
async fn an_ordinary_application_is_unchanged() {
    let rig = rig();
    let a = card_a();
    let (mut s, review) = rig.at_review(&a).await;
    assert_eq!(review.for_child, None);
    assert!(!s.held_data().representative);
    s.confirm_review().unwrap();
    s.enter_pin(PIN).unwrap();
    let app = s
        .sign_and_submit(dyn_transport(&phone_tap(&a)), LastTry::Refuse)
        .await
        .unwrap();
    assert_eq!(app.for_child, None);
    assert_eq!(s.step(), Step::Done);
}

#[tokio::test]
async fn abort_and_idle_wipe_the_representative_too() {
    let rig = rig();
    let b = card_b();
    let mut s = child_with(&rig, &b).await;
    s.abort();
    assert_wiped(&s);
    assert_eq!(s.representative_serial(), None);
    assert_eq!(s.child_birth_date(), None);

    let mut s = child_with(&rig, &b).await;
    child_signed(&mut s, aeon_payment()).await;
    rig.advance(6 * 60);
    assert_eq!(
        s.representative_signs(dyn_transport(&phone_tap(&b)), PIN, LastTry::Refuse)
            .await,
        Err(ResidentError::IdleTimeout)
    );
    assert_wiped(&s);
    assert_eq!(rig.count(Endpoint::Submit), 0);
}
