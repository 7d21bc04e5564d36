//! The test CA that issues every simulated card's certificates.
//!
//! The default CA is STABLE: its key and self-signed certificate were
//! generated once (`cardsim generate-test-ca --out-dir cardsim/fixtures`) and
//! are compiled in, so a server can trust it by default. `TestCa::generate()`
//! makes a fresh CA for "card from a foreign CA" tests.

use std::fmt;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use der::pem::LineEnding;
use der::{Decode, DecodePem, Encode, EncodePem};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rsa::RsaPrivateKey;
use x509_cert::name::Name;
use x509_cert::Certificate;
use zeroize::Zeroizing;

use crate::error::SimError;
use crate::issue::{self, Attr, CertKind, CertRequest};

const STABLE_KEY_PEM: &str = include_str!("../fixtures/test-ca.key.pem");
const STABLE_CERT_PEM: &str = include_str!("../fixtures/test-ca.cert.pem");

/// The organisation of the stable test CA, as on JPKI test cards.
pub const TEST_CA_ORGANIZATION: &str = "JPKI-TEST";
/// The organisational units of the user-authentication CA.
pub const CA_ORG_UNITS: [&str; 2] = [
    "JPKI for user authentication",
    "Japan Agency for Local Authority Information Systems",
];

/// The stable test CA certificate, DER.
pub fn test_ca_certificate_der() -> Vec<u8> {
    TestCa::stable().certificate_der().to_vec()
}

/// The stable test CA certificate, PEM.
pub fn test_ca_certificate_pem() -> &'static str {
    STABLE_CERT_PEM
}

/// A certificate authority: RSA-2048 key and self-signed certificate.
#[derive(Clone)]
pub struct TestCa {
    key: RsaPrivateKey,
    cert_der: Vec<u8>,
    subject: Name,
}

impl fmt::Debug for TestCa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TestCa({})", self.subject)
    }
}

impl PartialEq for TestCa {
    fn eq(&self, other: &Self) -> bool {
        self.cert_der == other.cert_der
    }
}

impl TestCa {
    /// The stable CA compiled into cardsim.
    pub fn stable() -> TestCa {
        static STABLE: OnceLock<TestCa> = OnceLock::new();
        STABLE
            .get_or_init(|| {
                TestCa::from_pem(STABLE_KEY_PEM, STABLE_CERT_PEM)
                    .expect("the test CA fixtures are valid")
            })
            .clone()
    }

    /// A fresh CA with the same names as the stable one but its own key:
    /// a verifier that trusts only the stable CA must reject its cards.
    pub fn generate() -> Result<TestCa, SimError> {
        TestCa::generate_with_organization(TEST_CA_ORGANIZATION)
    }

    /// A fresh CA whose `O=` is `organization`.
    pub fn generate_with_organization(organization: &str) -> Result<TestCa, SimError> {
        TestCa::fresh(organization, 2 + u64::from(rand::random::<u16>()))
    }

    /// What `cardsim generate-test-ca` writes as the stable fixture (serial 1).
    /// Regenerating it breaks every server that trusts the current one.
    pub fn generate_fixture() -> Result<TestCa, SimError> {
        TestCa::fresh(TEST_CA_ORGANIZATION, 1)
    }

    fn fresh(organization: &str, serial: u64) -> Result<TestCa, SimError> {
        let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).map_err(SimError::crypto)?;
        // 2025-01-01 .. 2049-12-31: UTCTime covers it, and every test date too.
        let not_before = UNIX_EPOCH + Duration::from_secs(1_735_689_600);
        let not_after = UNIX_EPOCH + Duration::from_secs(2_524_607_999);
        TestCa::self_signed(key, organization, serial, not_before, not_after)
    }

    fn self_signed(
        key: RsaPrivateKey,
        organization: &str,
        serial: u64,
        not_before: SystemTime,
        not_after: SystemTime,
    ) -> Result<TestCa, SimError> {
        let subject = issue::name(&[
            Attr::Country("JP"),
            Attr::Organization(organization),
            Attr::OrgUnit(CA_ORG_UNITS[0]),
            Attr::OrgUnit(CA_ORG_UNITS[1]),
        ])?;
        let public = key.to_public_key();
        let cert_der = issue::issue(
            &key,
            None,
            CertRequest {
                kind: CertKind::Root,
                serial,
                subject: subject.clone(),
                not_before,
                not_after,
                public_key: &public,
            },
        )?;
        Ok(TestCa {
            key,
            cert_der,
            subject,
        })
    }

    /// Loads a CA from its PKCS#8 key and certificate, both PEM.
    pub fn from_pem(key_pem: &str, cert_pem: &str) -> Result<TestCa, SimError> {
        let key = RsaPrivateKey::from_pkcs8_pem(key_pem).map_err(SimError::crypto)?;
        let cert = Certificate::from_pem(cert_pem).map_err(SimError::crypto)?;
        TestCa::from_parts(key, cert)
    }

    /// Loads a CA from its PKCS#8 key and certificate, both DER.
    pub fn from_der(key_der: &[u8], cert_der: &[u8]) -> Result<TestCa, SimError> {
        let key = RsaPrivateKey::from_pkcs8_der(key_der).map_err(SimError::crypto)?;
        let cert = Certificate::from_der(cert_der).map_err(SimError::crypto)?;
        TestCa::from_parts(key, cert)
    }

    fn from_parts(key: RsaPrivateKey, cert: Certificate) -> Result<TestCa, SimError> {
        let cert_public = cert
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(SimError::crypto)?;
        if cert_public != issue::spki_der(&key.to_public_key())? {
            return Err(SimError::Crypto(
                "the CA key does not match the CA certificate".into(),
            ));
        }
        Ok(TestCa {
            key,
            cert_der: cert.to_der().map_err(SimError::crypto)?,
            subject: cert.tbs_certificate.subject,
        })
    }

    pub fn certificate_der(&self) -> &[u8] {
        &self.cert_der
    }

    pub fn certificate_pem(&self) -> String {
        Certificate::from_der(&self.cert_der)
            .and_then(|c| c.to_pem(LineEnding::LF))
            .expect("a certificate this CA holds encodes")
    }

    /// The CA key as PKCS#8 PEM (only for writing fixtures).
    pub fn private_key_pem(&self) -> Result<Zeroizing<String>, SimError> {
        self.key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(SimError::crypto)
    }

    /// The PKCS#8 DER of the CA key (for state files that carry a foreign CA).
    pub fn private_key_der(&self) -> Result<Zeroizing<Vec<u8>>, SimError> {
        Ok(Zeroizing::new(
            self.key
                .to_pkcs8_der()
                .map_err(SimError::crypto)?
                .as_bytes()
                .to_vec(),
        ))
    }

    pub fn subject(&self) -> &Name {
        &self.subject
    }

    /// Issues a user-authentication or signature certificate.
    pub fn issue(&self, req: CertRequest<'_>) -> Result<Vec<u8>, SimError> {
        issue::issue(&self.key, Some(&self.subject), req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_ca_is_self_signed_with_the_jpki_names() {
        let ca = TestCa::stable();
        let cert = Certificate::from_der(ca.certificate_der()).unwrap();
        let tbs = &cert.tbs_certificate;
        assert_eq!(tbs.issuer, tbs.subject);
        assert_eq!(
            tbs.subject.to_string(),
            "OU=Japan Agency for Local Authority Information Systems,\
             OU=JPKI for user authentication,O=JPKI-TEST,C=JP"
        );
        assert_eq!(test_ca_certificate_der(), ca.certificate_der());
        assert_eq!(
            TestCa::from_pem(&ca.private_key_pem().unwrap(), test_ca_certificate_pem()).unwrap(),
            ca
        );
    }

    #[test]
    fn a_key_that_does_not_match_is_refused() {
        let other = TestCa::generate_with_organization("OTHER").unwrap();
        let err = TestCa::from_pem(&other.private_key_pem().unwrap(), test_ca_certificate_pem());
        assert!(matches!(err, Err(SimError::Crypto(_))));
        assert_ne!(other.certificate_der(), TestCa::stable().certificate_der());
    }
}
