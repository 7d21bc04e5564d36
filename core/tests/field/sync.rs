//! Roster sync: everything the first time, then only the changes since the
//! version held; repeatable; removals apply.

use mynapoint_testkit::cards::{card_a, card_b};
use mynapoint_testkit::fake::field::{PROJECT_ID, TERMINAL_ID, TERMINAL_PASSWORD};

use crate::rig::Rig;

#[tokio::test]
async fn the_roster_syncs_whole_then_by_changes_and_again_without_changes() {
    let rig = Rig::new();
    let (a, b) = (card_a(), card_b());
    rig.fake.add_person(&a, Some("KEYA"));
    rig.fake.add_person(&b, Some("KEYB"));
    rig.fake.add_to_roster(PROJECT_ID, "KEYA");
    rig.session
        .login(TERMINAL_ID, TERMINAL_PASSWORD)
        .await
        .unwrap();

    let first = rig.session.sync_roster(PROJECT_ID).await.unwrap();
    assert!(first.full);
    assert_eq!((first.version, first.participants), (1, 1));

    rig.fake.add_to_roster(PROJECT_ID, "KEYB");
    let second = rig.session.sync_roster(PROJECT_ID).await.unwrap();
    assert!(!second.full);
    assert_eq!(
        (second.version, second.changes, second.participants),
        (2, 1, 2)
    );

    let third = rig.session.sync_roster(PROJECT_ID).await.unwrap();
    assert_eq!(
        (third.version, third.changes, third.participants),
        (2, 0, 2)
    );

    rig.fake.remove_from_roster(PROJECT_ID, "KEYA");
    let fourth = rig.session.sync_roster(PROJECT_ID).await.unwrap();
    assert_eq!((fourth.version, fourth.participants), (3, 1));

    assert_eq!(rig.fake.roster_requests(), [0, 1, 2, 2]);
    let held = rig.session.projects().await.unwrap();
    assert_eq!(held[0].roster_version, 3);
}

#[tokio::test]
async fn a_project_not_on_the_terminal_list_is_refused() {
    let rig = Rig::new();
    rig.session
        .login(TERMINAL_ID, TERMINAL_PASSWORD)
        .await
        .unwrap();
    let e = rig.session.sync_roster("9999").await.unwrap_err();
    assert_eq!(
        e.failure().code,
        mynapoint_core::failure::FailureCode::ProjectUnknown
    );
    assert!(rig.fake.roster_requests().is_empty());
}
