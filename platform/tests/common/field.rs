//! The field app's test support over the raw JSON client: the kit's
//! administrator client and device, a terminal login, signed uploads.

use mynapoint_contract::grant::{OfflineVerdict, Tap, TapBatch};
use mynapoint_platform::Config;
pub use mynapoint_testkit::field::*;
use serde_json::{json, Value};

use super::{harness_with, Card, Harness, Reply};

pub struct Field {
    pub h: Harness,
    pub admin: FieldAdmin,
    pub device: Device,
}

impl Field {
    /// A platform with the standard setup and an empty roster.
    pub async fn start() -> Field {
        Field::start_with(Config::ephemeral()).await
    }

    pub async fn start_with(config: Config) -> Field {
        let h = harness_with(config).await;
        let admin = FieldAdmin::new(
            h.platform.base_url(),
            h.platform.admin_token().expect("admin token"),
        );
        admin.standard_setup(&[]).await.expect("setup");
        Field {
            h,
            admin,
            device: Device::new(),
        }
    }

    /// A card's person gets a My Key ID (card login + auto candidate).
    pub async fn issue(&self, card: &Card) -> String {
        let token = self.h.login(card).await;
        self.h.issue_auto(&token).await
    }

    pub async fn try_login(&self, device: &Device, password: &str) -> Reply {
        self.h
            .post(
                "/v1/field/login",
                None,
                &device.login_body(TERMINAL, password),
            )
            .await
    }

    /// Logs the standard terminal in from this field's device: the token.
    pub async fn login(&self) -> String {
        let body = self
            .try_login(&self.device, TERMINAL_PASSWORD)
            .await
            .expect(200);
        body["token"].as_str().unwrap().to_owned()
    }

    /// Sends `body` as an upload with `signature` (None: no header).
    pub async fn upload_raw(&self, token: &str, body: &[u8], signature: Option<String>) -> Reply {
        let mut req = self
            .h
            .http
            .post(self.h.url("/v1/field/taps"))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body.to_vec());
        if let Some(sig) = signature {
            req = req.header(SIGNATURE_HEADER, sig);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply { status, body }
    }

    /// A batch signed by this field's device.
    pub async fn upload(&self, token: &str, batch: &TapBatch) -> Reply {
        let body = serde_json::to_vec(batch).unwrap();
        let sig = self.device.sign(&body);
        self.upload_raw(token, &body, Some(sig)).await
    }

    /// A tap of `card` for the standard project now.
    pub fn tap(&self, card: &Card) -> Tap {
        tap(
            card,
            PROJECT,
            self.h.clock_now() as u64,
            OfflineVerdict::OnRoster,
        )
    }

    /// `(result, reason)` of each outcome of an upload answer.
    pub fn results(body: &Value) -> Vec<String> {
        body["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| match o["reason"].as_str() {
                Some(r) => format!("{}:{r}", o["result"].as_str().unwrap()),
                None => o["result"].as_str().unwrap().to_owned(),
            })
            .collect()
    }

    pub fn dump(&self) -> String {
        self.h.dump()
    }
}

/// A raw JSON body.
pub fn body(v: Value) -> Value {
    json!(v)
}
