//! Checks a card's signature against its certificate, as a relying party would.

use mynapoint_core::card::CertificateInfo;
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha2::Sha256;

/// Whether `signature` is the PKCS#1 v1.5 SHA-256 signature of `digest` by
/// the key in `cert`.
pub fn verifies(cert: &CertificateInfo, digest: &[u8; 32], signature: &[u8]) -> bool {
    RsaPublicKey::from_public_key_der(&cert.public_key_der)
        .map(|key| {
            key.verify(Pkcs1v15Sign::new::<Sha256>(), digest, signature)
                .is_ok()
        })
        .unwrap_or(false)
}
