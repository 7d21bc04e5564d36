//! The session belongs to the card of its first read. Another card, the idle
//! timeout or abort end it and wipe everything (the support-spot incident).

use std::time::Duration;

use mynapoint_core::pin::LastTry;
use mynapoint_core::resident::*;

use crate::rig::*;
use mynapoint_testkit::fake::Endpoint;

#[tokio::test]
async fn the_incident_b_never_gets_a_s_details() {
    let rig = Rig::new();
    let (a, b) = (card_a(), card_b());

    // Resident A types the payment details, sees the review, and walks away.
    let (mut shared_device, review) = rig.at_review(&a).await;
    assert_eq!(
        review.payment_id_masked.as_deref(),
        Some("************3456")
    );

    // Resident B goes on where A stopped: confirms, types B's PIN, taps B's card.
    shared_device.confirm_review().unwrap();
    shared_device.enter_pin(PIN).unwrap();
    let t = phone_tap(&b);
    let err = shared_device
        .sign_and_submit(dyn_transport(&t), LastTry::Refuse)
        .await
        .unwrap_err();
    assert_eq!(err, ResidentError::CardChanged);
    assert_eq!(err.code(), "card_changed");
    assert!(err.ends_session());
    assert_eq!(
        t.verifies_reached_card(),
        0,
        "B's PIN was never tried, B's card never signed"
    );
    assert_eq!(tries_left(&b), 3);

    // Nothing was applied; A's details are gone.
    assert!(rig.applications().is_empty());
    assert_eq!(rig.count(Endpoint::Submit), 0);
    assert_eq!(
        shared_device.step(),
        Step::Ended {
            reason: EndReason::CardChanged
        }
    );
    assert_wiped(&shared_device);

    // The ended session does nothing more, whatever is tapped.
    for card in [&a, &b] {
        let t = phone_tap(card);
        assert_eq!(
            shared_device
                .sign_and_submit(dyn_transport(&t), LastTry::Refuse)
                .await,
            Err(ResidentError::SessionEnded {
                reason: EndReason::CardChanged
            })
        );
        assert_eq!(t.exchanges(), 0);
    }
    assert!(matches!(
        shared_device.retry_submission().await,
        Err(ResidentError::SessionEnded { .. })
    ));

    // B starts a fresh session: B's own flow, nothing of A's.
    let (b_session, outcome) = rig.logged_in(&b).await;
    assert_eq!(outcome.my_key_id, None, "B has no My Key ID of A's");
    assert_eq!(b_session.review(), None);
    assert_eq!(b_session.service(), None);
    assert_eq!(b_session.card_serial().as_deref(), Some("07654321"));
    assert!(rig.applications().is_empty());
}

#[tokio::test]
async fn another_card_at_the_login_pin_ends_the_session_too() {
    let rig = Rig::new();
    let (a, b) = (card_a(), card_b());
    let mut s = rig.session();
    s.read_card(dyn_transport(&phone_tap(&a))).await.unwrap();
    s.enter_pin(PIN).unwrap();
    let t = phone_tap(&b);
    assert_eq!(
        s.log_in(dyn_transport(&t), LastTry::Refuse).await,
        Err(ResidentError::CardChanged)
    );
    assert_eq!(t.verifies_reached_card(), 0);
    assert_eq!(rig.count(Endpoint::Login), 0);
    assert_wiped(&s);

    let mut s = rig.session();
    s.read_card(dyn_transport(&phone_tap(&a))).await.unwrap();
    assert_eq!(
        s.pin_status(dyn_transport(&phone_tap(&b))).await,
        Err(ResidentError::CardChanged)
    );
    assert_wiped(&s);
}

#[tokio::test]
async fn idle_timeout_wipes_everything() {
    let rig = Rig::new();
    let (mut s, _) = rig.at_review(&card_a()).await;
    rig.advance(4 * 60 + 59);
    assert!(!s.check_idle());
    s.confirm_review().unwrap(); // activity: the clock starts again
    rig.advance(4 * 60);
    s.enter_pin(PIN).unwrap();
    rig.advance(5 * 60);
    assert!(s.check_idle(), "5 minutes without a step");
    assert_eq!(
        s.step(),
        Step::Ended {
            reason: EndReason::IdleTimeout
        }
    );
    assert_wiped(&s);
    assert_eq!(
        s.sign_and_submit(dyn_transport(&phone_tap(&card_a())), LastTry::Refuse)
            .await,
        Err(ResidentError::SessionEnded {
            reason: EndReason::IdleTimeout
        })
    );
    assert!(rig.applications().is_empty());
}

#[tokio::test]
async fn the_next_step_after_the_timeout_is_refused_and_wipes() {
    let rig = Rig::new();
    let config = ResidentConfig {
        idle_timeout: Duration::from_secs(30),
    };
    let card = card_a();
    let mut s = rig.session_with(config);
    s.read_card(dyn_transport(&phone_tap(&card))).await.unwrap();
    s.enter_pin(PIN).unwrap();
    assert!(s.held_data().pin);
    rig.advance(31);
    let t = phone_tap(&card);
    assert_eq!(
        s.log_in(dyn_transport(&t), LastTry::Refuse).await,
        Err(ResidentError::IdleTimeout)
    );
    assert_eq!(t.exchanges(), 0);
    assert_wiped(&s);
}

#[tokio::test]
async fn abort_wipes_everything() {
    let rig = Rig::new();
    let (mut s, _) = rig.at_review(&card_a()).await;
    let held = s.held_data();
    assert!(
        held.card
            && held.platform_session
            && held.service
            && held.payment
            && held.my_key_id_choices
    );
    s.abort();
    assert_eq!(
        s.step(),
        Step::Ended {
            reason: EndReason::Aborted
        }
    );
    assert_wiped(&s);
    assert_eq!(
        s.confirm_review(),
        Err(ResidentError::SessionEnded {
            reason: EndReason::Aborted
        })
    );
    s.abort();
    assert_eq!(
        s.step(),
        Step::Ended {
            reason: EndReason::Aborted
        }
    );
}
