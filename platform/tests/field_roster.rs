//! The roster (administrator writes, bad rows, incremental sync with
//! removals and person digests), the not-on-roster list and
//! add-registration (typed, master, card face), granting waiting taps once.

mod common;

use common::field::*;
use common::*;
use mynapoint_contract::grant::{person_digest, OfflineVerdict, ROSTER_SALT_LEN};
use serde_json::json;

#[tokio::test]
async fn the_roster_syncs_incrementally_with_removals_and_person_digests() {
    let f = Field::start().await;
    let cards: Vec<Card> = (0..3).map(|i| card(i).build()).collect();
    let mut ids = Vec::new();
    for c in &cards {
        ids.push(f.issue(c).await);
    }
    let token = f.login().await;
    let empty =
        f.h.get("/v1/field/projects/0001/roster", Some(&token))
            .await
            .expect(200);
    assert_eq!(
        (empty["version"].as_u64(), empty["full"].as_bool()),
        (Some(0), Some(true))
    );
    let w = f
        .admin
        .add_to_roster(PROJECT, &[(&ids[0], None), (&ids[1], Some(250))])
        .await
        .unwrap();
    assert_eq!(w.roster_version, 1);
    let full =
        f.h.get("/v1/field/projects/0001/roster?since=0", Some(&token))
            .await
            .expect(200);
    assert_eq!(full["full"], true);
    assert_eq!(full["version"], 1);
    let entries = full["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    // The digest is the contract's, of the card's person, under the salt.
    let salt: [u8; ROSTER_SALT_LEN] = b64(full["salt"].as_str().unwrap()).try_into().unwrap();
    let (issuer, cn) = cards[0].person();
    let mine = entries
        .iter()
        .find(|e| e["my_key_id"] == ids[0].as_str())
        .unwrap();
    assert_eq!(
        b64(mine["person_digest"].as_str().unwrap()),
        person_digest(&salt, &issuer, &cn)
    );
    assert_eq!(mine["points"], POINTS);
    let other = entries
        .iter()
        .find(|e| e["my_key_id"] == ids[1].as_str())
        .unwrap();
    assert_eq!(other["points"], 250);
    assert!(
        !full.to_string().contains(&cn),
        "no name in a synced roster"
    );

    f.admin
        .add_to_roster(PROJECT, &[(&ids[2], None)])
        .await
        .unwrap();
    let removed = f.admin.remove_from_roster(PROJECT, &ids[0]).await.unwrap();
    assert_eq!(removed.roster_version, 3);
    let delta =
        f.h.get("/v1/field/projects/0001/roster?since=1", Some(&token))
            .await
            .expect(200);
    assert_eq!(delta["full"], false);
    assert_eq!(delta["version"], 3);
    let changes: Vec<(String, bool)> = delta["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["my_key_id"].as_str().unwrap().to_owned(),
                e["removed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(changes, [(ids[2].clone(), false), (ids[0].clone(), true)]);
    let none =
        f.h.get("/v1/field/projects/0001/roster?since=3", Some(&token))
            .await
            .expect(200);
    assert_eq!(none["entries"].as_array().unwrap().len(), 0);
    // A version beyond the roster's (another database): the whole roster.
    let reset =
        f.h.get("/v1/field/projects/0001/roster?since=99", Some(&token))
            .await
            .expect(200);
    assert_eq!(reset["full"], true);
    assert_eq!(reset["entries"].as_array().unwrap().len(), 2);
    f.h.get("/v1/field/projects/0001/roster?since=x", Some(&token))
        .await
        .expect_error(400, "field_type");
    let gone = f
        .admin
        .remove_from_roster(PROJECT, &ids[0])
        .await
        .unwrap_err();
    assert_eq!((gone.status, gone.code()), (404, "not_on_roster"));
}

fn b64(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

#[tokio::test]
async fn bad_roster_rows_and_bad_setup_change_nothing() {
    let f = Field::start().await;
    let c = card(0).build();
    let id = f.issue(&c).await;
    let token = f.h.platform.admin_token().unwrap().to_owned();
    let before = f.dump();
    let cases = [
        (json!({"rows": []}), 400, "roster_row_format", "rows"),
        (
            json!({"rows": [{"my_key_id": id, "points": 0}]}),
            400,
            "roster_row_format",
            "rows[0].points",
        ),
        (
            json!({"rows": [{"my_key_id": id}, {"my_key_id": "ab12cd34"}]}),
            400,
            "roster_row_format",
            "rows[1].my_key_id",
        ),
        (
            json!({"rows": [{"my_key_id": id}, {"my_key_id": "ZZZZ9999"}]}),
            404,
            "my_key_id_not_issued",
            "rows[1].my_key_id",
        ),
        (
            json!({"rows": [{"my_key_id": id}, 5]}),
            400,
            "roster_row_format",
            "rows[1]",
        ),
    ];
    for (body, status, code, field) in cases {
        let reply =
            f.h.post("/v1/admin/projects/0001/roster", Some(&token), &body)
                .await;
        reply.expect_error(status, code);
        assert_eq!(reply.field(), Some(field), "{}", reply.body);
    }
    let reply =
        f.h.post(
            "/v1/admin/projects/0404/roster",
            Some(&token),
            &json!({"rows": [{"my_key_id": id}]}),
        )
        .await;
    reply.expect_error(404, "project_unknown");
    // Municipalities, projects, terminals, participants.
    let setup = [
        (
            "/v1/admin/municipalities",
            json!({"code": "131017", "name": "x", "point_name": "p", "expiry_days": 60}),
            400,
            "municipality_code",
        ),
        (
            "/v1/admin/municipalities",
            json!({"code": "131016", "name": "x", "point_name": "p", "expiry_days": 60}),
            409,
            "already_exists",
        ),
        (
            "/v1/admin/municipalities",
            json!({"code": "131024", "name": "x", "point_name": "p", "expiry_days": 0}),
            400,
            "field_type",
        ),
        (
            "/v1/admin/projects",
            json!({"municipality_code": "131024", "project_id": "0009", "point_id": "13101001", "name": "n", "department": "d", "points_per_grant": 1}),
            404,
            "municipality_unknown",
        ),
        (
            "/v1/admin/projects",
            json!({"municipality_code": "131016", "project_id": "0009", "point_id": "1310100", "name": "n", "department": "d", "points_per_grant": 1}),
            400,
            "point_id_format",
        ),
        (
            "/v1/admin/projects",
            json!({"municipality_code": "131016", "project_id": "0001", "point_id": "13101001", "name": "n", "department": "d", "points_per_grant": 1}),
            409,
            "already_exists",
        ),
        (
            "/v1/admin/terminals",
            json!({"terminal_id": "00000002", "municipality_code": "131016", "password": "short"}),
            400,
            "password_format",
        ),
        (
            "/v1/admin/terminals",
            json!({"terminal_id": "0000002", "municipality_code": "131016", "password": "long-enough"}),
            400,
            "terminal_id_format",
        ),
    ];
    for (path, body, status, code) in setup {
        f.h.post(path, Some(&token), &body)
            .await
            .expect_error(status, code);
    }
    let mut bad = participant(&id);
    bad.birth_date = "1990-02-30".into();
    let rows = json!({"rows": [participant(&id), bad]});
    let reply =
        f.h.call(
            "PUT",
            "/v1/admin/participants",
            Some(&token),
            Some(&rows),
            None,
        )
        .await;
    reply.expect_error(400, "participant_format");
    assert_eq!(reply.field(), Some("rows[1].birth_date"));
    assert_eq!(f.dump(), before, "every refusal changed nothing");
}

/// A field whose card `c` tapped for the standard project while off the
/// roster; returns the upload's token and the batch's outcomes.
async fn tapped_off_roster(
    f: &Field,
    c: &Card,
    times: usize,
) -> (
    String,
    serde_json::Value,
    mynapoint_contract::grant::TapBatch,
) {
    let token = f.login().await;
    let b = batch((0..times).map(|_| f.tap(c)).collect());
    let reply = f.upload(&token, &b).await.expect(200);
    (token, reply, b)
}

#[tokio::test]
async fn a_participant_not_on_the_roster_is_listed_then_added_and_granted_once() {
    let f = Field::start().await;
    let c = card(0).build();
    let id = f.issue(&c).await;
    let (token, reply, first) = tapped_off_roster(&f, &c, 2).await;
    assert_eq!(Field::results(&reply), ["not_on_roster", "not_on_roster"]);
    let list =
        f.h.get("/v1/field/projects/0001/not-on-roster", Some(&token))
            .await
            .expect(200);
    let entries = list["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["my_key_id"], id.as_str());
    assert_eq!(entries[0]["tap_ids"].as_array().unwrap().len(), 2);

    // Refusals first: nothing changes.
    let before = f.dump();
    let add = |source: &str, participant: serde_json::Value| json!({"my_key_id": id, "source": source, "participant": participant});
    let mut wrong = serde_json::to_value(participant(&id)).unwrap();
    wrong["sex"] = json!("3");
    let refusals = [
        (add("typed", json!(null)), 400, "participant_format"),
        (add("typed", wrong), 400, "participant_format"),
        (add("master", json!(null)), 404, "participant_not_in_master"),
        (add("fax", json!(null)), 400, "participant_format"),
        (
            json!({"my_key_id": "ZZZZ9999", "source": "typed", "participant": participant("ZZZZ9999")}),
            404,
            "my_key_id_not_issued",
        ),
    ];
    for (body, status, code) in refusals {
        f.h.post("/v1/field/projects/0001/roster", Some(&token), &body)
            .await
            .expect_error(status, code);
    }
    assert_eq!(f.dump(), before);

    let body = add("card_face", serde_json::to_value(participant(&id)).unwrap());
    let added =
        f.h.post("/v1/field/projects/0001/roster", Some(&token), &body)
            .await
            .expect(200);
    assert_eq!(Field::results(&added), ["granted", "already_granted"]);
    assert_eq!(added["roster_version"], 1);
    f.h.post("/v1/field/projects/0001/roster", Some(&token), &body)
        .await
        .expect_error(409, "already_on_roster");
    let list =
        f.h.get("/v1/field/projects/0001/not-on-roster", Some(&token))
            .await
            .expect(200);
    assert_eq!(list["entries"].as_array().unwrap().len(), 0);
    let history = f.admin.grants(&id).await.unwrap();
    assert_eq!(history.grants.len(), 1);
    // The earlier taps sent again answer their new outcome.
    let again = f.upload(&token, &first).await.expect(200);
    assert_eq!(
        Field::results(&again),
        ["already_granted", "already_granted"]
    );
}

#[tokio::test]
async fn a_card_without_a_my_key_id_waits_until_the_person_has_one_and_is_added() {
    let f = Field::start().await;
    let c = card(1).build();
    let (token, reply, _) = tapped_off_roster(&f, &c, 1).await;
    assert_eq!(Field::results(&reply), ["no_my_key_id"]);
    let list =
        f.h.get("/v1/field/projects/0001/not-on-roster", Some(&token))
            .await
            .expect(200);
    assert_eq!(list["entries"][0]["my_key_id"], serde_json::Value::Null);
    // The person gets a My Key ID; the administrator's master row and the
    // roster write grant the waiting tap.
    let id = f.issue(&c).await;
    let list =
        f.h.get("/v1/field/projects/0001/not-on-roster", Some(&token))
            .await
            .expect(200);
    assert_eq!(list["entries"][0]["my_key_id"], id.as_str());
    f.admin
        .write_participants(vec![participant(&id)])
        .await
        .unwrap();
    let written = f
        .admin
        .add_to_roster(PROJECT, &[(&id, None)])
        .await
        .unwrap();
    assert_eq!(written.granted_taps, 1);
    let history = f.admin.grants(&id).await.unwrap();
    assert_eq!(history.grants.len(), 1);
    assert_eq!(
        history.grants[0].tap_id.as_deref(),
        Some(reply["outcomes"][0]["tap_id"].as_str().unwrap())
    );
    let batch_again: mynapoint_contract::grant::TapBatch = serde_json::from_value(json!({
        "batch_id": reply["batch_id"],
        "taps": [tap(&c, PROJECT, f.h.clock_now() as u64, OfflineVerdict::NotOnRoster)],
    }))
    .unwrap();
    let more = f.upload(&token, &batch_again).await.expect(200);
    assert_eq!(Field::results(&more), ["already_granted"]);
}

#[tokio::test]
async fn add_registration_from_the_master_needs_waiting_taps() {
    let f = Field::start().await;
    let c = card(2).build();
    let id = f.issue(&c).await;
    f.admin
        .write_participants(vec![participant(&id)])
        .await
        .unwrap();
    let token = f.login().await;
    let body = json!({"my_key_id": id, "source": "master"});
    f.h.post("/v1/field/projects/0001/roster", Some(&token), &body)
        .await
        .expect_error(404, "not_waiting");
    f.upload(&token, &batch(vec![f.tap(&c)])).await.expect(200);
    let added =
        f.h.post("/v1/field/projects/0001/roster", Some(&token), &body)
            .await
            .expect(200);
    assert_eq!(Field::results(&added), ["granted"]);
    // A closed project takes no add-registration.
    let other = card(3).build();
    let other_id = f.issue(&other).await;
    f.upload(&token, &batch(vec![f.tap(&other)]))
        .await
        .expect(200);
    f.admin.set_open(PROJECT, false).await.unwrap();
    let body =
        json!({"my_key_id": other_id, "source": "typed", "participant": participant(&other_id)});
    f.h.post("/v1/field/projects/0001/roster", Some(&token), &body)
        .await
        .expect_error(409, "project_closed");
}
