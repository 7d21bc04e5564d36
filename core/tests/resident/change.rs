//! Changing the My Key ID in a later session (card + PIN again), by the
//! issuance rules.

use mynapoint_core::resident::*;

use crate::rig::*;
use mynapoint_testkit::fake::Endpoint;

#[tokio::test]
async fn a_change_by_own_choice_then_a_fresh_login_is_needed_again() {
    let rig = Rig::new();
    let card = card_a();
    let mut issuing = rig.with_my_key_id(&card).await;
    let first = issuing.my_key_id().unwrap().to_owned();
    // The issuing session cannot change it: a new card login is needed.
    assert_eq!(
        issuing.start_my_key_id_change().unwrap_err(),
        ResidentError::FreshLoginRequired
    );
    let mut s = rig.with_my_key_id(&card).await;
    assert_eq!(s.my_key_id(), Some(first.as_str()));
    let back = s.step();
    s.start_my_key_id_change().unwrap();
    assert!(s.changing_my_key_id());
    assert_eq!(
        s.step(),
        Step::ChooseMyKeyId {
            own_choice_allowed: true
        }
    );
    // The current id is refused here, nothing sent.
    let checks = rig.count(Endpoint::Check);
    assert_eq!(
        s.check_own_choice(&first).await.unwrap_err(),
        ResidentError::MyKeyIdUnchanged
    );
    assert_eq!(rig.count(Endpoint::Check), checks);
    rig.take(&["TAKEN001"]);
    let r = s.check_own_choice("TAKEN001").await.unwrap();
    assert!(!r.available);
    assert_eq!(s.chosen_my_key_id(), None);
    let r = s.check_own_choice("MYNEWID1").await.unwrap();
    assert!(r.available);
    assert_eq!(s.chosen_my_key_id(), Some("MYNEWID1"));
    assert!(matches!(s.step(), Step::ChooseMyKeyId { .. }));

    let record = s.change_my_key_id().await.unwrap();
    assert_eq!(record.my_key_id, "MYNEWID1");
    assert_eq!(s.my_key_id(), Some("MYNEWID1"));
    assert_eq!(s.step(), back);
    assert!(!s.changing_my_key_id());
    assert_eq!(
        s.start_my_key_id_change().unwrap_err(),
        ResidentError::FreshLoginRequired
    );
    assert_eq!(
        rig.target
            .records()
            .iter()
            .map(|r| r.my_key_id.clone())
            .collect::<Vec<_>>(),
        vec!["MYNEWID1".to_owned()]
    );
}

#[tokio::test]
async fn a_change_by_auto_generation_registers_the_third_candidate() {
    let rig = Rig::new();
    let card = card_a();
    rig.with_my_key_id(&card).await;
    let (mut s, outcome) = rig.logged_in(&card).await;
    assert!(outcome.my_key_id.is_some());
    rig.target
        .script_candidates(&["CAND0001", "CAND0002", "CAND0003"]);
    s.start_my_key_id_change().unwrap();
    s.next_candidate().await.unwrap();
    s.choose_candidate("CAND0001").unwrap();
    assert_eq!(s.chosen_my_key_id(), Some("CAND0001"));
    s.next_candidate().await.unwrap();
    let last = s.next_candidate().await.unwrap();
    assert!(last.is_final);
    assert_eq!(s.chosen_my_key_id(), Some("CAND0003"), "the 3rd is final");
    assert_eq!(
        s.choose_candidate("CAND0001").unwrap_err(),
        ResidentError::NoMoreCandidates
    );
    assert_eq!(
        s.check_own_choice("MYNEWID1").await.unwrap_err(),
        ResidentError::NoMoreCandidates
    );
    // Cancelled after the final candidate, then started again: the final
    // candidate is still the one to register (no dead end).
    s.cancel_my_key_id_change().unwrap();
    s.start_my_key_id_change().unwrap();
    assert_eq!(s.chosen_my_key_id(), Some("CAND0003"));
    let record = s.change_my_key_id().await.unwrap();
    assert_eq!(record.my_key_id, "CAND0003");
}

#[tokio::test]
async fn a_lost_answer_is_repeated_with_the_same_key_and_cancel_changes_nothing() {
    let rig = Rig::new();
    let card = card_a();
    rig.with_my_key_id(&card).await;
    let (mut s, _) = rig.logged_in(&card).await;
    let before = s.step();
    s.start_my_key_id_change().unwrap();
    s.cancel_my_key_id_change().unwrap();
    assert_eq!(s.step(), before);
    assert_eq!(rig.count(Endpoint::Change), 0);

    s.start_my_key_id_change().unwrap();
    s.check_own_choice("MYNEWID2").await.unwrap();
    rig.target
        .fail(Endpoint::Change, mynapoint_testkit::fake::Fault::LostAfter);
    assert!(s.change_my_key_id().await.is_err());
    let record = s.change_my_key_id().await.unwrap();
    assert_eq!(record.my_key_id, "MYNEWID2");
    let keys = rig.keys(Endpoint::Change);
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1], "one logical request, one key");
}
