//! PIN first, one tap per card step, against the real platform: the taps
//! (transports opened: one per "hold your card to the phone") and the APDUs
//! each resident flow takes, and a PIN typed before a try was spent
//! elsewhere.

mod resident_rig;

use mynapoint_core::card::PinError;
use mynapoint_core::pin::{LastTry, PinKind, PinPrompt};
use mynapoint_core::resident::*;
use mynapoint_testkit::cases::taps;
use mynapoint_testkit::taps::Phone;
use resident_rig::*;

/// Read (the prompt's count comes with it), then PIN + card login.
async fn log_in(rig: &Rig, phone: &Phone) -> (ResidentSession, LoginOutcome) {
    let mut s = rig.session();
    let summary = s.read_card(phone.tap()).await.unwrap();
    assert_eq!(summary.pin, PinPrompt::Ask { tries_left: 3 });
    s.enter_pin(PIN).unwrap();
    let outcome = s.log_in(phone.tap(), LastTry::Refuse).await.unwrap();
    (s, outcome)
}

#[tokio::test]
async fn the_application_takes_three_taps() {
    let rig = Rig::new().await;
    let a = card_a();
    // The walk shared with the double's test (core's `taps`).
    let app = taps::application_in_three_taps(&rig, &a).await;
    assert!(!app.application_id.is_empty());
    assert!(rig.application_of(&a).is_some());
    assert_eq!(a.tries_left(), 3);
}

#[tokio::test]
async fn a_my_key_id_change_takes_two_taps() {
    let rig = Rig::new().await;
    let a = card_a();
    rig.with_my_key_id(&a).await;
    let phone = Phone::new(&a);
    let (mut s, _) = log_in(&rig, &phone).await;
    s.start_my_key_id_change().unwrap();
    assert!(s.check_own_choice("TAPS0001").await.unwrap().available);
    s.change_my_key_id().await.unwrap();
    assert_eq!(rig.record_of(&a).unwrap().my_key_id, "TAPS0001");
    assert_eq!(phone.taps(), 2, "card read + counter; PIN + login");
}

#[tokio::test]
async fn a_revoke_takes_two_taps() {
    let rig = Rig::new().await;
    let a = card_a();
    let id = rig.with_my_key_id(&a).await.my_key_id().unwrap().to_owned();
    let phone = Phone::new(&a);
    let (mut s, outcome) = log_in(&rig, &phone).await;
    assert_eq!(outcome.my_key_id.as_deref(), Some(id.as_str()));
    s.revoke_my_key_id().await.unwrap();
    assert_eq!(phone.taps(), 2, "card read + counter; PIN + login");
    assert_eq!(
        s.step(),
        Step::Ended {
            reason: EndReason::Revoked
        }
    );
    assert_wiped(&s);
    let record = rig.record_of(&a).unwrap();
    assert_eq!(record.my_key_id, id);
    assert!(!record.active, "revoked on the platform");
    let (_, outcome) = rig.logged_in(&a).await;
    assert_ne!(
        outcome.my_key_id.as_deref(),
        Some(id.as_str()),
        "a revoked id is not recovered"
    );
}

#[tokio::test]
async fn a_child_application_takes_one_tap_per_card_step() {
    let rig = Rig::new().await;
    let (child, rep) = (card_a(), card_b());
    let (cp, rp) = (Phone::new(&child), Phone::new(&rep));
    let (mut s, _) = log_in(&rig, &cp).await;
    let c = s.next_candidate().await.unwrap();
    s.choose_candidate(&c.candidate).unwrap();
    s.issue_my_key_id(registration()).await.unwrap();
    s.apply_for_child("20200101").unwrap();
    let summary = s.read_representative_card(rp.tap()).await.unwrap();
    assert_eq!(summary.pin, PinPrompt::Ask { tries_left: 3 });
    let service = s.choose_service(AEON).await.unwrap();
    s.accept_terms(&service.terms_version).unwrap();
    s.enter_payment(aeon_payment()).await.unwrap();
    s.confirm_review().unwrap();
    s.enter_pin(PIN).unwrap();
    assert_eq!(
        s.sign_and_submit(cp.tap(), LastTry::Refuse).await,
        Err(ResidentError::RepresentativeSignatureNeeded)
    );
    assert_eq!(
        s.representative_pin_prompt(),
        PinPrompt::Ask { tries_left: 3 }
    );
    s.representative_signs(rp.tap(), PIN, LastTry::Refuse)
        .await
        .unwrap();
    assert!(rig.application_of(&child).is_some());
    assert_eq!(cp.taps(), 3, "the child's card: read, login, signature");
    assert_eq!(rp.taps(), 2, "the representative's card: read, signature");
}

#[tokio::test]
async fn a_try_spent_elsewhere_after_the_prompt_is_caught_before_verify() {
    let rig = Rig::new().await;
    let a = card_a();
    let mut s = rig.session();
    s.read_card(a.t()).await.unwrap();
    s.enter_pin(PIN).unwrap();
    // Another app on another phone spends a try meanwhile.
    let mut other = mynapoint_core::card::CardSession::new();
    other.enter_pin(mynapoint_core::pin::Pin::user_auth("9999").unwrap());
    let mut tap = other.tap(a.t()).await.unwrap();
    assert!(tap
        .verify(PinKind::UserAuth, LastTry::Refuse)
        .await
        .is_err());
    drop(tap);

    let t = a.tap();
    let before = rig.data();
    let e = s.log_in(t.clone(), LastTry::Refuse).await.unwrap_err();
    assert_eq!(
        e,
        ResidentError::Pin(PinError::CounterChanged {
            kind: PinKind::UserAuth,
            shown: 3,
            tries_left: 2
        })
    );
    assert_eq!(t.verifies_reached_card(), 0);
    assert_eq!(a.tries_left(), 2);
    assert_eq!(rig.data(), before, "nothing reached the platform's data");
    assert_eq!(s.pin_prompt(), PinPrompt::Ask { tries_left: 2 });
    s.enter_pin(PIN).unwrap();
    s.log_in(a.t(), LastTry::Refuse).await.unwrap();
    assert_eq!(a.tries_left(), 3);
}
