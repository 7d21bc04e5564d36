//! Secrets at rest and signatures: AES-256-GCM sealing of security codes,
//! slow salted password hashes, and RSA PKCS#1 v1.5 SHA-256 verification.

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// A value that must never reach a log (wiped on drop, `Debug` redacted):
/// the contract's type.
pub use mynapoint_contract::Secret;

/// The AES-256-GCM key that seals security codes (and stored responses).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SealingKey([u8; 32]);

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SealingKey(id {})", self.key_id())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("the security code key must be 64 hex digits (32 bytes)")]
    KeyFormat,
    #[error("sealed data could not be opened (wrong key or tampered)")]
    Open,
    #[error("password hashing failed: {0}")]
    PasswordHash(String),
}

impl SealingKey {
    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        SealingKey(key)
    }

    pub fn from_hex(hex_key: &str) -> Result<Self, CryptoError> {
        let mut bytes = hex::decode(hex_key.trim()).map_err(|_| CryptoError::KeyFormat)?;
        let key: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::KeyFormat)?;
        bytes.zeroize();
        Ok(SealingKey(key))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// A public fingerprint of the key (first 8 bytes of its SHA-256), kept in
    /// the database so a server started with another key refuses to run.
    pub fn key_id(&self) -> String {
        hex::encode(&Sha256::digest(self.0)[..8])
    }

    /// SHA-256 keyed with this key (for comparing values that must not be
    /// guessable from the database, e.g. request bodies with security codes).
    pub fn keyed_hash(&self, purpose: &str, data: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.0);
        h.update(purpose.as_bytes());
        h.update([0u8]);
        h.update(data);
        h.finalize().into()
    }

    /// Encrypts with a fresh random 96-bit nonce; `aad` binds the purpose.
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let cipher = Aes256Gcm::new_from_slice(&self.0).expect("32-byte key");
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .expect("AES-GCM encryption of a small message");
        (nonce.to_vec(), ciphertext)
    }

    pub fn open(
        &self,
        nonce: &[u8],
        ciphertext: &[u8],
        aad: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        if nonce.len() != 12 {
            return Err(CryptoError::Open);
        }
        let cipher = Aes256Gcm::new_from_slice(&self.0).expect("32-byte key");
        cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad,
                },
            )
            .map_err(|_| CryptoError::Open)
    }
}

/// Argon2id cost. The defaults are OWASP's minimum; tests may go lower.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordHashCost {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for PasswordHashCost {
    fn default() -> Self {
        PasswordHashCost {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl PasswordHashCost {
    /// The cheapest Argon2 allows: for tests only.
    pub const CHEAP: PasswordHashCost = PasswordHashCost {
        memory_kib: 8,
        iterations: 1,
        parallelism: 1,
    };

    fn argon2(&self) -> Result<Argon2<'static>, CryptoError> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| CryptoError::PasswordHash(e.to_string()))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// A salted Argon2id hash in PHC string form.
    pub fn hash(&self, password: &Secret) -> Result<String, CryptoError> {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        self.argon2()?
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| CryptoError::PasswordHash(e.to_string()))
    }
}

/// Checks a password against a PHC hash (its own parameters are used).
pub fn verify_password(password: &Secret, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.expose().as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// RSASSA-PKCS1-v1_5 with SHA-256 over `message`.
pub fn verify_rsa_sha256(key: &RsaPublicKey, message: &[u8], signature: &[u8]) -> bool {
    verify_rsa_prehashed(key, &Sha256::digest(message), signature)
}

/// RSASSA-PKCS1-v1_5 whose DigestInfo carries `digest` (SHA-256) as is.
pub fn verify_rsa_prehashed(key: &RsaPublicKey, digest: &[u8], signature: &[u8]) -> bool {
    key.verify(Pkcs1v15Sign::new::<Sha256>(), digest, signature)
        .is_ok()
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealing_round_trips_and_binds_aad() {
        let key = SealingKey::generate();
        let (nonce, ct) = key.seal(b"1234", b"app-1");
        assert_ne!(ct, b"1234");
        assert_eq!(key.open(&nonce, &ct, b"app-1").unwrap(), b"1234");
        assert!(key.open(&nonce, &ct, b"app-2").is_err());
        assert!(SealingKey::generate().open(&nonce, &ct, b"app-1").is_err());
        let again = SealingKey::from_hex(&key.to_hex()).unwrap();
        assert_eq!(again.key_id(), key.key_id());
        assert!(SealingKey::from_hex("abcd").is_err());
    }

    #[test]
    fn secrets_and_keys_do_not_debug_their_value() {
        let shown = format!("{:?}", Secret::new("9876"));
        assert!(
            shown.contains("redacted") && !shown.contains("9876"),
            "{shown}"
        );
        let key = SealingKey::generate();
        assert!(!format!("{key:?}").contains(&key.to_hex()));
    }

    #[test]
    fn password_hash_verifies_only_the_password() {
        let hash = PasswordHashCost::CHEAP
            .hash(&Secret::new("abc123"))
            .unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&Secret::new("abc123"), &hash));
        assert!(!verify_password(&Secret::new("abc124"), &hash));
    }
}
