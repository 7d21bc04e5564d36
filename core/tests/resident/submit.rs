//! Submission: repeats keep one Idempotency-Key and make one application;
//! the second PIN follows the card layer's rules.

use mynapoint_core::card::PinError;
use mynapoint_core::pin::{LastTry, PinKind, PinStatus};
use mynapoint_core::resident::*;

use crate::rig::*;
use mynapoint_testkit::fake::{Endpoint, Fault};

async fn at_sign_step(rig: &Rig) -> (ResidentSession, Card) {
    let card = card_a();
    let (mut s, _) = rig.at_review(&card).await;
    s.confirm_review().unwrap();
    (s, card)
}

#[tokio::test]
async fn a_lost_answer_is_repeated_with_the_same_key_and_makes_one_application() {
    let rig = Rig::new();
    let (mut s, card) = at_sign_step(&rig).await;
    rig.fail(Endpoint::Submit, Fault::LostAfter);
    s.enter_pin(PIN).unwrap();
    let t = phone_tap(&card);
    let err = s
        .sign_and_submit(dyn_transport(&t), LastTry::Refuse)
        .await
        .unwrap_err();
    assert_eq!(err, ResidentError::Network);
    assert_eq!(s.step(), Step::SubmitPending);
    assert!(s.held_data().signature);
    assert_eq!(rig.applications().len(), 1, "the platform did make it");

    let app = s.retry_submission().await.unwrap();
    assert_eq!(s.step(), Step::Done);
    assert_eq!(rig.applications().len(), 1, "exactly one");
    assert_eq!(rig.applications()[0].1, app);
    let keys = rig.keys(Endpoint::Submit);
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1], "one Idempotency-Key for the repeats");
    assert_eq!(t.verifies_reached_card(), 1, "no second PIN for a repeat");
}

#[tokio::test]
async fn a_request_that_never_arrived_is_repeated_too() {
    let rig = Rig::new();
    let (mut s, card) = at_sign_step(&rig).await;
    rig.fail(Endpoint::Submit, Fault::LostBefore);
    rig.fail(Endpoint::Submit, Fault::LostBefore);
    s.enter_pin(PIN).unwrap();
    assert_eq!(
        s.sign_and_submit(dyn_transport(&phone_tap(&card)), LastTry::Refuse)
            .await,
        Err(ResidentError::Network)
    );
    assert!(rig.applications().is_empty());
    assert_eq!(s.retry_submission().await, Err(ResidentError::Network));
    s.retry_submission().await.unwrap();
    assert_eq!(rig.applications().len(), 1);
    assert_eq!(rig.count(Endpoint::Submit), 3);
}

#[tokio::test]
async fn a_tag_lost_at_the_second_pin_follows_the_card_rules() {
    let rig = Rig::new();
    let (mut s, card) = at_sign_step(&rig).await;
    s.enter_pin(WRONG_PIN).unwrap();
    let t = phone_tap(&card);
    t.lose_tag_after(VERIFY_AT);
    let err = s
        .sign_and_submit(dyn_transport(&t), LastTry::Refuse)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ResidentError::Pin(PinError::MaybeCounted {
            kind: PinKind::UserAuth,
            tries_before: 3
        })
    );
    assert_eq!(err.code(), "pin_maybe_counted");
    assert!(s.pin_in_doubt());
    assert!(!s.held_data().pin, "the PIN is never re-sent on its own");
    assert_eq!(
        s.step(),
        Step::EnterPin {
            purpose: PinPurpose::SignApplication
        }
    );
    assert_eq!(rig.count(Endpoint::Submit), 0);

    // Without a new PIN nothing goes to the card; a tap tells whether it counted.
    let t = phone_tap(&card);
    assert_eq!(
        s.sign_and_submit(dyn_transport(&t), LastTry::Refuse)
            .await
            .unwrap_err()
            .code(),
        "pin_not_entered"
    );
    assert_eq!(t.exchanges(), 0);
    let check = s
        .pin_status(dyn_transport(&phone_tap(&card)))
        .await
        .unwrap();
    assert_eq!(check.status, PinStatus::TriesLeft(2));
    assert_eq!(check.recheck.and_then(|r| r.try_counted), Some(true));
    assert!(!s.pin_in_doubt());

    // A second wrong PIN leaves one try: it is refused without confirmation.
    s.enter_pin(WRONG_PIN).unwrap();
    assert_eq!(
        s.sign_and_submit(dyn_transport(&phone_tap(&card)), LastTry::Refuse)
            .await,
        Err(ResidentError::Pin(PinError::WrongPin {
            kind: PinKind::UserAuth,
            tries_left: 1
        }))
    );
    s.enter_pin(PIN).unwrap();
    let t = phone_tap(&card);
    assert_eq!(
        s.sign_and_submit(dyn_transport(&t), LastTry::Refuse).await,
        Err(ResidentError::Pin(PinError::LastTryNeedsConfirmation(
            PinKind::UserAuth
        )))
    );
    assert_eq!(t.verifies_reached_card(), 0);
    assert!(s.held_data().pin, "kept for the confirmed try");
    let t = phone_tap(&card);
    s.sign_and_submit(dyn_transport(&t), LastTry::Confirmed)
        .await
        .unwrap();
    assert_eq!(t.verifies_reached_card(), 1);
    assert_eq!(tries_left(&card), 3);
    assert_eq!(rig.applications().len(), 1);
}

#[tokio::test]
async fn a_tag_lost_before_the_pin_keeps_it_for_the_next_tap() {
    let rig = Rig::new();
    let (mut s, card) = at_sign_step(&rig).await;
    s.enter_pin(PIN).unwrap();
    let t = phone_tap(&card);
    t.lose_tag_before(2);
    let err = s
        .sign_and_submit(dyn_transport(&t), LastTry::Refuse)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "card_removed");
    assert!(s.held_data().pin);
    assert!(!s.pin_in_doubt());
    s.sign_and_submit(dyn_transport(&phone_tap(&card)), LastTry::Refuse)
        .await
        .unwrap();
    assert_eq!(tries_left(&card), 3);
}
