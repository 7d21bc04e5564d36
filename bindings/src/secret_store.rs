//! The secret store as a foreign trait: small secrets (the device store's
//! data key) kept under a key of the platform keystore (Android Keystore,
//! iOS Keychain). The core asks for a secret by name; the shell keeps it
//! wrapped and hands it back unwrapped.

/// Why the secret store failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum SecretStoreError {
    /// The keystore is locked (device not unlocked since boot) or refused.
    #[error("the keystore is unavailable: {reason}")]
    Unavailable { reason: String },
    /// The wrapped secret exists but cannot be unwrapped (key invalidated,
    /// e.g. after the screen lock was removed).
    #[error("the stored secret cannot be unwrapped: {reason}")]
    Corrupted { reason: String },
}

/// An unexpected Kotlin or Swift exception: the store is unavailable.
impl From<uniffi::UnexpectedUniFFICallbackError> for SecretStoreError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        SecretStoreError::Unavailable {
            reason: format!("unexpected error in the secret store: {}", e.reason),
        }
    }
}

/// Secrets by name, wrapped by the platform keystore; implemented by the
/// shell. Names are short ASCII (`[a-z0-9.-]`); values a few dozen bytes.
/// A value is kept for the app's installation (never in backups).
#[uniffi::export(with_foreign)]
pub trait SecretStore: Send + Sync {
    /// The secret called `name`, or `None` when there is none.
    fn get(&self, name: String) -> Result<Option<Vec<u8>>, SecretStoreError>;
    /// Keeps `value` under `name`, replacing any other.
    fn put(&self, name: String, value: Vec<u8>) -> Result<(), SecretStoreError>;
}
