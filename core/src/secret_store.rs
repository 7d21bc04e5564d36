//! Where a device keeps its few secrets (the device store's encryption key,
//! the key that signs tap batches): a trait each shell implements with the
//! platform's keystore (Android Keystore, iOS Keychain), like the card
//! transport. [`FileSecretStore`] is the desktop's (a folder of files only
//! its user can read); [`MemorySecretStore`] is for tests and demos.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use zeroize::Zeroizing;

/// Why the secret store failed. The text never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the secret store failed: {message}")]
pub struct SecretStoreError {
    pub message: String,
}

impl SecretStoreError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

/// A named-secret store. Names are short ASCII (`[a-z0-9.-]`); values are
/// a few dozen bytes.
///
/// Implementations keep a value for the app's installation (uninstalling
/// loses it, and with it the device store's encrypted data: the data is then
/// unreadable, never readable by another installation).
pub trait SecretStore: Send + Sync {
    /// The secret called `name`, or `None` when there is none.
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecretStoreError>;

    /// Keeps `value` under `name`, replacing any other.
    fn put(&self, name: &str, value: &[u8]) -> Result<(), SecretStoreError>;
}

/// The secret `name`; made with `make` and kept when there is none yet.
pub fn get_or_create(
    store: &dyn SecretStore,
    name: &str,
    make: impl FnOnce() -> Zeroizing<Vec<u8>>,
) -> Result<Zeroizing<Vec<u8>>, SecretStoreError> {
    if let Some(value) = store.get(name)? {
        return Ok(Zeroizing::new(value));
    }
    let value = make();
    store.put(name, &value)?;
    // Read back: a store that lost the write must not leave data encrypted
    // under a key nobody keeps.
    match store.get(name)? {
        Some(kept) if kept.as_slice() == value.as_slice() => Ok(value),
        _ => Err(SecretStoreError::new(format!(
            "{name} was not kept by the secret store"
        ))),
    }
}

/// Secrets in memory, lost with the process: for tests and demos.
#[derive(Default)]
pub struct MemorySecretStore {
    values: Mutex<BTreeMap<String, Zeroizing<Vec<u8>>>>,
}

impl MemorySecretStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl SecretStore for MemorySecretStore {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecretStoreError> {
        let values = self.values.lock().unwrap_or_else(|p| p.into_inner());
        Ok(values.get(name).map(|v| v.to_vec()))
    }

    fn put(&self, name: &str, value: &[u8]) -> Result<(), SecretStoreError> {
        let mut values = self.values.lock().unwrap_or_else(|p| p.into_inner());
        values.insert(name.to_owned(), Zeroizing::new(value.to_vec()));
        Ok(())
    }
}

/// The desktop's secret store: one file per secret in a folder, readable
/// by its owner only (mode 0600 on Unix). Weaker than a hardware keystore:
/// anyone who can read the user's files can read the secrets.
#[derive(Debug, Clone)]
pub struct FileSecretStore {
    dir: PathBuf,
}

impl FileSecretStore {
    /// Secrets in `dir` (created when missing).
    pub fn new(dir: impl Into<PathBuf>) -> Result<Self, SecretStoreError> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)
            .map_err(|e| SecretStoreError::new(format!("{}: {e}", dir.display())))?;
        Ok(Self { dir })
    }

    fn path(&self, name: &str) -> Result<PathBuf, SecretStoreError> {
        let ok = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
            && !name.starts_with('.');
        if !ok {
            return Err(SecretStoreError::new(format!(
                "{name:?} is not a secret name"
            )));
        }
        Ok(self.dir.join(format!("{name}.secret")))
    }
}

impl SecretStore for FileSecretStore {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecretStoreError> {
        let path = self.path(name)?;
        match std::fs::read(&path) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(SecretStoreError::new(format!("{}: {e}", path.display()))),
        }
    }

    fn put(&self, name: &str, value: &[u8]) -> Result<(), SecretStoreError> {
        use std::io::Write;
        let path = self.path(name)?;
        let tmp = path.with_extension("tmp");
        let err = |e: std::io::Error| SecretStoreError::new(format!("{}: {e}", path.display()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp).map_err(err)?;
        file.write_all(value).map_err(err)?;
        file.sync_all().map_err(err)?;
        std::fs::rename(&tmp, &path).map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_made_once_and_kept_in_a_file_only_its_owner_reads() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileSecretStore::new(dir.path()).unwrap();
        let first = get_or_create(&store, "store-key", || Zeroizing::new(vec![1; 32])).unwrap();
        let again = get_or_create(&store, "store-key", || Zeroizing::new(vec![2; 32])).unwrap();
        assert_eq!(first.as_slice(), again.as_slice());
        assert_eq!(
            FileSecretStore::new(dir.path())
                .unwrap()
                .get("store-key")
                .unwrap(),
            Some(vec![1; 32])
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("store-key.secret"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "{mode:o}");
        }
        assert!(store.put("../escape", b"x").is_err());
        assert_eq!(store.get("missing").unwrap(), None);
    }

    #[test]
    fn a_store_that_loses_writes_is_an_error_not_a_lost_key() {
        struct Forgetful;
        impl SecretStore for Forgetful {
            fn get(&self, _: &str) -> Result<Option<Vec<u8>>, SecretStoreError> {
                Ok(None)
            }
            fn put(&self, _: &str, _: &[u8]) -> Result<(), SecretStoreError> {
                Ok(())
            }
        }
        assert!(get_or_create(&Forgetful, "k", || Zeroizing::new(vec![1])).is_err());
    }
}
