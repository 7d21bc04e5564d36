//! Changing the My Key ID end to end: the core's `ResidentSession` over
//! `HttpPlatform` against the real platform, with cardsim cards. A change
//! needs a new card login (card + PIN); the old id is retired for good.

mod resident_rig;

use mynapoint_core::platform::MyKeyIdStatus;
use mynapoint_core::resident::*;
use resident_rig::*;

#[tokio::test]
async fn a_new_session_changes_the_id_by_own_choice_and_the_old_id_stays_retired() {
    let rig = Rig::new().await;
    let a = card_a();
    let mut issuing = rig.with_my_key_id(&a).await;
    let old = issuing.my_key_id().unwrap().to_owned();
    assert_eq!(
        issuing.start_my_key_id_change().unwrap_err(),
        ResidentError::FreshLoginRequired
    );

    // A new session: card + PIN again.
    let (mut s, outcome) = rig.logged_in(&a).await;
    assert_eq!(outcome.my_key_id.as_deref(), Some(old.as_str()));
    let back = s.step();
    s.start_my_key_id_change().unwrap();
    assert_eq!(
        s.check_own_choice(&old).await.unwrap_err(),
        ResidentError::MyKeyIdUnchanged
    );
    let r = s.check_own_choice("CHANGED1").await.unwrap();
    assert!(r.available);
    let before = rig.dump();
    let record = s.change_my_key_id().await.unwrap();
    assert_ne!(rig.dump(), before);
    assert_eq!(record.my_key_id, "CHANGED1");
    assert_eq!(record.status, MyKeyIdStatus::Active);
    assert!(record.changed_at.is_some());
    assert_eq!(s.my_key_id(), Some("CHANGED1"));
    assert_eq!(s.step(), back);

    // The platform has the new id (GET via a new login, and in the store).
    let (_, outcome) = rig.logged_in(&a).await;
    assert_eq!(outcome.my_key_id.as_deref(), Some("CHANGED1"));
    assert_eq!(rig.record_of(&a).unwrap().my_key_id, "CHANGED1");
    assert!(rig.taken(&old));

    // Another card cannot choose the old id.
    let b = card_b();
    let (mut sb, outcome) = rig.logged_in(&b).await;
    assert_eq!(outcome.my_key_id, None);
    let r = sb.check_own_choice(&old).await.unwrap();
    assert!(!r.available, "a retired id is never issued again");
    assert_eq!(sb.chosen_my_key_id(), None);
    let r = sb.check_own_choice("CHANGED1").await.unwrap();
    assert!(!r.available);
    assert!(rig.record_of(&b).is_none());
}
