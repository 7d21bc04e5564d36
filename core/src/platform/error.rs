//! What can go wrong talking to the platform, with the contract's stable
//! error codes ([`ErrorCode`], from `mynapoint-contract`) as an enum the
//! flows match on.

pub use mynapoint_contract::ErrorCode;

/// Why a platform call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformError {
    /// The platform answered with an error status.
    #[error("the platform answered {status} {}", code.as_str())]
    Http {
        status: u16,
        code: ErrorCode,
        /// The server's English sentence, for logs only; never the only
        /// carrier of meaning (match on `code`).
        message: String,
        field: Option<String>,
    },
    /// No answer: connection refused or reset, DNS, TLS. The request may or
    /// may not have been processed.
    #[error("the platform could not be reached: {0}")]
    Network(String),
    /// The platform did not answer in time. The request may have been processed.
    #[error("the platform did not answer in time")]
    Timeout,
    /// The answer did not have the contract's shape.
    #[error("the platform's answer could not be read: {0}")]
    Decode(String),
}

impl PlatformError {
    /// The contract code of an HTTP error.
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            PlatformError::Http { code, .. } => Some(code),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            PlatformError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether repeating the same request may succeed (no answer, or the
    /// server said it is overloaded or a gateway failed). Only requests that
    /// are safe to repeat are ever repeated.
    pub fn is_transient(&self) -> bool {
        match self {
            PlatformError::Network(_) | PlatformError::Timeout => true,
            PlatformError::Http { status, .. } => matches!(status, 429 | 502 | 503 | 504),
            PlatformError::Decode(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_no_answer_and_overload_are_transient() {
        assert!(PlatformError::Timeout.is_transient());
        assert!(PlatformError::Network("reset".into()).is_transient());
        let http = |status| PlatformError::Http {
            status,
            code: ErrorCode::Other("x".into()),
            message: String::new(),
            field: None,
        };
        assert!(http(503).is_transient());
        assert!(!http(500).is_transient());
        assert!(!http(409).is_transient());
        assert!(!PlatformError::Decode("x".into()).is_transient());
    }
}
