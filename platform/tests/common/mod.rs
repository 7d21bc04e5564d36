//! Test support: the kit's cards and in-process platform, and a small raw
//! JSON client of it (the platform's own tests speak HTTP, not the core's client).
#![allow(dead_code, unused_imports)]

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use mynapoint_platform::{Config, RunningPlatform, TestClock};
pub use mynapoint_testkit::cards::{foreign_ca, Card, CardBuilder};
use mynapoint_testkit::in_process::InProcessPlatform;
use serde_json::{json, Value};

pub mod field;

/// A card of a new person (random serial and CN) with key `key` (0..4) of
/// the kit's pool; `.cn()`, `.serial()`, `.expired()`, … change it.
pub fn card(key: usize) -> CardBuilder {
    CardBuilder::pooled(key)
}

pub struct Harness {
    pub platform: RunningPlatform,
    pub clock: Arc<TestClock>,
    pub http: reqwest::Client,
}

pub async fn harness() -> Harness {
    harness_with(Config::ephemeral()).await
}

pub async fn harness_with(config: Config) -> Harness {
    let InProcessPlatform {
        platform, clock, ..
    } = InProcessPlatform::with_config(config).await;
    Harness {
        platform,
        clock,
        http: reqwest::Client::new(),
    }
}

/// A response: status and JSON body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
    pub fn field(&self) -> Option<&str> {
        self.body["error"]["field"].as_str()
    }
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        self.body
    }
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) {
        assert_eq!((self.status, self.code()), (status, code), "{}", self.body);
    }
}

impl Harness {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.platform.base_url())
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        idempotency_key: Option<&str>,
    ) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.http.request(method, self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        if let Some(key) = idempotency_key {
            req = req.header("Idempotency-Key", key);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply { status, body }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.call("GET", path, token, None, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.call("POST", path, token, Some(body), None).await
    }

    /// A fresh challenge: (id, bytes).
    pub async fn challenge(&self) -> (String, Vec<u8>) {
        let body = self
            .call("POST", "/v1/auth/challenge", None, None, None)
            .await
            .expect(201);
        let bytes = STANDARD
            .decode(body["challenge"].as_str().unwrap())
            .unwrap();
        assert_eq!(bytes.len(), 32);
        (body["challenge_id"].as_str().unwrap().to_owned(), bytes)
    }

    pub fn login_body(card: &Card, challenge_id: &str, signature: &[u8]) -> Value {
        json!({
            "challenge_id": challenge_id,
            "certificate": STANDARD.encode(card.cert_der()),
            "signature": STANDARD.encode(signature),
        })
    }

    pub async fn try_login(&self, card: &Card) -> Reply {
        let (id, challenge) = self.challenge().await;
        let body = Harness::login_body(card, &id, &card.sign_message(&challenge));
        self.post("/v1/auth/login", None, &body).await
    }

    /// Logs in; returns the session token.
    pub async fn login(&self, card: &Card) -> String {
        let body = self.try_login(card).await.expect(200);
        body["session_token"].as_str().unwrap().to_owned()
    }

    /// Issues a My Key ID with the first auto candidate.
    pub async fn issue_auto(&self, token: &str) -> String {
        let cand = self
            .post("/v1/my-key-id/candidates", Some(token), &json!({}))
            .await
            .expect(200);
        let id = cand["candidate"].as_str().unwrap().to_owned();
        self.post("/v1/my-key-id", Some(token), &issue_body("auto", &id))
            .await
            .expect(201);
        id
    }

    pub fn clock_now(&self) -> i64 {
        use mynapoint_platform::Clock;
        self.clock.now()
    }

    pub fn dump(&self) -> String {
        self.platform.with_store(|s| s.dump().unwrap())
    }
}

pub fn issue_body(mode: &str, id: &str) -> Value {
    json!({
        "mode": mode,
        "my_key_id": id,
        "password": "Pass1234",
        "email": "taro@example.jp",
        "notifications": {"points_granted": true, "points_expired": false,
                          "password_changed": true, "my_key_id_changes": true},
        "base_municipality": "131016",
    })
}

/// A valid AEON WAON application (payment id 16 digits, one 4-digit code).
pub fn aeon_content() -> Value {
    json!({
        "service_id": "aeon-card-waon",
        "terms_version": "2022-06",
        "payment_id": "1234567890123456",
        "security_codes": ["4821"],
        "categories": ["card_acquisition"],
        "phone_last4": "5678",
        "for_child": null,
    })
}

/// Adds the signature the card makes over the digest of `content`.
pub async fn signed(h: &Harness, token: &str, card: &Card, content: &Value) -> Value {
    let reply = h
        .post("/v1/applications/content-to-sign", Some(token), content)
        .await
        .expect(200);
    let digest = STANDARD.decode(reply["digest"].as_str().unwrap()).unwrap();
    assert_eq!(digest.len(), 32);
    let mut body = content.clone();
    body["signature"] = json!(STANDARD.encode(card.sign_digest(&digest)));
    body
}
