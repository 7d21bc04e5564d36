//! An application for a child under 15: the child's card logs in, the legal
//! representative's card co-signs, the account is the representative's.

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::*;
use mynapoint_contract::date::CivilDate;
use mynapoint_platform::rules::card_login::certificate::PresentedCertificate;
use mynapoint_platform::Config;
use serde_json::{json, Value};

const DAY: i64 = 86_400;

/// Keeps "today" away from 29 February so that "15 years ago" is a date.
fn avoid_leap_day_edges(h: &Harness) {
    let today = CivilDate::in_japan_at(h.clock_now());
    let (m, d) = (today.month, today.day);
    if (m == 2 && d >= 27) || (m == 3 && d == 1) {
        h.clock.advance(4 * DAY);
    }
}

/// The birth date `years` years before the JST day `offset_days` from today.
fn birth_date(h: &Harness, years: i64, offset_days: i64) -> String {
    let day = CivilDate::in_japan_at(h.clock_now() + offset_days * DAY);
    format!(
        "{:04}{:02}{:02}",
        i64::from(day.year) - years,
        day.month,
        day.day
    )
}

fn cn_of(card: &Card) -> String {
    PresentedCertificate::parse(card.cert_der())
        .unwrap()
        .subject_cn
}

/// A child with a My Key ID, logged in with the child's card.
async fn child(h: &Harness) -> (Card, String) {
    avoid_leap_day_edges(h);
    let card = card(0).build();
    let token = h.login(&card).await;
    h.issue_auto(&token).await;
    (card, token)
}

fn child_content(birth_date: &str, representative: &Card) -> Value {
    let mut content = aeon_content();
    content["payment_id"] = json!("9999888877776666");
    content["for_child"] = json!({
        "birth_date": birth_date,
        "representative_certificate": STANDARD.encode(representative.cert_der()),
    });
    content
}

async fn digest_of(h: &Harness, token: &str, content: &Value) -> Vec<u8> {
    let reply = h
        .post("/v1/applications/content-to-sign", Some(token), content)
        .await
        .expect(200);
    STANDARD.decode(reply["digest"].as_str().unwrap()).unwrap()
}

/// Both signatures over the digest of `content`.
async fn cosigned(
    h: &Harness,
    token: &str,
    child: &Card,
    representative: &Card,
    content: &Value,
) -> Value {
    let digest = digest_of(h, token, content).await;
    let mut body = content.clone();
    body["signature"] = json!(STANDARD.encode(child.sign_digest(&digest)));
    body["representative_signature"] = json!(STANDARD.encode(representative.sign_digest(&digest)));
    body
}

#[tokio::test]
async fn a_child_application_is_stored_and_shown_with_for_child() {
    let h = harness().await;
    let (child_card, token) = child(&h).await;
    let parent = card(1).build();
    let born = birth_date(&h, 10, 0);
    let content = child_content(&born, &parent);

    // The child line changes the digest; the ordinary digest is the same as before.
    let mut ordinary = content.clone();
    ordinary["for_child"] = Value::Null;
    let plain = digest_of(&h, &token, &ordinary).await;
    let mut absent = ordinary.clone();
    absent.as_object_mut().unwrap().remove("for_child");
    assert_eq!(digest_of(&h, &token, &absent).await, plain);
    assert_ne!(digest_of(&h, &token, &content).await, plain);

    // The representative may sign the digest as a message, too.
    let digest = digest_of(&h, &token, &content).await;
    let mut body = content.clone();
    body["signature"] = json!(STANDARD.encode(child_card.sign_digest(&digest)));
    body["representative_signature"] = json!(STANDARD.encode(parent.sign_message(&digest)));
    let key = "3a9e6c1b-5d2f-4e8a-9b7c-1d2e3f4a5b6c";
    let created = h
        .call(
            "POST",
            "/v1/applications",
            Some(&token),
            Some(&body),
            Some(key),
        )
        .await
        .expect(201);
    assert_eq!(
        created["for_child"],
        json!({"birth_date": born, "representative_serial": parent.serial_hex()})
    );
    assert_eq!(created["payment_id_masked"], json!("************6666"));
    let mine = h
        .get("/v1/applications/mine", Some(&token))
        .await
        .expect(200);
    assert_eq!(mine, created);
    // An idempotent retry is the same answer, not a conflict.
    let after = h.dump();
    let retry = h
        .call(
            "POST",
            "/v1/applications",
            Some(&token),
            Some(&body),
            Some(key),
        )
        .await
        .expect(201);
    assert_eq!(retry, created);
    assert_eq!(h.dump(), after);
    // The representative's own application has no for_child.
    let parent_token = h.login(&parent).await;
    h.issue_auto(&parent_token).await;
    let own = signed(&h, &parent_token, &parent, &aeon_content()).await;
    let created = h
        .post("/v1/applications", Some(&parent_token), &own)
        .await
        .expect(201);
    assert_eq!(created["for_child"], Value::Null);
}

#[tokio::test]
async fn the_representative_signature_is_checked() {
    let h = harness().await;
    let (child_card, token) = child(&h).await;
    let parent = card(1).build();
    let stranger = card(2).build();
    let content = child_content(&birth_date(&h, 8, 0), &parent);
    let body = cosigned(&h, &token, &child_card, &parent, &content).await;
    let before = h.dump();

    let mut missing = body.clone();
    missing
        .as_object_mut()
        .unwrap()
        .remove("representative_signature");
    let mut null = body.clone();
    null["representative_signature"] = Value::Null;
    let digest = digest_of(&h, &token, &content).await;
    let mut by_stranger = body.clone();
    by_stranger["representative_signature"] = json!(STANDARD.encode(stranger.sign_digest(&digest)));
    let mut by_child = body.clone();
    by_child["representative_signature"] = json!(STANDARD.encode(child_card.sign_digest(&digest)));
    let mut other_content = body.clone();
    other_content["representative_signature"] =
        json!(STANDARD.encode(parent.sign_digest(&[7u8; 32])));
    for bad in [missing, null, by_stranger, by_child, other_content] {
        let reply = h.post("/v1/applications", Some(&token), &bad).await;
        reply.expect_error(401, "representative_signature_invalid");
        assert_eq!(reply.field(), Some("representative_signature"));
    }
    let mut not_base64 = body.clone();
    not_base64["representative_signature"] = json!("***");
    h.post("/v1/applications", Some(&token), &not_base64)
        .await
        .expect_error(400, "signature_format");
    // Signed over the ordinary content (no child line): the applicant's own
    // signature no longer matches either.
    let mut ordinary = content.clone();
    ordinary["for_child"] = Value::Null;
    let mut replayed = cosigned(&h, &token, &child_card, &parent, &ordinary).await;
    replayed["for_child"] = content["for_child"].clone();
    h.post("/v1/applications", Some(&token), &replayed)
        .await
        .expect_error(401, "signature_invalid");
    assert_eq!(h.dump(), before);
    h.get("/v1/applications/mine", Some(&token))
        .await
        .expect_error(404, "not_applied");
    h.post("/v1/applications", Some(&token), &body)
        .await
        .expect(201);
}

#[tokio::test]
async fn the_age_is_under_15_on_the_servers_date() {
    let h = harness().await;
    let (child_card, token) = child(&h).await;
    let parent = card(1).build();
    let before = h.dump();
    // The 15th birthday today: not under 15.
    let fifteen_today = child_content(&birth_date(&h, 15, 0), &parent);
    let reply = h
        .post(
            "/v1/applications/content-to-sign",
            Some(&token),
            &fifteen_today,
        )
        .await;
    reply.expect_error(400, "child_not_under_15");
    assert_eq!(reply.field(), Some("for_child.birth_date"));
    let older = child_content(&birth_date(&h, 40, 0), &parent);
    h.post("/v1/applications/content-to-sign", Some(&token), &older)
        .await
        .expect_error(400, "child_not_under_15");
    // Submitting fails the same way (a body signed over an under-15 date, then changed).
    let ok_content = child_content(&birth_date(&h, 15, 1), &parent);
    let mut body = cosigned(&h, &token, &child_card, &parent, &ok_content).await;
    body["for_child"] = fifteen_today["for_child"].clone();
    h.post("/v1/applications", Some(&token), &body)
        .await
        .expect_error(400, "child_not_under_15");
    assert_eq!(h.dump(), before);
    // 14 years and 364 days (the 15th birthday is tomorrow): fine.
    let body = cosigned(&h, &token, &child_card, &parent, &ok_content).await;
    h.post("/v1/applications", Some(&token), &body)
        .await
        .expect(201);
}

#[tokio::test]
async fn bad_child_fields_get_specific_errors_and_change_nothing() {
    let h = harness().await;
    let (child_card, token) = child(&h).await;
    let parent = card(1).build();
    let own_other_card = card(2).cn(&cn_of(&child_card)).build();
    let expired = card(1).expired().build();
    let foreign = card(1).ca(foreign_ca().clone()).build();
    let good = child_content(&birth_date(&h, 9, 0), &parent);
    let cert = |card: &Card| json!(STANDARD.encode(card.cert_der()));
    let cases: Vec<(&str, Value, u16, &str, &str)> = vec![
        (
            "birth_date",
            json!("20150230"),
            400,
            "child_birth_date_format",
            "for_child.birth_date",
        ),
        (
            "birth_date",
            json!("2015-01-01"),
            400,
            "child_birth_date_format",
            "for_child.birth_date",
        ),
        (
            "birth_date",
            json!("２０１５０１０１"),
            400,
            "child_birth_date_format",
            "for_child.birth_date",
        ),
        (
            "birth_date",
            json!("20151301"),
            400,
            "child_birth_date_format",
            "for_child.birth_date",
        ),
        (
            "birth_date",
            json!(birth_date(&h, 0, 2)),
            400,
            "child_birth_date_format",
            "for_child.birth_date",
        ),
        (
            "birth_date",
            Value::Null,
            400,
            "field_missing",
            "for_child.birth_date",
        ),
        (
            "birth_date",
            json!(20150101),
            400,
            "field_type",
            "for_child.birth_date",
        ),
        (
            "representative_certificate",
            Value::Null,
            400,
            "field_missing",
            "for_child.representative_certificate",
        ),
        (
            "representative_certificate",
            json!("***"),
            400,
            "certificate_format",
            "for_child.representative_certificate",
        ),
        (
            "representative_certificate",
            json!("AAAA"),
            400,
            "certificate_format",
            "for_child.representative_certificate",
        ),
        (
            "representative_certificate",
            cert(&child_card),
            400,
            "representative_is_applicant",
            "for_child.representative_certificate",
        ),
        (
            "representative_certificate",
            cert(&own_other_card),
            400,
            "representative_is_applicant",
            "for_child.representative_certificate",
        ),
        (
            "representative_certificate",
            cert(&expired),
            400,
            "representative_certificate_expired",
            "for_child.representative_certificate",
        ),
        (
            "representative_certificate",
            cert(&foreign),
            400,
            "representative_certificate_untrusted",
            "for_child.representative_certificate",
        ),
    ];
    let before = h.dump();
    for (name, value, status, code, field) in cases {
        let mut content = good.clone();
        content["for_child"][name] = value.clone();
        let reply = h
            .post("/v1/applications/content-to-sign", Some(&token), &content)
            .await;
        reply.expect_error(status, code);
        assert_eq!(reply.field(), Some(field), "{name} = {value}");
        let mut body = cosigned(&h, &token, &child_card, &parent, &good).await;
        body["for_child"][name] = value;
        h.post("/v1/applications", Some(&token), &body)
            .await
            .expect_error(status, code);
    }
    assert_eq!(h.dump(), before);
    h.get("/v1/applications/mine", Some(&token))
        .await
        .expect_error(404, "not_applied");
}

#[tokio::test]
async fn a_revoked_representative_certificate_is_refused() {
    let parent = card(1).build();
    let h = harness_with(Config {
        revoked_serials: vec![parent.serial_hex()],
        ..Config::ephemeral()
    })
    .await;
    let (child_card, token) = child(&h).await;
    let content = child_content(&birth_date(&h, 3, 0), &parent);
    let before = h.dump();
    let reply = h
        .post("/v1/applications/content-to-sign", Some(&token), &content)
        .await;
    reply.expect_error(400, "representative_certificate_revoked");
    assert_eq!(reply.field(), Some("for_child.representative_certificate"));
    let mut body = content.clone();
    body["signature"] = json!(STANDARD.encode(child_card.sign_message(b"x")));
    body["representative_signature"] = json!(STANDARD.encode(parent.sign_message(b"x")));
    h.post("/v1/applications", Some(&token), &body)
        .await
        .expect_error(400, "representative_certificate_revoked");
    assert_eq!(h.dump(), before);
}

#[tokio::test]
async fn a_payment_account_holds_one_persons_points() {
    let h = harness().await;
    // The representative applied for themselves with their own account.
    let parent = card(1).build();
    let parent_token = h.login(&parent).await;
    h.issue_auto(&parent_token).await;
    let own = signed(&h, &parent_token, &parent, &aeon_content()).await;
    h.post("/v1/applications", Some(&parent_token), &own)
        .await
        .expect(201);

    // Reusing it for the child is refused before any card signs.
    let (child_card, token) = child(&h).await;
    let mut content = child_content(&birth_date(&h, 6, 0), &parent);
    content["payment_id"] = aeon_content()["payment_id"].clone();
    let before = h.dump();
    let reply = h
        .post("/v1/applications/content-to-sign", Some(&token), &content)
        .await;
    reply.expect_error(409, "payment_account_in_use");
    assert_eq!(reply.field(), Some("payment_id"));
    assert_eq!(h.dump(), before);
    h.get("/v1/applications/mine", Some(&token))
        .await
        .expect_error(404, "not_applied");

    // An ordinary application by someone else with that account: refused too.
    let other = card(2).build();
    let other_token = h.login(&other).await;
    h.issue_auto(&other_token).await;
    h.post(
        "/v1/applications/content-to-sign",
        Some(&other_token),
        &aeon_content(),
    )
    .await
    .expect_error(409, "payment_account_in_use");
    // The same payment id at another service is another account.
    let mut waon_elsewhere = aeon_content();
    waon_elsewhere["service_id"] = json!("smbc-card");
    waon_elsewhere["terms_version"] = json!("2022-06");
    waon_elsewhere["security_codes"] = json!(["1234", "567"]);
    let theirs = signed(&h, &other_token, &other, &waon_elsewhere).await;
    h.post("/v1/applications", Some(&other_token), &theirs)
        .await
        .expect(201);
    assert_eq!(h.dump().matches("1234567890123456").count(), 2);

    // Two people sign for one free account at the same time: the first
    // submission wins, the second is refused at submission and stores nothing.
    let content = child_content(&birth_date(&h, 6, 0), &parent);
    let child_body = cosigned(&h, &token, &child_card, &parent, &content).await;
    let late = card(3).build();
    let late_token = h.login(&late).await;
    h.issue_auto(&late_token).await;
    let mut same_account = aeon_content();
    same_account["payment_id"] = content["payment_id"].clone();
    let late_body = signed(&h, &late_token, &late, &same_account).await;
    h.post("/v1/applications", Some(&token), &child_body)
        .await
        .expect(201);
    let before = h.dump();
    h.call(
        "POST",
        "/v1/applications",
        Some(&late_token),
        Some(&late_body),
        Some("7d4c1e2f-3a5b-4c6d-8e9f-a0b1c2d3e4f5"),
    )
    .await
    .expect_error(409, "payment_account_in_use");
    assert_eq!(h.dump(), before, "nothing stored, not even the refusal");
}
