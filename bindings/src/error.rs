//! The one exception type of the library: the core's `Failure` as data
//! (stable code, retry hint, details, message in Japanese and English), plus
//! the few ways a call can go wrong in the binding itself.

use mynapoint_core::failure::{Failure, Lang};

use crate::records::PinKind;

pub use mynapoint_core::failure::RetryHint;

/// A failed call. Kotlin: `MynaException.Failed` etc.; Swift: `MynaError.failed`.
///
/// Never holds a PIN, a password, a security code or card bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum MynaError {
    /// The core refused or failed: show `message_ja` / `message_en`, offer
    /// what `retry` says; match on `code` (the stable snake_case code listed
    /// in `core/failure-codes.txt`) only when a script needs to.
    #[error("{code}: {message_en}")]
    Failed {
        code: String,
        /// The same hint as `code`'s in `core/failure-codes.txt`.
        retry: RetryHint,
        /// `retry` as its stable snake_case name (`tap_again`, …).
        retry_code: String,
        message_ja: String,
        message_en: String,
        /// The secret concerned (PIN codes, `pin_format`).
        pin: Option<PinKind>,
        /// Tries left on the card (`wrong_pin`, `pin_counter_changed`, …).
        tries_left: Option<u8>,
        /// The refused field's stable name (`payment_id`, …).
        field: Option<String>,
        /// Why it was refused (`wrong_length`, `mismatch`, …).
        problem: Option<String>,
        /// The platform's HTTP status (`platform_error`).
        http_status: Option<u16>,
        /// English technical detail for logs and support; never a secret.
        detail: Option<String>,
    },
    /// A call came before [`crate::init`] (or the runtime could not start).
    #[error("the library is not initialised: {detail}")]
    NotInitialized { detail: String },
    /// The operation was cancelled before it finished.
    #[error("the operation was cancelled")]
    Cancelled,
}

impl From<Failure> for MynaError {
    fn from(f: Failure) -> Self {
        let retry = f.retry();
        MynaError::Failed {
            code: f.code.as_str().to_owned(),
            retry,
            retry_code: retry.as_str().to_owned(),
            message_ja: f.message(Lang::Ja),
            message_en: f.message(Lang::En),
            pin: f.pin,
            tries_left: f.tries_left,
            field: f.field.map(|x| x.code().to_owned()),
            problem: f.problem.map(|p| p.code().to_owned()),
            http_status: f.http_status,
            detail: f.detail,
        }
    }
}

/// Every core error a call can return converts through its `Failure`.
macro_rules! from_core {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for MynaError {
            fn from(e: $t) -> Self {
                Failure::from(&e).into()
            }
        }
    )*};
}

from_core!(
    mynapoint_core::card::CardError,
    mynapoint_core::card::PinError,
    mynapoint_core::card::TransportError,
    mynapoint_core::pin::PinFormatError,
    mynapoint_core::resident::ResidentError,
    mynapoint_core::platform::PlatformError,
    mynapoint_core::field::FieldError,
);

#[cfg(test)]
mod tests {
    use super::*;
    use mynapoint_core::card::PinError;
    use mynapoint_core::pin::PinKind as CorePin;

    #[test]
    fn a_core_failure_arrives_whole() {
        let e: MynaError = PinError::WrongPin {
            kind: CorePin::UserAuth,
            tries_left: 2,
        }
        .into();
        let MynaError::Failed {
            code,
            retry,
            retry_code,
            message_ja,
            message_en,
            pin,
            tries_left,
            ..
        } = e
        else {
            panic!("not Failed: {e:?}");
        };
        assert_eq!(code, "wrong_pin");
        assert_eq!(retry, RetryHint::ReenterField);
        assert_eq!(retry_code, "reenter_field");
        assert_eq!(tries_left, Some(2));
        assert_eq!(pin, Some(PinKind::UserAuth));
        assert!(message_ja.contains('2') && message_en.contains('2'));
        assert_ne!(message_ja, message_en);
    }
}
