//! The resident flow end to end: the core's `ResidentSession` over
//! `HttpPlatform` against the real platform in process, with cardsim cards
//! tapped through the real card layer on a phone.
//!
//! Issuance (auto with the 3rd candidate final; own choice with the fallback
//! after 3 taken), the application and its status over time, recovery of the
//! My Key ID, a reissued card, the support-spot incident, and a submission
//! whose answer was lost.

mod resident_rig;

use mynapoint_core::pin::LastTry;
use mynapoint_core::platform::{ApplicationStatus, HttpConfig, MyKeyIdStatus, RetryPolicy};
use mynapoint_core::resident::*;
use mynapoint_platform::{Clock, Config};
use mynapoint_testkit::cases::{application, my_key_id};
use resident_rig::*;

// ---- My Key ID issuance -------------------------------------------------------

#[tokio::test]
async fn auto_generation_the_third_candidate_is_final_and_registered() {
    let rig = Rig::new().await;
    let a = card_a();
    let mut s = rig.session();
    let summary = s.read_card(a.t()).await.unwrap();
    assert!(same_serial(&summary.serial, &a.serial_hex()));
    assert!(summary.valid_now);
    s.enter_pin(PIN).unwrap();
    let outcome = s.log_in(a.t(), LastTry::Refuse).await.unwrap();
    assert_eq!(outcome.my_key_id, None);
    assert!(!outcome.card_reissued);
    assert_eq!(
        s.step(),
        Step::ChooseMyKeyId {
            own_choice_allowed: true
        }
    );

    let mut offered = Vec::new();
    for attempt in 1..=2u8 {
        let c = s.next_candidate().await.unwrap();
        assert_eq!((c.attempt, c.is_final), (attempt, false));
        assert_eq!(c.candidate.len(), 8);
        assert!(c
            .candidate
            .chars()
            .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit()));
        assert!(matches!(s.step(), Step::ChooseMyKeyId { .. }));
        offered.push(c.candidate);
    }
    let third = s.next_candidate().await.unwrap();
    assert_eq!((third.attempt, third.is_final), (3, true));
    offered.push(third.candidate.clone());
    assert_eq!(s.candidates(), offered.as_slice());
    assert_eq!(
        s.step(),
        Step::EnterRegistration,
        "the 3rd is taken at once"
    );
    assert_eq!(s.chosen_my_key_id(), Some(third.candidate.as_str()));
    assert!(s.change_my_key_id_choice().is_err(), "the final one stays");
    assert!(matches!(
        s.choose_candidate(&offered[0]),
        Err(ResidentError::WrongStep { .. })
    ));
    assert!(matches!(
        s.next_candidate().await,
        Err(ResidentError::WrongStep { .. })
    ));
    assert_eq!(
        rig.record_of(&a),
        None,
        "nothing registered before issuance"
    );

    let record = s.issue_my_key_id(registration()).await.unwrap();
    assert_eq!(record.my_key_id, third.candidate);
    assert_eq!(record.status, MyKeyIdStatus::Active);
    assert!(same_serial(&record.certificate_serial, &a.serial_hex()));
    assert_eq!(record.certificate_expires_at, a.cert.not_after_unix());
    assert_eq!(record.email.as_deref(), Some("taro@example.jp"));
    assert_eq!(record.base_municipality, "131016");
    assert_eq!(s.my_key_id(), Some(third.candidate.as_str()));
    assert_eq!(s.step(), Step::ChooseCategories);

    // In the platform's database: the 3rd, with this card; the others free.
    let stored = rig.record_of(&a).expect("registered");
    assert_eq!(stored.my_key_id, third.candidate);
    assert!(stored.active);
    assert!(same_serial(&stored.certificate_serial, &a.serial_hex()));
    assert!(rig.taken(&third.candidate));
    assert!(!rig.taken(&offered[0]) && !rig.taken(&offered[1]));
    assert_eq!(a.tries_left(), 3);
}

#[tokio::test]
async fn an_earlier_candidate_may_be_chosen_before_the_third() {
    let rig = Rig::new().await;
    let a = card_a();
    let (mut s, _) = rig.logged_in(&a).await;
    let first = s.next_candidate().await.unwrap();
    let second = s.next_candidate().await.unwrap();
    assert_ne!(first.candidate, second.candidate);
    assert_eq!(
        s.choose_candidate("ZZZZ9999"),
        Err(ResidentError::CandidateNotOffered)
    );
    s.choose_candidate(&first.candidate).unwrap();
    let record = s.issue_my_key_id(registration()).await.unwrap();
    assert_eq!(record.my_key_id, first.candidate);
    assert_eq!(rig.record_of(&a).unwrap().my_key_id, first.candidate);
    assert!(!rig.taken(&second.candidate));
}

#[tokio::test]
async fn own_choice_available_is_registered_as_chosen() {
    let rig = Rig::new().await;
    let a = card_a();
    let (mut s, _) = rig.logged_in(&a).await;
    let r = s.check_own_choice("MINE2024").await.unwrap();
    assert!(r.available && !r.fallback_to_auto);
    assert_eq!(r.checks_used, 1);
    assert_eq!(s.step(), Step::EnterRegistration);
    assert_eq!(s.chosen_my_key_id(), Some("MINE2024"));
    let record = s.issue_my_key_id(registration()).await.unwrap();
    assert_eq!(record.my_key_id, "MINE2024");
    assert_eq!(rig.record_of(&a).unwrap().my_key_id, "MINE2024");

    // Now taken for everyone else.
    let b = card_b();
    let (mut s, _) = rig.logged_in(&b).await;
    let r = s.check_own_choice("MINE2024").await.unwrap();
    assert!(!r.available);
}

#[tokio::test]
async fn own_choice_falls_back_to_auto_after_three_taken() {
    let rig = Rig::new().await;
    rig.seed_taken(&["TAKEN001", "TAKEN002"]);
    // The third taken id: issued by another resident's card through the flow.
    let b = card_b();
    let (mut sb, _) = rig.logged_in(&b).await;
    assert!(sb.check_own_choice("TAKEN003").await.unwrap().available);
    sb.issue_my_key_id(registration()).await.unwrap();

    let a = card_a();
    let (mut s, _) = rig.logged_in(&a).await;
    // The walk shared with the double's test (core's `flow`).
    let issued = my_key_id::own_choice_falls_back_after_three_taken(&rig, &mut s).await;
    assert_eq!(rig.record_of(&a).unwrap().my_key_id, issued);
    assert_eq!(
        rig.record_of(&b).unwrap().my_key_id,
        "TAKEN003",
        "unchanged"
    );
    assert!(!rig.taken("FREE0001"));
}

// ---- the application --------------------------------------------------------

#[tokio::test]
async fn application_is_submitted_then_registered_after_the_delay() {
    const DELAY: i64 = 86_400;
    let rig = Rig::with_config(Config {
        registration_delay_secs: DELAY as u64,
        ..Config::ephemeral()
    })
    .await;
    let a = card_a();
    let mut s = rig.with_my_key_id(&a).await;
    let my_key_id = s.my_key_id().unwrap().to_owned();

    let by_latin = s.search_services("ＡＥＯＮ").await.unwrap();
    assert!(by_latin.iter().any(|f| f.service_id == AEON));
    // The walk shared with the double's test (core's `flow`).
    let (_, app) = application::aeon_application(&mut s, &a).await;
    assert_eq!(app.status, ApplicationStatus::Submitted);
    assert_eq!(s.application_status().await.unwrap(), app);

    let stored = rig.application_of(&a).expect("stored");
    assert_eq!(stored.application_id, app.application_id);
    assert_eq!(stored.service_id, AEON);
    assert_eq!(stored.payment_id.as_deref(), Some("1234567890123456"));
    assert_eq!(stored.phone_last4.as_deref(), Some("5678"));
    assert!(same_serial(&stored.certificate_serial, &a.serial_hex()));
    assert_eq!(stored.registered_at - stored.submitted_at, DELAY);
    assert!(
        !stored
            .security_codes_sealed
            .as_deref()
            .unwrap_or_default()
            .windows(4)
            .any(|w| w == b"0987"),
        "the security code is sealed"
    );

    // A second before the delay: still submitted (a new session each time:
    // the platform session would have idled out).
    rig.clock.advance(DELAY - 1);
    let (s2, outcome) = rig.logged_in(&a).await;
    assert_eq!(outcome.my_key_id.as_deref(), Some(my_key_id.as_str()));
    let seen = outcome.application.expect("the application is found");
    assert_eq!(seen.status, ApplicationStatus::Submitted);
    assert_eq!(seen.application_id, app.application_id);
    assert_eq!(s2.step(), Step::Done);

    rig.clock.advance(1);
    let (mut s3, outcome) = rig.logged_in(&a).await;
    let seen = outcome.application.expect("the application is found");
    assert_eq!(seen.status, ApplicationStatus::Registered);
    assert_eq!(seen.application_id, app.application_id);
    assert_eq!(s3.step(), Step::Done);
    assert_eq!(
        s3.application_status().await.unwrap().status,
        ApplicationStatus::Registered
    );
    assert_eq!(a.tries_left(), 3);
}

#[tokio::test]
async fn a_service_with_two_security_codes_is_applied_for() {
    // A service with two security codes goes through as well.
    let rig = Rig::new().await;
    let a = card_a();
    let form = PaymentForm {
        payment_id: "4980000000000001".into(),
        security_codes: vec!["1234".into(), "567".into()],
        phone_last4: None,
    };
    let (mut s, _) = rig.at_review_with(&a, SMBC, form).await;
    assert_eq!(s.review().unwrap().security_codes_entered, 2);
    let app = submit(&mut s, &a).await.unwrap();
    assert_eq!(app.service_id, SMBC);
    assert_eq!(rig.application_of(&a).unwrap().phone_last4, None);
}

// ---- recovery and reissued cards --------------------------------------------

#[tokio::test]
async fn an_issued_resident_recovers_the_my_key_id_next_session() {
    let rig = Rig::new().await;
    let a = card_a();
    let first = rig.with_my_key_id(&a).await;
    let id = first.my_key_id().unwrap().to_owned();
    drop(first);

    let (mut s, outcome) = rig.logged_in(&a).await;
    assert_eq!(outcome.my_key_id.as_deref(), Some(id.as_str()));
    assert!(!outcome.card_reissued);
    assert_eq!(outcome.application, None);
    assert_eq!(s.my_key_id(), Some(id.as_str()));
    assert_eq!(s.step(), Step::ChooseCategories, "no second issuance");
    assert!(matches!(
        s.next_candidate().await,
        Err(ResidentError::WrongStep { .. })
    ));
    // And the flow goes on to an application with the recovered id.
    let service = s.choose_service(AEON).await.unwrap();
    s.accept_terms(&service.terms_version).unwrap();
    s.enter_payment(aeon_payment()).await.unwrap();
    submit(&mut s, &a).await.unwrap();
    assert!(rig.application_of(&a).is_some());
    assert_eq!(rig.record_of(&a).unwrap().my_key_id, id);
}

#[tokio::test]
async fn a_reissued_card_recovers_the_same_id_and_the_record_follows_it() {
    let rig = Rig::new().await;
    let old = card(0, 0x1111_1111, "REISSUEDPERSON0000000001").build();
    let first = rig.with_my_key_id(&old).await;
    let id = first.my_key_id().unwrap().to_owned();
    drop(first);
    assert!(same_serial(
        &rig.record_of(&old).unwrap().certificate_serial,
        &old.serial_hex()
    ));

    // Same person (CN), new serial, new key, a later expiry.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(9 * 365 * 86_400);
    let new = card(2, 0x2222_2222, "REISSUEDPERSON0000000001")
        .not_after(later)
        .build();
    assert_ne!(new.state.auth_key_pkcs8, old.state.auth_key_pkcs8);
    assert_eq!(new.person(), old.person());

    let (s, outcome) = rig.logged_in(&new).await;
    assert_eq!(outcome.my_key_id.as_deref(), Some(id.as_str()));
    assert!(outcome.card_reissued);
    assert_eq!(s.step(), Step::ChooseCategories);
    assert!(same_serial(&s.card_serial().unwrap(), &new.serial_hex()));

    let record = rig.record_of(&new).unwrap();
    assert_eq!(record.my_key_id, id);
    assert!(same_serial(&record.certificate_serial, &new.serial_hex()));
    assert_eq!(
        record.certificate_expires_at,
        new.cert.not_after_unix() as i64
    );
    assert!(record.active);

    // The next login with the new card is an ordinary one.
    let (_, outcome) = rig.logged_in(&new).await;
    assert_eq!(outcome.my_key_id.as_deref(), Some(id.as_str()));
    assert!(!outcome.card_reissued);

    // The old card, still in a drawer, never moves the record back.
    let (_, outcome) = rig.logged_in(&old).await;
    assert!(!outcome.card_reissued);
    let record = rig.record_of(&new).unwrap();
    assert!(same_serial(&record.certificate_serial, &new.serial_hex()));
}

// ---- the support-spot incident ----------------------------------------------

#[tokio::test]
async fn the_incident_b_is_never_attached_to_a_s_details() {
    let rig = Rig::new().await;
    let (a, b) = (card_a(), card_b());
    // B already has a My Key ID of their own (a registered resident).
    let b_id = rig.with_my_key_id(&b).await.my_key_id().unwrap().to_owned();

    // A logs in, picks a service, types the payment details, sees the review, walks away.
    let (mut device, _) = rig.at_review(&a).await;
    let a_id = device.my_key_id().unwrap().to_owned();
    assert_ne!(a_id, b_id);
    let held = device.held_data();
    assert!(held.card && held.platform_session && held.service && held.payment);

    // B steps up to the same device and goes on: confirms, types B's PIN, taps B's card.
    device.confirm_review().unwrap();
    device.enter_pin(PIN).unwrap();
    let tb = b.tap();
    let e = device
        .sign_and_submit(tb.clone(), LastTry::Refuse)
        .await
        .unwrap_err();
    assert_eq!(e, ResidentError::CardChanged);
    assert_eq!(e.code(), "card_changed");
    assert!(e.ends_session());
    assert_eq!(
        device.step(),
        Step::Ended {
            reason: EndReason::CardChanged
        }
    );
    assert_eq!(tb.verifies_reached_card(), 0, "B's card never signed");
    assert_eq!(b.tries_left(), 3);
    assert_wiped(&device);

    // Nothing more from that session, whatever is tapped.
    for card in [&a, &b] {
        let t = card.tap();
        assert_eq!(
            device.sign_and_submit(t.clone(), LastTry::Refuse).await,
            Err(ResidentError::SessionEnded {
                reason: EndReason::CardChanged
            })
        );
        assert_eq!(t.exchanges(), 0);
    }
    assert!(matches!(
        device.retry_submission().await,
        Err(ResidentError::SessionEnded { .. })
    ));
    assert!(matches!(
        device.enter_payment(aeon_payment()).await,
        Err(ResidentError::SessionEnded { .. })
    ));

    // The platform holds no application for A or for B.
    assert!(rig.application_of(&a).is_none());
    assert!(rig.application_of(&b).is_none());
    // Fresh sessions agree: each is at the service choice with their own id.
    let (sa, outcome) = rig.logged_in(&a).await;
    assert_eq!(outcome.my_key_id.as_deref(), Some(a_id.as_str()));
    assert_eq!(outcome.application, None);
    assert_eq!(sa.step(), Step::ChooseCategories);
    assert_eq!(sa.review(), None);
    let (mut sb, outcome) = rig.logged_in(&b).await;
    assert_eq!(outcome.my_key_id.as_deref(), Some(b_id.as_str()));
    assert_eq!(outcome.application, None);
    assert_eq!(sb.service(), None);
    assert_eq!(
        sb.application_status().await,
        Err(ResidentError::NotApplied)
    );
}

#[tokio::test]
async fn the_incident_at_the_payment_screen_b_s_tap_ends_it_too() {
    // A stops at the payment screen; B (no My Key ID yet) takes over and taps
    // where the flow next touches a card.
    let rig = Rig::new().await;
    let (a, b) = (card_a(), card_b());
    let mut device = rig.with_my_key_id(&a).await;
    let service = device.choose_service(PAYPAY).await.unwrap();
    device.accept_terms(&service.terms_version).unwrap();
    device.enter_payment(paypay_payment()).await.unwrap();
    device.confirm_review().unwrap();
    let tb = b.tap();
    assert_eq!(
        device.pin_status(tb.clone()).await.unwrap_err(),
        ResidentError::CardChanged
    );
    assert_eq!(tb.verifies_reached_card(), 0);
    assert_wiped(&device);
    assert!(rig.application_of(&a).is_none());
    assert_eq!(rig.person_id(&b), None, "B is unknown to the platform");
    let (_, outcome) = rig.logged_in(&b).await;
    assert_eq!(outcome.my_key_id, None);
}

// ---- a lost answer ----------------------------------------------------------

#[tokio::test]
async fn a_submission_whose_answer_was_lost_is_repeated_and_makes_one_application() {
    let rig = Rig::new().await;
    let proxy = DroppingProxy::start(rig.platform.local_addr()).await;
    // A client that never repeats on its own: the session's SubmitPending shows.
    let api = InProcessPlatform::client(
        &proxy.base_url,
        HttpConfig {
            retry: RetryPolicy::NONE,
            ..HttpConfig::default()
        },
    );
    let a = card_a();
    let mut s = ResidentSession::new(api);
    s.read_card(a.t()).await.unwrap();
    s.enter_pin(PIN).unwrap();
    s.log_in(a.t(), LastTry::Refuse).await.unwrap();
    let c = s.next_candidate().await.unwrap();
    s.choose_candidate(&c.candidate).unwrap();
    s.issue_my_key_id(registration()).await.unwrap();
    let service = s.choose_service(AEON).await.unwrap();
    s.accept_terms(&service.terms_version).unwrap();
    s.enter_payment(aeon_payment()).await.unwrap();

    proxy.drop_next_submission_answer();
    s.confirm_review().unwrap();
    s.enter_pin(PIN).unwrap();
    let t = a.tap();
    let e = s
        .sign_and_submit(t.clone(), LastTry::Refuse)
        .await
        .unwrap_err();
    assert_eq!(e, ResidentError::Network, "{e:?}");
    assert_eq!(proxy.dropped(), 1);
    assert_eq!(s.step(), Step::SubmitPending);
    assert!(s.held_data().signature);
    let made = rig.application_of(&a).expect("the platform did make it");

    let app = s.retry_submission().await.unwrap();
    assert_eq!(s.step(), Step::Done);
    assert_eq!(app.application_id, made.application_id, "the same one");
    assert_eq!(proxy.submissions(), 2);
    assert_eq!(t.verifies_reached_card(), 1, "no second PIN for a repeat");
    let count = rig.platform.with_store(|st| {
        st.dump()
            .unwrap()
            .split("[applications]\n")
            .nth(1)
            .unwrap()
            .split("\n[")
            .next()
            .unwrap()
            .lines()
            .count()
    });
    assert_eq!(count, 1, "exactly one application");
    assert_eq!(rig.application_of(&a).unwrap(), made);
    assert_eq!(s.application_status().await.unwrap(), app);
}

#[tokio::test]
async fn the_client_repeats_a_lost_submission_by_itself_with_the_same_key() {
    let rig = Rig::new().await;
    let proxy = DroppingProxy::start(rig.platform.local_addr()).await;
    let api = InProcessPlatform::client(
        &proxy.base_url,
        HttpConfig {
            retry: RetryPolicy {
                max_attempts: 3,
                initial_backoff: std::time::Duration::from_millis(10),
                max_backoff: std::time::Duration::from_millis(10),
            },
            ..HttpConfig::default()
        },
    );
    let a = card_a();
    let mut s = ResidentSession::new(api);
    s.read_card(a.t()).await.unwrap();
    s.enter_pin(PIN).unwrap();
    s.log_in(a.t(), LastTry::Refuse).await.unwrap();
    assert!(s.check_own_choice("LOST0001").await.unwrap().available);
    s.issue_my_key_id(registration()).await.unwrap();
    let service = s.choose_service(AEON).await.unwrap();
    s.accept_terms(&service.terms_version).unwrap();
    s.enter_payment(aeon_payment()).await.unwrap();

    proxy.drop_next_submission_answer();
    let app = submit(&mut s, &a).await.unwrap();
    assert_eq!(proxy.dropped(), 1);
    assert_eq!(proxy.submissions(), 2, "one repeat");
    assert_eq!(s.step(), Step::Done);
    let made = rig.application_of(&a).unwrap();
    assert_eq!(made.application_id, app.application_id);
    let now = rig.clock.now();
    assert!(made.submitted_at <= now);
}
