//! Tap uploads: the device signature, each tap's outcome and refusal, and
//! idempotency (a tap or a batch sent again, a batch cut halfway and sent
//! whole, never grant twice).

mod common;

use common::field::*;
use common::*;
use mynapoint_contract::grant::OfflineVerdict;
use serde_json::json;

/// A field with `n` cards whose persons have My Key IDs and are on the roster.
async fn with_roster(n: usize) -> (Field, Vec<Card>, Vec<String>) {
    let f = Field::start().await;
    let cards: Vec<Card> = (0..n).map(|i| card(i % 4).build()).collect();
    let mut ids = Vec::new();
    for c in &cards {
        ids.push(f.issue(c).await);
    }
    let rows: Vec<(&str, Option<u32>)> = ids.iter().map(|id| (id.as_str(), None)).collect();
    f.admin.add_to_roster(PROJECT, &rows).await.unwrap();
    (f, cards, ids)
}

#[tokio::test]
async fn a_participant_on_the_roster_is_granted_once_and_a_resent_batch_grants_nothing() {
    let (f, cards, ids) = with_roster(2).await;
    let token = f.login().await;
    let second_tap = f.tap(&cards[0]);
    let batch = batch(vec![f.tap(&cards[0]), f.tap(&cards[1]), second_tap]);
    let first = f.upload(&token, &batch).await.expect(200);
    assert_eq!(first["batch_id"], batch.batch_id.as_str());
    assert_eq!(
        Field::results(&first),
        ["granted", "granted", "already_granted"]
    );
    assert_eq!(first["outcomes"][0]["my_key_id"], ids[0].as_str());
    assert_eq!(first["outcomes"][0]["points"], POINTS);
    assert_eq!(first["outcomes"][2]["points"], POINTS);
    let after_first = f.dump();
    // The same batch again: the same taps, nothing new.
    let again = f.upload(&token, &batch).await.expect(200);
    assert_eq!(
        Field::results(&again),
        ["already_granted", "already_granted", "already_granted"]
    );
    assert_eq!(f.dump(), after_first, "a re-sent batch changes nothing");
    let history = f.admin.grants(&ids[0]).await.unwrap();
    assert_eq!(history.grants.len(), 1);
    assert_eq!(
        history.grants[0].tap_id.as_deref(),
        Some(batch.taps[0].tap_id.as_str())
    );
}

#[tokio::test]
async fn a_batch_cut_halfway_and_sent_whole_grants_each_tap_exactly_once() {
    let (f, cards, ids) = with_roster(6).await;
    let token = f.login().await;
    let whole = batch(cards.iter().map(|c| f.tap(c)).collect());
    let mut half = whole.clone();
    half.taps.truncate(3);
    let first = f.upload(&token, &half).await.expect(200);
    assert_eq!(Field::results(&first), ["granted"; 3]);
    let all = f.upload(&token, &whole).await.expect(200);
    assert_eq!(
        Field::results(&all),
        [
            "already_granted",
            "already_granted",
            "already_granted",
            "granted",
            "granted",
            "granted"
        ]
    );
    for id in &ids {
        let history = f.admin.grants(id).await.unwrap();
        assert_eq!(history.grants.len(), 1, "{id}");
        assert_eq!(history.balances[0].points, POINTS as u64);
    }
}

#[tokio::test]
async fn a_missing_or_forged_signature_stores_nothing() {
    let (f, cards, _) = with_roster(1).await;
    let token = f.login().await;
    let b = batch(vec![f.tap(&cards[0])]);
    let body = serde_json::to_vec(&b).unwrap();
    let before = f.dump();
    let missing = f.upload_raw(&token, &body, None).await;
    missing.expect_error(400, "batch_signature_missing");
    assert_eq!(missing.field(), Some("Device-Signature"));
    // Signed by another device's key.
    let other = Device::new();
    f.upload_raw(&token, &body, Some(other.sign(&body)))
        .await
        .expect_error(401, "batch_signature_invalid");
    // The right key over other bytes (the body changed after signing).
    let mut changed = b.clone();
    changed.taps[0].tapped_at += 1;
    let changed_body = serde_json::to_vec(&changed).unwrap();
    f.upload_raw(&token, &changed_body, Some(f.device.sign(&body)))
        .await
        .expect_error(401, "batch_signature_invalid");
    f.upload_raw(&token, &body, Some("not base64!".into()))
        .await
        .expect_error(401, "batch_signature_invalid");
    assert_eq!(f.dump(), before, "nothing stored");
    // A bad shape, signed: refused with the tap's field, nothing stored.
    let mut bad = serde_json::to_value(&b).unwrap();
    bad["taps"][0]["tap_id"] = json!("not-a-uuid");
    let bad = serde_json::to_vec(&bad).unwrap();
    let reply = f.upload_raw(&token, &bad, Some(f.device.sign(&bad))).await;
    reply.expect_error(400, "batch_format");
    assert_eq!(reply.field(), Some("taps[0].tap_id"));
    let empty = serde_json::to_vec(&batch(vec![])).unwrap();
    f.upload_raw(&token, &empty, Some(f.device.sign(&empty)))
        .await
        .expect_error(400, "batch_format");
    assert_eq!(f.dump(), before, "nothing stored");
    // Without a terminal token.
    f.upload_raw("nope", &body, Some(f.device.sign(&body)))
        .await
        .expect_error(401, "unauthenticated");
}

#[tokio::test]
async fn taps_are_refused_for_their_reason() {
    let expired = card(1).expired().build();
    let revoked = card(2).build();
    let mut config = mynapoint_platform::Config::ephemeral();
    config.revoked_serials = vec![revoked.serial_hex()];
    let f = Field::start_with(config).await;
    let on_roster = card(0).build();
    let id = f.issue(&on_roster).await;
    f.admin
        .add_to_roster(PROJECT, &[(&id, None)])
        .await
        .unwrap();
    // Another municipality's project, and a closed one of ours.
    f.admin
        .add_municipality(&mynapoint_contract::grant::admin::NewMunicipality {
            code: OTHER_MUNICIPALITY.into(),
            name: "中央区".into(),
            point_name: "中央ポイント".into(),
            expiry_days: 30,
        })
        .await
        .unwrap();
    let project = |id: &str, m: &str| mynapoint_contract::grant::admin::NewProject {
        municipality_code: m.into(),
        project_id: id.into(),
        point_id: "13102001".into(),
        name: "清掃活動".into(),
        department: "環境課".into(),
        points_per_grant: 50,
        remarks: String::new(),
    };
    f.admin
        .add_project(&project("0002", OTHER_MUNICIPALITY))
        .await
        .unwrap();
    f.admin
        .add_project(&project("0003", MUNICIPALITY))
        .await
        .unwrap();
    f.admin.set_open("0003", false).await.unwrap();

    let now = f.h.clock_now() as u64;
    // A CA of another name (a tap carries the issuer's name, not the
    // certificate's signature).
    let other_ca = cardsim::TestCa::generate_with_organization("Not JPKI").unwrap();
    let foreign = card(3).ca(other_ca).build();
    let taps = vec![
        tap(&on_roster, "0002", now, OfflineVerdict::OnRoster),
        tap(&on_roster, "0003", now, OfflineVerdict::OnRoster),
        tap(&on_roster, "0009", now, OfflineVerdict::OnRoster),
        tap(&foreign, PROJECT, now, OfflineVerdict::NotOnRoster),
        tap(&expired, PROJECT, now, OfflineVerdict::CertificateExpired),
        tap(&revoked, PROJECT, now, OfflineVerdict::NotOnRoster),
        // Tapped before the certificate's validity began.
        tap(&on_roster, PROJECT, 1_000, OfflineVerdict::OnRoster),
    ];
    let token = f.login().await;
    let reply = f.upload(&token, &batch(taps.clone())).await.expect(200);
    assert_eq!(
        Field::results(&reply),
        [
            "refused:wrong_municipality",
            "refused:project_closed",
            "refused:unknown_project",
            "refused:unknown_card",
            "refused:certificate_expired",
            "refused:certificate_revoked",
            "refused:certificate_expired",
        ]
    );
    assert!(f.admin.grants(&id).await.unwrap().grants.is_empty());
    // Sent again: the same answers.
    let again = f.upload(&token, &batch(taps)).await.expect(200);
    assert_eq!(Field::results(&again), Field::results(&reply));
}

#[tokio::test]
async fn the_project_list_and_the_roster_are_the_terminals_municipalitys_only() {
    let f = Field::start().await;
    f.admin
        .add_municipality(&mynapoint_contract::grant::admin::NewMunicipality {
            code: OTHER_MUNICIPALITY.into(),
            name: "中央区".into(),
            point_name: "中央ポイント".into(),
            expiry_days: 30,
        })
        .await
        .unwrap();
    f.admin
        .add_project(&mynapoint_contract::grant::admin::NewProject {
            municipality_code: OTHER_MUNICIPALITY.into(),
            project_id: "0002".into(),
            point_id: "13102001".into(),
            name: "x".into(),
            department: "y".into(),
            points_per_grant: 5,
            remarks: String::new(),
        })
        .await
        .unwrap();
    let token = f.login().await;
    let list =
        f.h.get("/v1/field/projects", Some(&token))
            .await
            .expect(200);
    assert_eq!(list["projects"].as_array().unwrap().len(), 1);
    f.h.get("/v1/field/projects/0002/roster", Some(&token))
        .await
        .expect_error(403, "project_other_municipality");
    f.h.get("/v1/field/projects/0002/not-on-roster", Some(&token))
        .await
        .expect_error(403, "project_other_municipality");
    f.h.get("/v1/field/projects/0404/roster", Some(&token))
        .await
        .expect_error(404, "project_unknown");
    f.h.get("/v1/field/projects/12a4/roster", Some(&token))
        .await
        .expect_error(400, "project_id_format");
}
