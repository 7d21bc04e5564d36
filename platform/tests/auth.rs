//! Card login over real HTTP on 127.0.0.1.

mod common;

use common::*;
use mynapoint_platform::Config;
use serde_json::json;

#[tokio::test]
async fn health_and_a_good_login() {
    let h = harness().await;
    assert_eq!(
        h.get("/v1/health", None).await.expect(200),
        json!({"status": "ok"})
    );
    let card = card(0).build();
    let body = h.try_login(&card).await.expect(200);
    assert!(body["session_token"].as_str().unwrap().len() >= 32);
    assert_eq!(body["certificate_serial"], json!(card.serial_hex()));
    assert_eq!(body["my_key_id"], json!(null));
    assert_eq!(body["card_reissued"], json!(false));
    let expires = body["expires_at"].as_i64().unwrap();
    assert_eq!(expires, h.clock_now() + 900);
    // The token works; no token, or a made-up one, does not.
    let token = body["session_token"].as_str().unwrap();
    h.get("/v1/my-key-id", Some(token))
        .await
        .expect_error(404, "my_key_id_not_issued");
    h.get("/v1/my-key-id", None)
        .await
        .expect_error(401, "unauthenticated");
    h.get("/v1/my-key-id", Some("made-up"))
        .await
        .expect_error(401, "unauthenticated");
}

#[tokio::test]
async fn a_captured_login_replayed_with_its_idempotency_key_gets_no_session() {
    let h = harness().await;
    let card = card(0).build();
    let (id, challenge) = h.challenge().await;
    let body = Harness::login_body(&card, &id, &card.sign_message(&challenge));
    let key = "6f1c1a4e-2f55-4c1e-9d7e-0c9e6b9a1f00";
    let first = h
        .call("POST", "/v1/auth/login", None, Some(&body), Some(key))
        .await;
    first.expect(200);
    let replay = h
        .call("POST", "/v1/auth/login", None, Some(&body), Some(key))
        .await;
    replay.expect_error(400, "challenge_used");
}

#[tokio::test]
async fn a_challenge_is_single_use_and_expires() {
    let h = harness().await;
    let card = card(0).build();
    let (id, challenge) = h.challenge().await;
    let body = Harness::login_body(&card, &id, &card.sign_message(&challenge));
    h.post("/v1/auth/login", None, &body).await.expect(200);
    let replay = h.post("/v1/auth/login", None, &body).await;
    replay.expect_error(400, "challenge_used");
    assert_eq!(replay.field(), Some("challenge_id"));

    let (id, challenge) = h.challenge().await;
    h.clock.advance(301);
    let body = Harness::login_body(&card, &id, &card.sign_message(&challenge));
    h.post("/v1/auth/login", None, &body)
        .await
        .expect_error(400, "challenge_expired");
    let body = Harness::login_body(&card, "5a4b3c2d-0000-4000-8000-000000000000", b"x");
    h.post("/v1/auth/login", None, &body)
        .await
        .expect_error(400, "challenge_unknown");
}

#[tokio::test]
async fn a_signature_by_another_card_is_refused() {
    let h = harness().await;
    let holder = card(0).build();
    let other = card(1).build();
    let (id, challenge) = h.challenge().await;
    let body = Harness::login_body(&holder, &id, &other.sign_message(&challenge));
    let reply = h.post("/v1/auth/login", None, &body).await;
    reply.expect_error(401, "signature_invalid");
    assert_eq!(reply.field(), Some("signature"));
    // Over other bytes, by the right card: refused too.
    let (id, _) = h.challenge().await;
    let body = Harness::login_body(&holder, &id, &holder.sign_message(b"something else"));
    h.post("/v1/auth/login", None, &body)
        .await
        .expect_error(401, "signature_invalid");
}

#[tokio::test]
async fn expired_and_not_yet_valid_certificates_are_refused() {
    let h = harness().await;
    h.try_login(&card(0).expired().build())
        .await
        .expect_error(401, "certificate_expired");
    // A valid card seen by a clock set two days back (cards start a day ago).
    let good = card(0).build();
    h.clock.advance(-2 * 86_400);
    h.try_login(&good)
        .await
        .expect_error(401, "certificate_not_yet_valid");
}

#[tokio::test]
async fn a_card_from_a_foreign_ca_is_untrusted() {
    let h = harness().await;
    let foreign = card(0).ca(foreign_ca().clone()).build();
    let reply = h.try_login(&foreign).await;
    reply.expect_error(401, "certificate_untrusted");
    assert_eq!(reply.field(), Some("certificate"));
}

#[tokio::test]
async fn an_explicitly_trusted_foreign_ca_is_accepted() {
    let config = Config {
        extra_trust_anchors_der: vec![foreign_ca().certificate_der().to_vec()],
        ..Config::ephemeral()
    };
    let h = harness_with(config).await;
    h.try_login(&card(0).ca(foreign_ca().clone()).build())
        .await
        .expect(200);
    // Configuring anchors replaces the built-in test CA.
    h.try_login(&card(0).build())
        .await
        .expect_error(401, "certificate_untrusted");
}

#[tokio::test]
async fn a_revoked_serial_is_refused() {
    let config = Config {
        revoked_serials: vec!["0a:bc:de:f1".into()],
        ..Config::ephemeral()
    };
    let h = harness_with(config).await;
    h.try_login(&card(0).serial(0x0ABC_DEF1).build())
        .await
        .expect_error(401, "certificate_revoked");
    h.try_login(&card(0).serial(0x0ABC_DEF2).build())
        .await
        .expect(200);
}

#[tokio::test]
async fn malformed_login_fields_are_named_and_do_not_use_the_challenge() {
    let h = harness().await;
    let card = card(0).build();
    let (id, challenge) = h.challenge().await;
    let good = Harness::login_body(&card, &id, &card.sign_message(&challenge));

    let mut bad = good.clone();
    bad["certificate"] = json!("not base64!");
    let reply = h.post("/v1/auth/login", None, &bad).await;
    reply.expect_error(400, "certificate_format");
    assert_eq!(reply.field(), Some("certificate"));

    bad["certificate"] = json!("AAAA");
    h.post("/v1/auth/login", None, &bad)
        .await
        .expect_error(400, "certificate_format");

    let mut bad = good.clone();
    bad.as_object_mut().unwrap().remove("signature");
    let reply = h.post("/v1/auth/login", None, &bad).await;
    reply.expect_error(400, "field_missing");
    assert_eq!(reply.field(), Some("signature"));

    let reply = h.post("/v1/auth/login", None, &json!([1])).await;
    reply.expect_error(400, "invalid_json");

    // The challenge was not spent by the refused attempts.
    h.post("/v1/auth/login", None, &good).await.expect(200);
}

#[tokio::test]
async fn a_session_ends_after_15_idle_minutes() {
    let h = harness().await;
    let token = h.login(&card(0).build()).await;
    h.clock.advance(899);
    h.get("/v1/my-key-id", Some(&token))
        .await
        .expect_error(404, "my_key_id_not_issued");
    h.clock.advance(899); // idle time restarts on every request
    h.get("/v1/my-key-id", Some(&token))
        .await
        .expect_error(404, "my_key_id_not_issued");
    h.clock.advance(901);
    h.get("/v1/my-key-id", Some(&token))
        .await
        .expect_error(401, "session_expired");
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_json_errors() {
    let h = harness().await;
    h.get("/v1/nothing", None)
        .await
        .expect_error(404, "not_found");
    h.call("PUT", "/v1/health", None, None, None)
        .await
        .expect_error(405, "method_not_allowed");
}

#[tokio::test]
async fn a_malformed_idempotency_key_is_refused_on_card_login_too() {
    let h = harness().await;
    for key in ["not-a-uuid", "6f9619ff8b86d011b42d00c04fc964ff"] {
        h.call("POST", "/v1/auth/challenge", None, None, Some(key))
            .await
            .expect_error(400, "idempotency_key_format");
    }
    let good = "6f9619ff-8b86-d011-b42d-00c04fc964ff";
    let reply = h
        .call("POST", "/v1/auth/challenge", None, None, Some(good))
        .await;
    assert_eq!(reply.status, 201);
    // Never replayed: the same key gives another challenge.
    let again = h
        .call("POST", "/v1/auth/challenge", None, None, Some(good))
        .await;
    assert_ne!(reply.body["challenge_id"], again.body["challenge_id"]);
    let card = card(0).build();
    let (id, challenge) = h.challenge().await;
    let body = Harness::login_body(&card, &id, &card.sign_message(&challenge));
    h.call("POST", "/v1/auth/login", None, Some(&body), Some("x"))
        .await
        .expect_error(400, "idempotency_key_format");
}

#[tokio::test]
async fn refusals_that_a_schema_can_state_are_the_documented_ones() {
    let h = harness().await;
    let token = h.login(&card(0).build()).await;
    // A municipality with a right check digit but no prefecture 00.
    let candidate = h
        .post("/v1/my-key-id/candidates", Some(&token), &json!({}))
        .await
        .expect(200)["candidate"]
        .clone();
    let mut body = issue_body("auto", candidate.as_str().unwrap());
    body["base_municipality"] = json!("000001");
    h.post("/v1/my-key-id", Some(&token), &body)
        .await
        .expect_error(400, "municipality_code");
    h.issue_auto(&token).await;
    // An empty service id is unknown; an empty certificate is not DER.
    let mut content = aeon_content();
    content["service_id"] = json!("");
    h.post("/v1/applications/content-to-sign", Some(&token), &content)
        .await
        .expect_error(400, "service_unknown");
    let (id, _) = h.challenge().await;
    let login = json!({"challenge_id": id, "certificate": "", "signature": "AAAA"});
    h.post("/v1/auth/login", None, &login)
        .await
        .expect_error(400, "certificate_format");
    // A payment-service id that is not UTF-8, a keyword given twice: JSON refusals.
    h.get("/v1/payment-services/%FF", None)
        .await
        .expect_error(404, "service_unknown");
    h.get("/v1/payment-services?q=a&q=b", None)
        .await
        .expect_error(400, "field_type");
}
