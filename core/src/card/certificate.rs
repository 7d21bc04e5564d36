//! The user-authentication certificate, parsed into what the flows need.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use der::{Decode, Encode};
use x509_cert::Certificate;

use super::tlv;

/// The certificate serial number ("発行番号", issue number): the identity the
/// session binds to and the platform records next to a My Key ID.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CertSerial(Vec<u8>);

impl CertSerial {
    /// From the big-endian bytes of the DER INTEGER (leading zeros dropped).
    pub fn from_be_bytes(bytes: &[u8]) -> Self {
        let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
        Self(bytes[start..].to_vec())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Upper-case hex, the form shells show and the platform stores.
    pub fn to_hex(&self) -> String {
        if self.0.is_empty() {
            return "00".into();
        }
        self.0.iter().map(|b| format!("{b:02X}")).collect()
    }

    /// The decimal value when it fits 128 bits.
    pub fn to_decimal(&self) -> Option<u128> {
        (self.0.len() <= 16).then(|| self.0.iter().fold(0u128, |a, b| (a << 8) | u128::from(*b)))
    }

    /// Finds the serial in the first bytes of a DER certificate, without
    /// needing the rest: the session binds to a card after one short read.
    pub fn from_certificate_prefix(prefix: &[u8]) -> Result<Self, CertificateError> {
        let bad =
            |what: &str| CertificateError::Malformed(format!("{what} in the certificate header"));
        let outer = tlv::read_header(prefix).map_err(|_| bad("no SEQUENCE"))?;
        if outer.tag != 0x30 {
            return Err(CertificateError::NotACertificate);
        }
        let mut rest = &prefix[outer.header_len..];
        let tbs = tlv::read_header(rest).map_err(|_| bad("no TBSCertificate"))?;
        if tbs.tag != 0x30 {
            return Err(bad("no TBSCertificate"));
        }
        rest = &rest[tbs.header_len..];
        let mut field = tlv::read_header(rest).map_err(|_| bad("truncated field"))?;
        if field.tag == 0xA0 {
            rest = rest
                .get(field.total_len()..)
                .ok_or_else(|| bad("truncated version"))?;
            field = tlv::read_header(rest).map_err(|_| bad("truncated serial"))?;
        }
        if field.tag != 0x02 {
            return Err(bad("no serial INTEGER"));
        }
        let value = rest
            .get(field.header_len..field.total_len())
            .ok_or_else(|| bad("truncated serial"))?;
        Ok(Self::from_be_bytes(value))
    }
}

impl fmt::Display for CertSerial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for CertSerial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CertSerial({})", self.to_hex())
    }
}

/// An RSA public key as found in the certificate.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPublicKey {
    /// Big-endian modulus, no leading zero.
    pub modulus: Vec<u8>,
    /// Big-endian public exponent.
    pub exponent: Vec<u8>,
}

impl RsaPublicKey {
    pub fn bits(&self) -> usize {
        match self.modulus.first() {
            Some(b) => self.modulus.len() * 8 - b.leading_zeros() as usize,
            None => 0,
        }
    }
}

impl fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RsaPublicKey({} bits)", self.bits())
    }
}

/// What the flows need from a user-authentication certificate.
#[derive(Clone, PartialEq, Eq)]
pub struct CertificateInfo {
    pub der: Vec<u8>,
    pub serial: CertSerial,
    pub not_before: SystemTime,
    pub not_after: SystemTime,
    /// RFC 4514 form, e.g. `CN=…,C=JP`.
    pub subject: String,
    pub issuer: String,
    /// SubjectPublicKeyInfo, DER: what a verifier imports.
    pub public_key_der: Vec<u8>,
    pub rsa_public_key: RsaPublicKey,
}

impl fmt::Debug for CertificateInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificateInfo")
            .field("serial", &self.serial)
            .field("subject", &self.subject)
            .field("issuer", &self.issuer)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

/// Why certificate bytes could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    #[error("the file is not a DER certificate")]
    NotACertificate,
    #[error("malformed certificate: {0}")]
    Malformed(String),
    #[error("the certificate key is not RSA")]
    NotRsa,
}

/// rsaEncryption (1.2.840.113549.1.1.1).
const RSA_ENCRYPTION: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

impl CertificateInfo {
    pub fn parse(der_bytes: &[u8]) -> Result<Self, CertificateError> {
        match der_bytes.first() {
            Some(0x30) => {}
            _ => return Err(CertificateError::NotACertificate),
        }
        let cert = Certificate::from_der(der_bytes)
            .map_err(|e| CertificateError::Malformed(e.to_string()))?;
        let tbs = &cert.tbs_certificate;
        let spki = &tbs.subject_public_key_info;
        if spki.algorithm.oid != RSA_ENCRYPTION {
            return Err(CertificateError::NotRsa);
        }
        let key_bits = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| CertificateError::Malformed("public key bit string".into()))?;
        Ok(Self {
            der: der_bytes.to_vec(),
            serial: CertSerial::from_be_bytes(tbs.serial_number.as_bytes()),
            not_before: tbs.validity.not_before.to_system_time(),
            not_after: tbs.validity.not_after.to_system_time(),
            subject: tbs.subject.to_string(),
            issuer: tbs.issuer.to_string(),
            public_key_der: spki
                .to_der()
                .map_err(|e| CertificateError::Malformed(e.to_string()))?,
            rsa_public_key: parse_rsa_public_key(key_bits)?,
        })
    }

    /// Whether `now` is inside the validity period.
    pub fn is_valid_at(&self, now: SystemTime) -> bool {
        self.not_before <= now && now <= self.not_after
    }

    /// Seconds since the Unix epoch of the expiry.
    pub fn not_after_unix(&self) -> u64 {
        unix_secs(self.not_after)
    }

    pub fn not_before_unix(&self) -> u64 {
        unix_secs(self.not_before)
    }
}

fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
}

/// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
fn parse_rsa_public_key(bytes: &[u8]) -> Result<RsaPublicKey, CertificateError> {
    let bad = || CertificateError::Malformed("RSA public key".into());
    let seq = tlv::read_header(bytes).map_err(|_| bad())?;
    if seq.tag != 0x30 {
        return Err(bad());
    }
    let body = bytes.get(seq.header_len..seq.total_len()).ok_or_else(bad)?;
    let ints: Vec<&[u8]> = tlv::iter(body)
        .map(|item| match item {
            Ok((0x02, value)) => Ok(value),
            _ => Err(bad()),
        })
        .collect::<Result<_, _>>()?;
    let [n, e] = ints.as_slice() else {
        return Err(bad());
    };
    let strip = |v: &[u8]| v[v.iter().position(|b| *b != 0).unwrap_or(v.len())..].to_vec();
    Ok(RsaPublicKey {
        modulus: strip(n),
        exponent: strip(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_is_found_in_a_prefix_with_and_without_version() {
        // SEQUENCE { SEQUENCE { [0] { INTEGER 2 }, INTEGER 0x01020304, ... (truncated)
        let with_version = [
            0x30, 0x82, 0x06, 0x00, 0x30, 0x82, 0x05, 0x00, 0xA0, 0x03, 0x02, 0x01, 0x02, 0x02,
            0x04, 0x01, 0x02, 0x03, 0x04, 0x30,
        ];
        let serial = CertSerial::from_certificate_prefix(&with_version).unwrap();
        assert_eq!(serial.to_hex(), "01020304");
        assert_eq!(serial.to_decimal(), Some(0x01020304));

        let v1 = [
            0x30, 0x81, 0x90, 0x30, 0x81, 0x80, 0x02, 0x02, 0x00, 0x99, 0x30,
        ];
        assert_eq!(
            CertSerial::from_certificate_prefix(&v1).unwrap().to_hex(),
            "99"
        );

        assert_eq!(
            CertSerial::from_certificate_prefix(&[0x04, 0x01, 0x00]),
            Err(CertificateError::NotACertificate)
        );
        assert!(CertSerial::from_certificate_prefix(&with_version[..15]).is_err());
    }

    #[test]
    fn non_certificates_are_rejected_with_a_specific_error() {
        assert_eq!(
            CertificateInfo::parse(b"hello"),
            Err(CertificateError::NotACertificate)
        );
        assert!(matches!(
            CertificateInfo::parse(&[0x30, 0x03, 0x02, 0x01, 0x01]),
            Err(CertificateError::Malformed(_))
        ));
    }

    #[test]
    fn rsa_key_parsing_strips_sign_bytes() {
        let key = [0x30, 0x08, 0x02, 0x03, 0x00, 0x80, 0x01, 0x02, 0x01, 0x03];
        let parsed = parse_rsa_public_key(&key).unwrap();
        assert_eq!(parsed.modulus, vec![0x80, 0x01]);
        assert_eq!(parsed.exponent, vec![0x03]);
        assert_eq!(parsed.bits(), 16);
    }
}
