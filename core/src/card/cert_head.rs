//! The head of the user-authentication certificate: what identifies the
//! person and the certificate (serial, issuer, validity, subject), read
//! without a PIN from the first few hundred bytes of the file.
//!
//! A certificate is `SEQUENCE { TBSCertificate, ... }` and a TBSCertificate
//! begins `[0] version, serialNumber, signature, issuer, validity, subject`
//! (RFC 5280 §4.1): once the subject is complete nothing more of the file is
//! needed, so a field tap reads only up to there (with short reads of 256
//! bytes: SELECT JPKI, SELECT EF `000A`, one or two READ BINARY). The file
//! and application IDs with their public sources are in [`super::files`].

use std::fmt;

use der::{Decode, SliceReader};
use spki::AlgorithmIdentifierOwned;
use x509_cert::certificate::Rfc5280;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Validity;

use super::certificate::{CertSerial, CertificateError};
use super::error::CardError;
use super::link::CardLink;
use super::tlv::{self, TlvError};

/// What a field tap reads of the user-authentication certificate.
#[derive(Clone, PartialEq, Eq)]
pub struct CertificateHead {
    pub serial: CertSerial,
    /// RFC 4514 text (`x509_cert::name::Name`'s `Display`).
    pub issuer: String,
    /// The subject's common name (empty when the subject has none).
    pub subject_cn: String,
    /// Validity, Unix seconds.
    pub not_before: u64,
    pub not_after: u64,
}

impl fmt::Debug for CertificateHead {
    // The subject CN identifies a person: keep it out of Debug output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificateHead")
            .field("serial", &self.serial)
            .field("issuer", &self.issuer)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

impl CertificateHead {
    /// Whether `unix_now` (seconds) is inside the validity period.
    pub fn is_valid_at(&self, unix_now: u64) -> bool {
        self.not_before <= unix_now && unix_now <= self.not_after
    }

    /// Parses the head from the first bytes of a DER certificate.
    /// `Ok(None)`: the bytes end before the subject does (read more).
    pub fn from_prefix(prefix: &[u8]) -> Result<Option<Self>, CertificateError> {
        let Some(end) = head_end(prefix)? else {
            return Ok(None);
        };
        let bad = |e: der::Error| CertificateError::Malformed(e.to_string());
        let mut rest = &prefix[end.fields_start..end.subject_end];
        if rest.first() == Some(&0xA0) {
            let version = tlv::read_header(rest).map_err(|e| malformed(e, "version"))?;
            rest = &rest[version.total_len()..];
        }
        let mut reader = SliceReader::new(rest).map_err(bad)?;
        let serial = SerialNumber::<Rfc5280>::decode(&mut reader).map_err(bad)?;
        AlgorithmIdentifierOwned::decode(&mut reader).map_err(bad)?;
        let issuer = Name::decode(&mut reader).map_err(bad)?;
        let validity = Validity::decode(&mut reader).map_err(bad)?;
        let subject = Name::decode(&mut reader).map_err(bad)?;
        Ok(Some(Self {
            serial: CertSerial::from_be_bytes(serial.as_bytes()),
            issuer: issuer.to_string(),
            subject_cn: common_name(&subject),
            not_before: validity.not_before.to_unix_duration().as_secs(),
            not_after: validity.not_after.to_unix_duration().as_secs(),
        }))
    }
}

/// The common name of `name` (the last CN when there are several).
fn common_name(name: &Name) -> String {
    const CN: der::asn1::ObjectIdentifier = der::asn1::ObjectIdentifier::new_unwrap("2.5.4.3");
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .filter(|atv| atv.oid == CN)
        .filter_map(|atv| {
            // DirectoryString: UTF8String, PrintableString (or older forms).
            der::asn1::Utf8StringRef::try_from(&atv.value)
                .map(|s| s.as_str().to_owned())
                .or_else(|_| {
                    der::asn1::PrintableStringRef::try_from(&atv.value)
                        .map(|s| s.as_str().to_owned())
                })
                .ok()
        })
        .next_back()
        .unwrap_or_default()
}

fn malformed(e: TlvError, what: &str) -> CertificateError {
    CertificateError::Malformed(format!("{what} in the certificate head: {e}"))
}

/// Where the TBSCertificate's fields start and where the subject ends.
struct HeadEnd {
    fields_start: usize,
    subject_end: usize,
}

/// Walks the TLV headers up to the subject; `None` when `prefix` ends first.
fn head_end(prefix: &[u8]) -> Result<Option<HeadEnd>, CertificateError> {
    let outer = match tlv::read_header(prefix) {
        Ok(h) => h,
        Err(TlvError::Truncated) => return Ok(None),
        Err(e) => return Err(malformed(e, "certificate header")),
    };
    if outer.tag != 0x30 {
        return Err(CertificateError::NotACertificate);
    }
    let tbs = match tlv::read_header(&prefix[outer.header_len..]) {
        Ok(h) => h,
        Err(TlvError::Truncated) => return Ok(None),
        Err(e) => return Err(malformed(e, "TBSCertificate")),
    };
    if tbs.tag != 0x30 {
        return Err(CertificateError::Malformed(
            "no TBSCertificate in the certificate head".into(),
        ));
    }
    let fields_start = outer.header_len + tbs.header_len;
    let mut pos = fields_start;
    // [0] version (optional), serial, signature, issuer, validity, subject.
    let mut fields = 0;
    let mut version_seen = false;
    while fields < 5 {
        let header = match tlv::read_header(&prefix[pos.min(prefix.len())..]) {
            Ok(h) => h,
            Err(TlvError::Truncated) => return Ok(None),
            Err(e) => return Err(malformed(e, "TBSCertificate field")),
        };
        if header.tag == 0xA0 && !version_seen && fields == 0 {
            version_seen = true;
        } else {
            fields += 1;
        }
        pos += header.total_len();
        if pos > fields_start + tbs.len {
            return Err(CertificateError::Malformed(
                "a field runs past the TBSCertificate".into(),
            ));
        }
    }
    if pos > prefix.len() {
        return Ok(None);
    }
    Ok(Some(HeadEnd {
        fields_start,
        subject_end: pos,
    }))
}

impl CardLink {
    /// Reads the head of the user-authentication certificate (no PIN):
    /// SELECT the JPKI application and EF `000A` (skipped when selected
    /// already), then READ BINARY from where `first` ends until the subject
    /// is complete. `first` is what was read of the file already (empty:
    /// nothing). A card without the JPKI application is
    /// [`CardError::NotMyNumberCard`]; a file whose head does not parse is
    /// [`CardError::Malformed`].
    pub async fn read_certificate_head(
        &mut self,
        mut data: Vec<u8>,
    ) -> Result<CertificateHead, CardError> {
        self.select_auth_certificate().await?;
        if data.is_empty() {
            data = self.read_first_chunk().await?;
        }
        loop {
            if let Some(head) = CertificateHead::from_prefix(&data)? {
                return Ok(head);
            }
            let total = tlv::read_header(&data)?.total_len();
            if data.len() >= total {
                return Err(CardError::Malformed(
                    "the certificate ends before its subject".into(),
                ));
            }
            let want = (total - data.len()).min(self.max_read());
            let chunk = self.read_chunk(data.len(), Some(want)).await?;
            data.extend_from_slice(&chunk);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_that_ends_inside_the_head_asks_for_more_and_garbage_is_refused() {
        // SEQUENCE { SEQUENCE { [0]{INTEGER 2}, INTEGER 5, ... truncated
        let truncated = [
            0x30, 0x82, 0x01, 0x00, 0x30, 0x81, 0xF0, 0xA0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x01,
            0x05, 0x30,
        ];
        assert_eq!(CertificateHead::from_prefix(&truncated), Ok(None));
        assert_eq!(CertificateHead::from_prefix(&[]), Ok(None));
        assert_eq!(
            CertificateHead::from_prefix(&[0x04, 0x02, 0x00, 0x00]),
            Err(CertificateError::NotACertificate)
        );
        // A field longer than the TBSCertificate that holds it.
        let overlong = [0x30, 0x0A, 0x30, 0x04, 0x02, 0x10, 0x00, 0x00];
        assert!(matches!(
            CertificateHead::from_prefix(&overlong),
            Err(CertificateError::Malformed(_))
        ));
    }
}
