//! The device's keys: the AES-256-GCM key of the device store's personal
//! data and the P-256 key that signs tap batches, both made on first use and
//! kept in the shell's [`SecretStore`]; the device fingerprint.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine as _;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::secret_store::{get_or_create, SecretStore, SecretStoreError};

/// The secret store's name of the device store key (32 bytes).
pub const STORE_KEY_NAME: &str = "mynapoint.device-store-key";
/// The secret store's name of the device signing key (a P-256 scalar, 32 bytes).
pub const SIGNING_KEY_NAME: &str = "mynapoint.device-signing-key";

const NONCE_LEN: usize = 12;

/// Encrypts and decrypts the device store's personal data: AES-256-GCM, a
/// random 96-bit nonce per record (stored before the ciphertext), the
/// record's ID as associated data (a record moved to another row does not
/// decrypt). The key schedule is zeroized on drop (the `zeroize` features
/// of `aes` and `aes-gcm`).
pub struct AtRest {
    cipher: Aes256Gcm,
}

/// A record that does not decrypt: another key, another row, or damage.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a stored record could not be decrypted (another key, another row, or damage)")]
pub struct Undecryptable;

impl AtRest {
    /// The store key from `secrets` (made on first use).
    pub fn from_secrets(secrets: &dyn SecretStore) -> Result<Self, SecretStoreError> {
        let key = get_or_create(secrets, STORE_KEY_NAME, || {
            Zeroizing::new(Aes256Gcm::generate_key(OsRng).to_vec())
        })?;
        if key.len() != 32 {
            return Err(SecretStoreError::new(format!(
                "{STORE_KEY_NAME} holds {} bytes, not 32",
                key.len()
            )));
        }
        Ok(Self {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key)),
        })
    }

    /// `nonce || ciphertext+tag` of `plain` for the record `record_id`.
    pub fn seal(&self, record_id: &str, plain: &[u8]) -> Vec<u8> {
        let nonce = Aes256Gcm::generate_nonce(OsRng);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: record_id.as_bytes(),
                },
            )
            .expect("AES-GCM encrypts any message shorter than 64 GiB");
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// The plain text of what [`Self::seal`] made for `record_id`.
    pub fn open(
        &self,
        record_id: &str,
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Undecryptable> {
        if sealed.len() < NONCE_LEN {
            return Err(Undecryptable);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: record_id.as_bytes(),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| Undecryptable)
    }
}

/// The key that signs tap batches (ECDSA P-256 with SHA-256), zeroized on
/// drop (`p256`'s `SigningKey`).
pub struct DeviceKey {
    key: SigningKey,
}

impl DeviceKey {
    /// The signing key from `secrets` (made on first use).
    pub fn from_secrets(secrets: &dyn SecretStore) -> Result<Self, SecretStoreError> {
        let bytes = get_or_create(secrets, SIGNING_KEY_NAME, || {
            Zeroizing::new(SigningKey::random(&mut OsRng).to_bytes().to_vec())
        })?;
        let key = SigningKey::from_slice(&bytes)
            .map_err(|_| SecretStoreError::new(format!("{SIGNING_KEY_NAME} is not a P-256 key")))?;
        Ok(Self { key })
    }

    /// The public key, SEC1 uncompressed (`04 || x || y`, 65 bytes).
    pub fn public_key_sec1(&self) -> Vec<u8> {
        self.key
            .verifying_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec()
    }

    /// The `Device-Signature` header's value for `body`: ECDSA P-256 with
    /// SHA-256 over the exact bytes, DER, base64 (standard, padded).
    pub fn sign(&self, body: &[u8]) -> String {
        let signature: Signature = self.key.sign(body);
        base64::engine::general_purpose::STANDARD.encode(signature.to_der().as_bytes())
    }
}

/// The device fingerprint: SHA-256 of the value the device made at install,
/// 64 lower-case hex digits.
pub fn fingerprint(install_value: &[u8]) -> String {
    Sha256::digest(install_value)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret_store::MemorySecretStore;
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::VerifyingKey;

    #[test]
    fn records_decrypt_only_with_their_key_and_their_id() {
        let secrets = MemorySecretStore::new();
        let at_rest = AtRest::from_secrets(&secrets).unwrap();
        let sealed = at_rest.seal("tap-1", b"CN=someone");
        assert_eq!(
            at_rest.open("tap-1", &sealed).unwrap().as_slice(),
            b"CN=someone"
        );
        assert_eq!(at_rest.open("tap-2", &sealed), Err(Undecryptable));
        assert_ne!(
            sealed,
            at_rest.seal("tap-1", b"CN=someone"),
            "a fresh nonce"
        );
        let same_key = AtRest::from_secrets(&secrets).unwrap();
        assert!(same_key.open("tap-1", &sealed).is_ok());
        let other = AtRest::from_secrets(&MemorySecretStore::new()).unwrap();
        assert_eq!(other.open("tap-1", &sealed), Err(Undecryptable));
    }

    #[test]
    fn the_device_key_is_kept_and_its_signature_verifies_over_the_exact_body() {
        let secrets = MemorySecretStore::new();
        let key = DeviceKey::from_secrets(&secrets).unwrap();
        let public = key.public_key_sec1();
        assert_eq!(public.len(), 65);
        assert_eq!(public[0], 0x04);
        assert_eq!(
            DeviceKey::from_secrets(&secrets).unwrap().public_key_sec1(),
            public
        );
        let body = br#"{"batch_id":"x","taps":[]}"#;
        let der = base64::engine::general_purpose::STANDARD
            .decode(key.sign(body))
            .unwrap();
        let verifying = VerifyingKey::from_sec1_bytes(&public).unwrap();
        let signature = Signature::from_der(&der).unwrap();
        assert!(verifying.verify(body, &signature).is_ok());
        assert!(verifying.verify(b"another body", &signature).is_err());
        assert_eq!(fingerprint(b"install").len(), 64);
    }
}
