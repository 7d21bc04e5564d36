//! Certificates with the real JPKI shape: X.509 v3, RSA-2048,
//! sha256WithRSAEncryption, the JPKI issuer name and the key usages of the
//! user-authentication and signature certificates.

use std::time::{SystemTime, UNIX_EPOCH};

use der::asn1::{Any, SetOfVec};
use der::oid::db::{rfc4519, rfc5280};
use der::oid::{AssociatedOid, ObjectIdentifier};
use der::referenced::OwnedToRef;
use der::{Encode, Tag};
use rsa::pkcs1v15::{Signature, SigningKey};
use rsa::RsaPublicKey;
use sha2::Sha256;
use spki::{EncodePublicKey, SubjectPublicKeyInfoOwned};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectKeyIdentifier,
};
use x509_cert::ext::AsExtension;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

use crate::error::SimError;

/// Which certificate of the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertKind {
    /// 利用者証明用: KeyUsage digitalSignature (critical), EKU clientAuth.
    UserAuth,
    /// 署名用: KeyUsage digitalSignature + nonRepudiation (critical).
    Signature,
    /// The self-signed test CA: BasicConstraints CA, keyCertSign + cRLSign.
    Root,
}

/// One attribute of a distinguished name.
#[derive(Debug, Clone, Copy)]
pub enum Attr<'a> {
    Country(&'a str),
    Organization(&'a str),
    OrgUnit(&'a str),
    Locality(&'a str),
    CommonName(&'a str),
}

/// A distinguished name, in the order given (DER order, country first), each
/// attribute its own RDN. PrintableString where the text allows, else UTF8String.
pub fn name(attrs: &[Attr<'_>]) -> Result<Name, SimError> {
    let mut rdns = Vec::with_capacity(attrs.len());
    for attr in attrs {
        let (oid, text) = match *attr {
            Attr::Country(t) => (rfc4519::COUNTRY_NAME, t),
            Attr::Organization(t) => (rfc4519::ORGANIZATION_NAME, t),
            Attr::OrgUnit(t) => (rfc4519::ORGANIZATIONAL_UNIT_NAME, t),
            Attr::Locality(t) => (rfc4519::LOCALITY_NAME, t),
            Attr::CommonName(t) => (rfc4519::COMMON_NAME, t),
        };
        let tag = if text.chars().all(is_printable) {
            Tag::PrintableString
        } else {
            Tag::Utf8String
        };
        let value = Any::new(tag, text.as_bytes()).map_err(SimError::crypto)?;
        let atv = AttributeTypeAndValue { oid, value };
        let set = SetOfVec::try_from(vec![atv]).map_err(SimError::crypto)?;
        rdns.push(RelativeDistinguishedName::from(set));
    }
    Ok(RdnSequence(rdns))
}

fn is_printable(c: char) -> bool {
    c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c)
}

/// What a certificate is made of, besides its issuer.
pub struct CertRequest<'a> {
    pub kind: CertKind,
    pub serial: u64,
    pub subject: Name,
    pub not_before: SystemTime,
    pub not_after: SystemTime,
    pub public_key: &'a RsaPublicKey,
}

/// Issues a certificate signed with `ca_key` under the name `issuer`
/// (`None`: self-signed, for [`CertKind::Root`]).
pub(crate) fn issue(
    ca_key: &rsa::RsaPrivateKey,
    issuer: Option<&Name>,
    req: CertRequest<'_>,
) -> Result<Vec<u8>, SimError> {
    let spki =
        SubjectPublicKeyInfoOwned::from_key(req.public_key.clone()).map_err(SimError::crypto)?;
    let issuer_spki =
        SubjectPublicKeyInfoOwned::from_key(ca_key.to_public_key()).map_err(SimError::crypto)?;
    let signer = SigningKey::<Sha256>::new(ca_key.clone());
    let validity = Validity {
        not_before: time(req.not_before)?,
        not_after: time(req.not_after)?,
    };
    if req.not_after <= req.not_before {
        return Err(SimError::Spec(
            "the certificate's notAfter must be after notBefore".into(),
        ));
    }
    if (req.kind == CertKind::Root) != issuer.is_none() {
        return Err(SimError::Crypto(
            "only the CA certificate is self-signed".into(),
        ));
    }
    let mut builder = CertificateBuilder::new(
        Profile::Manual {
            issuer: issuer.cloned(),
        },
        SerialNumber::from(req.serial),
        validity,
        req.subject,
        spki.clone(),
        &signer,
    )
    .map_err(SimError::crypto)?;

    let ski = SubjectKeyIdentifier::try_from(spki.owned_to_ref()).map_err(SimError::crypto)?;
    match req.kind {
        CertKind::Root => {
            let constraints = BasicConstraints {
                ca: true,
                path_len_constraint: Some(0),
            };
            add(&mut builder, &constraints)?;
            add(
                &mut builder,
                &KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign),
            )?;
            add(&mut builder, &ski)?;
        }
        CertKind::UserAuth | CertKind::Signature => {
            let aki = AuthorityKeyIdentifier::try_from(issuer_spki.owned_to_ref())
                .map_err(SimError::crypto)?;
            add(&mut builder, &aki)?;
            add(&mut builder, &ski)?;
            if req.kind == CertKind::UserAuth {
                add(&mut builder, &KeyUsage(KeyUsages::DigitalSignature.into()))?;
                let eku = ExtendedKeyUsage(vec![rfc5280::ID_KP_CLIENT_AUTH]);
                add(&mut builder, &NonCritical(eku))?;
            } else {
                add(
                    &mut builder,
                    &KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation),
                )?;
            }
        }
    }
    let cert = builder.build::<Signature>().map_err(SimError::crypto)?;
    cert.to_der().map_err(SimError::crypto)
}

fn time(t: SystemTime) -> Result<Time, SimError> {
    if t < UNIX_EPOCH {
        return Err(SimError::Spec(
            "certificate times must be after 1970".into(),
        ));
    }
    Time::try_from(t).map_err(|e| SimError::Spec(format!("certificate time: {e}")))
}

/// An extension marked non-critical whatever the library's default
/// (x509-cert marks EKU critical; JPKI certificates do not).
struct NonCritical<T>(T);

impl<T: AssociatedOid> AssociatedOid for NonCritical<T> {
    const OID: ObjectIdentifier = T::OID;
}

impl<T: Encode> Encode for NonCritical<T> {
    fn encoded_len(&self) -> der::Result<der::Length> {
        self.0.encoded_len()
    }

    fn encode(&self, writer: &mut impl der::Writer) -> der::Result<()> {
        self.0.encode(writer)
    }
}

impl<T: AssociatedOid + Encode> AsExtension for NonCritical<T> {
    fn critical(&self, _: &Name, _: &[x509_cert::ext::Extension]) -> bool {
        false
    }
}

type RsaBuilder<'s> = CertificateBuilder<'s, SigningKey<Sha256>>;

fn add<E: AsExtension>(builder: &mut RsaBuilder<'_>, ext: &E) -> Result<(), SimError> {
    builder.add_extension(ext).map_err(SimError::crypto)
}

/// The DER of a public key as SubjectPublicKeyInfo.
pub fn spki_der(key: &RsaPublicKey) -> Result<Vec<u8>, SimError> {
    Ok(key
        .to_public_key_der()
        .map_err(SimError::crypto)?
        .as_bytes()
        .to_vec())
}

/// OID helper for tests and callers that inspect certificates.
pub const ID_KP_CLIENT_AUTH: ObjectIdentifier = rfc5280::ID_KP_CLIENT_AUTH;
