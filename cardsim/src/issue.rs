//! Certificates with the real JPKI shape: X.509 v3, RSA-2048,
//! sha256WithRSAEncryption, the JPKI issuer name, and the extensions of the
//! user-authentication and signature certificates (key identifiers, key
//! usage, certificate policy with a CPS pointer, issuer alternative name,
//! CRL distribution point and OCSP responder), so they are as large as real
//! ones (about 1.6 KB) and take as many READ BINARYs to read.
//!
//! Every URI points under `jpki-test.invalid`, and the names that only exist
//! on real cards (CRL partition, issuer alternative name) say TEST, and the
//! policy carries a user notice saying these are test certificates: nothing
//! here refers to a real JPKI service. The policy OIDs are the JPKI ones.

use std::time::{SystemTime, UNIX_EPOCH};

use der::asn1::{Any, Ia5String, SetOfVec};
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
use x509_cert::ext::pkix::certpolicy::{
    DisplayText, PolicyInformation, PolicyQualifierInfo, UserNotice,
};
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AccessDescription, AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints,
    CertificatePolicies, CrlDistributionPoints, ExtendedKeyUsage, IssuerAltName, KeyUsage,
    KeyUsages, SubjectKeyIdentifier,
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

/// Certificate policy of user-authentication certificates
/// (jpki-cp-auth-class30, under the JPKI policy arc 1.2.392.200149.8.5.1).
pub const USER_AUTH_POLICY: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.392.200149.8.5.1.3.30");
/// Certificate policy of signature certificates (jpki-cp-sign-class20).
pub const SIGNATURE_POLICY: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.392.200149.8.5.1.1.20");
/// The CPS qualifier of the policies. TEST value: the real one points to
/// the JPKI repository on www.jpki.go.jp.
pub const TEST_CPS_URI: &str = "http://www.jpki-test.invalid/cps.html";
/// The OCSP responder of user-authentication certificates (TEST host).
pub const TEST_USER_AUTH_OCSP_URI: &str = "http://ocspauthnorm.jpki-test.invalid";
/// The OCSP responder of signature certificates (TEST host).
pub const TEST_SIGNATURE_OCSP_URI: &str = "http://ocspsignnorm.jpki-test.invalid";
/// The user notice that follows the CPS pointer: these certificates are
/// test certificates, not JPKI ones.
pub const TEST_USER_NOTICE: &str =
    "試験用の証明書です (JPKI-TEST)。公的個人認証サービスの電子証明書ではありません。";
/// The prefecture of the CRL partition named by the CRL distribution point
/// (TEST value; real cards name their municipality's prefecture).
const TEST_CRL_PREFECTURE: &str = "JPKI-TEST Prefecture";
/// The alternative name of the issuer, after `C=JP, O=<profile>`: on real
/// cards only the Japanese service name, here marked as a test.
const TEST_ISSUER_ALT_OU: &str = "JPKI-TEST";

/// What sets the user-authentication and signature certificates apart,
/// besides key usage.
struct EndEntityProfile {
    policy: ObjectIdentifier,
    /// O= of the issuer alternative name.
    issuer_alt_org: &'static str,
    /// CN= of the CRL distribution point: the municipality's partition.
    crl_partition: &'static str,
    ocsp_uri: &'static str,
}

const USER_AUTH_PROFILE: EndEntityProfile = EndEntityProfile {
    policy: USER_AUTH_POLICY,
    issuer_alt_org: "公的個人認証サービス利用者証明用",
    crl_partition: "99999 JPKI-TEST Municipality User Authentication CRLDP",
    ocsp_uri: TEST_USER_AUTH_OCSP_URI,
};

const SIGNATURE_PROFILE: EndEntityProfile = EndEntityProfile {
    policy: SIGNATURE_POLICY,
    issuer_alt_org: "公的個人認証サービス署名用",
    crl_partition: "99999 JPKI-TEST Municipality Digital Signature CRLDP",
    ocsp_uri: TEST_SIGNATURE_OCSP_URI,
};

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
            let issuer = issuer.ok_or_else(|| SimError::Crypto("no issuer name".into()))?;
            let aki = AuthorityKeyIdentifier::try_from(issuer_spki.owned_to_ref())
                .map_err(SimError::crypto)?;
            add(&mut builder, &aki)?;
            add(&mut builder, &ski)?;
            let profile = if req.kind == CertKind::UserAuth {
                add(&mut builder, &KeyUsage(KeyUsages::DigitalSignature.into()))?;
                &USER_AUTH_PROFILE
            } else {
                add(
                    &mut builder,
                    &KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation),
                )?;
                &SIGNATURE_PROFILE
            };
            add_end_entity_extensions(&mut builder, issuer, profile)?;
            if req.kind == CertKind::UserAuth {
                let eku = ExtendedKeyUsage(vec![rfc5280::ID_KP_CLIENT_AUTH]);
                add(&mut builder, &Marked::non_critical(eku))?;
            }
        }
    }
    let cert = builder.build::<Signature>().map_err(SimError::crypto)?;
    cert.to_der().map_err(SimError::crypto)
}

/// CertificatePolicies (critical), IssuerAltName, CRLDistributionPoints and
/// AuthorityInfoAccess, as on the card's two end-entity certificates.
fn add_end_entity_extensions(
    builder: &mut RsaBuilder<'_>,
    issuer: &Name,
    profile: &EndEntityProfile,
) -> Result<(), SimError> {
    let cps = Ia5String::new(TEST_CPS_URI).map_err(SimError::crypto)?;
    let notice = UserNotice {
        notice_ref: None,
        explicit_text: Some(DisplayText::Utf8String(TEST_USER_NOTICE.into())),
    };
    let policies = CertificatePolicies(vec![PolicyInformation {
        policy_identifier: profile.policy,
        policy_qualifiers: Some(vec![
            PolicyQualifierInfo {
                policy_qualifier_id: rfc5280::ID_QT_CPS,
                qualifier: Some(Any::encode_from(&cps).map_err(SimError::crypto)?),
            },
            PolicyQualifierInfo {
                policy_qualifier_id: rfc5280::ID_QT_UNOTICE,
                qualifier: Some(Any::encode_from(&notice).map_err(SimError::crypto)?),
            },
        ]),
    }]);
    add(builder, &Marked::critical(policies))?;

    let alt_name = name(&[
        Attr::Country("JP"),
        Attr::Organization(profile.issuer_alt_org),
        Attr::OrgUnit(TEST_ISSUER_ALT_OU),
    ])?;
    add(
        builder,
        &IssuerAltName(vec![GeneralName::DirectoryName(alt_name)]),
    )?;

    // The distribution point names the CRL partition (prefecture,
    // municipality) under the issuer.
    let mut crl_dp = issuer.clone();
    crl_dp.0.extend(
        name(&[
            Attr::OrgUnit("CRL Distribution Points"),
            Attr::OrgUnit(TEST_CRL_PREFECTURE),
            Attr::CommonName(profile.crl_partition),
        ])?
        .0,
    );
    let crl_dps = CrlDistributionPoints(vec![DistributionPoint {
        distribution_point: Some(DistributionPointName::FullName(vec![
            GeneralName::DirectoryName(crl_dp),
        ])),
        reasons: None,
        crl_issuer: None,
    }]);
    add(builder, &crl_dps)?;

    let ocsp = Ia5String::new(profile.ocsp_uri).map_err(SimError::crypto)?;
    let aia = AuthorityInfoAccessSyntax(vec![AccessDescription {
        access_method: rfc5280::ID_AD_OCSP,
        access_location: GeneralName::UniformResourceIdentifier(ocsp),
    }]);
    add(builder, &aia)
}

fn time(t: SystemTime) -> Result<Time, SimError> {
    if t < UNIX_EPOCH {
        return Err(SimError::Spec(
            "certificate times must be after 1970".into(),
        ));
    }
    Time::try_from(t).map_err(|e| SimError::Spec(format!("certificate time: {e}")))
}

/// An extension with the criticality JPKI certificates give it, whatever
/// the library's default (x509-cert marks EKU critical and
/// CertificatePolicies non-critical; JPKI certificates do the opposite).
struct Marked<T> {
    ext: T,
    critical: bool,
}

impl<T> Marked<T> {
    fn critical(ext: T) -> Self {
        Marked {
            ext,
            critical: true,
        }
    }

    fn non_critical(ext: T) -> Self {
        Marked {
            ext,
            critical: false,
        }
    }
}

impl<T: AssociatedOid> AssociatedOid for Marked<T> {
    const OID: ObjectIdentifier = T::OID;
}

impl<T: Encode> Encode for Marked<T> {
    fn encoded_len(&self) -> der::Result<der::Length> {
        self.ext.encoded_len()
    }

    fn encode(&self, writer: &mut impl der::Writer) -> der::Result<()> {
        self.ext.encode(writer)
    }
}

impl<T: AssociatedOid + Encode> AsExtension for Marked<T> {
    fn critical(&self, _: &Name, _: &[x509_cert::ext::Extension]) -> bool {
        self.critical
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
