//! Continuous reading: every verdict, each recorded durably before it is
//! shown; nothing of one participant in the next verdict; the store keeps
//! taps and rosters across a restart, encrypted where they are personal.

use std::sync::Arc;

use mynapoint_core::failure::FailureCode;
use mynapoint_core::field::{FieldStep, VerdictKind};
use mynapoint_testkit::cards::{card, card_a, card_b, card_c};
use mynapoint_testkit::fake::field::{CLOSED_PROJECT_ID, POINTS, PROJECT_ID};
use mynapoint_testkit::field_cards::RefusesSelect;
use mynapoint_testkit::taps::{dyn_transport, phone_tap};

use crate::rig::Rig;

/// A with a My Key ID on the roster, B with one but not on it, C known
/// without a My Key ID.
fn people(rig: &Rig) {
    rig.fake.add_person(&card_a(), Some("KEYA"));
    rig.fake.add_person(&card_b(), Some("KEYB"));
    rig.fake.add_person(&card_c(), None);
    rig.fake.add_to_roster(PROJECT_ID, "KEYA");
}

#[tokio::test]
async fn every_offline_verdict_and_only_readable_cards_are_recorded() {
    let rig = Rig::new();
    people(&rig);
    rig.tapping().await;
    let s = &rig.session;

    let on = s.tap(card_a().t()).await.unwrap();
    assert_eq!(on.kind, VerdictKind::OnRoster);
    assert_eq!(on.points, Some(POINTS));
    let not_on = s.tap(card_b().t()).await.unwrap();
    assert_eq!(not_on.kind, VerdictKind::NotOnRoster);
    assert_eq!(not_on.points, None);
    let again = s.tap(card_a().t()).await.unwrap();
    assert_eq!(again.kind, VerdictKind::Duplicate);
    let expired = card(3, 0x0E0E_0E0E, "EXPIRED0000000000000000E")
        .expired()
        .build();
    assert_eq!(
        s.tap(expired.t()).await.unwrap().kind,
        VerdictKind::CertificateExpired
    );

    let other = s.tap(Arc::new(RefusesSelect)).await.unwrap();
    assert_eq!(other.kind, VerdictKind::NotMyNumberCard);
    assert_eq!(
        other.failure.as_ref().map(|f| f.code),
        Some(FailureCode::NotMyNumberCard)
    );
    let lost = phone_tap(&card_b());
    lost.lose_tag_before(2); // the first READ BINARY
    let unreadable = s.tap(dyn_transport(&lost)).await.unwrap();
    assert_eq!(unreadable.kind, VerdictKind::CardUnreadable);
    assert_eq!(
        unreadable.failure.as_ref().map(|f| f.code),
        Some(FailureCode::CardRemoved)
    );
    assert_eq!(unreadable.tap_id, None);

    let results = s.results(Some(PROJECT_ID)).await.unwrap();
    let kinds: Vec<_> = results.iter().map(|r| r.offline_verdict).collect();
    use mynapoint_contract::grant::OfflineVerdict as V;
    assert_eq!(
        kinds,
        [
            V::OnRoster,
            V::NotOnRoster,
            V::Duplicate,
            V::CertificateExpired
        ]
    );
    assert_eq!(
        results[0].tap_id.as_str(),
        on.tap_id.as_deref().unwrap(),
        "the verdict's tap is the stored one"
    );
    assert_eq!(s.pending_taps().await.unwrap(), 4);
    assert_eq!(s.step().await, FieldStep::Tapping);
}

#[tokio::test]
async fn a_tap_uses_at_most_four_short_apdus() {
    let rig = Rig::new();
    people(&rig);
    rig.tapping().await;
    let t = phone_tap(&card_a());
    rig.session.tap(dyn_transport(&t)).await.unwrap();
    assert!(t.exchanges() <= 4, "{} APDUs", t.exchanges());
}

#[tokio::test]
async fn nothing_of_the_previous_participant_is_in_the_next_verdict() {
    let rig = Rig::new();
    people(&rig);
    rig.tapping().await;
    let s = &rig.session;
    let a = s.tap(card_a().t()).await.unwrap();
    assert_eq!(a.kind, VerdictKind::OnRoster);
    assert!(!s.held().await.card, "no card held between taps");

    let lost = phone_tap(&card_b());
    lost.lose_tag_before(0);
    let next = s.tap(dyn_transport(&lost)).await.unwrap();
    assert_eq!(next.kind, VerdictKind::CardUnreadable);
    assert_eq!((next.tap_id, next.points), (None, None));

    let b = s.tap(card_b().t()).await.unwrap();
    assert_eq!(b.kind, VerdictKind::NotOnRoster);
    assert_eq!(b.points, None, "not A's points");
    assert_ne!(b.tap_id, a.tap_id);
    assert!(!s.held().await.card);
}

#[tokio::test]
async fn tapping_needs_an_open_synced_project_and_its_points_confirmed() {
    let rig = Rig::new();
    people(&rig);
    let s = &rig.session;
    s.login(
        mynapoint_testkit::fake::field::TERMINAL_ID,
        mynapoint_testkit::fake::field::TERMINAL_PASSWORD,
    )
    .await
    .unwrap();
    let code = |e: mynapoint_core::field::FieldError| e.failure().code;
    assert_eq!(
        code(s.choose_project(PROJECT_ID).await.unwrap_err()),
        FailureCode::RosterNotSynced
    );
    assert_eq!(
        code(s.choose_project(CLOSED_PROJECT_ID).await.unwrap_err()),
        FailureCode::ProjectClosed
    );
    s.sync_roster(PROJECT_ID).await.unwrap();
    s.choose_project(PROJECT_ID).await.unwrap();
    assert_eq!(
        code(s.tap(card_a().t()).await.unwrap_err()),
        FailureCode::WrongStep
    );
    assert_eq!(
        code(s.confirm_points(POINTS + 1).await.unwrap_err()),
        FailureCode::PointsNotConfirmed
    );
    assert_eq!(s.step().await, FieldStep::Idle);
    s.confirm_points(POINTS).await.unwrap();
    s.tap(card_a().t()).await.unwrap();
    s.stop().await.unwrap();
    assert_eq!(
        code(s.tap(card_b().t()).await.unwrap_err()),
        FailureCode::WrongStep
    );
    assert_eq!(s.results(None).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_restart_keeps_taps_and_roster_and_tapping_needs_no_login() {
    let mut rig = Rig::new();
    people(&rig);
    rig.tapping().await;
    rig.session.tap(card_a().t()).await.unwrap();
    rig.session.tap(card_b().t()).await.unwrap();

    rig.restart();
    let s = &rig.session;
    assert!(!s.held().await.logged_in);
    assert_eq!(s.results(None).await.unwrap().len(), 2);
    // Offline: the stored roster and taps decide.
    s.choose_project(PROJECT_ID).await.unwrap();
    s.confirm_points(POINTS).await.unwrap();
    assert_eq!(
        s.tap(card_a().t()).await.unwrap().kind,
        VerdictKind::Duplicate
    );
    assert_eq!(
        s.tap(card_c().t()).await.unwrap().kind,
        VerdictKind::NotOnRoster
    );
    assert_eq!(s.pending_taps().await.unwrap(), 4);
}

#[tokio::test]
async fn the_store_file_holds_no_certificate_text() {
    let rig = Rig::new();
    people(&rig);
    rig.tapping().await;
    for c in [card_a(), card_b(), card_c()] {
        rig.session.tap(c.t()).await.unwrap();
    }
    let (issuer, cn) = card_a().person();
    let org = issuer
        .split(',')
        .find_map(|rdn| rdn.trim().strip_prefix("O="))
        .unwrap_or(&issuer)
        .to_owned();
    let mut raw = Vec::new();
    for name in ["device.sqlite", "device.sqlite-wal"] {
        if let Ok(bytes) = std::fs::read(rig.dir.path().join(name)) {
            raw.extend(bytes);
        }
    }
    assert!(raw.len() > 4096, "the store was written");
    let contains = |needle: &str| raw.windows(needle.len()).any(|w| w == needle.as_bytes());
    for (_, cn) in [card_a().person(), card_b().person(), card_c().person()] {
        assert!(!contains(&cn), "{cn} in the file");
    }
    assert!(!contains(&cn));
    assert!(!contains(&issuer), "the issuer in the file");
    assert!(!contains(&org), "{org} in the file");
    // The check sees plain text when there is some: the project name is stored plain.
    assert!(contains("健康推進課"));
}

#[tokio::test]
async fn an_idle_staff_session_ends_wiped_and_a_new_project_choice_starts_again() {
    let rig = Rig::new();
    people(&rig);
    rig.tapping().await;
    rig.clock.advance(crate::rig::IDLE);
    let e = rig.session.tap(card_a().t()).await.unwrap_err();
    assert_eq!(e.failure().code, FailureCode::IdleTimeout);
    let held = rig.session.held().await;
    assert!(!held.logged_in && !held.project_chosen);
    assert_eq!(
        rig.session.upload().await.unwrap_err().failure().code,
        FailureCode::IdleTimeout,
        "ended for idleness"
    );
    // Offline work goes on after a deliberate choice and confirmation.
    rig.session.choose_project(PROJECT_ID).await.unwrap();
    rig.session.confirm_points(POINTS).await.unwrap();
    assert_eq!(
        rig.session.tap(card_a().t()).await.unwrap().kind,
        VerdictKind::OnRoster
    );
    assert!(!rig.session.held().await.logged_in);
}
