//! The presented user-authentication certificate and the trust decision:
//! chain to a configured anchor, validity, revocation, key usage.

use std::collections::HashSet;
use std::fs;

use der::{Decode, DecodePem, Encode};
use rsa::pkcs8::DecodePublicKey;
use rsa::RsaPublicKey;
use x509_cert::ext::pkix::KeyUsage;
use x509_cert::name::Name;
use x509_cert::Certificate;

use crate::config::Config;
use crate::crypto;
use crate::rules::error::{ApiError, ApiResult, ErrorCode};

/// cardsim's stable JPKI-TEST CA: the default anchor (tests and demos).
pub const BUILTIN_TEST_CA_PEM: &str = include_str!("../../../../cardsim/fixtures/test-ca.cert.pem");

const SHA256_WITH_RSA: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const KEY_USAGE: der::asn1::ObjectIdentifier = der::asn1::ObjectIdentifier::new_unwrap("2.5.29.15");
const COMMON_NAME: der::asn1::ObjectIdentifier = der::asn1::ObjectIdentifier::new_unwrap("2.5.4.3");

/// What the platform uses of a presented certificate.
#[derive(Clone)]
pub struct PresentedCertificate {
    /// Upper-case hex, no leading zero bytes.
    pub serial_hex: String,
    /// RFC 4514 form of the issuer: half of the person's identity.
    pub issuer: String,
    pub subject_cn: String,
    pub not_before: i64,
    pub not_after: i64,
    pub public_key: RsaPublicKey,
    issuer_der: Vec<u8>,
    tbs_der: Vec<u8>,
    signature_algorithm_ok: bool,
    signature: Vec<u8>,
    digital_signature_usage: bool,
}

impl std::fmt::Debug for PresentedCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PresentedCertificate")
            .field("serial_hex", &self.serial_hex)
            .field("issuer", &self.issuer)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

fn format_error(detail: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        ErrorCode::CertificateFormat,
        format!("The certificate is not a usable DER X.509 RSA certificate: {detail}."),
    )
    .field("certificate")
}

/// Upper-case hex of a serial without leading zero bytes ("00" for zero):
/// the contract's form.
pub use mynapoint_contract::certificate_serial_text as serial_hex;

/// A configured serial (any case, optional `:`/spaces) in stored form.
pub fn normalize_serial(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(|c| !matches!(c, ':' | ' ')).collect();
    let padded = if digits.len() % 2 == 1 {
        format!("0{digits}")
    } else {
        digits
    };
    hex::decode(padded).ok().map(|b| serial_hex(&b))
}

fn common_name(name: &Name) -> Option<String> {
    name.0.iter().flat_map(|rdn| rdn.0.iter()).find_map(|atv| {
        (atv.oid == COMMON_NAME)
            .then(|| {
                std::str::from_utf8(atv.value.value())
                    .ok()
                    .map(str::to_owned)
            })
            .flatten()
    })
}

impl PresentedCertificate {
    pub fn parse(der_bytes: &[u8]) -> ApiResult<Self> {
        let cert = Certificate::from_der(der_bytes).map_err(format_error)?;
        let tbs = &cert.tbs_certificate;
        let spki = tbs.subject_public_key_info.to_der().map_err(format_error)?;
        let public_key = RsaPublicKey::from_public_key_der(&spki).map_err(format_error)?;
        let subject_cn = common_name(&tbs.subject).ok_or_else(|| format_error("no subject CN"))?;
        let digital_signature_usage = match tbs
            .extensions
            .iter()
            .flatten()
            .find(|e| e.extn_id == KEY_USAGE)
        {
            Some(ext) => KeyUsage::from_der(ext.extn_value.as_bytes())
                .map(|ku| ku.digital_signature())
                .unwrap_or(false),
            None => true,
        };
        Ok(PresentedCertificate {
            serial_hex: serial_hex(tbs.serial_number.as_bytes()),
            issuer: tbs.issuer.to_string(),
            subject_cn,
            not_before: tbs.validity.not_before.to_unix_duration().as_secs() as i64,
            not_after: tbs.validity.not_after.to_unix_duration().as_secs() as i64,
            public_key,
            issuer_der: tbs.issuer.to_der().map_err(format_error)?,
            tbs_der: tbs.to_der().map_err(format_error)?,
            signature_algorithm_ok: cert.signature_algorithm.oid == SHA256_WITH_RSA,
            signature: cert.signature.raw_bytes().to_vec(),
            digital_signature_usage,
        })
    }
}

/// A CA whose certificates the platform accepts.
#[derive(Clone)]
struct TrustAnchor {
    subject_der: Vec<u8>,
    key: RsaPublicKey,
}

/// The configured anchors and revocation list.
#[derive(Clone)]
pub struct TrustStore {
    anchors: Vec<TrustAnchor>,
    /// The anchors' subjects, RFC 4514 text (x509-cert's `Name` display):
    /// the issuers a field tap's card may name.
    anchor_subjects: Vec<String>,
    revoked: HashSet<String>,
}

impl std::fmt::Debug for TrustStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "TrustStore({} anchors, {} revoked)",
            self.anchors.len(),
            self.revoked.len()
        )
    }
}

impl TrustStore {
    /// Anchors from the configured PEM files plus in-process DER ones; with
    /// none configured, the built-in test CA.
    pub fn from_config(config: &Config) -> Result<Self, String> {
        let mut certs = Vec::new();
        for path in &config.trust_anchors {
            let pem = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let chain = Certificate::load_pem_chain(&pem)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if chain.is_empty() {
                return Err(format!("{}: no certificate", path.display()));
            }
            certs.extend(chain);
        }
        for der_bytes in &config.extra_trust_anchors_der {
            certs.push(Certificate::from_der(der_bytes).map_err(|e| e.to_string())?);
        }
        if certs.is_empty() {
            certs.push(Certificate::from_pem(BUILTIN_TEST_CA_PEM).map_err(|e| e.to_string())?);
        }
        let anchor_subjects = certs
            .iter()
            .map(|c| c.tbs_certificate.subject.to_string())
            .collect();
        let anchors = certs
            .iter()
            .map(|cert| {
                let tbs = &cert.tbs_certificate;
                let spki = tbs
                    .subject_public_key_info
                    .to_der()
                    .map_err(|e| e.to_string())?;
                Ok(TrustAnchor {
                    subject_der: tbs.subject.to_der().map_err(|e| e.to_string())?,
                    key: RsaPublicKey::from_public_key_der(&spki)
                        .map_err(|e| format!("trust anchor {}: {e}", tbs.subject))?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let revoked = config
            .revoked_serials
            .iter()
            .map(|s| normalize_serial(s).ok_or_else(|| format!("revoked serial {s:?} is not hex")))
            .collect::<Result<HashSet<_>, String>>()?;
        Ok(TrustStore {
            anchors,
            anchor_subjects,
            revoked,
        })
    }

    /// Whether `issuer` (RFC 4514 text) is the subject of a trusted anchor:
    /// the field app's check of a tapped card, whose certificate the device
    /// read only in part (no signature to verify).
    pub fn trusts_issuer(&self, issuer: &str) -> bool {
        self.anchor_subjects.iter().any(|s| s == issuer)
    }

    /// Whether the serial (the contract's upper-hex form) is revoked.
    pub fn is_revoked(&self, serial: &str) -> bool {
        normalize_serial(serial).is_some_and(|s| self.revoked.contains(&s))
    }

    /// The login checks — chain, validity at `now`, revocation, key usage, in
    /// that order — as a verdict; the login and the legal representative of a
    /// child application map it to their own error codes.
    pub fn verdict(&self, cert: &PresentedCertificate, now: i64) -> Result<(), CertificateRefusal> {
        let chained = cert.signature_algorithm_ok
            && self.anchors.iter().any(|anchor| {
                anchor.subject_der == cert.issuer_der
                    && crypto::verify_rsa_sha256(&anchor.key, &cert.tbs_der, &cert.signature)
            });
        if !chained {
            return Err(CertificateRefusal::Untrusted);
        }
        if now < cert.not_before {
            return Err(CertificateRefusal::NotYetValid);
        }
        if now > cert.not_after {
            return Err(CertificateRefusal::Expired);
        }
        if self.revoked.contains(&cert.serial_hex) {
            return Err(CertificateRefusal::Revoked);
        }
        if !cert.digital_signature_usage {
            return Err(CertificateRefusal::NoDigitalSignature);
        }
        Ok(())
    }

    /// The login checks with the login's errors (401, field `certificate`).
    pub fn check(&self, cert: &PresentedCertificate, now: i64) -> ApiResult<()> {
        self.verdict(cert, now).map_err(|refusal| {
            let (code, message) = match refusal {
                CertificateRefusal::Untrusted => (
                    ErrorCode::CertificateUntrusted,
                    "The certificate was not issued by a trusted certificate authority.",
                ),
                CertificateRefusal::NotYetValid => (
                    ErrorCode::CertificateNotYetValid,
                    "The certificate is not valid yet.",
                ),
                CertificateRefusal::Expired => (
                    ErrorCode::CertificateExpired,
                    "The certificate has expired.",
                ),
                CertificateRefusal::Revoked => (
                    ErrorCode::CertificateRevoked,
                    "The certificate has been revoked.",
                ),
                CertificateRefusal::NoDigitalSignature => (
                    ErrorCode::CertificateUntrusted,
                    "The certificate's key usage does not allow digital signatures.",
                ),
            };
            ApiError::new(code, message).field("certificate")
        })
    }
}

/// Why a certificate fails the login checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateRefusal {
    /// Not issued by a configured anchor (or not SHA-256 with RSA).
    Untrusted,
    NotYetValid,
    Expired,
    Revoked,
    /// Key usage without digitalSignature.
    NoDigitalSignature,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_are_upper_hex_without_leading_zeros() {
        assert_eq!(serial_hex(&[0, 0x12, 0xab]), "12AB");
        assert_eq!(serial_hex(&[0]), "00");
        assert_eq!(normalize_serial("12:ab").as_deref(), Some("12AB"));
        assert_eq!(normalize_serial("0x12"), None);
        assert_eq!(normalize_serial("00fff").as_deref(), Some("0FFF"));
    }

    #[test]
    fn the_builtin_anchor_loads() {
        let store = TrustStore::from_config(&Config::default()).unwrap();
        assert_eq!(store.anchors.len(), 1);
    }
}
