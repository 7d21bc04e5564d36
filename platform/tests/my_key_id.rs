//! My Key ID issuance rules over HTTP.

mod common;

use common::*;
use mynapoint_contract::Notifications;
use mynapoint_platform::store::NewMyKeyId;
use serde_json::json;

fn seed_taken(h: &Harness, ids: &[&str]) {
    h.platform.with_store(|store| {
        for id in ids {
            let cn = format!("SEEDED-{id}");
            store
                .issue_my_key_id(&NewMyKeyId {
                    issuer: "C=JP,O=Somewhere",
                    subject_cn: &cn,
                    my_key_id: id,
                    password_hash: "$argon2id$seeded",
                    email: None,
                    notifications: Notifications::default(),
                    base_municipality: "131016",
                    certificate_serial: "01",
                    certificate_expires_at: 0,
                    now: 0,
                })
                .unwrap()
                .unwrap();
        }
    });
}

#[tokio::test]
async fn auto_generation_offers_three_candidates_and_the_third_is_final() {
    let h = harness().await;
    let card = card(0).build();
    let token = h.login(&card).await;
    let mut offered = Vec::new();
    for attempt in 1..=3 {
        let c = h
            .post("/v1/my-key-id/candidates", Some(&token), &json!({}))
            .await
            .expect(200);
        assert_eq!(c["attempt"], json!(attempt));
        assert_eq!(c["final"], json!(attempt == 3));
        let id = c["candidate"].as_str().unwrap().to_owned();
        assert!(
            id.len() == 8
                && id
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        );
        assert!(!offered.contains(&id));
        offered.push(id);
    }
    h.post("/v1/my-key-id/candidates", Some(&token), &json!({}))
        .await
        .expect_error(409, "no_more_candidates");
    // An id never offered cannot be registered in auto mode.
    h.post(
        "/v1/my-key-id",
        Some(&token),
        &issue_body("auto", "NOTOFFER"),
    )
    .await
    .expect_error(400, "my_key_id_not_offered");
    let before = h.dump();
    // Field errors change nothing.
    for (field, value, code) in [
        ("password", json!("short"), "password_format"),
        ("password", json!("ｐａｓｓ１２３４"), "password_format"),
        ("email", json!("taro@"), "email_format"),
        ("base_municipality", json!("131017"), "municipality_code"),
        ("base_municipality", json!("13101"), "municipality_code"),
        ("mode", json!("random"), "mode_format"),
        (
            "notifications",
            json!({"points_granted": "yes"}),
            "field_type",
        ),
    ] {
        let mut body = issue_body("auto", &offered[2]);
        body[field] = value;
        let reply = h.post("/v1/my-key-id", Some(&token), &body).await;
        reply.expect_error(400, code);
        assert_eq!(reply.field(), Some(field));
    }
    assert_eq!(h.dump(), before);

    let issued = h
        .post(
            "/v1/my-key-id",
            Some(&token),
            &issue_body("auto", &offered[2]),
        )
        .await
        .expect(201);
    assert_eq!(issued["my_key_id"], json!(offered[2]));
    assert_eq!(issued["status"], json!("active"));
    assert_eq!(issued["certificate_serial"], json!(card.serial_hex()));
    assert_eq!(issued["base_municipality"], json!("131016"));
    assert_eq!(issued["email"], json!("taro@example.jp"));
    assert_eq!(issued["notifications"]["password_changed"], json!(true));
    assert_eq!(issued["notifications"]["points_expired"], json!(false));
    assert_eq!(
        h.get("/v1/my-key-id", Some(&token)).await.expect(200),
        issued
    );
    // The password is stored hashed.
    assert!(!h.dump().contains("Pass1234"));
    assert!(h.dump().contains("$argon2id$"));
    // A new login reports the id.
    let login = h.try_login(&card).await.expect(200);
    assert_eq!(login["my_key_id"], json!(offered[2]));
}

#[tokio::test]
async fn own_choice_falls_back_to_auto_after_three_taken_ids() {
    let h = harness().await;
    seed_taken(&h, &["TAKEN001", "TAKEN002", "TAKEN003"]);
    let token = h.login(&card(0).build()).await;
    for (i, id) in ["TAKEN001", "TAKEN002", "TAKEN003"].iter().enumerate() {
        let r = h
            .post(
                "/v1/my-key-id/check",
                Some(&token),
                &json!({"my_key_id": id}),
            )
            .await
            .expect(200);
        assert_eq!(r["available"], json!(false));
        assert_eq!(r["checks_used"], json!(i + 1));
        assert_eq!(r["fallback_to_auto"], json!(i == 2));
    }
    h.post(
        "/v1/my-key-id/check",
        Some(&token),
        &json!({"my_key_id": "FREE0001"}),
    )
    .await
    .expect_error(409, "own_choice_exhausted");
    h.post(
        "/v1/my-key-id",
        Some(&token),
        &issue_body("own", "FREE0001"),
    )
    .await
    .expect_error(400, "my_key_id_not_checked");
    h.post(
        "/v1/my-key-id",
        Some(&token),
        &issue_body("own", "TAKEN001"),
    )
    .await
    .expect_error(400, "my_key_id_not_checked");
    // Auto-generation still works.
    h.issue_auto(&token).await;
}

#[tokio::test]
async fn own_choice_registers_a_checked_id_unless_taken_meanwhile() {
    let h = harness().await;
    let token = h.login(&card(0).build()).await;
    let r = h
        .post(
            "/v1/my-key-id/check",
            Some(&token),
            &json!({"my_key_id": "MYKEY001"}),
        )
        .await
        .expect(200);
    assert_eq!(
        r,
        json!({"available": true, "checks_used": 1, "fallback_to_auto": false})
    );
    seed_taken(&h, &["MYKEY001"]);
    h.post(
        "/v1/my-key-id",
        Some(&token),
        &issue_body("own", "MYKEY001"),
    )
    .await
    .expect_error(409, "my_key_id_taken");
    h.post(
        "/v1/my-key-id/check",
        Some(&token),
        &json!({"my_key_id": "MYKEY002"}),
    )
    .await
    .expect(200);
    let mut body = issue_body("own", "MYKEY002");
    body["email"] = json!(null);
    body.as_object_mut().unwrap().remove("notifications");
    let issued = h
        .post("/v1/my-key-id", Some(&token), &body)
        .await
        .expect(201);
    assert_eq!(issued["my_key_id"], json!("MYKEY002"));
    assert_eq!(issued["email"], json!(null));
    assert_eq!(issued["notifications"]["points_granted"], json!(false));
}

#[tokio::test]
async fn malformed_ids_are_rejected_and_not_counted() {
    let h = harness().await;
    let token = h.login(&card(0).build()).await;
    let before = h.dump();
    for bad in [
        "abcd1234",
        "ＡＢＣＤ１２３４",
        "ABC123",
        "ABCD12345",
        "ABCD-123",
        "",
    ] {
        let reply = h
            .post(
                "/v1/my-key-id/check",
                Some(&token),
                &json!({"my_key_id": bad}),
            )
            .await;
        reply.expect_error(400, "my_key_id_format");
        assert_eq!(reply.field(), Some("my_key_id"));
        let reply = h
            .post("/v1/my-key-id", Some(&token), &issue_body("own", bad))
            .await;
        reply.expect_error(400, "my_key_id_format");
    }
    assert_eq!(h.dump(), before);
    let r = h
        .post(
            "/v1/my-key-id/check",
            Some(&token),
            &json!({"my_key_id": "ABCD1234"}),
        )
        .await
        .expect(200);
    assert_eq!(r["checks_used"], json!(1));
}

#[tokio::test]
async fn a_second_my_key_id_is_refused() {
    let h = harness().await;
    let card = card(0).build();
    let token = h.login(&card).await;
    let first = h.issue_auto(&token).await;
    // The issuing session cannot look for another id (a change needs a new login).
    h.post("/v1/my-key-id/candidates", Some(&token), &json!({}))
        .await
        .expect_error(409, "fresh_login_required");
    let token = h.login(&card).await; // a new session with fresh candidates
                                      // Candidates are for a change now; issuing a second id is refused.
    let cand = h
        .post("/v1/my-key-id/candidates", Some(&token), &json!({}))
        .await
        .expect(200);
    let before = h.dump();
    h.post(
        "/v1/my-key-id",
        Some(&token),
        &issue_body("auto", cand["candidate"].as_str().unwrap()),
    )
    .await
    .expect_error(409, "my_key_id_already_issued");
    assert_eq!(h.dump(), before);
    let got = h.get("/v1/my-key-id", Some(&token)).await.expect(200);
    assert_eq!(got["my_key_id"], json!(first));
    assert_eq!(got["changed_at"], json!(null));
}

#[tokio::test]
async fn a_second_session_cannot_issue_after_the_first_did() {
    let h = harness().await;
    let card = card(0).build();
    let a = h.login(&card).await;
    let b = h.login(&card).await;
    let cand = h
        .post("/v1/my-key-id/candidates", Some(&b), &json!({}))
        .await
        .expect(200);
    h.issue_auto(&a).await;
    let before = h.dump();
    let id = cand["candidate"].as_str().unwrap();
    h.post("/v1/my-key-id", Some(&b), &issue_body("auto", id))
        .await
        .expect_error(409, "my_key_id_already_issued");
    assert_eq!(h.dump(), before);
}

#[tokio::test]
async fn a_reissued_card_updates_the_serial_on_login() {
    let h = harness().await;
    let old = card(0)
        .cn("PERSON0000000000000000A1")
        .serial(0x1111)
        .build();
    let token = h.login(&old).await;
    let id = h.issue_auto(&token).await;
    let new = card(2)
        .cn("PERSON0000000000000000A1")
        .serial(0x2222)
        .reissued_later(30)
        .build();
    let login = h.try_login(&new).await.expect(200);
    assert_eq!(login["card_reissued"], json!(true));
    assert_eq!(login["my_key_id"], json!(id));
    assert_eq!(login["certificate_serial"], json!("2222"));
    let token = login["session_token"].as_str().unwrap();
    let got = h.get("/v1/my-key-id", Some(token)).await.expect(200);
    assert_eq!(got["certificate_serial"], json!("2222"));
    assert_eq!(got["my_key_id"], json!(id));
    // The next login with the new card is an ordinary one.
    let again = h.try_login(&new).await.expect(200);
    assert_eq!(again["card_reissued"], json!(false));
    // Another person (other CN) with the same key is someone else.
    let stranger = h
        .try_login(&card(0).cn("SOMEONEELSE").build())
        .await
        .expect(200);
    assert_eq!(stranger["my_key_id"], json!(null));
}

#[tokio::test]
async fn revocation_is_irreversible() {
    let h = harness().await;
    let card = card(0).build();
    let token = h.login(&card).await;
    let id = h.issue_auto(&token).await;
    let r = h
        .call("DELETE", "/v1/my-key-id", Some(&token), None, None)
        .await;
    assert_eq!(r.expect(200), json!({"status": "revoked"}));
    let got = h.get("/v1/my-key-id", Some(&token)).await.expect(200);
    assert_eq!(got["status"], json!("revoked"));
    h.call("DELETE", "/v1/my-key-id", Some(&token), None, None)
        .await
        .expect_error(409, "my_key_id_revoked");
    let token = h.login(&card).await;
    h.post("/v1/my-key-id/candidates", Some(&token), &json!({}))
        .await
        .expect_error(409, "my_key_id_revoked");
    // The revoked id stays taken for everyone.
    let other = h.login(&card_other_person()).await;
    let r = h
        .post(
            "/v1/my-key-id/check",
            Some(&other),
            &json!({"my_key_id": id}),
        )
        .await
        .expect(200);
    assert_eq!(r["available"], json!(false));
}

fn card_other_person() -> Card {
    card(1).cn("ANOTHERPERSON").build()
}

fn put_body(mode: &str, id: &str) -> serde_json::Value {
    json!({"mode": mode, "my_key_id": id})
}

async fn put(h: &Harness, token: &str, body: &serde_json::Value) -> Reply {
    h.call("PUT", "/v1/my-key-id", Some(token), Some(body), None)
        .await
}

#[tokio::test]
async fn a_change_by_auto_generation_follows_the_third_candidate_rule() {
    let h = harness().await;
    let card = card(0).build();
    let first = h.issue_auto(&h.login(&card).await).await;
    let issued = h
        .get("/v1/my-key-id", Some(&h.login(&card).await))
        .await
        .expect(200);
    let token = h.login(&card).await;
    let mut offered = Vec::new();
    for attempt in 1..=3 {
        let c = h
            .post("/v1/my-key-id/candidates", Some(&token), &json!({}))
            .await
            .expect(200);
        assert_eq!(c["attempt"], json!(attempt));
        assert_eq!(c["final"], json!(attempt == 3));
        let id = c["candidate"].as_str().unwrap().to_owned();
        assert_ne!(id, first);
        offered.push(id);
    }
    h.post("/v1/my-key-id/candidates", Some(&token), &json!({}))
        .await
        .expect_error(409, "no_more_candidates");
    let before = h.dump();
    put(&h, &token, &put_body("auto", "NOTOFFER"))
        .await
        .expect_error(400, "my_key_id_not_offered");
    put(&h, &token, &put_body("own", &offered[2]))
        .await
        .expect_error(400, "my_key_id_not_checked");
    put(&h, &token, &put_body("random", &offered[2]))
        .await
        .expect_error(400, "mode_format");
    put(&h, &token, &put_body("auto", "abcd1234"))
        .await
        .expect_error(400, "my_key_id_format");
    put(&h, &token, &put_body("auto", &first))
        .await
        .expect_error(400, "my_key_id_unchanged");
    assert_eq!(h.dump(), before, "refusals change nothing");

    h.clock.advance(60);
    let key = uuid::Uuid::new_v4().to_string();
    let changed = h
        .call(
            "PUT",
            "/v1/my-key-id",
            Some(&token),
            Some(&put_body("auto", &offered[2])),
            Some(&key),
        )
        .await
        .expect(200);
    assert_eq!(changed["my_key_id"], json!(offered[2]));
    assert_eq!(changed["changed_at"], json!(h.clock_now()));
    // Everything else stays as issued.
    for field in [
        "certificate_serial",
        "certificate_expires_at",
        "email",
        "notifications",
        "base_municipality",
        "status",
    ] {
        assert_eq!(changed[field], issued[field], "{field}");
    }
    assert_eq!(
        h.get("/v1/my-key-id", Some(&token)).await.expect(200),
        changed
    );
    // The same request again is answered from storage; another change in
    // this session needs a new card login.
    let again = h
        .call(
            "PUT",
            "/v1/my-key-id",
            Some(&token),
            Some(&put_body("auto", &offered[2])),
            Some(&key),
        )
        .await
        .expect(200);
    assert_eq!(again, changed);
    let before = h.dump();
    put(&h, &token, &put_body("auto", &offered[1]))
        .await
        .expect_error(409, "fresh_login_required");
    assert_eq!(h.dump(), before);
    let login = h.try_login(&card).await.expect(200);
    assert_eq!(login["my_key_id"], json!(offered[2]));
}

#[tokio::test]
async fn a_change_by_own_choice_falls_back_to_auto_after_three_taken_ids() {
    let h = harness().await;
    seed_taken(&h, &["TAKEN001", "TAKEN002", "TAKEN003"]);
    let card = card(0).build();
    let first = h.issue_auto(&h.login(&card).await).await;
    let token = h.login(&card).await;
    // The own current id is refused without being counted.
    let before = h.dump();
    h.post(
        "/v1/my-key-id/check",
        Some(&token),
        &json!({"my_key_id": first}),
    )
    .await
    .expect_error(400, "my_key_id_unchanged");
    for (i, id) in ["TAKEN001", "TAKEN002", "TAKEN003"].iter().enumerate() {
        let r = h
            .post(
                "/v1/my-key-id/check",
                Some(&token),
                &json!({"my_key_id": id}),
            )
            .await
            .expect(200);
        assert_eq!(r["available"], json!(false));
        assert_eq!(r["checks_used"], json!(i + 1));
        assert_eq!(r["fallback_to_auto"], json!(i == 2));
    }
    h.post(
        "/v1/my-key-id/check",
        Some(&token),
        &json!({"my_key_id": "FREE0001"}),
    )
    .await
    .expect_error(409, "own_choice_exhausted");
    put(&h, &token, &put_body("own", "FREE0001"))
        .await
        .expect_error(400, "my_key_id_not_checked");
    put(&h, &token, &put_body("own", "TAKEN001"))
        .await
        .expect_error(400, "my_key_id_not_checked");
    assert_eq!(h.dump(), before, "refusals change nothing");
    // Auto-generation still works.
    let c = h
        .post("/v1/my-key-id/candidates", Some(&token), &json!({}))
        .await
        .expect(200);
    let id = c["candidate"].as_str().unwrap();
    let changed = put(&h, &token, &put_body("auto", id)).await.expect(200);
    assert_eq!(changed["my_key_id"], json!(id));

    // A fresh login: an own choice checked as available is registered.
    let token = h.login(&card).await;
    let r = h
        .post(
            "/v1/my-key-id/check",
            Some(&token),
            &json!({"my_key_id": "MYOWN001"}),
        )
        .await
        .expect(200);
    assert_eq!(r["available"], json!(true));
    // Taken meanwhile by someone else: refused, nothing changes.
    let r = h
        .post(
            "/v1/my-key-id/check",
            Some(&token),
            &json!({"my_key_id": "MYOWN002"}),
        )
        .await
        .expect(200);
    assert_eq!(r["available"], json!(true));
    seed_taken(&h, &["MYOWN002"]);
    let before = h.dump();
    put(&h, &token, &put_body("own", "MYOWN002"))
        .await
        .expect_error(409, "my_key_id_taken");
    assert_eq!(h.dump(), before);
    let changed = put(&h, &token, &put_body("own", "MYOWN001"))
        .await
        .expect(200);
    assert_eq!(changed["my_key_id"], json!("MYOWN001"));
    assert_eq!(
        h.get("/v1/my-key-id", Some(&token)).await.expect(200)["my_key_id"],
        json!("MYOWN001")
    );
}

#[tokio::test]
async fn a_change_needs_an_active_my_key_id() {
    let h = harness().await;
    let card = card(0).build();
    let token = h.login(&card).await;
    h.post(
        "/v1/my-key-id/check",
        Some(&token),
        &json!({"my_key_id": "NEWID001"}),
    )
    .await
    .expect(200);
    let before = h.dump();
    put(&h, &token, &put_body("own", "NEWID001"))
        .await
        .expect_error(404, "my_key_id_not_issued");
    assert_eq!(h.dump(), before);

    h.issue_auto(&token).await;
    let token = h.login(&card).await;
    h.post(
        "/v1/my-key-id/check",
        Some(&token),
        &json!({"my_key_id": "NEWID002"}),
    )
    .await
    .expect(200);
    h.call("DELETE", "/v1/my-key-id", Some(&token), None, None)
        .await
        .expect(200);
    let before = h.dump();
    put(&h, &token, &put_body("own", "NEWID002"))
        .await
        .expect_error(409, "my_key_id_revoked");
    assert_eq!(h.dump(), before);
    let token = h.login(&card).await;
    h.post(
        "/v1/my-key-id/check",
        Some(&token),
        &json!({"my_key_id": "NEWID003"}),
    )
    .await
    .expect_error(409, "my_key_id_revoked");
    assert_eq!(h.dump(), before);
}

#[tokio::test]
async fn an_old_id_is_never_issued_again() {
    let h = harness().await;
    let card = card(0).build();
    let token = h.login(&card).await;
    h.post(
        "/v1/my-key-id/check",
        Some(&token),
        &json!({"my_key_id": "OLDID001"}),
    )
    .await
    .expect(200);
    h.post(
        "/v1/my-key-id",
        Some(&token),
        &issue_body("own", "OLDID001"),
    )
    .await
    .expect(201);
    let token = h.login(&card).await;
    h.post(
        "/v1/my-key-id/check",
        Some(&token),
        &json!({"my_key_id": "NEWID001"}),
    )
    .await
    .expect(200);
    put(&h, &token, &put_body("own", "NEWID001"))
        .await
        .expect(200);
    assert!(h.dump().contains("OLDID001"), "kept in retired_my_key_ids");

    // Another person checks the old id: taken; issuing it is refused.
    let other = h.login(&card_other_person()).await;
    let r = h
        .post(
            "/v1/my-key-id/check",
            Some(&other),
            &json!({"my_key_id": "OLDID001"}),
        )
        .await
        .expect(200);
    assert_eq!(r["available"], json!(false));
    h.post(
        "/v1/my-key-id",
        Some(&other),
        &issue_body("own", "OLDID001"),
    )
    .await
    .expect_error(400, "my_key_id_not_checked");
    // Nor does the person get it back.
    let token = h.login(&card).await;
    let r = h
        .post(
            "/v1/my-key-id/check",
            Some(&token),
            &json!({"my_key_id": "OLDID001"}),
        )
        .await
        .expect(200);
    assert_eq!(r["available"], json!(false));
}
