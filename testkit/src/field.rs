//! The field point-grant app's test support: a device (its P-256 key and
//! fingerprint, signing tap batches as a phone does), the administrator's
//! API client, a standard setup (municipality, open project, terminal,
//! roster) made through that API, and taps of the kit's cards
//! ([`crate::cards::Card`]: the issuer as x509-cert's `Name` display, as the
//! core sends it). For e2e tests, the desktop demo and the platform's own
//! tests.

use std::time::UNIX_EPOCH;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use mynapoint_contract::grant::admin::{
    GrantHistory, MailDrain, NewMunicipality, NewProject, NewTerminal, Outbox, ParticipantRows,
    ParticipantWrite, ProjectOpen, RosterRow, RosterRows, RosterWrite, TerminalInfo,
};
use mynapoint_contract::grant::{
    CardIdentity, GrantProject, Municipality, OfflineVerdict, Participant, Tap, TapBatch, TapId,
    DEVICE_SIGNATURE_HEADER,
};
use mynapoint_contract::{ErrorResponse, Secret};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::cards::Card;

/// The standard municipality (千代田区, a valid JIS X 0402 code).
pub const MUNICIPALITY: &str = "131016";
/// Another valid municipality (中央区).
pub const OTHER_MUNICIPALITY: &str = "131024";
/// The standard project, its point ID and points per grant.
pub const PROJECT: &str = "0001";
pub const POINT_ID: &str = "13101001";
pub const POINTS: u32 = 100;
/// The standard terminal and its password.
pub const TERMINAL: &str = "00000001";
pub const TERMINAL_PASSWORD: &str = "field-pass-01";
/// Days until granted points expire in the standard municipality.
pub const EXPIRY_DAYS: u32 = 60;

/// A phone of the field app: the P-256 key made at install and the device
/// fingerprint (SHA-256 of a value made at install).
pub struct Device {
    key: SigningKey,
    pub fingerprint: String,
}

impl Device {
    pub fn new() -> Self {
        let key = SigningKey::random(&mut rand::rngs::OsRng);
        let install_value = uuid::Uuid::new_v4();
        Device {
            key,
            fingerprint: hex_lower(&Sha256::digest(install_value.as_bytes())),
        }
    }

    /// SEC1 uncompressed public key (65 bytes).
    pub fn public_key(&self) -> Vec<u8> {
        self.key
            .verifying_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec()
    }

    /// The `Device-Signature` header value over `body`: base64 of the DER
    /// ECDSA P-256 SHA-256 signature.
    pub fn sign(&self, body: &[u8]) -> String {
        let signature: Signature = self.key.sign(body);
        STANDARD.encode(signature.to_der().as_bytes())
    }

    /// The login body of this device.
    pub fn login_body(&self, terminal_id: &str, password: &str) -> serde_json::Value {
        serde_json::json!({
            "terminal_id": terminal_id,
            "password": password,
            "device_public_key": STANDARD.encode(self.public_key()),
            "device_fingerprint": self.fingerprint,
        })
    }
}

impl Default for Device {
    fn default() -> Self {
        Self::new()
    }
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a device reads of `card` at a tap.
pub fn card_identity(card: &Card) -> CardIdentity {
    let (issuer, subject_cn) = card.person();
    let secs = |t: std::time::SystemTime| {
        t.duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    };
    CardIdentity {
        serial: card.serial_hex(),
        issuer,
        subject_cn,
        not_before: secs(card.cert.not_before),
        not_after: secs(card.cert.not_after),
    }
}

/// A tap of `card` for `project_id` at `tapped_at` (a fresh tap ID).
pub fn tap(card: &Card, project_id: &str, tapped_at: u64, verdict: OfflineVerdict) -> Tap {
    Tap {
        tap_id: TapId::new(),
        project_id: project_id.to_owned(),
        tapped_at,
        card: card_identity(card),
        offline_verdict: verdict,
    }
}

/// A batch of taps with a fresh batch ID.
pub fn batch(taps: Vec<Tap>) -> TapBatch {
    TapBatch {
        batch_id: uuid::Uuid::new_v4().to_string(),
        taps,
    }
}

/// A participant master row for `my_key_id` (kit data, valid).
pub fn participant(my_key_id: &str) -> Participant {
    Participant {
        my_key_id: my_key_id.to_owned(),
        municipality_code: MUNICIPALITY.to_owned(),
        name: "番号 花子".into(),
        birth_date: "1990-04-01".into(),
        address: "東京都千代田区千代田1-1".into(),
        sex: "2".into(),
        phone: "03-1234-5678".into(),
        email: String::new(),
        remarks: String::new(),
    }
}

/// A refused call: the HTTP status and the error body.
#[derive(Debug, Clone)]
pub struct Refused {
    pub status: u16,
    pub error: Option<ErrorResponse>,
    pub text: String,
}

impl Refused {
    /// The error code's wire form ("" when the body was not an error body).
    pub fn code(&self) -> &str {
        self.error
            .as_ref()
            .map(|e| e.error.code.as_str())
            .unwrap_or("")
    }
}

/// The administrator's client of a platform's `/v1/admin/...` API.
#[derive(Clone)]
pub struct FieldAdmin {
    base_url: String,
    token: String,
    http: reqwest::Client,
}

impl FieldAdmin {
    /// `base_url` like `http://127.0.0.1:8787`; `token` the administrator's.
    pub fn new(base_url: &str, token: &str) -> Self {
        FieldAdmin {
            base_url: base_url.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, Refused> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base_url))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| Refused {
            status: 0,
            error: None,
            text: e.to_string(),
        })?;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        if (200..300).contains(&status) {
            serde_json::from_str(&text).map_err(|e| Refused {
                status,
                error: None,
                text: format!("{e}: {text}"),
            })
        } else {
            Err(Refused {
                status,
                error: serde_json::from_str(&text).ok(),
                text,
            })
        }
    }

    pub async fn add_municipality(&self, m: &NewMunicipality) -> Result<Municipality, Refused> {
        self.call(reqwest::Method::POST, "/v1/admin/municipalities", Some(m))
            .await
    }

    pub async fn add_project(&self, p: &NewProject) -> Result<GrantProject, Refused> {
        self.call(reqwest::Method::POST, "/v1/admin/projects", Some(p))
            .await
    }

    pub async fn set_open(&self, project_id: &str, open: bool) -> Result<GrantProject, Refused> {
        let path = format!("/v1/admin/projects/{project_id}/open");
        self.call(reqwest::Method::PUT, &path, Some(&ProjectOpen { open }))
            .await
    }

    pub async fn add_terminal(&self, t: &NewTerminal) -> Result<TerminalInfo, Refused> {
        self.call(reqwest::Method::POST, "/v1/admin/terminals", Some(t))
            .await
    }

    pub async fn re_register(&self, terminal_id: &str) -> Result<TerminalInfo, Refused> {
        let path = format!("/v1/admin/terminals/{terminal_id}/re-register");
        self.call::<(), _>(reqwest::Method::POST, &path, None).await
    }

    /// Adds roster rows (`points` `None`: the project's points).
    pub async fn add_to_roster(
        &self,
        project_id: &str,
        rows: &[(&str, Option<u32>)],
    ) -> Result<RosterWrite, Refused> {
        let body = RosterRows {
            rows: rows
                .iter()
                .map(|(id, points)| RosterRow {
                    my_key_id: id.to_string(),
                    points: *points,
                })
                .collect(),
        };
        let path = format!("/v1/admin/projects/{project_id}/roster");
        self.call(reqwest::Method::POST, &path, Some(&body)).await
    }

    pub async fn remove_from_roster(
        &self,
        project_id: &str,
        my_key_id: &str,
    ) -> Result<RosterWrite, Refused> {
        let path = format!("/v1/admin/projects/{project_id}/roster/{my_key_id}");
        self.call::<(), _>(reqwest::Method::DELETE, &path, None)
            .await
    }

    pub async fn write_participants(
        &self,
        rows: Vec<Participant>,
    ) -> Result<ParticipantWrite, Refused> {
        let body = ParticipantRows { rows };
        self.call(reqwest::Method::PUT, "/v1/admin/participants", Some(&body))
            .await
    }

    pub async fn grants(&self, my_key_id: &str) -> Result<GrantHistory, Refused> {
        let path = format!("/v1/admin/grants/{my_key_id}");
        self.call::<(), _>(reqwest::Method::GET, &path, None).await
    }

    pub async fn outbox(&self) -> Result<Outbox, Refused> {
        self.call::<(), _>(reqwest::Method::GET, "/v1/admin/outbox", None)
            .await
    }

    pub async fn drain_outbox(&self) -> Result<MailDrain, Refused> {
        self.call::<(), _>(reqwest::Method::POST, "/v1/admin/outbox/drain", None)
            .await
    }

    /// The standard setup: municipality [`MUNICIPALITY`] (point expiring
    /// after [`EXPIRY_DAYS`]), open project [`PROJECT`] of [`POINTS`] per
    /// grant, terminal [`TERMINAL`] with [`TERMINAL_PASSWORD`], and the
    /// given My Key IDs on its roster.
    pub async fn standard_setup(&self, roster: &[&str]) -> Result<(), Refused> {
        self.add_municipality(&NewMunicipality {
            code: MUNICIPALITY.into(),
            name: "千代田区".into(),
            point_name: "ちよだ健康ポイント".into(),
            expiry_days: EXPIRY_DAYS,
        })
        .await?;
        self.add_project(&NewProject {
            municipality_code: MUNICIPALITY.into(),
            project_id: PROJECT.into(),
            point_id: POINT_ID.into(),
            name: "健康教室".into(),
            department: "健康推進課".into(),
            points_per_grant: POINTS,
            remarks: String::new(),
        })
        .await?;
        self.add_terminal(&NewTerminal {
            terminal_id: TERMINAL.into(),
            municipality_code: MUNICIPALITY.into(),
            password: Secret::new(TERMINAL_PASSWORD),
        })
        .await?;
        if !roster.is_empty() {
            let rows: Vec<(&str, Option<u32>)> = roster.iter().map(|id| (*id, None)).collect();
            self.add_to_roster(PROJECT, &rows).await?;
        }
        Ok(())
    }
}

/// The header carrying a batch's signature.
pub const SIGNATURE_HEADER: &str = DEVICE_SIGNATURE_HEADER;
