//! The shell's secret store wrapped into the core's trait (here, and
//! nowhere else).

use std::sync::Arc;

use mynapoint_core::secret_store as core_secrets;

use crate::secret_store::SecretStore;

/// The shell's store seen as the core's.
pub(crate) struct ForeignSecretStore(pub Arc<dyn SecretStore>);

impl core_secrets::SecretStore for ForeignSecretStore {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, core_secrets::SecretStoreError> {
        self.0
            .get(name.to_owned())
            .map_err(|e| core_secrets::SecretStoreError::new(e.to_string()))
    }

    fn put(&self, name: &str, value: &[u8]) -> Result<(), core_secrets::SecretStoreError> {
        self.0
            .put(name.to_owned(), value.to_vec())
            .map_err(|e| core_secrets::SecretStoreError::new(e.to_string()))
    }
}
