//! PIN first, one tap per card step: the taps (transport connections) each
//! resident flow takes, and what happens when the card's retry counter is
//! not the one shown when the PIN was typed.

use mynapoint_core::card::PinError;
use mynapoint_core::pin::{LastTry, PinKind, PinPrompt};
use mynapoint_core::platform::ApplicationStatus;
use mynapoint_core::resident::*;

use crate::rig::*;
use mynapoint_testkit::cases::taps::{self, APPLICATION_APDUS, LOGIN_APDUS};
use mynapoint_testkit::fake::Endpoint;

const AUTH: PinKind = PinKind::UserAuth;

#[tokio::test]
async fn the_application_takes_three_taps() {
    let rig = Rig::new();
    // The walk shared with the real platform's test.
    let app = taps::application_in_three_taps(&rig, &card_a()).await;
    assert_eq!(app.status, ApplicationStatus::Submitted);
}

#[tokio::test]
async fn a_my_key_id_change_takes_two_taps() {
    let rig = Rig::new();
    let card = card_a();
    rig.with_my_key_id(&card).await;

    let phone = Phone::new(&card);
    let mut s = rig.session();
    s.read_card(phone.tap()).await.unwrap();
    s.enter_pin(PIN).unwrap();
    s.log_in(phone.tap(), LastTry::Refuse).await.unwrap();
    s.start_my_key_id_change().unwrap();
    s.check_own_choice("MYNEWID1").await.unwrap();
    let record = s.change_my_key_id().await.unwrap();
    assert_eq!(record.my_key_id, "MYNEWID1");
    assert_eq!(phone.taps(), 2, "card read + counter; PIN + login");
    assert_eq!(phone.verifies(), 1);
    assert!(
        phone.apdus() <= LOGIN_APDUS,
        "APDUs rose: {}",
        phone.apdus()
    );
}

#[tokio::test]
async fn a_revoke_takes_two_taps_and_ends_the_session() {
    let rig = Rig::new();
    let card = card_a();
    rig.with_my_key_id(&card).await;

    let phone = Phone::new(&card);
    let mut s = rig.session();
    s.read_card(phone.tap()).await.unwrap();
    s.enter_pin(PIN).unwrap();
    s.log_in(phone.tap(), LastTry::Refuse).await.unwrap();
    s.revoke_my_key_id().await.unwrap();
    assert_eq!(phone.taps(), 2, "card read + counter; PIN + login");
    assert!(
        phone.apdus() <= LOGIN_APDUS,
        "APDUs rose: {}",
        phone.apdus()
    );
    assert_eq!(rig.count(Endpoint::Revoke), 1);
    assert_eq!(
        s.step(),
        Step::Ended {
            reason: EndReason::Revoked
        }
    );
    assert_wiped(&s);
    assert_eq!(
        s.revoke_my_key_id().await,
        Err(ResidentError::SessionEnded {
            reason: EndReason::Revoked
        })
    );
    assert_eq!(rig.count(Endpoint::Revoke), 1);
}

#[tokio::test]
async fn a_revoke_needs_a_my_key_id() {
    let rig = Rig::new();
    let (mut s, _) = rig.logged_in(&card_a()).await;
    assert!(matches!(
        s.revoke_my_key_id().await,
        Err(ResidentError::WrongStep { .. })
    ));
    assert_eq!(rig.count(Endpoint::Revoke), 0);
}

#[tokio::test]
async fn a_child_application_takes_one_tap_per_card_step() {
    let rig = Rig::new();
    let today = CivilDate::new(2026, 11, 21).unwrap();
    rig.session_clock.set_today(today);
    rig.set_today(today);
    let (a, b) = (card_a(), card_c());
    let child = Phone::new(&a);
    let rep = Phone::new(&b);

    let mut s = rig.session();
    s.read_card(child.tap()).await.unwrap();
    s.enter_pin(PIN).unwrap();
    s.log_in(child.tap(), LastTry::Refuse).await.unwrap();
    let c = s.next_candidate().await.unwrap();
    s.choose_candidate(&c.candidate).unwrap();
    s.issue_my_key_id(registration()).await.unwrap();
    s.apply_for_child("20150401").unwrap();
    let summary = s.read_representative_card(rep.tap()).await.unwrap();
    assert_eq!(summary.pin, PinPrompt::Ask { tries_left: 3 });
    assert_eq!(
        s.representative_pin_prompt(),
        PinPrompt::Ask { tries_left: 3 }
    );
    let service = s.choose_service(AEON).await.unwrap();
    s.accept_terms(&service.terms_version).unwrap();
    s.enter_payment(aeon_payment()).await.unwrap();
    s.confirm_review().unwrap();
    s.enter_pin(PIN).unwrap();
    assert_eq!(
        s.sign_and_submit(child.tap(), LastTry::Refuse).await,
        Err(ResidentError::RepresentativeSignatureNeeded)
    );
    let app = s
        .representative_signs(rep.tap(), PIN, LastTry::Refuse)
        .await
        .unwrap();
    assert_eq!(app.status, ApplicationStatus::Submitted);
    assert_eq!(child.taps(), 3, "the child's card: read, login, signature");
    assert_eq!(rep.taps(), 2, "the representative's card: read, signature");
    assert_eq!((child.verifies(), rep.verifies()), (2, 1));
    assert!(child.apdus() <= APPLICATION_APDUS, "{}", child.apdus());
    assert!(rep.apdus() <= LOGIN_APDUS, "{}", rep.apdus());
}

/// Read the card (3 tries shown), type the PIN; then `spent` tries go elsewhere.
async fn pin_typed_then_spent_elsewhere(rig: &Rig, card: &Card, spent: usize) -> ResidentSession {
    let mut s = rig.session();
    s.read_card(dyn_transport(&phone_tap(card))).await.unwrap();
    assert_eq!(s.pin_prompt(), PinPrompt::Ask { tries_left: 3 });
    s.enter_pin(PIN).unwrap();
    another_app_spends(card, spent).await;
    s
}

#[tokio::test]
async fn a_try_spent_by_another_app_meanwhile_sends_nothing_and_asks_again() {
    let rig = Rig::new();
    let card = card_a();
    let mut s = pin_typed_then_spent_elsewhere(&rig, &card, 1).await;
    let t = phone_tap(&card);
    let err = s
        .log_in(dyn_transport(&t), LastTry::Refuse)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ResidentError::Pin(PinError::CounterChanged {
            kind: AUTH,
            shown: 3,
            tries_left: 2
        })
    );
    assert_eq!(err.code(), "pin_counter_changed");
    assert!(err.to_string().contains("2 tries"), "{err}");
    assert_eq!(t.verifies_reached_card(), 0, "no VERIFY was sent");
    assert_eq!(tries_left(&card), 2);
    assert!(!s.held_data().pin, "the PIN was wiped");
    assert_eq!(rig.count(Endpoint::Login), 0);
    assert_eq!(
        s.step(),
        Step::EnterPin {
            purpose: PinPurpose::Login
        }
    );
    // Asked again with the true count: one tap.
    assert_eq!(s.pin_prompt(), PinPrompt::Ask { tries_left: 2 });
    s.enter_pin(PIN).unwrap();
    let t = phone_tap(&card);
    s.log_in(dyn_transport(&t), LastTry::Refuse).await.unwrap();
    assert_eq!(t.verifies_reached_card(), 1);
    assert_eq!(tries_left(&card), 3);
}

#[tokio::test]
async fn a_card_locked_elsewhere_meanwhile_gets_no_verify() {
    let rig = Rig::new();
    let card = card_a();
    let mut s = pin_typed_then_spent_elsewhere(&rig, &card, 3).await;
    let t = phone_tap(&card);
    let err = s
        .log_in(dyn_transport(&t), LastTry::Confirmed)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ResidentError::Pin(PinError::CounterChanged {
            kind: AUTH,
            shown: 3,
            tries_left: 0
        })
    );
    assert!(err.to_string().contains("locked"), "{err}");
    assert_eq!(t.verifies_reached_card(), 0);
    assert!(!s.held_data().pin);
    assert_eq!(s.pin_prompt(), PinPrompt::Locked);
}

#[tokio::test]
async fn the_last_try_reached_elsewhere_needs_the_confirmation_first() {
    let rig = Rig::new();
    let card = card_a();
    let mut s = pin_typed_then_spent_elsewhere(&rig, &card, 2).await;
    // Even a confirmation does not stand for a count the person was not shown.
    let t = phone_tap(&card);
    let err = s
        .log_in(dyn_transport(&t), LastTry::Confirmed)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ResidentError::Pin(PinError::CounterChanged {
            kind: AUTH,
            shown: 3,
            tries_left: 1
        })
    );
    assert!(err.to_string().contains("1 try"), "{err}");
    assert_eq!(t.verifies_reached_card(), 0);
    assert!(!s.held_data().pin);
    assert_eq!(tries_left(&card), 1);

    assert_eq!(s.pin_prompt(), PinPrompt::ConfirmLastTry);
    s.enter_pin(PIN).unwrap();
    let t = phone_tap(&card);
    s.log_in(dyn_transport(&t), LastTry::Confirmed)
        .await
        .unwrap();
    assert_eq!(t.verifies_reached_card(), 1);
    assert_eq!(tries_left(&card), 3);
}

#[tokio::test]
async fn a_try_spent_elsewhere_before_the_signature_is_caught_too() {
    let rig = Rig::new();
    let card = card_a();
    let (mut s, _) = rig.at_review(&card).await;
    s.confirm_review().unwrap();
    assert_eq!(s.pin_prompt(), PinPrompt::Ask { tries_left: 3 });
    s.enter_pin(PIN).unwrap();
    another_app_spends(&card, 1).await;
    let t = phone_tap(&card);
    assert_eq!(
        s.sign_and_submit(dyn_transport(&t), LastTry::Refuse).await,
        Err(ResidentError::Pin(PinError::CounterChanged {
            kind: AUTH,
            shown: 3,
            tries_left: 2
        }))
    );
    assert_eq!(t.verifies_reached_card(), 0);
    assert_eq!(rig.count(Endpoint::Submit), 0);
    assert_eq!(s.pin_prompt(), PinPrompt::Ask { tries_left: 2 });
}

#[tokio::test]
async fn a_try_spent_elsewhere_on_the_representatives_card_is_caught() {
    let rig = Rig::new();
    let today = CivilDate::new(2026, 11, 21).unwrap();
    rig.session_clock.set_today(today);
    rig.set_today(today);
    let (a, b) = (card_a(), card_c());
    let mut s = rig.with_my_key_id(&a).await;
    s.apply_for_child("20150401").unwrap();
    s.read_representative_card(dyn_transport(&phone_tap(&b)))
        .await
        .unwrap();
    let service = s.choose_service(AEON).await.unwrap();
    s.accept_terms(&service.terms_version).unwrap();
    let mut form = aeon_payment();
    form.payment_id = "9999888877776666".into();
    s.enter_payment(form).await.unwrap();
    s.confirm_review().unwrap();
    s.enter_pin(PIN).unwrap();
    assert_eq!(
        s.sign_and_submit(dyn_transport(&phone_tap(&a)), LastTry::Refuse)
            .await,
        Err(ResidentError::RepresentativeSignatureNeeded)
    );
    another_app_spends(&b, 1).await;
    let t = phone_tap(&b);
    assert_eq!(
        s.representative_signs(dyn_transport(&t), PIN, LastTry::Refuse)
            .await,
        Err(ResidentError::Pin(PinError::CounterChanged {
            kind: AUTH,
            shown: 3,
            tries_left: 2
        }))
    );
    assert_eq!(t.verifies_reached_card(), 0);
    assert_eq!(s.step(), Step::RepresentativeSign);
    assert_eq!(
        s.representative_pin_prompt(),
        PinPrompt::Ask { tries_left: 2 }
    );
    let t = phone_tap(&b);
    s.representative_signs(dyn_transport(&t), PIN, LastTry::Refuse)
        .await
        .unwrap();
    assert_eq!(t.verifies_reached_card(), 1);
}
