//! Rigs for the resident flow end to end: the real platform in process (on
//! 127.0.0.1:0, ephemeral config, a test clock), the core's `HttpPlatform`,
//! and cardsim cards tapped through the real card layer on a "phone"
//! (short APDUs only, a new transport per tap).
//!
//! RSA-2048 key generation is the slow part: a small pool of keys is made
//! once per test binary and every card is built from it.

#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use cardsim::{CardSpec, CardState, PinId, SharedCard, SimCard, SimTransport, TestCa};
use mynapoint_core::card::{CardSession, CardTransport, CertificateInfo, ReaderCapabilities};
use mynapoint_core::pin::{LastTry, Pin, PinKind};
use mynapoint_core::platform::{
    HttpConfig, HttpPlatform, LoginRequest, LoginResponse, Notifications, PlatformApi,
    PlatformError,
};
use mynapoint_core::resident::*;
use mynapoint_platform::store::{ApplicationRecord, MyKeyIdRecord, NewMyKeyId};
use mynapoint_platform::{start_with_clock, Config, RunningPlatform, TestClock};
use rsa::RsaPrivateKey;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const PIN: &str = "1234";
/// The reference catalogue's AEON card: 16 digits, one 4-digit code.
pub const AEON: &str = "aeon-card-waon";
/// PayPay: 10–12 upper-case letters/digits, one 8-character code.
pub const PAYPAY: &str = "paypay";
/// A credit card with two security codes (4 and 3 digits).
pub const SMBC: &str = "smbc-card";

// ---- cards ----------------------------------------------------------------

/// Four RSA-2048 keys, made once per test binary (two threads in parallel).
fn key_pool() -> &'static [RsaPrivateKey] {
    static POOL: OnceLock<Vec<RsaPrivateKey>> = OnceLock::new();
    POOL.get_or_init(|| {
        let other = std::thread::spawn(|| cardsim::generate_key_pair().expect("keys"));
        let (a, b) = cardsim::generate_key_pair().expect("keys");
        let (c, d) = other.join().expect("key thread");
        vec![a, b, c, d]
    })
}

fn foreign_ca() -> TestCa {
    static CA: OnceLock<TestCa> = OnceLock::new();
    CA.get_or_init(|| TestCa::generate().expect("foreign CA"))
        .clone()
}

/// A simulated My Number Card and what the test knows about it.
#[derive(Clone)]
pub struct Card {
    pub shared: SharedCard,
    pub state: CardState,
    /// The user-authentication certificate, parsed by the core.
    pub cert: CertificateInfo,
}

impl Card {
    /// A new tap on a phone (short APDUs only).
    pub fn tap(&self) -> Arc<SimTransport> {
        Arc::new(SimTransport::with_capabilities(
            self.shared.clone(),
            ReaderCapabilities::SHORT_ONLY,
        ))
    }

    /// A new tap, as the trait object the flow takes.
    pub fn t(&self) -> Arc<dyn CardTransport> {
        self.tap()
    }

    /// The certificate serial as the core writes it (upper hex).
    pub fn serial_hex(&self) -> String {
        self.cert.serial.to_hex()
    }

    pub fn tries_left(&self) -> u8 {
        self.shared.lock().unwrap().tries_left(PinId::Auth)
    }

    /// The card's person identity as the platform keys it: (issuer, CN).
    pub fn person(&self) -> (String, String) {
        let cn = self
            .cert
            .subject
            .split(',')
            .find_map(|rdn| rdn.trim().strip_prefix("CN="))
            .expect("a CN")
            .to_owned();
        (self.cert.issuer.clone(), cn)
    }
}

/// A card recipe: pooled keys, a chosen serial and CN.
pub struct CardBuilder {
    spec: CardSpec,
    key: usize,
}

/// Card with auth key number `key` (0..4) of the pool, `serial`, and `cn`
/// (the person: a reissued card keeps the CN).
pub fn card(key: usize, serial: u32, cn: &str) -> CardBuilder {
    CardBuilder {
        spec: CardSpec::new().auth_pin(PIN).serial(serial).subject_cn(cn),
        key,
    }
}

impl CardBuilder {
    pub fn expired(mut self) -> Self {
        let now = SystemTime::now();
        self.spec = self
            .spec
            .not_before(now - Duration::from_secs(400 * 86_400))
            .not_after(now - Duration::from_secs(86_400));
        self
    }

    pub fn not_after(mut self, t: SystemTime) -> Self {
        self.spec = self.spec.not_after(t);
        self
    }

    /// Issued by a freshly generated CA the platform does not trust.
    pub fn foreign_ca(mut self) -> Self {
        self.spec = self.spec.ca(foreign_ca());
        self
    }

    pub fn build(self) -> Card {
        let pool = key_pool();
        let auth = pool[self.key % pool.len()].clone();
        let sign = pool[(self.key + 1) % pool.len()].clone();
        let state = self.spec.keys(auth, sign).build().expect("card state");
        let cert = CertificateInfo::parse(&state.auth_cert).expect("certificate");
        let shared = SimCard::from_state(state.clone()).expect("card").shared();
        Card {
            shared,
            state,
            cert,
        }
    }
}

/// Resident A's card.
pub fn card_a() -> Card {
    card(0, 0x1A2B_3C4D, "PERSONA0000000000000000A").build()
}

/// Resident B's card (another person, another key).
pub fn card_b() -> Card {
    card(1, 0x2B3C_4D5E, "PERSONB0000000000000000B").build()
}

/// The card layer on its own: PIN, then the card signs `digest` (for calls
/// the flow never makes, e.g. a replayed challenge).
pub async fn card_sign(card: &Card, digest: &[u8; 32]) -> Vec<u8> {
    let mut session = CardSession::new();
    session.enter_pin(Pin::user_auth(PIN).expect("PIN format"));
    let mut tap = session.tap(card.t()).await.expect("tap");
    tap.verify(PinKind::UserAuth, LastTry::Refuse)
        .await
        .expect("PIN");
    tap.sign(digest).await.expect("sign")
}

// ---- the platform ---------------------------------------------------------

pub struct Rig {
    pub platform: RunningPlatform,
    pub clock: Arc<TestClock>,
    pub api: Arc<HttpPlatform>,
}

impl Rig {
    /// An ephemeral platform (no registration delay) on its own port.
    pub async fn new() -> Self {
        Self::with_config(Config::ephemeral()).await
    }

    pub async fn with_config(config: Config) -> Self {
        let clock = Arc::new(TestClock::starting_now());
        let platform = start_with_clock(config, clock.clone())
            .await
            .expect("platform");
        let api = Arc::new(HttpPlatform::new(platform.base_url()).expect("client"));
        Rig {
            platform,
            clock,
            api,
        }
    }

    /// Another client of the same platform (e.g. through a proxy).
    pub fn client(base_url: &str, config: HttpConfig) -> Arc<dyn PlatformApi> {
        Arc::new(HttpPlatform::with_config(base_url, config).expect("client"))
    }

    pub fn session(&self) -> ResidentSession {
        ResidentSession::new(self.api.clone())
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
        let now = self.clock_now();
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

    pub fn clock_now(&self) -> i64 {
        use mynapoint_platform::Clock;
        self.clock.now()
    }

    // ---- the flow walked up to a step ----

    /// Read + PIN + card login.
    pub async fn logged_in(&self, card: &Card) -> (ResidentSession, LoginOutcome) {
        let mut s = self.session();
        s.read_card(card.t()).await.expect("read card");
        s.enter_pin(PIN).expect("PIN format");
        let outcome = s
            .log_in(card.t(), LastTry::Refuse)
            .await
            .expect("card login");
        (s, outcome)
    }

    /// Logged in with a My Key ID (the first candidate when new), at the service choice.
    pub async fn with_my_key_id(&self, card: &Card) -> ResidentSession {
        let (mut s, outcome) = self.logged_in(card).await;
        if outcome.my_key_id.is_none() {
            let c = s.next_candidate().await.expect("candidate");
            s.choose_candidate(&c.candidate).expect("choose");
            s.issue_my_key_id(registration()).await.expect("issue");
        }
        assert_eq!(s.step(), Step::ChooseService);
        s
    }

    /// Up to the review of an application with `service_id` and `form`.
    pub async fn at_review_with(
        &self,
        card: &Card,
        service_id: &str,
        form: PaymentForm,
    ) -> ResidentSession {
        let mut s = self.with_my_key_id(card).await;
        let service = s.choose_service(service_id).await.expect("service");
        s.accept_terms(&service.terms_version).expect("terms");
        s.enter_payment(form).await.expect("payment");
        assert_eq!(s.step(), Step::Review);
        s
    }

    /// Up to the review of an AEON application.
    pub async fn at_review(&self, card: &Card) -> ResidentSession {
        self.at_review_with(card, AEON, aeon_payment()).await
    }

    /// Review confirmed, PIN typed, the card signs, submitted.
    pub async fn submit(
        s: &mut ResidentSession,
        card: &Card,
    ) -> Result<mynapoint_core::platform::Application, ResidentError> {
        s.confirm_review()?;
        s.enter_pin(PIN)?;
        s.sign_and_submit(card.t(), LastTry::Refuse).await
    }

    /// A whole application with AEON for `card`.
    pub async fn applied(&self, card: &Card) -> mynapoint_core::platform::Application {
        let mut s = self.at_review(card).await;
        Self::submit(&mut s, card).await.expect("submitted")
    }

    // ---- straight through HttpPlatform ----

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

pub fn registration() -> RegistrationForm {
    RegistrationForm {
        password: "Pass1234".into(),
        password_again: "Pass1234".into(),
        email: Some("taro@example.jp".into()),
        email_again: Some("taro@example.jp".into()),
        notifications: Notifications {
            points_granted: true,
            points_expired: true,
            password_changed: true,
            my_key_id_changes: false,
        },
        base_municipality: "131016".into(),
    }
}

pub fn aeon_payment() -> PaymentForm {
    PaymentForm {
        payment_id: "1234567890123456".into(),
        security_codes: vec!["0987".into()],
        phone_last4: Some("5678".into()),
    }
}

pub fn paypay_payment() -> PaymentForm {
    PaymentForm {
        payment_id: "PAY1234567".into(),
        security_codes: vec!["AB12CD34".into()],
        phone_last4: None,
    }
}

/// Serials as hex numbers (case and leading zeros aside).
pub fn same_serial(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim_start_matches('0').to_ascii_uppercase();
    norm(a) == norm(b)
}

#[track_caller]
pub fn assert_wiped(s: &ResidentSession) {
    assert!(s.held_data().is_empty(), "{:?}", s.held_data());
    assert_eq!(s.service(), None);
    assert_eq!(s.review(), None);
    assert_eq!(s.my_key_id(), None);
    assert!(s.candidates().is_empty());
    assert_eq!(s.chosen_my_key_id(), None);
    assert_eq!(s.card_serial(), None);
    assert_eq!(s.application(), None);
}

// ---- a proxy that loses one answer ------------------------------------------

/// A TCP proxy in front of the platform. When armed, it forwards the next
/// `POST /v1/applications` to the platform (which processes it) and then
/// closes the client's connection as soon as the answer starts to come back:
/// the client never sees it. Deterministic: one answer lost, exactly.
pub struct DroppingProxy {
    pub base_url: String,
    armed: Arc<AtomicBool>,
    dropped: Arc<AtomicUsize>,
    submissions: Arc<AtomicUsize>,
}

const SUBMIT_LINE: &[u8] = b"POST /v1/applications ";

impl DroppingProxy {
    pub async fn start(upstream: std::net::SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let armed = Arc::new(AtomicBool::new(false));
        let dropped = Arc::new(AtomicUsize::new(0));
        let submissions = Arc::new(AtomicUsize::new(0));
        let (a, d, n) = (armed.clone(), dropped.clone(), submissions.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (a, d, n) = (a.clone(), d.clone(), n.clone());
                tokio::spawn(async move {
                    if let Ok(upstream) = TcpStream::connect(upstream).await {
                        relay(client, upstream, a, d, n).await;
                    }
                });
            }
        });
        DroppingProxy {
            base_url: format!("http://{addr}"),
            armed,
            dropped,
            submissions,
        }
    }

    /// Lose the answer of the next submission.
    pub fn drop_next_submission_answer(&self) {
        self.armed.store(true, Ordering::SeqCst);
    }

    /// Answers lost so far.
    pub fn dropped(&self) -> usize {
        self.dropped.load(Ordering::SeqCst)
    }

    /// `POST /v1/applications` requests that passed through.
    pub fn submissions(&self) -> usize {
        self.submissions.load(Ordering::SeqCst)
    }
}

async fn relay(
    client: TcpStream,
    upstream: TcpStream,
    armed: Arc<AtomicBool>,
    dropped: Arc<AtomicUsize>,
    submissions: Arc<AtomicUsize>,
) {
    let (mut cr, mut cw) = client.into_split();
    let (mut ur, mut uw) = upstream.into_split();
    let mut from_client = vec![0u8; 16 * 1024];
    let mut from_upstream = vec![0u8; 16 * 1024];
    let mut lose_answer = false;
    loop {
        tokio::select! {
            n = cr.read(&mut from_client) => {
                let Ok(n @ 1..) = n else { break };
                let chunk = &from_client[..n];
                if chunk.windows(SUBMIT_LINE.len()).any(|w| w == SUBMIT_LINE) {
                    submissions.fetch_add(1, Ordering::SeqCst);
                    if armed.swap(false, Ordering::SeqCst) {
                        lose_answer = true;
                    }
                }
                if uw.write_all(chunk).await.is_err() {
                    break;
                }
            }
            n = ur.read(&mut from_upstream) => {
                let Ok(n @ 1..) = n else { break };
                if lose_answer {
                    dropped.fetch_add(1, Ordering::SeqCst);
                    break; // both connections close: the answer is lost
                }
                if cw.write_all(&from_upstream[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
}
