//! The real platform server in this process: `mynapoint_platform` on
//! 127.0.0.1 (a port of its own), an ephemeral configuration (in-memory
//! database, no registration delay), a test clock, and the core's
//! `HttpPlatform` client of it; with reads of its database to prove what a
//! call changed or did not change.

use std::sync::Arc;

use mynapoint_core::platform::{HttpConfig, HttpPlatform, LoginRequest, LoginResponse};
use mynapoint_core::platform::{PlatformApi, PlatformError};
use mynapoint_platform::store::{ApplicationRecord, MyKeyIdRecord, NewMyKeyId};
use mynapoint_platform::{start_with_clock, Clock, Config, RunningPlatform, TestClock};
use sha2::{Digest, Sha256};

use crate::cards::Card;
use crate::taps::card_sign;

pub struct InProcessPlatform {
    pub platform: RunningPlatform,
    /// The platform's clock (registration delays, the child's age, expiry).
    pub clock: Arc<TestClock>,
    /// The core's client of it.
    pub api: Arc<HttpPlatform>,
}

impl InProcessPlatform {
    /// An ephemeral platform on its own port.
    pub async fn start() -> Self {
        Self::with_config(Config::ephemeral()).await
    }

    pub async fn with_config(config: Config) -> Self {
        let clock = Arc::new(TestClock::starting_now());
        let platform = start_with_clock(config, clock.clone())
            .await
            .expect("platform");
        let api = Arc::new(HttpPlatform::new(platform.base_url()).expect("client"));
        InProcessPlatform {
            platform,
            clock,
            api,
        }
    }

    /// Another client of a platform at `base_url` (e.g. through a proxy).
    pub fn client(base_url: &str, config: HttpConfig) -> Arc<dyn PlatformApi> {
        Arc::new(HttpPlatform::with_config(base_url, config).expect("client"))
    }

    /// The administrator's client of this platform (the ephemeral
    /// configuration sets an administrator token).
    pub fn admin(&self) -> crate::field::FieldAdmin {
        crate::field::FieldAdmin::new(
            self.platform.base_url(),
            self.platform.admin_token().expect("an administrator token"),
        )
    }

    /// Every row of the platform's database, to prove a refusal changed nothing.
    pub fn dump(&self) -> String {
        self.platform.with_store(|s| s.dump().expect("dump"))
    }

    /// The data tables (persons, My Key IDs, applications) without the
    /// stored idempotent answers (a new challenge is one of those).
    pub fn data(&self) -> String {
        let dump = self.dump();
        let end = dump.find("[idempotency]").unwrap_or(dump.len());
        dump[..end].to_owned()
    }

    pub fn person_id(&self, card: &Card) -> Option<i64> {
        let (issuer, cn) = card.person();
        self.platform
            .with_store(|s| s.person_id(&issuer, &cn).expect("store"))
    }

    /// The person's My Key ID record, read from the database.
    pub fn record_of(&self, card: &Card) -> Option<MyKeyIdRecord> {
        let person = self.person_id(card)?;
        self.platform
            .with_store(|s| s.my_key_id_of(person).expect("store"))
    }

    /// The person's application, read from the database.
    pub fn application_of(&self, card: &Card) -> Option<ApplicationRecord> {
        let person = self.person_id(card)?;
        self.platform
            .with_store(|s| s.application_of(person).expect("store"))
    }

    pub fn taken(&self, my_key_id: &str) -> bool {
        self.platform
            .with_store(|s| s.my_key_id_taken(my_key_id).expect("store"))
    }

    /// Registers `ids` to other (made-up) persons straight in the database.
    pub fn seed_taken(&self, ids: &[&str]) {
        let now = self.clock.now();
        self.platform.with_store(|s| {
            for (n, id) in ids.iter().enumerate() {
                let cn = format!("SEEDED{n:018}");
                let issued = s
                    .issue_my_key_id(&NewMyKeyId {
                        issuer: "CN=seed,O=elsewhere,C=JP",
                        subject_cn: &cn,
                        my_key_id: id,
                        password_hash: "$argon2id$seeded",
                        email: None,
                        notifications: Default::default(),
                        base_municipality: "131016",
                        certificate_serial: "7F000001",
                        certificate_expires_at: now + 86_400,
                        now,
                    })
                    .expect("store");
                assert!(issued.is_ok(), "seeding {id}");
            }
        });
    }

    /// Sets the person's eligibility facts for the point categories (as
    /// the administration API does; its HTTP side is the platform's tests').
    pub fn set_facts(&self, card: &Card, facts: mynapoint_contract::EligibilityFacts) {
        let (issuer, cn) = card.person();
        let now = self.clock.now();
        self.platform
            .with_store(|s| s.set_eligibility(&issuer, &cn, &facts, now).expect("store"));
    }

    /// Card login without the flow: challenge, the card's signature, login.
    pub async fn direct_login(&self, card: &Card) -> Result<LoginResponse, PlatformError> {
        let challenge = self.api.create_challenge().await?;
        let digest: [u8; 32] = Sha256::digest(&challenge.challenge).into();
        let signature = card_sign(card, &digest).await;
        self.api
            .login(&LoginRequest {
                challenge_id: challenge.challenge_id,
                certificate: card.state.auth_cert.clone(),
                signature,
            })
            .await
    }
}
