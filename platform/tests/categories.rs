//! The point categories of the 2nd installment over HTTP: the eligibility
//! facts through the administration API (behind its token), each
//! combination's answer, new applications covering categories, categories
//! added later with the card again, a 1st-installment applicant applying on
//! their 1st service, and each refusal (changing nothing).

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::*;
use mynapoint_platform::rules::card_login::certificate::PresentedCertificate;
use mynapoint_platform::Config;
use serde_json::{json, Value};

const ADMIN: &str = "admin-token-for-tests";
const FACTS: &str = "/v1/admin/persons/eligibility";

async fn h() -> Harness {
    let mut config = Config::ephemeral();
    config.admin_token = Some(ADMIN.into());
    harness_with(config).await
}

fn person(card: &Card) -> (String, String) {
    let c = PresentedCertificate::parse(card.cert_der()).unwrap();
    (c.issuer, c.subject_cn)
}

fn facts(card: &Card, first: Value, health: Value, fund: Value) -> Value {
    let (issuer, cn) = person(card);
    json!({
        "issuer": issuer, "subject_cn": cn, "first_installment": first,
        "health_insurance_registered_on": health, "public_fund_account_registered_on": fund,
    })
}

async fn set(h: &Harness, body: &Value) -> Reply {
    h.call("PUT", FACTS, Some(ADMIN), Some(body), None).await
}

async fn states(h: &Harness, token: &str) -> Vec<(String, String, u64)> {
    let e = h
        .get("/v1/applications/eligibility", Some(token))
        .await
        .expect(200);
    assert_eq!(e["max_total_yen"], 20000);
    e["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["category"].as_str().unwrap().to_owned(),
                c["state"].as_str().unwrap().to_owned(),
                c["amount_yen"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn s(c: &str, st: &str, y: u64) -> (String, String, u64) {
    (c.into(), st.into(), y)
}

/// Signs the categories' digest with the card.
async fn signed_addition(h: &Harness, token: &str, card: &Card, body: &Value) -> Value {
    let reply = h
        .post(
            "/v1/applications/categories/content-to-sign",
            Some(token),
            body,
        )
        .await
        .expect(200);
    let digest = STANDARD.decode(reply["digest"].as_str().unwrap()).unwrap();
    let mut signed = body.clone();
    signed["signature"] = json!(STANDARD.encode(card.sign_digest(&digest)));
    signed
}

async fn applicant(h: &Harness, key: usize) -> (Card, String) {
    let card = card(key).build();
    let token = h.login(&card).await;
    h.issue_auto(&token).await;
    (card, token)
}

#[tokio::test]
async fn the_administration_needs_its_token_and_refuses_bad_facts_changing_nothing() {
    let h = h().await;
    let card = card(0).build();
    let body = facts(&card, Value::Null, json!("20250101"), Value::Null);
    h.call("PUT", FACTS, None, Some(&body), None)
        .await
        .expect_error(401, "unauthenticated");
    h.call("PUT", FACTS, Some("wrong"), Some(&body), None)
        .await
        .expect_error(401, "unauthenticated");
    let before = h.dump();
    let late = json!({"service_id": "aeon-card-waon", "applied_on": "20220101", "earned_yen": 0});
    let r = set(&h, &facts(&card, late, Value::Null, Value::Null)).await;
    r.expect_error(400, "eligibility_format");
    assert_eq!(r.field(), Some("first_installment.applied_on"));
    let unknown = json!({"service_id": "nope", "applied_on": "20211001", "earned_yen": 0});
    set(&h, &facts(&card, unknown, Value::Null, Value::Null))
        .await
        .expect_error(400, "eligibility_format");
    let r = set(
        &h,
        &facts(&card, Value::Null, json!("20250230"), Value::Null),
    )
    .await;
    assert_eq!(r.field(), Some("health_insurance_registered_on"));
    assert_eq!(h.dump(), before, "a refusal stores nothing");
    assert_eq!(set(&h, &body).await.expect(200), body);

    // No token configured: administration is off.
    let off = harness().await;
    off.call("PUT", FACTS, Some(ADMIN), Some(&body), None)
        .await
        .expect_error(401, "unauthenticated");
}

#[tokio::test]
async fn each_combination_of_facts_reads_as_its_categories() {
    let h = h().await;
    let (a, ta) = applicant(&h, 0).await;
    // No facts: (1) only.
    assert_eq!(
        states(&h, &ta).await,
        [
            s("card_acquisition", "eligible", 5000),
            s("health_insurance", "not_yet_available", 7500),
            s("public_fund_account", "not_yet_available", 7500)
        ]
    );
    // Both registrations; a date after today does not count yet.
    set(
        &h,
        &facts(&a, Value::Null, json!("20240401"), json!("29991231")),
    )
    .await
    .expect(200);
    assert_eq!(
        states(&h, &ta).await,
        [
            s("card_acquisition", "eligible", 5000),
            s("health_insurance", "eligible", 7500),
            s("public_fund_account", "not_yet_available", 7500)
        ]
    );
    // A 1st-installment applicant keeps earning what is left, or is done.
    let first = |earned: u32| json!({"service_id": "paypay", "applied_on": "20211001", "earned_yen": earned});
    set(&h, &facts(&a, first(1200), Value::Null, json!("20240401")))
        .await
        .expect(200);
    let e = h
        .get("/v1/applications/eligibility", Some(&ta))
        .await
        .expect(200);
    assert_eq!(e["categories"][0]["state"], "continuing");
    assert_eq!(e["categories"][0]["amount_yen"], 3800);
    assert_eq!(
        e["categories"][1]["requirement"],
        "health_insurance_registration"
    );
    assert_eq!(e["categories"][2]["state"], "eligible");
    assert_eq!(e["service"]["service_id"], "paypay");
    assert_eq!(e["service"]["fixed_by"], "first_installment");
    set(&h, &facts(&a, first(5000), Value::Null, Value::Null))
        .await
        .expect(200);
    assert_eq!(states(&h, &ta).await[0], s("card_acquisition", "earned", 0));
}

#[tokio::test]
async fn an_application_covers_its_categories_and_one_is_added_later_with_the_card() {
    let h = h().await;
    let (a, ta) = applicant(&h, 0).await;
    // (2) is not open yet: refused before the card signs, with what to do first.
    let mut content = aeon_content();
    content["categories"] = json!(["card_acquisition", "health_insurance"]);
    let r = h
        .post("/v1/applications/content-to-sign", Some(&ta), &content)
        .await;
    r.expect_error(409, "category_not_available");
    assert_eq!(r.field(), Some("categories[1]"));
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("health insurance card"));
    content["categories"] = json!([]);
    h.post("/v1/applications/content-to-sign", Some(&ta), &content)
        .await
        .expect_error(400, "categories_format");
    content["categories"] = json!(["card_acquisition"]);
    let body = signed(&h, &ta, &a, &content).await;
    let app = h
        .post("/v1/applications", Some(&ta), &body)
        .await
        .expect(201);
    assert_eq!(app["categories"][0]["category"], "card_acquisition");
    assert_eq!(app["categories"].as_array().unwrap().len(), 1);

    // Not yet registered: an addition is refused too.
    let addition = json!({"service_id": "aeon-card-waon", "categories": ["health_insurance"]});
    h.post(
        "/v1/applications/categories/content-to-sign",
        Some(&ta),
        &addition,
    )
    .await
    .expect_error(409, "category_not_available");
    // The card is registered as a health insurance card: (2) is added on the same service.
    set(&h, &facts(&a, Value::Null, json!("20240401"), Value::Null))
        .await
        .expect(200);
    let other = json!({"service_id": "paypay", "categories": ["health_insurance"]});
    h.post(
        "/v1/applications/categories/content-to-sign",
        Some(&ta),
        &other,
    )
    .await
    .expect_error(409, "service_cannot_change");
    let signed_add = signed_addition(&h, &ta, &a, &addition).await;
    // The signature covers the categories: another set under it is refused.
    let mut grown = signed_add.clone();
    grown["categories"] = json!(["health_insurance", "card_acquisition"]);
    h.post("/v1/applications/categories", Some(&ta), &grown)
        .await
        .expect_error(409, "category_already_applied");
    set(
        &h,
        &facts(&a, Value::Null, json!("20240401"), json!("20240401")),
    )
    .await
    .expect(200);
    let mut grown = signed_add.clone();
    grown["categories"] = json!(["health_insurance", "public_fund_account"]);
    let before = h.dump();
    h.post("/v1/applications/categories", Some(&ta), &grown)
        .await
        .expect_error(401, "signature_invalid");
    assert_eq!(h.dump(), before);
    let added = h
        .post("/v1/applications/categories", Some(&ta), &signed_add)
        .await
        .expect(200);
    assert_eq!(added["application_id"], app["application_id"]);
    assert_eq!(added["service_id"], "aeon-card-waon");
    let names: Vec<&str> = added["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["category"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["card_acquisition", "health_insurance"]);
    // Once only.
    h.post(
        "/v1/applications/categories/content-to-sign",
        Some(&ta),
        &addition,
    )
    .await
    .expect_error(409, "category_already_applied");
    assert_eq!(
        h.get("/v1/applications/mine", Some(&ta)).await.expect(200),
        added
    );
}

#[tokio::test]
async fn a_first_installment_applicant_keeps_their_service() {
    let h = h().await;
    let (a, ta) = applicant(&h, 1).await;
    let first = json!({"service_id": "paypay", "applied_on": "20211001", "earned_yen": 2000});
    set(&h, &facts(&a, first, json!("20240401"), json!("20240401")))
        .await
        .expect(200);
    // A new application with payment details: the service is the 1st one.
    let mut content = aeon_content();
    content["categories"] = json!(["health_insurance"]);
    h.post("/v1/applications/content-to-sign", Some(&ta), &content)
        .await
        .expect_error(409, "service_cannot_change");
    // (1) continues without applying.
    let one = json!({"service_id": "paypay", "categories": ["card_acquisition"]});
    h.post(
        "/v1/applications/categories/content-to-sign",
        Some(&ta),
        &one,
    )
    .await
    .expect_error(409, "category_not_available");
    let both =
        json!({"service_id": "paypay", "categories": ["public_fund_account", "health_insurance"]});
    let body = signed_addition(&h, &ta, &a, &both).await;
    let app = h
        .post("/v1/applications/categories", Some(&ta), &body)
        .await
        .expect(200);
    assert_eq!(app["service_id"], "paypay");
    assert_eq!(app["payment_id_masked"], Value::Null);
    assert_eq!(app["categories"].as_array().unwrap().len(), 2);
    let e = h
        .get("/v1/applications/eligibility", Some(&ta))
        .await
        .expect(200);
    assert_eq!(e["service"]["fixed_by"], "application");
    assert_eq!(e["categories"][1]["state"], "applied");
}

#[tokio::test]
async fn a_seed_file_gives_facts_at_start() {
    let card = card(2).build();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("eligibility.json");
    std::fs::write(
        &path,
        serde_json::to_vec(&json!([facts(
            &card,
            Value::Null,
            json!("20240401"),
            Value::Null
        )]))
        .unwrap(),
    )
    .unwrap();
    let mut config = Config::ephemeral();
    config.eligibility_seed = Some(path);
    let h = harness_with(config).await;
    let token = h.login(&card).await;
    assert_eq!(
        states(&h, &token).await[1],
        s("health_insurance", "eligible", 7500)
    );
}

#[tokio::test]
async fn the_example_seed_file_loads() {
    let mut config = Config::ephemeral();
    config.eligibility_seed = Some(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seed/eligibility.example.json"),
    );
    let h = harness_with(config).await;
    let issuer = "CN=JPKI-TEST CA,O=mynapoint,C=JP";
    let facts = h.platform.with_store(|s| {
        let taro = s.person_id(issuer, "TARO-0001").unwrap().unwrap();
        let hanako = s.person_id(issuer, "HANAKO-0002").unwrap().unwrap();
        (
            s.eligibility_of(taro).unwrap(),
            s.eligibility_of(hanako).unwrap(),
        )
    });
    assert!(facts.0.health_insurance_registered_on.is_some());
    assert_eq!(facts.1.first_installment.unwrap().service_id, "paypay");
}
