//! The certificates have the real JPKI shape, chain to the right CA, and the
//! card's signatures verify with their public keys.

mod common;

use std::time::{Duration, SystemTime};

use cardsim::{test_ca_certificate_der, CardSpec, SimCard, TestCa};
use common::*;
use der::{Decode, Encode};
use mynapoint_core::card::{sha256_digest_info, CertificateInfo};
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha2::{Digest, Sha256};
use x509_cert::ext::pkix::certpolicy::{DisplayText, UserNotice};
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, CertificatePolicies, CrlDistributionPoints,
    ExtendedKeyUsage, IssuerAltName, KeyUsage, KeyUsages, SubjectKeyIdentifier,
};
use x509_cert::Certificate;

const SHA256_WITH_RSA: &str = "1.2.840.113549.1.1.11";
const JPKI_ISSUER: &str = "OU=Japan Agency for Local Authority Information Systems,\
    OU=JPKI for user authentication,O=JPKI-TEST,C=JP";

fn public_key(cert: &Certificate) -> RsaPublicKey {
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .unwrap();
    RsaPublicKey::from_public_key_der(&spki).unwrap()
}

/// Whether `cert` carries a valid signature by the CA certificate `ca`.
fn signed_by(cert: &Certificate, ca: &Certificate) -> bool {
    let key = VerifyingKey::<Sha256>::new(public_key(ca));
    let tbs = cert.tbs_certificate.to_der().unwrap();
    let sig = Signature::try_from(cert.signature.raw_bytes()).unwrap();
    key.verify(&tbs, &sig).is_ok()
}

fn extension<'a>(cert: &'a Certificate, oid: &str) -> Option<&'a x509_cert::ext::Extension> {
    cert.tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id.to_string() == oid)
}

#[test]
fn user_auth_certificate_has_the_jpki_shape() {
    let c = card();
    let cert = Certificate::from_der(c.auth_certificate_der()).unwrap();
    let tbs = &cert.tbs_certificate;
    assert_eq!(tbs.version, x509_cert::Version::V3);
    assert_eq!(cert.signature_algorithm.oid.to_string(), SHA256_WITH_RSA);
    assert_eq!(tbs.serial_number.as_bytes(), &[0x01, 0x02, 0x03, 0x04]);
    assert_eq!(tbs.issuer.to_string(), JPKI_ISSUER);
    // Subject: only C=JP and an opaque CN, no name or address.
    let subject = tbs.subject.to_string();
    let cn = subject
        .strip_prefix("CN=")
        .unwrap()
        .strip_suffix(",C=JP")
        .unwrap();
    assert_eq!(cn.len(), 24);
    assert!(cn
        .chars()
        .all(|ch| ch.is_ascii_hexdigit() && !ch.is_ascii_lowercase()));
    assert_eq!(public_key(&cert).size(), 256);

    let ku = extension(&cert, "2.5.29.15").expect("KeyUsage");
    assert!(ku.critical);
    let ku = KeyUsage::from_der(ku.extn_value.as_bytes()).unwrap();
    assert!(ku.digital_signature() && !ku.non_repudiation() && !ku.key_encipherment());
    let eku = extension(&cert, "2.5.29.37").expect("EKU");
    let eku = ExtendedKeyUsage::from_der(eku.extn_value.as_bytes()).unwrap();
    assert_eq!(eku.0, vec![cardsim::issue::ID_KP_CLIENT_AUTH]);

    // The core's parser reads it as the flows will.
    let info = CertificateInfo::parse(c.auth_certificate_der()).unwrap();
    assert_eq!(info.serial.to_hex(), "01020304");
    assert!(info.is_valid_at(SystemTime::now()));
}

const AKI: &str = "2.5.29.35";
const SKI: &str = "2.5.29.14";
const KEY_USAGE: &str = "2.5.29.15";
const CERT_POLICIES: &str = "2.5.29.32";
const ISSUER_ALT_NAME: &str = "2.5.29.18";
const EKU: &str = "2.5.29.37";
const CRL_DPS: &str = "2.5.29.31";
const AIA: &str = "1.3.6.1.5.5.7.1.1";
const ID_QT_CPS: &str = "1.3.6.1.5.5.7.2.1";
const ID_QT_UNOTICE: &str = "1.3.6.1.5.5.7.2.2";
const ID_AD_OCSP: &str = "1.3.6.1.5.5.7.48.1";
const JPKI_POLICY_ARC: &str = "1.2.392.200149.8.5.1.";

/// The extension `oid` of `cert`, decoded; panics unless it is present
/// exactly once with the given criticality.
fn decoded<'a, T: Decode<'a>>(cert: &'a Certificate, oid: &str, critical: bool) -> T {
    let exts = cert.tbs_certificate.extensions.as_deref().unwrap_or(&[]);
    let found: Vec<_> = exts
        .iter()
        .filter(|e| e.extn_id.to_string() == oid)
        .collect();
    assert_eq!(found.len(), 1, "extension {oid} present once");
    assert_eq!(found[0].critical, critical, "criticality of {oid}");
    T::from_der(found[0].extn_value.as_bytes()).unwrap_or_else(|e| panic!("{oid}: {e}"))
}

fn uri(name: &GeneralName) -> &str {
    match name {
        GeneralName::UniformResourceIdentifier(u) => u.as_str(),
        other => panic!("not a URI: {other:?}"),
    }
}

/// The extensions shared by both end-entity certificates; returns the
/// policy OID.
fn assert_jpki_end_entity_extensions(cert: &Certificate, ca: &Certificate) -> String {
    let issuer = cert.tbs_certificate.issuer.to_string();

    let aki: AuthorityKeyIdentifier = decoded(cert, AKI, false);
    let ca_ski: SubjectKeyIdentifier = decoded(ca, SKI, false);
    assert_eq!(aki.key_identifier, Some(ca_ski.0));
    let ski: SubjectKeyIdentifier = decoded(cert, SKI, false);
    assert_eq!(ski.0.as_bytes().len(), 20);

    let policies: CertificatePolicies = decoded(cert, CERT_POLICIES, true);
    assert_eq!(policies.0.len(), 1);
    let policy = &policies.0[0];
    let oid = policy.policy_identifier.to_string();
    assert!(oid.starts_with(JPKI_POLICY_ARC), "{oid}");
    let qualifiers = policy.policy_qualifiers.as_ref().expect("CPS qualifier");
    assert_eq!(qualifiers.len(), 2, "CPS pointer and user notice");
    assert_eq!(qualifiers[0].policy_qualifier_id.to_string(), ID_QT_CPS);
    assert_eq!(qualifiers[1].policy_qualifier_id.to_string(), ID_QT_UNOTICE);
    let notice = qualifiers[1]
        .qualifier
        .as_ref()
        .unwrap()
        .decode_as::<UserNotice>()
        .unwrap();
    let Some(DisplayText::Utf8String(notice)) = notice.explicit_text else {
        panic!("explicit text")
    };
    assert!(notice.contains("JPKI-TEST"), "{notice}");
    let cps = qualifiers[0]
        .qualifier
        .as_ref()
        .unwrap()
        .decode_as::<der::asn1::Ia5String>()
        .unwrap();
    assert!(cps.as_str().starts_with("http://"), "{cps}");
    assert!(cps.as_str().contains("jpki-test.invalid"), "a test host");

    let alt: IssuerAltName = decoded(cert, ISSUER_ALT_NAME, false);
    let [GeneralName::DirectoryName(alt)] = alt.0.as_slice() else {
        panic!("IssuerAltName is one directoryName: {alt:?}");
    };
    let alt = alt.to_string();
    assert!(
        alt.contains(",O=公的個人認証サービス") && alt.ends_with(",C=JP"),
        "{alt}"
    );

    let dps: CrlDistributionPoints = decoded(cert, CRL_DPS, false);
    let [DistributionPoint {
        distribution_point: Some(DistributionPointName::FullName(names)),
        reasons: None,
        crl_issuer: None,
    }] = dps.0.as_slice()
    else {
        panic!("one full-name distribution point: {dps:?}");
    };
    let [GeneralName::DirectoryName(dp)] = names.as_slice() else {
        panic!("the distribution point is a directoryName: {names:?}");
    };
    let dp = dp.to_string();
    assert!(
        dp.ends_with(&format!(",OU=CRL Distribution Points,{issuer}")),
        "the CRL partition is named under the issuer: {dp}"
    );
    assert!(dp.starts_with("CN="), "{dp}");

    let aia: AuthorityInfoAccessSyntax = decoded(cert, AIA, false);
    assert_eq!(aia.0.len(), 1);
    assert_eq!(aia.0[0].access_method.to_string(), ID_AD_OCSP);
    let ocsp = uri(&aia.0[0].access_location);
    assert!(
        ocsp.starts_with("http://") && ocsp.ends_with(".jpki-test.invalid"),
        "{ocsp}"
    );
    oid
}

#[test]
fn user_auth_certificate_has_the_size_and_extensions_of_a_real_one() {
    let c = card();
    let der = c.auth_certificate_der();
    assert!(
        (1_450..=1_800).contains(&der.len()),
        "a real user-authentication certificate is about 1.6 KB, this one {} bytes",
        der.len()
    );
    // At 256 bytes a READ BINARY, as many reads as for a real card.
    assert_eq!(der.len().div_ceil(256), 7, "{} bytes", der.len());
    let cert = Certificate::from_der(der).unwrap();
    let ca = Certificate::from_der(c.ca_certificate_der()).unwrap();
    let policy = assert_jpki_end_entity_extensions(&cert, &ca);
    assert_eq!(policy, cardsim::issue::USER_AUTH_POLICY.to_string());
    let ku: KeyUsage = decoded(&cert, KEY_USAGE, true);
    assert_eq!(ku, KeyUsage(KeyUsages::DigitalSignature.into()));
    let eku: ExtendedKeyUsage = decoded(&cert, EKU, false);
    assert_eq!(eku.0, vec![cardsim::issue::ID_KP_CLIENT_AUTH]);
    let exts = cert.tbs_certificate.extensions.as_ref().unwrap();
    assert_eq!(exts.len(), 8, "nothing else");
}

#[test]
fn signature_certificate_has_the_extensions_of_a_real_one() {
    let c = card();
    let cert = Certificate::from_der(c.sign_certificate_der()).unwrap();
    let ca = Certificate::from_der(c.ca_certificate_der()).unwrap();
    let policy = assert_jpki_end_entity_extensions(&cert, &ca);
    assert_eq!(policy, cardsim::issue::SIGNATURE_POLICY.to_string());
    assert_ne!(policy, cardsim::issue::USER_AUTH_POLICY.to_string());
    let ku: KeyUsage = decoded(&cert, KEY_USAGE, true);
    assert_eq!(
        ku.0,
        KeyUsages::DigitalSignature | KeyUsages::NonRepudiation
    );
    let exts = cert.tbs_certificate.extensions.as_ref().unwrap();
    assert_eq!(exts.len(), 7, "no EKU");
    assert!(c.sign_certificate_der().len() > 1_450);
}

#[test]
fn signature_certificate_names_the_holder() {
    let c = card();
    let cert = Certificate::from_der(c.sign_certificate_der()).unwrap();
    assert!(cert.tbs_certificate.subject.to_string().contains(NAME));
    let ku = extension(&cert, "2.5.29.15").unwrap();
    let ku = KeyUsage::from_der(ku.extn_value.as_bytes()).unwrap();
    assert_eq!(
        ku.0,
        KeyUsages::DigitalSignature | KeyUsages::NonRepudiation
    );
    assert!(extension(&cert, "2.5.29.37").is_none());
}

#[test]
fn certificates_chain_to_the_stable_test_ca() {
    let c = card();
    let ca = Certificate::from_der(&test_ca_certificate_der()).unwrap();
    assert_eq!(c.ca_certificate_der(), test_ca_certificate_der());
    for der in [c.auth_certificate_der(), c.sign_certificate_der()] {
        let cert = Certificate::from_der(der).unwrap();
        assert!(signed_by(&cert, &ca));
        assert_eq!(cert.tbs_certificate.issuer, ca.tbs_certificate.subject);
    }
    assert!(signed_by(&ca, &ca), "the CA is self-signed");
    let pem = cardsim::test_ca_certificate_pem();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
}

#[test]
fn a_card_from_a_foreign_ca_does_not_chain_to_the_stable_one() {
    let foreign = TestCa::generate().unwrap();
    let (auth, sign) = keys();
    let c = SimCard::in_memory(spec().ca(foreign.clone()).keys(auth, sign)).unwrap();
    let stable = Certificate::from_der(&test_ca_certificate_der()).unwrap();
    let foreign_ca = Certificate::from_der(foreign.certificate_der()).unwrap();
    let cert = Certificate::from_der(c.auth_certificate_der()).unwrap();
    assert_eq!(
        cert.tbs_certificate.issuer.to_string(),
        JPKI_ISSUER,
        "same names"
    );
    assert!(!signed_by(&cert, &stable), "but not the stable key");
    assert!(signed_by(&cert, &foreign_ca));
    assert_eq!(c.ca_certificate_der(), foreign.certificate_der());
}

fn keys() -> (rsa::RsaPrivateKey, rsa::RsaPrivateKey) {
    use rsa::pkcs8::DecodePrivateKey;
    let t = template();
    (
        rsa::RsaPrivateKey::from_pkcs8_der(&t.auth_key_pkcs8).unwrap(),
        rsa::RsaPrivateKey::from_pkcs8_der(&t.sign_key_pkcs8).unwrap(),
    )
}

#[test]
fn validity_is_settable_for_expired_and_not_yet_valid_cards() {
    let day = Duration::from_secs(86_400);
    let now = SystemTime::now();
    let (auth, sign) = keys();
    let expired = CardSpec::new()
        .keys(auth.clone(), sign.clone())
        .not_before(now - 400 * day)
        .not_after(now - day)
        .build()
        .unwrap();
    let info = CertificateInfo::parse(&expired.auth_cert).unwrap();
    assert!(!info.is_valid_at(now));
    assert!(info.not_after < now);

    let future = CardSpec::new()
        .keys(auth.clone(), sign.clone())
        .not_before(now + 10 * day)
        .not_after(now + 100 * day)
        .build()
        .unwrap();
    let info = CertificateInfo::parse(&future.auth_cert).unwrap();
    assert!(!info.is_valid_at(now));
    assert!(info.not_before > now);

    let default = CardSpec::new()
        .keys(auth.clone(), sign.clone())
        .build()
        .unwrap();
    let info = CertificateInfo::parse(&default.auth_cert).unwrap();
    assert!(info.is_valid_at(now));
    assert!(info.not_before <= now - day + Duration::from_secs(5));
    assert!(info.not_after >= now + 5 * 365 * day);

    assert!(CardSpec::new()
        .keys(auth, sign)
        .not_before(now)
        .not_after(now - day)
        .build()
        .is_err());
}

#[test]
fn default_serials_are_random_and_nonzero() {
    let (auth, sign) = keys();
    let a = CardSpec::new()
        .keys(auth.clone(), sign.clone())
        .build()
        .unwrap();
    let b = CardSpec::new().keys(auth, sign).build().unwrap();
    let sa = CertificateInfo::parse(&a.auth_cert).unwrap().serial;
    let sb = CertificateInfo::parse(&b.auth_cert).unwrap().serial;
    assert_ne!(sa, sb);
    assert!(sa.as_bytes().len() <= 4 && !sa.as_bytes().is_empty());
}

#[test]
fn card_signatures_verify_with_the_certificate_key() {
    let mut c = card();
    let auth_key = public_key(&Certificate::from_der(c.auth_certificate_der()).unwrap());
    let sign_key = public_key(&Certificate::from_der(c.sign_certificate_der()).unwrap());
    let hash: [u8; 32] = Sha256::digest(b"challenge from the server").into();
    let mut apdu = vec![0x80, 0x2A, 0x00, 0x80, 51];
    apdu.extend_from_slice(&sha256_digest_info(&hash));
    apdu.push(0x00);

    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0018);
    assert_eq!(verify(&mut c, AUTH_PIN), 0x9000);
    select_ef(&mut c, 0x0017);
    let (sig, s) = send_bytes(&mut c, &apdu);
    assert_eq!(s, 0x9000);
    assert_eq!(sig.len(), 256);
    auth_key
        .verify(Pkcs1v15Sign::new::<Sha256>(), &hash, &sig)
        .expect("user-auth signature verifies with the certificate's key");
    assert!(sign_key
        .verify(Pkcs1v15Sign::new::<Sha256>(), &hash, &sig)
        .is_err());

    select_ef(&mut c, 0x001B);
    assert_eq!(verify(&mut c, SIGN_PIN), 0x9000);
    select_ef(&mut c, 0x001A);
    let (sig, s) = send_bytes(&mut c, &apdu);
    assert_eq!(s, 0x9000);
    sign_key
        .verify(Pkcs1v15Sign::new::<Sha256>(), &hash, &sig)
        .expect("signature-key signature verifies with the signature certificate");
}

#[test]
fn spec_validation_refuses_bad_settings() {
    let (auth, sign) = keys();
    let base = || CardSpec::new().keys(auth.clone(), sign.clone());
    for bad in [
        base().auth_pin("12345"),
        base().sign_pin("abc123"),
        base().card_info_pin("12a4"),
        base().birth_date("19900231"),
        base().my_number("12345"),
        base().security_code("12"),
        base().expiry_year(35),
        base().code_b("123"),
        base().name(""),
    ] {
        assert!(matches!(bad.build(), Err(cardsim::SimError::Spec(_))));
    }
}

#[test]
fn code_b_defaults_to_era_birth_date_expiry_and_code() {
    let (auth, sign) = keys();
    let reiwa = CardSpec::new()
        .keys(auth.clone(), sign.clone())
        .birth_date("20200110")
        .expiry_year(2030)
        .security_code("1234")
        .build()
        .unwrap();
    assert_eq!(reiwa.pins.code_b.value, "02011020301234");
    let showa = CardSpec::new()
        .keys(auth.clone(), sign.clone())
        .birth_date("19650315")
        .expiry_year(2031)
        .security_code("0007")
        .build()
        .unwrap();
    assert_eq!(showa.pins.code_b.value, "40031520310007");
    assert_eq!(showa.card_expiry_year, 2031);
    let explicit = CardSpec::new()
        .keys(auth, sign)
        .code_b("11111111111111")
        .build()
        .unwrap();
    assert_eq!(explicit.pins.code_b.value, "11111111111111");
}

#[test]
fn default_my_number_has_a_valid_check_digit() {
    let (auth, sign) = keys();
    let s = CardSpec::new().keys(auth, sign).build().unwrap();
    assert!(cardsim::personal::my_number_is_valid(&s.personal.my_number));
}
