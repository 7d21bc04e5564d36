//! Test support: cardsim cards, a platform on 127.0.0.1, and a small client.
#![allow(dead_code)]

use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cardsim::{CardSpec, TestCa};
use mynapoint_platform::{start_with_clock, Config, RunningPlatform, TestClock};
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// RSA-2048 keys are slow to make: a few, shared by every test of a binary.
fn key_pool() -> &'static Vec<RsaPrivateKey> {
    static POOL: OnceLock<Vec<RsaPrivateKey>> = OnceLock::new();
    POOL.get_or_init(|| {
        let (a, b) = cardsim::generate_key_pair().unwrap();
        let (c, d) = cardsim::generate_key_pair().unwrap();
        vec![a, b, c, d]
    })
}

pub fn foreign_ca() -> &'static TestCa {
    static CA: OnceLock<TestCa> = OnceLock::new();
    CA.get_or_init(|| TestCa::generate().unwrap())
}

/// A simulated card: its user-authentication certificate and key.
#[derive(Clone)]
pub struct Card {
    pub cert_der: Vec<u8>,
    key: RsaPrivateKey,
    pub serial: u32,
}

/// Builder over `CardSpec` with pooled keys (`key_index` 0..=3).
pub struct CardBuilder {
    spec: CardSpec,
    key_index: usize,
    serial: u32,
}

pub fn card(key_index: usize) -> CardBuilder {
    let serial = rand::random::<u32>() | 1;
    CardBuilder {
        spec: CardSpec::new().serial(serial),
        key_index,
        serial,
    }
}

impl CardBuilder {
    pub fn serial(mut self, serial: u32) -> Self {
        self.serial = serial;
        self.spec = self.spec.serial(serial);
        self
    }
    pub fn cn(mut self, cn: &str) -> Self {
        self.spec = self.spec.subject_cn(cn);
        self
    }
    pub fn expired(mut self) -> Self {
        let now = SystemTime::now();
        self.spec = self
            .spec
            .not_before(now - Duration::from_secs(400 * 86_400))
            .not_after(now - Duration::from_secs(86_400));
        self
    }
    /// A card issued later: it expires `days` after the default card.
    pub fn reissued_later(mut self, days: u64) -> Self {
        let later = SystemTime::now() + Duration::from_secs((5 * 365 + days) * 86_400);
        self.spec = self.spec.not_after(later);
        self
    }
    pub fn ca(mut self, ca: TestCa) -> Self {
        self.spec = self.spec.ca(ca);
        self
    }
    pub fn build(self) -> Card {
        let pool = key_pool();
        let auth = pool[self.key_index].clone();
        let sign = pool[(self.key_index + 1) % pool.len()].clone();
        let state = self.spec.keys(auth, sign).build().unwrap();
        Card {
            cert_der: state.auth_cert.clone(),
            key: RsaPrivateKey::from_pkcs8_der(&state.auth_key_pkcs8).unwrap(),
            serial: self.serial,
        }
    }
}

impl Card {
    /// What the card computes for a host that sends DigestInfo(SHA-256(message)).
    pub fn sign_message(&self, message: &[u8]) -> Vec<u8> {
        self.sign_digest(&Sha256::digest(message))
    }

    /// PKCS#1 v1.5 over DigestInfo(digest), as core's `Tap::sign(&digest)`.
    pub fn sign_digest(&self, digest: &[u8]) -> Vec<u8> {
        self.key
            .sign(Pkcs1v15Sign::new::<Sha256>(), digest)
            .unwrap()
    }

    pub fn serial_hex(&self) -> String {
        let bytes = self.serial.to_be_bytes();
        let start = bytes.iter().position(|b| *b != 0).unwrap_or(3);
        hex::encode_upper(&bytes[start..])
    }
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
    let clock = Arc::new(TestClock::starting_now());
    let platform = start_with_clock(config, clock.clone()).await.unwrap();
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
            "certificate": STANDARD.encode(&card.cert_der),
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
