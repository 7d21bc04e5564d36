//! Payment services over HTTP, and the blocking embedding helper.

mod common;

use std::io::{Read, Write};

use common::*;
use mynapoint_platform::{BlockingPlatform, Config};
use serde_json::json;

#[tokio::test]
async fn search_and_details() {
    let h = harness().await;
    let all = h.get("/v1/payment-services", None).await.expect(200);
    assert!(all["services"].as_array().unwrap().len() >= 8);
    for q in ["イオン", "aeon", "%EF%BC%A1%EF%BC%A5%EF%BC%AF%EF%BC%AE"] {
        let found = h
            .get(&format!("/v1/payment-services?q={q}"), None)
            .await
            .expect(200);
        let ids: Vec<&str> = found["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["service_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["aeon-card-waon", "aeon-bank-cash-debit"], "{q}");
    }
    let smbc = h
        .get("/v1/payment-services/smbc-card", None)
        .await
        .expect(200);
    assert_eq!(smbc["kind"], json!("credit"));
    assert_eq!(smbc["security_codes"].as_array().unwrap().len(), 2);
    assert_eq!(smbc["payment_id"]["charset"], json!("digits"));
    assert!(smbc["terms"].as_str().unwrap().contains("規約"));
    let reply = h.get("/v1/payment-services/nope", None).await;
    reply.expect_error(404, "service_unknown");
}

#[test]
fn the_blocking_helper_serves_and_stops() {
    let platform = BlockingPlatform::start(Config::ephemeral()).unwrap();
    let addr = platform.base_url().trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with(r#"{"status":"ok"}"#), "{response}");
    platform.shutdown();
    assert!(std::net::TcpStream::connect(&addr).is_err());
}

#[test]
fn the_builtin_anchor_is_cardsims_stable_ca() {
    use der::{DecodePem, Encode};
    let builtin = x509_cert::Certificate::from_pem(
        mynapoint_platform::rules::card_login::certificate::BUILTIN_TEST_CA_PEM,
    )
    .unwrap();
    assert_eq!(
        builtin.to_der().unwrap(),
        cardsim::test_ca_certificate_der()
    );
}

#[tokio::test]
async fn a_database_keeps_its_data_and_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.sqlite3");
    let config = Config {
        database: Some(db.clone()),
        ..Config::ephemeral()
    };
    let key = config.security_code_key.clone();
    let h = harness_with(config.clone()).await;
    let card = card(0).build();
    let token = h.login(&card).await;
    let id = h.issue_auto(&token).await;
    h.platform.shutdown().await;
    let h = harness_with(config).await;
    let login = h.try_login(&card).await.expect(200);
    assert_eq!(login["my_key_id"], json!(id));
    h.platform.shutdown().await;
    // Another key on the same database is refused.
    let other = Config {
        database: Some(db),
        ..Config::ephemeral()
    };
    assert_ne!(other.security_code_key, key);
    assert!(mynapoint_platform::start(other).await.is_err());
}
