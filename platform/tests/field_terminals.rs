//! The field app's terminal login: device registration, another device,
//! wrong passwords and the lock, re-registration; terminal tokens apart
//! from card sessions; the administrator token.

mod common;

use common::field::*;
use common::*;
use serde_json::json;

#[tokio::test]
async fn the_first_login_registers_the_device_and_lists_the_projects() {
    let f = Field::start().await;
    let body = f.try_login(&f.device, TERMINAL_PASSWORD).await.expect(200);
    assert_eq!(body["device_registered"], true);
    assert_eq!(body["terminal_id"], TERMINAL);
    assert_eq!(body["municipality"]["code"], MUNICIPALITY);
    assert_eq!(body["municipality"]["expiry_days"], EXPIRY_DAYS);
    assert_eq!(body["projects"][0]["project_id"], PROJECT);
    assert_eq!(body["projects"][0]["points_per_grant"], POINTS);
    assert_eq!(body["projects"][0]["open"], true);
    // The same device again: not a new registration.
    let again = f.try_login(&f.device, TERMINAL_PASSWORD).await.expect(200);
    assert_eq!(again["device_registered"], false);
    // The token works for the project list.
    let token = again["token"].as_str().unwrap();
    let list = f.h.get("/v1/field/projects", Some(token)).await.expect(200);
    assert_eq!(list["projects"].as_array().unwrap().len(), 1);
    assert_eq!(list["municipality"]["point_name"], "ちよだ健康ポイント");
}

#[tokio::test]
async fn another_device_is_refused_until_the_administrator_re_registers() {
    let f = Field::start().await;
    let token = f.login().await;
    let thief = Device::new();
    let before = f.dump();
    f.try_login(&thief, TERMINAL_PASSWORD)
        .await
        .expect_error(409, "terminal_device_mismatch");
    assert_eq!(f.dump(), before, "a refused device changes nothing");
    // Same key, another fingerprint: refused too.
    let mut twin = f.device.login_body(TERMINAL, TERMINAL_PASSWORD);
    twin["device_fingerprint"] = json!("0".repeat(64));
    f.h.post("/v1/field/login", None, &twin)
        .await
        .expect_error(409, "terminal_device_mismatch");

    let info = f.admin.re_register(TERMINAL).await.unwrap();
    assert_eq!(info.device_fingerprint, None);
    // The old device's token ended with the re-registration.
    f.h.get("/v1/field/projects", Some(&token))
        .await
        .expect_error(401, "unauthenticated");
    let body = f.try_login(&thief, TERMINAL_PASSWORD).await.expect(200);
    assert_eq!(body["device_registered"], true);
    f.try_login(&f.device, TERMINAL_PASSWORD)
        .await
        .expect_error(409, "terminal_device_mismatch");
    let refused = f.admin.re_register("99999999").await.unwrap_err();
    assert_eq!((refused.status, refused.code()), (404, "terminal_unknown"));
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_terminal_for_a_period() {
    let f = Field::start().await;
    for left in (1..5).rev() {
        let reply = f.try_login(&f.device, "wrong-pass").await;
        reply.expect_error(401, "terminal_password_wrong");
        assert!(
            reply.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("{left} more")),
            "{}",
            reply.body
        );
    }
    f.try_login(&f.device, "wrong-pass")
        .await
        .expect_error(423, "terminal_locked");
    // Locked: even the right password is not checked.
    let before = f.dump();
    f.try_login(&f.device, TERMINAL_PASSWORD)
        .await
        .expect_error(423, "terminal_locked");
    assert_eq!(f.dump(), before);
    f.h.clock.advance(15 * 60 + 1);
    f.try_login(&f.device, TERMINAL_PASSWORD).await.expect(200);
}

#[tokio::test]
async fn a_good_password_restarts_the_count_and_the_lock_is_configurable() {
    let mut config = mynapoint_platform::Config::ephemeral();
    config.terminal_lock_after = 2;
    config.terminal_lock_secs = 60;
    let f = Field::start_with(config).await;
    f.try_login(&f.device, "wrong-pass")
        .await
        .expect_error(401, "terminal_password_wrong");
    f.try_login(&f.device, TERMINAL_PASSWORD).await.expect(200);
    f.try_login(&f.device, "wrong-pass")
        .await
        .expect_error(401, "terminal_password_wrong");
    f.try_login(&f.device, "wrong-pass")
        .await
        .expect_error(423, "terminal_locked");
    f.h.clock.advance(59);
    f.try_login(&f.device, TERMINAL_PASSWORD)
        .await
        .expect_error(423, "terminal_locked");
    f.h.clock.advance(2);
    f.try_login(&f.device, TERMINAL_PASSWORD).await.expect(200);
}

#[tokio::test]
async fn each_bad_login_field_has_its_own_code() {
    let f = Field::start().await;
    let good = f.device.login_body(TERMINAL, TERMINAL_PASSWORD);
    let cases = [
        ("terminal_id", json!("1234567"), 400, "terminal_id_format"),
        ("terminal_id", json!("99999999"), 401, "terminal_unknown"),
        ("device_public_key", json!("AAAA"), 400, "device_key_format"),
        (
            "device_public_key",
            json!(base64_of(&[4u8; 65])),
            400,
            "device_key_format",
        ),
        (
            "device_fingerprint",
            json!("AB".repeat(32)),
            400,
            "device_fingerprint_format",
        ),
        ("password", json!(12), 400, "field_type"),
    ];
    let before = f.dump();
    for (field, value, status, code) in cases {
        let mut body = good.clone();
        body[field] = value;
        let reply = f.h.post("/v1/field/login", None, &body).await;
        reply.expect_error(status, code);
    }
    assert_eq!(f.dump(), before, "no refused login registers anything");
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test]
async fn terminal_tokens_and_card_sessions_do_not_open_each_others_routes() {
    let f = Field::start().await;
    let terminal_token = f.login().await;
    let card = card(0).build();
    let card_token = f.h.login(&card).await;
    f.h.get("/v1/field/projects", Some(&card_token))
        .await
        .expect_error(401, "unauthenticated");
    f.h.get("/v1/my-key-id", Some(&terminal_token))
        .await
        .expect_error(401, "unauthenticated");
    // Nor is either the administrator.
    for token in [&terminal_token, &card_token] {
        f.h.get("/v1/admin/outbox", Some(token))
            .await
            .expect_error(401, "unauthenticated");
    }
    f.h.get("/v1/admin/outbox", None)
        .await
        .expect_error(401, "unauthenticated");
    // An idle terminal token ends.
    f.h.clock.advance(901);
    f.h.get("/v1/field/projects", Some(&terminal_token))
        .await
        .expect_error(401, "session_expired");
}

#[tokio::test]
async fn without_an_administrator_token_administration_is_closed() {
    let mut config = mynapoint_platform::Config::ephemeral();
    config.admin_token = None;
    let h = harness_with(config).await;
    h.get("/v1/admin/outbox", Some("anything"))
        .await
        .expect_error(401, "unauthenticated");
}
