//! What can go wrong outside the APDU exchange (the exchange itself never
//! fails: every problem there is a status word).

use std::path::PathBuf;

/// Errors of card creation, loading, saving and administration.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A value in a [`crate::CardSpec`] or a PIN reset is not acceptable.
    #[error("invalid card setting: {0}")]
    Spec(String),
    /// The state file already exists and overwriting was not asked for.
    #[error("{0} already exists (use --force to replace it)")]
    Exists(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The state file is not a cardsim state.
    #[error("{path}: not a cardsim state file: {reason}")]
    BadState { path: PathBuf, reason: String },
    /// Key or certificate work failed.
    #[error("crypto: {0}")]
    Crypto(String),
}

impl SimError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        SimError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn crypto(e: impl std::fmt::Display) -> Self {
        SimError::Crypto(e.to_string())
    }
}
