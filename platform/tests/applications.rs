//! The one application per person, signed by the card, over HTTP.

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::*;
use mynapoint_platform::crypto::SealingKey;
use mynapoint_platform::rules::applications::open_security_codes;
use mynapoint_platform::rules::card_login::certificate::PresentedCertificate;
use mynapoint_platform::Config;

fn issuer_of(card: &Card) -> String {
    PresentedCertificate::parse(card.cert_der()).unwrap().issuer
}

fn cn_of(card: &Card) -> String {
    PresentedCertificate::parse(card.cert_der())
        .unwrap()
        .subject_cn
}
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const DELAY: i64 = 86_400;

async fn applicant(h: &Harness) -> (Card, String) {
    let card = card(0).build();
    let token = h.login(&card).await;
    h.issue_auto(&token).await;
    (card, token)
}

async fn delayed() -> Harness {
    harness_with(Config {
        registration_delay_secs: DELAY as u64,
        ..Config::ephemeral()
    })
    .await
}

#[tokio::test]
async fn submitted_then_registered_after_the_delay() {
    let h = delayed().await;
    let (card, token) = applicant(&h).await;
    h.get("/v1/applications/mine", Some(&token))
        .await
        .expect_error(404, "not_applied");
    let summary = h
        .post(
            "/v1/applications/content-to-sign",
            Some(&token),
            &aeon_content(),
        )
        .await
        .expect(200);
    assert_eq!(
        summary["summary"],
        json!({"service_name": "イオンカード（電子マネーWAON一体型）", "payment_id_masked": "************3456",
               "categories": ["card_acquisition"], "total_yen": 5000})
    );
    let body = signed(&h, &token, &card, &aeon_content()).await;
    let created = h
        .post("/v1/applications", Some(&token), &body)
        .await
        .expect(201);
    assert_eq!(created["status"], json!("submitted"));
    assert_eq!(created["service_id"], json!("aeon-card-waon"));
    assert_eq!(created["payment_id_masked"], json!("************3456"));
    assert_eq!(created["submitted_at"], json!(h.clock_now()));
    let mine = h
        .get("/v1/applications/mine", Some(&token))
        .await
        .expect(200);
    assert_eq!(mine, created);
    h.clock.advance(DELAY - 1);
    let token = h.login(&card).await;
    let mine = h
        .get("/v1/applications/mine", Some(&token))
        .await
        .expect(200);
    assert_eq!(mine["status"], json!("submitted"));
    h.clock.advance(1);
    let mine = h
        .get("/v1/applications/mine", Some(&token))
        .await
        .expect(200);
    assert_eq!(mine["status"], json!("registered"));
    assert_eq!(mine["application_id"], created["application_id"]);
}

#[tokio::test]
async fn a_signature_over_the_digest_as_a_message_is_accepted_too() {
    let h = harness().await;
    let (card, token) = applicant(&h).await;
    let reply = h
        .post(
            "/v1/applications/content-to-sign",
            Some(&token),
            &aeon_content(),
        )
        .await
        .expect(200);
    let digest = STANDARD.decode(reply["digest"].as_str().unwrap()).unwrap();
    let mut body = aeon_content();
    body["signature"] = json!(STANDARD.encode(card.sign_message(&digest)));
    let created = h
        .post("/v1/applications", Some(&token), &body)
        .await
        .expect(201);
    // With no delay configured, it is registered at once.
    assert_eq!(created["status"], json!("registered"));
}

#[tokio::test]
async fn a_second_application_is_refused_and_the_first_is_unchanged() {
    let h = harness().await;
    let (card, token) = applicant(&h).await;
    let body = signed(&h, &token, &card, &aeon_content()).await;
    let first = h
        .post("/v1/applications", Some(&token), &body)
        .await
        .expect(201);
    let before = h.dump();

    // Another service after submission: refused.
    let paypay = json!({
        "service_id": "paypay", "terms_version": "2022-05", "payment_id": "PP12345678",
        "security_codes": ["QWERTYUP"], "phone_last4": null, "for_child": null,
        "categories": ["card_acquisition"],
    });
    // The service is the application's for good: refused before the card signs.
    h.post("/v1/applications/content-to-sign", Some(&token), &paypay)
        .await
        .expect_error(409, "service_cannot_change");
    // The same content again: refused before signing, and the signed body
    // again (without an Idempotency-Key) at submission.
    h.post(
        "/v1/applications/content-to-sign",
        Some(&token),
        &aeon_content(),
    )
    .await
    .expect_error(409, "already_applied");
    h.post("/v1/applications", Some(&token), &body)
        .await
        .expect_error(409, "already_applied");
    assert_eq!(h.dump(), before);
    let mine = h
        .get("/v1/applications/mine", Some(&token))
        .await
        .expect(200);
    assert_eq!(mine, first);
}

#[tokio::test]
async fn an_idempotent_retry_returns_the_same_201() {
    let h = harness().await;
    let (card, token) = applicant(&h).await;
    let body = signed(&h, &token, &card, &aeon_content()).await;
    let key = "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab";
    let first = h
        .call(
            "POST",
            "/v1/applications",
            Some(&token),
            Some(&body),
            Some(key),
        )
        .await;
    let first_body = first.clone().expect(201);
    let after_first = h.dump();
    let retry = h
        .call(
            "POST",
            "/v1/applications",
            Some(&token),
            Some(&body),
            Some(key),
        )
        .await;
    assert_eq!(retry.status, 201);
    assert_eq!(retry.body, first_body);
    assert_eq!(h.dump(), after_first, "a replay creates nothing");
    // Same key, other body: 422, nothing changes.
    let mut other = body.clone();
    other["phone_last4"] = json!("0000");
    let reply = h
        .call(
            "POST",
            "/v1/applications",
            Some(&token),
            Some(&other),
            Some(key),
        )
        .await;
    reply.expect_error(422, "idempotency_key_reused");
    // A retry from a new session of the same person still gets the stored answer.
    let token2 = h.login(&card).await;
    let retry = h
        .call(
            "POST",
            "/v1/applications",
            Some(&token2),
            Some(&body),
            Some(key),
        )
        .await;
    assert_eq!((retry.status, &retry.body), (201, &first_body));
    h.call(
        "POST",
        "/v1/applications",
        Some(&token),
        Some(&body),
        Some("not-a-uuid"),
    )
    .await
    .expect_error(400, "idempotency_key_format");
    assert_eq!(h.dump(), after_first);
}

#[tokio::test]
async fn content_signed_in_another_session_is_refused() {
    let h = harness().await;
    let (card, token) = applicant(&h).await;
    let body = signed(&h, &token, &card, &aeon_content()).await;
    let other_session = h.login(&card).await;
    let before = h.dump();
    let reply = h
        .post("/v1/applications", Some(&other_session), &body)
        .await;
    reply.expect_error(401, "signature_invalid");
    assert_eq!(reply.field(), Some("signature"));
    // Content changed after signing: refused too.
    let mut changed = body.clone();
    changed["payment_id"] = json!("1234567890123457");
    h.post("/v1/applications", Some(&token), &changed)
        .await
        .expect_error(401, "signature_invalid");
    // Signed by another card: refused.
    let stranger = common::card(1).build();
    let mut forged = body.clone();
    let digest = h
        .post(
            "/v1/applications/content-to-sign",
            Some(&token),
            &aeon_content(),
        )
        .await
        .expect(200)["digest"]
        .clone();
    let digest = STANDARD.decode(digest.as_str().unwrap()).unwrap();
    forged["signature"] = json!(STANDARD.encode(stranger.sign_digest(&digest)));
    h.post("/v1/applications", Some(&token), &forged)
        .await
        .expect_error(401, "signature_invalid");
    assert_eq!(h.dump(), before);
    // The right session still can.
    h.post("/v1/applications", Some(&token), &body)
        .await
        .expect(201);
}

#[tokio::test]
async fn bad_fields_get_specific_errors_and_change_nothing() {
    let h = harness().await;
    let (card, token) = applicant(&h).await;
    let smbc = json!({
        "service_id": "smbc-card", "terms_version": "2022-06",
        "payment_id": "4000123412341234", "security_codes": ["1234", "567"],
        "categories": ["card_acquisition"],
        "phone_last4": null, "for_child": null,
    });
    let cases: Vec<(Value, &str, u16, &str, &str)> = vec![
        (
            aeon_content(),
            "security_codes",
            400,
            "security_code_format",
            r#"[""]"#,
        ),
        (
            aeon_content(),
            "security_codes",
            400,
            "security_code_format",
            r#"["４８２１"]"#,
        ),
        (
            aeon_content(),
            "security_codes",
            400,
            "security_code_format",
            r#"["482"]"#,
        ),
        (
            aeon_content(),
            "security_codes",
            400,
            "security_code_format",
            r#"[]"#,
        ),
        (
            aeon_content(),
            "security_codes",
            400,
            "security_code_format",
            r#"["4821", "1"]"#,
        ),
        (
            smbc.clone(),
            "security_codes",
            400,
            "security_code_format",
            r#"["1234"]"#,
        ),
        (
            smbc.clone(),
            "security_codes",
            400,
            "security_code_format",
            r#"["1234", "5678"]"#,
        ),
        (
            aeon_content(),
            "payment_id",
            400,
            "payment_id_format",
            r#""123456789012345""#,
        ),
        (
            aeon_content(),
            "payment_id",
            400,
            "payment_id_format",
            r#""12345678901234567""#,
        ),
        (
            aeon_content(),
            "payment_id",
            400,
            "payment_id_format",
            r#""１２３４５６７８９０１２３４５６""#,
        ),
        (aeon_content(), "payment_id", 400, "field_missing", "null"),
        (
            aeon_content(),
            "phone_last4",
            400,
            "phone_last4_format",
            r#""123""#,
        ),
        (
            aeon_content(),
            "phone_last4",
            400,
            "phone_last4_format",
            r#""12a4""#,
        ),
        (
            aeon_content(),
            "phone_last4",
            400,
            "phone_last4_format",
            r#""５６７８""#,
        ),
        (
            aeon_content(),
            "terms_version",
            400,
            "terms_version_mismatch",
            r#""2020-01""#,
        ),
        (
            aeon_content(),
            "service_id",
            400,
            "service_unknown",
            r#""no-such-pay""#,
        ),
        (
            aeon_content(),
            "security_codes",
            400,
            "field_type",
            r#""4821""#,
        ),
        (
            aeon_content(),
            "for_child",
            400,
            "field_type",
            r#""20150101""#,
        ),
    ];
    let before = h.dump();
    for (base, field, status, code, value) in cases {
        let mut content = base.clone();
        content[field] = serde_json::from_str(value).unwrap();
        let reply = h
            .post("/v1/applications/content-to-sign", Some(&token), &content)
            .await;
        reply.expect_error(status, code);
        assert_eq!(reply.field(), Some(field), "{field} = {value}");
        // Submitting it (with a signature over the good content) fails the same way.
        let mut body = signed(&h, &token, &card, &base).await;
        body[field] = content[field].clone();
        h.post("/v1/applications", Some(&token), &body)
            .await
            .expect_error(status, code);
    }
    let mut body = signed(&h, &token, &card, &aeon_content()).await;
    body["signature"] = json!("***");
    h.post("/v1/applications", Some(&token), &body)
        .await
        .expect_error(400, "signature_format");
    assert_eq!(h.dump(), before);
    // Two codes, right lengths: fine.
    let body = signed(&h, &token, &card, &smbc).await;
    h.post("/v1/applications", Some(&token), &body)
        .await
        .expect(201);
}

#[tokio::test]
async fn a_my_key_id_is_required_first() {
    let h = harness().await;
    let card = card(0).build();
    let token = h.login(&card).await;
    h.post(
        "/v1/applications/content-to-sign",
        Some(&token),
        &aeon_content(),
    )
    .await
    .expect_error(403, "my_key_id_required");
    let mut body = aeon_content();
    body["signature"] = json!(STANDARD.encode(card.sign_message(b"x")));
    h.post("/v1/applications", Some(&token), &body)
        .await
        .expect_error(403, "my_key_id_required");
    h.post("/v1/applications/content-to-sign", None, &aeon_content())
        .await
        .expect_error(401, "unauthenticated");
}

#[tokio::test]
async fn the_security_code_is_not_stored_in_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("platform.sqlite3");
    let config = Config {
        database: Some(db.clone()),
        ..Config::ephemeral()
    };
    let key = SealingKey::from_hex(config.security_code_key.as_ref().unwrap()).unwrap();
    let h = harness_with(config).await;
    let (card, token) = applicant(&h).await;
    let code = "ZXWVQKJR";
    let content = json!({
        "service_id": "paypay", "terms_version": "2022-05", "payment_id": "PP12345678",
        "security_codes": [code], "phone_last4": "1234", "for_child": null,
        "categories": ["card_acquisition"],
    });
    let body = signed(&h, &token, &card, &content).await;
    h.call(
        "POST",
        "/v1/applications",
        Some(&token),
        Some(&body),
        Some("0b9f5c9e-2a39-4f0e-9a7e-5d1f2b3c4d5e"),
    )
    .await
    .expect(201);
    let files = || {
        ["", "-wal", "-shm"]
            .iter()
            .filter_map(|suffix| std::fs::read(format!("{}{suffix}", db.display())).ok())
            .collect::<Vec<_>>()
    };
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    let check = |stage: &str| {
        let all = files();
        assert!(!all.is_empty());
        for bytes in &all {
            assert!(
                !contains(bytes, code.as_bytes()),
                "{stage}: code in plaintext"
            );
            // Nor the hash the digest carries (a 4-digit code could be brute-forced from it).
            let hashed = hex::encode(Sha256::digest(code.as_bytes()));
            assert!(
                !contains(bytes, hashed.as_bytes()),
                "{stage}: code hash stored"
            );
        }
        assert!(
            all.iter().any(|b| contains(b, b"PP12345678")),
            "{stage}: the row is there"
        );
    };
    check("in the WAL");
    h.platform.with_store(|s| s.checkpoint().unwrap());
    check("after a checkpoint");
    // And nothing in the dump either.
    assert!(!h.dump().contains(code));
    // The server key opens it.
    let codes = h.platform.with_store(|s| {
        let person = s
            .person_id(&issuer_of(&card), &cn_of(&card))
            .unwrap()
            .unwrap();
        let record = s.application_of(person).unwrap().unwrap();
        open_security_codes(&key, &record).unwrap()
    });
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0].expose(), code);
    assert_eq!(format!("{codes:?}"), "[Secret(<redacted>)]");
}
