//! The kit's own promises, on which the shared tables rely: a snapshot
//! shows what a step sent, and the double offers the server's catalogue.

use std::sync::Arc;

use mynapoint_core::platform::PlatformApi;
use mynapoint_testkit::cards::card_a;
use mynapoint_testkit::fake::FakePlatform;
use mynapoint_testkit::forms::registration;
use mynapoint_testkit::in_process::InProcessPlatform;
use mynapoint_testkit::resident::{ResidentRig, Target};

#[tokio::test]
async fn the_doubles_snapshot_shows_any_call() {
    let rig = ResidentRig::<Arc<FakePlatform>>::new();
    let before = rig.snapshot();
    rig.target.api().create_challenge().await.unwrap();
    assert_ne!(rig.snapshot(), before);
}

#[tokio::test]
async fn the_servers_snapshot_shows_a_new_my_key_id() {
    let rig = ResidentRig::<InProcessPlatform>::new().await;
    let (mut s, _) = rig.logged_in(&card_a()).await;
    let c = s.next_candidate().await.unwrap();
    s.choose_candidate(&c.candidate).unwrap();
    let before = rig.snapshot();
    s.issue_my_key_id(registration()).await.unwrap();
    assert_ne!(rig.snapshot(), before);
}

#[tokio::test]
async fn the_double_offers_the_servers_catalogue() {
    let server = InProcessPlatform::start().await;
    let double = FakePlatform::new();
    let served = server.api.search_services(None, "").await.unwrap();
    let doubled = double.search_services(None, "").await.unwrap();
    assert!(!served.is_empty());
    assert_eq!(doubled, served);
    for summary in &served {
        let id = &summary.service_id;
        assert_eq!(
            double.service(None, id).await.unwrap(),
            server.api.service(None, id).await.unwrap(),
            "{id}"
        );
    }
}
