//! Upload: signed batches, outcomes stored, a cut upload resumed with the
//! same batch (granted once); the not-on-roster list and add-registration.

use mynapoint_contract::grant::{AddRegistrationRequest, ParticipantSource, TapResult};
use mynapoint_core::failure::FailureCode;
use mynapoint_testkit::cards::{card_a, card_b, card_c};
use mynapoint_testkit::fake::field::{MUNICIPALITY_CODE, PROJECT_ID};
use mynapoint_testkit::fake::Fault;
use mynapoint_testkit::secrets::CODE_B;

use crate::rig::Rig;

fn people(rig: &Rig) {
    rig.fake.add_person(&card_a(), Some("KEYA"));
    rig.fake.add_person(&card_b(), Some("KEYB"));
    rig.fake.add_person(&card_c(), None);
    rig.fake.add_to_roster(PROJECT_ID, "KEYA");
}

#[tokio::test]
async fn an_upload_cut_after_processing_is_resent_as_the_same_batch_and_grants_once() {
    let rig = Rig::new();
    people(&rig);
    rig.tapping().await;
    let s = &rig.session;
    for c in [card_a(), card_b(), card_c(), card_a()] {
        s.tap(c.t()).await.unwrap();
    }
    rig.fake.plan_upload_fault(Fault::LostAfter);
    let e = s.upload().await.unwrap_err();
    assert_eq!(e.failure().code, FailureCode::Network);
    assert_eq!(s.pending_taps().await.unwrap(), 4, "no outcome kept");

    let summary = s.upload().await.unwrap();
    let seen = rig.fake.batches_seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0], seen[1], "the same batch was sent again");
    assert_eq!(summary.batches, 1);
    assert_eq!(rig.fake.grants(PROJECT_ID, "KEYA"), 1);
    assert_eq!(
        summary.granted, 0,
        "granted by the lost answer's processing"
    );
    assert_eq!(summary.already_granted, 2);
    assert_eq!((summary.not_on_roster, summary.no_my_key_id), (1, 1));
    assert_eq!(s.pending_taps().await.unwrap(), 0);

    // Nothing left: another upload sends nothing.
    assert_eq!(s.upload().await.unwrap().batches, 0);
    assert_eq!(rig.fake.batches_seen().len(), 2);
    let results = s.results(None).await.unwrap();
    assert!(results.iter().all(|r| r.outcome.is_some()));
}

#[tokio::test]
async fn an_upload_lost_before_it_arrived_is_resumed() {
    let rig = Rig::new();
    people(&rig);
    rig.tapping().await;
    rig.session.tap(card_a().t()).await.unwrap();
    rig.fake.plan_upload_fault(Fault::LostBefore);
    rig.session.upload().await.unwrap_err();
    let summary = rig.session.upload().await.unwrap();
    assert_eq!(summary.granted, 1);
    assert_eq!(rig.fake.grants(PROJECT_ID, "KEYA"), 1);
}

#[tokio::test]
async fn a_not_on_roster_participant_is_added_and_their_tap_granted() {
    let rig = Rig::new();
    people(&rig);
    rig.tapping().await;
    let s = &rig.session;
    let b_tap = s.tap(card_b().t()).await.unwrap().tap_id.unwrap();
    s.tap(card_c().t()).await.unwrap();
    s.stop().await.unwrap();
    s.upload().await.unwrap();

    let list = s.not_on_roster(PROJECT_ID).await.unwrap();
    let waiting: Vec<_> = list.entries.iter().map(|e| e.my_key_id.clone()).collect();
    assert_eq!(waiting, [None, Some("KEYB".to_owned())]);

    // The office data read from B's card face with 照合番号B.
    let face = s.read_card_face(card_b().t(), CODE_B).await.unwrap();
    assert_eq!(face.name, mynapoint_testkit::secrets::NAME);
    assert_eq!(face.birth_date, "1989-04-01");
    let request = AddRegistrationRequest {
        my_key_id: "KEYB".into(),
        source: ParticipantSource::CardFace,
        participant: Some(face.participant("KEYB", MUNICIPALITY_CODE)),
    };
    let answer = s.add_registration(PROJECT_ID, &request).await.unwrap();
    assert_eq!(answer.outcomes.len(), 1);
    assert_eq!(answer.outcomes[0].result, TapResult::Granted);
    assert_eq!(rig.fake.grants(PROJECT_ID, "KEYB"), 1);
    let stored = s.results(None).await.unwrap();
    let b = stored.iter().find(|r| r.tap_id.as_str() == b_tap).unwrap();
    assert_eq!(b.outcome.as_ref().unwrap().result, TapResult::Granted);

    let again = s.add_registration(PROJECT_ID, &request).await.unwrap_err();
    assert_eq!(again.failure().code, FailureCode::AlreadyOnRoster);
    let master = AddRegistrationRequest {
        my_key_id: "NOBODY".into(),
        source: ParticipantSource::Master,
        participant: None,
    };
    let e = s.add_registration(PROJECT_ID, &master).await.unwrap_err();
    assert_eq!(e.failure().code, FailureCode::ParticipantNotInMaster);
}

#[tokio::test]
async fn a_wrong_code_b_is_refused_with_the_tries_left() {
    let rig = Rig::new();
    rig.tapping().await;
    let card = card_b();
    let e = rig
        .session
        .read_card_face(card.t(), "99999999999999")
        .await
        .unwrap_err();
    let f = e.failure();
    assert_eq!(f.code, FailureCode::WrongPin);
    assert!(f.tries_left.is_some());
    let e = rig
        .session
        .read_card_face(card.t(), "123")
        .await
        .unwrap_err();
    assert_eq!(e.failure().code, FailureCode::PinFormat);
}

#[tokio::test]
async fn taps_go_up_in_batches_of_at_most_1000() {
    use mynapoint_testkit::field_cards::InstantCard;
    use std::sync::Arc;
    let rig = Rig::new();
    people(&rig);
    rig.tapping().await;
    let certs = [card_a().cert_der().to_vec(), card_b().cert_der().to_vec()];
    for i in 0..1001 {
        let card = Arc::new(InstantCard::new(&certs[i % 2]));
        rig.session.tap(card).await.unwrap();
    }
    let summary = rig.session.upload().await.unwrap();
    assert_eq!(rig.fake.batch_sizes(), [1000, 1]);
    assert_eq!(summary.batches, 2);
    assert_eq!(summary.granted, 1);
    assert_eq!(rig.fake.grants(PROJECT_ID, "KEYA"), 1);
}
