//! The flow end to end: auto-generated My Key ID (the 3rd candidate final),
//! own choice with fallback, recovery, review and submission.

use mynapoint_core::pin::LastTry;
use mynapoint_core::platform::{ApplicationStatus, Category, IssueMode, ServiceKind};
use mynapoint_core::resident::*;

use crate::rig::*;
use mynapoint_testkit::cases::{application, my_key_id};
use mynapoint_testkit::fake::Endpoint;

#[tokio::test]
async fn happy_path_with_auto_generation_the_third_candidate_is_final() {
    let rig = Rig::new();
    rig.target
        .script_candidates(&["CAND0001", "CAND0002", "CAND0003"]);
    let card = card_a();
    let mut s = rig.session();
    assert_eq!(s.step(), Step::ReadCard);

    let t1 = phone_tap(&card);
    let summary = s.read_card(dyn_transport(&t1)).await.unwrap();
    assert_eq!(summary.serial, "01234567");
    assert_eq!(s.card_serial().as_deref(), Some("01234567"));
    assert_eq!(
        t1.verifies_reached_card(),
        0,
        "the card is read without a PIN"
    );
    assert_eq!(
        s.step(),
        Step::EnterPin {
            purpose: PinPurpose::Login
        }
    );

    s.enter_pin(PIN).unwrap();
    let t2 = phone_tap(&card);
    let outcome = s.log_in(dyn_transport(&t2), LastTry::Refuse).await.unwrap();
    assert_eq!(t2.verifies_reached_card(), 1);
    assert_eq!(outcome.my_key_id, None);
    assert_eq!(
        s.step(),
        Step::ChooseMyKeyId {
            own_choice_allowed: true
        }
    );

    for (n, id) in ["CAND0001", "CAND0002"].iter().enumerate() {
        let c = s.next_candidate().await.unwrap();
        assert_eq!(
            (c.candidate.as_str(), c.attempt, c.is_final),
            (*id, n as u8 + 1, false)
        );
        assert!(matches!(s.step(), Step::ChooseMyKeyId { .. }));
    }
    let last = s.next_candidate().await.unwrap();
    assert!(last.is_final);
    assert_eq!(last.attempt, 3);
    assert_eq!(s.step(), Step::EnterRegistration, "the 3rd is registered");
    assert_eq!(s.chosen_my_key_id(), Some("CAND0003"));
    assert_eq!(s.candidates(), ["CAND0001", "CAND0002", "CAND0003"]);
    assert!(matches!(
        s.next_candidate().await,
        Err(ResidentError::WrongStep { .. })
    ));
    assert!(s.change_my_key_id_choice().is_err(), "the final one stays");
    assert_eq!(rig.count(Endpoint::Candidate), 3);

    let record = s.issue_my_key_id(registration()).await.unwrap();
    assert_eq!(record.my_key_id, "CAND0003");
    assert_eq!(record.certificate_serial, "01234567");
    assert_eq!(record.base_municipality, "131016");
    assert_eq!(s.my_key_id(), Some("CAND0003"));
    // The categories first: only (1) is open (no health insurance card, no
    // public-fund account), chosen by default.
    assert_eq!(s.step(), Step::ChooseCategories);
    assert_eq!(s.chosen_categories(), [Category::CardAcquisition]);
    assert_eq!(
        s.choose_categories(&[Category::HealthInsurance]).await,
        Err(ResidentError::CategoryNotAvailable {
            category: Some(Category::HealthInsurance),
            requirement: Some(mynapoint_core::platform::Requirement::HealthInsuranceRegistration),
        })
    );
    assert_eq!(
        s.choose_categories(&[]).await,
        Err(ResidentError::NoCategoryChosen)
    );
    assert_eq!(
        s.choose_categories(&[Category::CardAcquisition]).await,
        Ok(None)
    );
    assert_eq!(s.step(), Step::ChooseService);

    let found = s.search_services("waon").await.unwrap();
    assert_eq!(found.len(), 1);
    // The walk shared with the real platform's test.
    let (review, app) = application::aeon_application(&mut s, &card).await;
    assert_eq!(
        review,
        Review {
            service_id: AEON.into(),
            service_name: "イオンカード（電子マネーWAON一体型）".into(),
            service_fixed_by: None,
            service_kind: Some(ServiceKind::EMoney),
            terms_version: "2022-06".into(),
            payment_id_label: "決済サービスID".into(),
            payment_id: "1234567890123456".to_owned().into(),
            payment_id_masked: Some("************3456".into()),
            phone_last4: Some("5678".into()),
            security_codes_entered: 1,
            for_child: None,
            categories: vec![CategoryLine {
                category: Category::CardAcquisition,
                amount_yen: 5000,
            }],
            total_yen: 5000,
        }
    );
    let shown = format!("{review:?}");
    assert!(!shown.contains("0987") && !shown.contains("123456789012"));
    assert_eq!(app.status, ApplicationStatus::Submitted);
    assert_eq!(app.payment_id_masked.as_deref(), Some("************3456"));

    let apps = rig.applications();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].0.as_deref(), Some("CAND0003"));
    assert_eq!(s.application_status().await.unwrap(), app);
    assert_eq!(tries_left(&card), 3);
}

#[tokio::test]
async fn own_choice_falls_back_to_auto_after_three_taken() {
    let rig = Rig::new();
    rig.take(&my_key_id::TAKEN);
    let (mut s, _) = rig.logged_in(&card_a()).await;
    // The walk shared with the real platform's test.
    my_key_id::own_choice_falls_back_after_three_taken(&rig, &mut s).await;
    assert_eq!(rig.count(Endpoint::Check), 3, "the 4th was not sent");
}

#[tokio::test]
async fn an_available_own_choice_is_issued_as_own() {
    let rig = Rig::new();
    let (mut s, _) = rig.logged_in(&card_a()).await;
    let r = s.check_own_choice("MINE2024").await.unwrap();
    assert!(r.available);
    assert_eq!(s.step(), Step::EnterRegistration);
    assert_eq!(s.chosen_my_key_id(), Some("MINE2024"));
    // Back to the choice and forward again is allowed before the final candidate.
    s.change_my_key_id_choice().unwrap();
    assert_eq!(s.chosen_my_key_id(), None);
    s.check_own_choice("MINE2024").await.unwrap();
    let record = s.issue_my_key_id(registration()).await.unwrap();
    assert_eq!(record.my_key_id, "MINE2024");
    assert_eq!(rig.records().len(), 1);
    let _ = IssueMode::Own;
}

#[tokio::test]
async fn the_existing_my_key_id_is_recovered_at_login() {
    let rig = Rig::new();
    let card = card_a();
    let mut first = rig.with_my_key_id(&card).await;
    let id = first.my_key_id().unwrap().to_owned();
    first.abort();

    let (second, outcome) = rig.logged_in(&card).await;
    assert_eq!(outcome.my_key_id.as_deref(), Some(id.as_str()));
    assert!(!outcome.card_reissued);
    assert_eq!(outcome.application, None);
    assert_eq!(second.my_key_id(), Some(id.as_str()));
    assert_eq!(second.step(), Step::ChooseCategories);
    assert_eq!(
        rig.count(Endpoint::Candidate),
        1,
        "only the first session asked"
    );
    assert_eq!(rig.count(Endpoint::Issue), 1);
}

#[tokio::test]
async fn a_resident_who_applied_is_shown_the_status() {
    let rig = Rig::new();
    let card = card_a();
    let (mut s, _) = rig.at_review(&card).await;
    s.confirm_review().unwrap();
    s.enter_pin(PIN).unwrap();
    let app = s
        .sign_and_submit(dyn_transport(&phone_tap(&card)), LastTry::Refuse)
        .await
        .unwrap();

    let (again, outcome) = rig.logged_in(&card).await;
    assert_eq!(outcome.application, Some(app.clone()));
    assert_eq!(again.step(), Step::Done);
    assert_eq!(again.application(), Some(&app));
}

#[tokio::test]
async fn a_second_application_is_refused_and_the_first_is_shown() {
    let rig = Rig::new();
    let card = card_a();
    let (mut first, _) = rig.at_review(&card).await;
    let (mut second, _) = rig.at_review(&card).await;
    second.confirm_review().unwrap();
    second.enter_pin(PIN).unwrap();
    let app = second
        .sign_and_submit(dyn_transport(&phone_tap(&card)), LastTry::Refuse)
        .await
        .unwrap();

    first.confirm_review().unwrap();
    first.enter_pin(PIN).unwrap();
    let err = first
        .sign_and_submit(dyn_transport(&phone_tap(&card)), LastTry::Refuse)
        .await
        .unwrap_err();
    assert_eq!(err, ResidentError::AlreadyApplied);
    assert_eq!(err.code(), "already_applied");
    assert_eq!(first.step(), Step::Done);
    assert_eq!(first.application(), Some(&app));
    assert_eq!(rig.applications().len(), 1);
}

#[test]
fn session_futures_are_send() {
    fn send<T: Send>(_: T) {}
    let rig = Rig::new();
    let mut s = rig.session();
    send(s.read_card(dyn_transport(&phone_tap(&card_a()))));
    let mut s2 = rig.session();
    send(s2.log_in(dyn_transport(&phone_tap(&card_a())), LastTry::Refuse));
    let mut s3 = rig.session();
    send(s3.sign_and_submit(dyn_transport(&phone_tap(&card_a())), LastTry::Refuse));
    let mut s4 = rig.session();
    send(s4.enter_payment(aeon_payment()));
    let _ = &mut s;
}

#[tokio::test]
async fn an_eligibility_lost_at_login_is_asked_again_at_the_choice() {
    let rig = Rig::new();
    let card = card_a();
    drop(rig.with_my_key_id(&card).await);
    rig.fail(
        Endpoint::Eligibility,
        mynapoint_testkit::fake::Fault::LostBefore,
    );
    let (mut s, outcome) = rig.logged_in(&card).await;
    assert_eq!(outcome.eligibility, None, "the platform did not say");
    assert_eq!(s.step(), Step::ChooseCategories);
    assert!(s.chosen_categories().is_empty());
    // The choice asks again before anything is decided.
    assert_eq!(
        s.choose_categories(&[Category::HealthInsurance]).await,
        Err(ResidentError::CategoryNotAvailable {
            category: Some(Category::HealthInsurance),
            requirement: Some(mynapoint_core::platform::Requirement::HealthInsuranceRegistration),
        })
    );
    assert!(s.eligibility().is_some());
    assert_eq!(
        s.choose_categories(&[Category::CardAcquisition]).await,
        Ok(None)
    );
    assert_eq!(s.step(), Step::ChooseService);
    assert_eq!(
        rig.count(Endpoint::Eligibility),
        3,
        "login twice, then the choice"
    );
}
