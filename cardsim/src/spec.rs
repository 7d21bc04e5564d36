//! What a new card is made of: a builder with sensible defaults that
//! generates the keys and has the test CA issue the certificates.

use std::time::{Duration, SystemTime};

use rand::Rng;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rsa::RsaPrivateKey;

use crate::ca::TestCa;
use crate::error::SimError;
use crate::issue::{self, Attr, CertKind, CertRequest};
use crate::personal::{self, Personal, Sex};
use crate::pins::PinId;
use crate::state::{CardState, PinSlot, Pins, STATE_FORMAT};

const DAY: Duration = Duration::from_secs(86_400);

/// How 照合番号B is set.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CodeB {
    /// Era birth date + `expiry_year` + `security_code` (random when `None`).
    Parts {
        expiry_year: Option<u32>,
        security_code: Option<String>,
    },
    /// All 14 digits given.
    Explicit(String),
}

/// The recipe of a card. Every setting has a default; see each method.
#[derive(Clone)]
pub struct CardSpec {
    auth_pin: String,
    sign_pin: String,
    card_info_pin: String,
    code_b: CodeB,
    name: String,
    address: String,
    birth_date: String,
    sex: Sex,
    my_number: Option<String>,
    serial: Option<u32>,
    sign_serial: Option<u32>,
    not_before: Option<SystemTime>,
    not_after: Option<SystemTime>,
    subject_cn: Option<String>,
    ca: Option<TestCa>,
    keys: Option<(RsaPrivateKey, RsaPrivateKey)>,
    extended_length: bool,
}

impl Default for CardSpec {
    fn default() -> Self {
        CardSpec {
            auth_pin: "1234".into(),
            sign_pin: "ABC123".into(),
            card_info_pin: "1234".into(),
            code_b: CodeB::Parts {
                expiry_year: None,
                security_code: None,
            },
            name: "番号 太郎".into(),
            address: "東京都千代田区霞が関二丁目1番2号".into(),
            birth_date: "19900401".into(),
            sex: Sex::Male,
            my_number: None,
            serial: None,
            sign_serial: None,
            not_before: None,
            not_after: None,
            subject_cn: None,
            ca: None,
            keys: None,
            extended_length: true,
        }
    }
}

impl std::fmt::Debug for CardSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardSpec")
            .field("serial", &self.serial)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .field("extended_length", &self.extended_length)
            .finish_non_exhaustive()
    }
}

impl CardSpec {
    pub fn new() -> Self {
        Self::default()
    }

    /// User-authentication PIN, 4 digits (default `1234`).
    pub fn auth_pin(mut self, pin: &str) -> Self {
        self.auth_pin = pin.into();
        self
    }

    /// Signature PIN, 6–16 of A–Z0–9 (default `ABC123`).
    pub fn sign_pin(mut self, pin: &str) -> Self {
        self.sign_pin = pin.into();
        self
    }

    /// Card-info PIN, 4 digits (default `1234`).
    pub fn card_info_pin(mut self, pin: &str) -> Self {
        self.card_info_pin = pin.into();
        self
    }

    /// Card expiry year, the middle of 照合番号B (default: this year + 10).
    pub fn expiry_year(mut self, year: u32) -> Self {
        if let CodeB::Parts { expiry_year, .. } = &mut self.code_b {
            *expiry_year = Some(year);
        } else {
            self.code_b = CodeB::Parts {
                expiry_year: Some(year),
                security_code: None,
            };
        }
        self
    }

    /// Security code, the last 4 digits of 照合番号B (default: random).
    pub fn security_code(mut self, code: &str) -> Self {
        if let CodeB::Parts { security_code, .. } = &mut self.code_b {
            *security_code = Some(code.into());
        } else {
            self.code_b = CodeB::Parts {
                expiry_year: None,
                security_code: Some(code.into()),
            };
        }
        self
    }

    /// All 14 digits of 照合番号B, overriding the parts.
    pub fn code_b(mut self, code: &str) -> Self {
        self.code_b = CodeB::Explicit(code.into());
        self
    }

    /// Holder's name (default `番号 太郎`).
    pub fn name(mut self, name: &str) -> Self {
        self.name = name.into();
        self
    }

    pub fn address(mut self, address: &str) -> Self {
        self.address = address.into();
        self
    }

    /// Birth date `YYYYMMDD` (default `19900401`).
    pub fn birth_date(mut self, date: &str) -> Self {
        self.birth_date = date.into();
        self
    }

    /// Sex (default male).
    pub fn sex(mut self, sex: Sex) -> Self {
        self.sex = sex;
        self
    }

    /// 12-digit My Number (default: random with a valid check digit).
    pub fn my_number(mut self, number: &str) -> Self {
        self.my_number = Some(number.into());
        self
    }

    /// Serial of the user-authentication certificate (default: random u32).
    pub fn serial(mut self, serial: u32) -> Self {
        self.serial = Some(serial);
        self
    }

    /// Serial of the signature certificate (default: random u32).
    pub fn sign_serial(mut self, serial: u32) -> Self {
        self.sign_serial = Some(serial);
        self
    }

    /// Start of both certificates' validity (default: now − 1 day).
    pub fn not_before(mut self, t: SystemTime) -> Self {
        self.not_before = Some(t);
        self
    }

    /// End of both certificates' validity (default: now + 5 years).
    pub fn not_after(mut self, t: SystemTime) -> Self {
        self.not_after = Some(t);
        self
    }

    /// CN of the user-authentication certificate (default: 24 random upper-case hex).
    pub fn subject_cn(mut self, cn: &str) -> Self {
        self.subject_cn = Some(cn.into());
        self
    }

    /// The issuing CA (default: the stable test CA).
    pub fn ca(mut self, ca: TestCa) -> Self {
        self.ca = Some(ca);
        self
    }

    /// Use these RSA-2048 keys (user-auth, signature) instead of generating
    /// new ones: lets a test suite make many cards quickly.
    pub fn keys(mut self, auth: RsaPrivateKey, sign: RsaPrivateKey) -> Self {
        self.keys = Some((auth, sign));
        self
    }

    /// Reuse the keys of an existing card state (see [`CardSpec::keys`]).
    pub fn keys_of(self, state: &CardState) -> Result<Self, SimError> {
        let key = |der: &[u8]| RsaPrivateKey::from_pkcs8_der(der).map_err(SimError::crypto);
        let (auth, sign) = (key(&state.auth_key_pkcs8)?, key(&state.sign_key_pkcs8)?);
        Ok(self.keys(auth, sign))
    }

    /// Whether the card accepts extended-length APDUs (default on).
    pub fn extended_length(mut self, on: bool) -> Self {
        self.extended_length = on;
        self
    }

    /// Checks every setting, generates the keys and issues the certificates.
    pub fn build(&self) -> Result<CardState, SimError> {
        let spec_err = SimError::Spec;
        for (pin, value) in [
            (PinId::Auth, &self.auth_pin),
            (PinId::Sign, &self.sign_pin),
            (PinId::CardInfo, &self.card_info_pin),
        ] {
            pin.check_format(value).map_err(spec_err)?;
        }
        let mut rng = rand::thread_rng();
        let my_number = match &self.my_number {
            Some(n) => n.clone(),
            None => random_my_number(&mut rng),
        };
        let personal = Personal {
            name: self.name.clone(),
            address: self.address.clone(),
            birth_date: self.birth_date.clone(),
            sex: self.sex.code(),
            my_number,
        };
        personal.check().map_err(spec_err)?;
        let (code_b, card_expiry_year) = self.code_b_value(&mut rng)?;
        PinId::CodeB.check_format(&code_b).map_err(spec_err)?;

        let now = SystemTime::now();
        let not_before = self.not_before.unwrap_or(now - DAY);
        let not_after = self.not_after.unwrap_or(now + 5 * 365 * DAY + DAY);
        let ca = self.ca.clone().unwrap_or_else(TestCa::stable);
        let (auth_key, sign_key) = match &self.keys {
            Some(keys) => keys.clone(),
            None => generate_key_pair()?,
        };
        for key in [&auth_key, &sign_key] {
            if rsa::traits::PublicKeyParts::size(key) != 256 {
                return Err(SimError::Spec("card keys must be RSA-2048".into()));
            }
        }

        let cn = match &self.subject_cn {
            Some(cn) => cn.clone(),
            None => (0..24)
                .map(|_| char::from_digit(rng.gen_range(0..16), 16).unwrap())
                .collect::<String>()
                .to_uppercase(),
        };
        let auth_public = auth_key.to_public_key();
        let auth_cert = ca.issue(CertRequest {
            kind: CertKind::UserAuth,
            serial: u64::from(self.serial.unwrap_or_else(|| rng.gen_range(1..=u32::MAX))),
            subject: issue::name(&[Attr::Country("JP"), Attr::CommonName(&cn)])?,
            not_before,
            not_after,
            public_key: &auth_public,
        })?;
        let sign_public = sign_key.to_public_key();
        let sign_cert = ca.issue(CertRequest {
            kind: CertKind::Signature,
            serial: u64::from(
                self.sign_serial
                    .unwrap_or_else(|| rng.gen_range(1..=u32::MAX)),
            ),
            subject: issue::name(&[
                Attr::Country("JP"),
                Attr::Locality(&personal.address),
                Attr::CommonName(&personal.name),
            ])?,
            not_before,
            not_after,
            public_key: &sign_public,
        })?;

        Ok(CardState {
            format: STATE_FORMAT,
            pins: Pins {
                auth: PinSlot::fresh(PinId::Auth, &self.auth_pin),
                sign: PinSlot::fresh(PinId::Sign, &self.sign_pin),
                card_info: PinSlot::fresh(PinId::CardInfo, &self.card_info_pin),
                code_a: PinSlot::fresh(PinId::CodeA, &personal.my_number),
                code_b: PinSlot::fresh(PinId::CodeB, &code_b),
            },
            personal,
            card_expiry_year,
            auth_key_pkcs8: pkcs8(&auth_key)?,
            auth_cert,
            sign_key_pkcs8: pkcs8(&sign_key)?,
            sign_cert,
            ca_cert: ca.certificate_der().to_vec(),
            extended_length: self.extended_length,
        })
    }

    fn code_b_value(&self, rng: &mut impl Rng) -> Result<(String, u32), SimError> {
        match &self.code_b {
            CodeB::Explicit(code) => {
                let year = code
                    .get(6..10)
                    .and_then(|y| y.parse().ok())
                    .unwrap_or_default();
                Ok((code.clone(), year))
            }
            CodeB::Parts {
                expiry_year,
                security_code,
            } => {
                let year = expiry_year.unwrap_or_else(|| current_year() + 10);
                let code = security_code
                    .clone()
                    .unwrap_or_else(|| format!("{:04}", rng.gen_range(0..10_000)));
                let value =
                    personal::code_b(&self.birth_date, year, &code).map_err(SimError::Spec)?;
                Ok((value, year))
            }
        }
    }
}

/// Two fresh RSA-2048 keys, generated side by side.
pub fn generate_key_pair() -> Result<(RsaPrivateKey, RsaPrivateKey), SimError> {
    let gen = || RsaPrivateKey::new(&mut rand::thread_rng(), 2048).map_err(SimError::crypto);
    std::thread::scope(|s| {
        let other = s.spawn(gen);
        let first = gen()?;
        let second = other
            .join()
            .map_err(|_| SimError::Crypto("key generation panicked".into()))??;
        Ok((first, second))
    })
}

fn pkcs8(key: &RsaPrivateKey) -> Result<Vec<u8>, SimError> {
    Ok(key
        .to_pkcs8_der()
        .map_err(SimError::crypto)?
        .as_bytes()
        .to_vec())
}

fn random_my_number(rng: &mut impl Rng) -> String {
    let mut digits: String = (0..11)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect();
    digits.push(personal::my_number_check_digit(&digits).expect("11 digits"));
    digits
}

fn current_year() -> u32 {
    der::DateTime::from_system_time(SystemTime::now())
        .map(|d| u32::from(d.year()))
        .unwrap_or(2025)
}
