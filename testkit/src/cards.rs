//! Standard simulated My Number Cards with known secrets, built from a pool
//! of RSA-2048 keys made once per process (key generation is the slow part
//! of every test that needs a card), and a builder for special cards.

use std::ops::Deref;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use cardsim::{CardSpec, CardState, PinId, Sex, SharedCard, SimCard, SimTransport, TestCa};
use mynapoint_core::card::{CardTransport, CertificateInfo};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256};

use crate::secrets::{ADDRESS, BIRTH_DATE, CARD_INFO_PIN, CODE_B, NAME, PIN};

/// Resident A's certificate serial.
pub const SERIAL_A: u32 = 0x0123_4567;
/// Resident B's certificate serial.
pub const SERIAL_B: u32 = 0x0765_4321;
/// A third person's (a legal representative's) certificate serial.
pub const SERIAL_C: u32 = 0x00AB_CDEF;

/// Four RSA-2048 keys, made once per process (two threads in parallel).
/// Card `n` authenticates with key `n` and signs with key `n + 1`.
pub fn key_pool() -> &'static [RsaPrivateKey] {
    static POOL: OnceLock<Vec<RsaPrivateKey>> = OnceLock::new();
    POOL.get_or_init(|| {
        let other = std::thread::spawn(|| cardsim::generate_key_pair().expect("keys"));
        let (a, b) = cardsim::generate_key_pair().expect("keys");
        let (c, d) = other.join().expect("key thread");
        vec![a, b, c, d]
    })
}

/// A CA generated once per process that no platform trusts by default.
pub fn foreign_ca() -> &'static TestCa {
    static CA: OnceLock<TestCa> = OnceLock::new();
    CA.get_or_init(|| TestCa::generate().expect("foreign CA"))
}

/// The recipe of every standard card: the secrets of [`crate::secrets`],
/// the holder's personal data, and `serial` as the authentication
/// certificate's serial. Keys are generated unless given.
pub fn spec(serial: u32) -> CardSpec {
    CardSpec::new()
        .auth_pin(PIN)
        .card_info_pin(CARD_INFO_PIN)
        .code_b(CODE_B)
        .name(NAME)
        .address(ADDRESS)
        .birth_date(BIRTH_DATE)
        .sex(Sex::Female)
        .serial(serial)
}

/// A simulated card and what the test knows about it. Dereferences to the
/// [`SharedCard`] (clones share the one card: its PIN counters, its state).
#[derive(Clone)]
pub struct Card {
    pub shared: SharedCard,
    /// The state the card was made with (certificates, keys, secrets).
    pub state: CardState,
    /// The user-authentication certificate, parsed by the core.
    pub cert: CertificateInfo,
}

impl Deref for Card {
    type Target = SharedCard;
    fn deref(&self) -> &SharedCard {
        &self.shared
    }
}

impl Card {
    /// A new card (fresh counters) from `state`.
    pub fn from_state(state: CardState) -> Card {
        let cert = CertificateInfo::parse(&state.auth_cert).expect("certificate");
        let shared = SimCard::from_state(state.clone()).expect("card").shared();
        Card {
            shared,
            state,
            cert,
        }
    }

    /// A new tap on a phone (short APDUs only).
    pub fn tap(&self) -> Arc<SimTransport> {
        crate::taps::phone_tap(&self.shared)
    }

    /// A new phone tap, as the trait object the flow takes.
    pub fn t(&self) -> Arc<dyn CardTransport> {
        self.tap()
    }

    /// The user-authentication certificate (DER).
    pub fn cert_der(&self) -> &[u8] {
        &self.state.auth_cert
    }

    /// The certificate serial as the core and the platform write it (upper hex).
    pub fn serial_hex(&self) -> String {
        self.cert.serial.to_hex()
    }

    /// Tries left of the user-authentication PIN.
    pub fn tries_left(&self) -> u8 {
        self.shared.lock().unwrap().tries_left(PinId::Auth)
    }

    /// The person as the platform keys them: (issuer, CN of the subject).
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

    /// What the card computes for a host that sends DigestInfo(SHA-256(message)),
    /// without a PIN or a transport (for tests of the platform alone).
    pub fn sign_message(&self, message: &[u8]) -> Vec<u8> {
        self.sign_digest(&Sha256::digest(message))
    }

    /// PKCS#1 v1.5 over DigestInfo(`digest`) with the authentication key, as
    /// the core's `Tap::sign(&digest)` has the card do.
    pub fn sign_digest(&self, digest: &[u8]) -> Vec<u8> {
        RsaPrivateKey::from_pkcs8_der(&self.state.auth_key_pkcs8)
            .expect("the card's key")
            .sign(Pkcs1v15Sign::new::<Sha256>(), digest)
            .expect("sign")
    }
}

/// Whether `signature` is the PKCS#1 v1.5 SHA-256 signature of `digest` by
/// the key of `cert`.
pub fn signature_verifies(cert: &CertificateInfo, digest: &[u8], signature: &[u8]) -> bool {
    RsaPublicKey::from_public_key_der(&cert.public_key_der)
        .map(|key| {
            key.verify(Pkcs1v15Sign::new::<Sha256>(), digest, signature)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A card recipe: the standard [`spec`] with pooled keys.
pub struct CardBuilder {
    spec: CardSpec,
    key: usize,
}

/// A standard card with key `key` (0..4) of the pool, `serial` and `cn`
/// (the person: a reissued card keeps the CN).
pub fn card(key: usize, serial: u32, cn: &str) -> CardBuilder {
    CardBuilder::pooled(key).serial(serial).cn(cn)
}

impl CardBuilder {
    /// Key `key` of the pool; a random serial and a random CN (a new person).
    pub fn pooled(key: usize) -> Self {
        CardBuilder {
            spec: spec(rand_serial()),
            key,
        }
    }

    pub fn serial(mut self, serial: u32) -> Self {
        self.spec = self.spec.serial(serial);
        self
    }

    /// The subject CN: the person.
    pub fn cn(mut self, cn: &str) -> Self {
        self.spec = self.spec.subject_cn(cn);
        self
    }

    /// Valid until yesterday (for 400 days before).
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

    /// A card issued later: it expires `days` after the default card.
    pub fn reissued_later(self, days: u64) -> Self {
        let later = SystemTime::now() + Duration::from_secs((5 * 365 + days) * 86_400);
        self.not_after(later)
    }

    /// Issued by `ca`.
    pub fn ca(mut self, ca: TestCa) -> Self {
        self.spec = self.spec.ca(ca);
        self
    }

    /// Issued by the [`foreign_ca`].
    pub fn foreign_ca(self) -> Self {
        self.ca(foreign_ca().clone())
    }

    /// The recipe with its pooled keys (e.g. for `SimCard::create_file`).
    pub fn spec(self) -> CardSpec {
        let pool = key_pool();
        let auth = pool[self.key % pool.len()].clone();
        let sign = pool[(self.key + 1) % pool.len()].clone();
        self.spec.keys(auth, sign)
    }

    /// The card's state (no card yet).
    pub fn state(self) -> CardState {
        self.spec().build().expect("card state")
    }

    pub fn build(self) -> Card {
        Card::from_state(self.state())
    }
}

fn rand_serial() -> u32 {
    use std::hash::{BuildHasher, RandomState};
    (RandomState::new().hash_one(SystemTime::now()) as u32) | 1
}

fn standard(cell: &'static OnceLock<CardState>, key: usize, serial: u32, cn: &str) -> Card {
    Card::from_state(cell.get_or_init(|| card(key, serial, cn).state()).clone())
}

/// Resident A's card, fresh (3 tries everywhere) at every call.
pub fn card_a() -> Card {
    static STATE: OnceLock<CardState> = OnceLock::new();
    standard(&STATE, 0, SERIAL_A, "PERSONA0000000000000000A")
}

/// Resident B's card: another person, another key.
pub fn card_b() -> Card {
    static STATE: OnceLock<CardState> = OnceLock::new();
    standard(&STATE, 1, SERIAL_B, "PERSONB0000000000000000B")
}

/// A third person's card (a legal representative).
pub fn card_c() -> Card {
    static STATE: OnceLock<CardState> = OnceLock::new();
    standard(&STATE, 2, SERIAL_C, "PERSONC0000000000000000C")
}
