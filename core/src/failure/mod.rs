//! One vocabulary of failures for every shell: a stable [`FailureCode`]
//! (snake_case), a [`RetryHint`], the details a screen needs, and a short
//! actionable message in Japanese or English.
//!
//! Every error the core hands to a shell converts into a [`Failure`]:
//! [`CardError`](crate::card::CardError),
//! [`TransportError`](crate::card::TransportError),
//! [`PinError`](crate::card::PinError),
//! [`PinFormatError`](crate::pin::PinFormatError),
//! [`ResidentError`](crate::resident::ResidentError) and the platform's
//! [`ErrorCode`](crate::platform::ErrorCode) /
//! [`PlatformError`](crate::platform::PlatformError). One situation has one
//! code whichever layer met it (`wrong_pin`, `card_removed`, …).
//!
//! The list of codes with their hints is `core/failure-codes.txt` (one
//! `code hint` pair a line); a test keeps it equal to [`FailureCode::ALL`],
//! and the phone shells' tests read the same file.
//!
//! The step to go back to after a resident failure is the session's own
//! [`ResidentSession::step`](crate::resident::ResidentSession::step) once
//! the error was returned: a shell shows that step.

mod code;
mod en;
mod from;
mod ja;
mod words;

pub use code::{FailureCode, RetryHint};

use crate::pin::PinKind;
use crate::resident::{Field, FieldProblem};

/// The language of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Japanese (日本語).
    Ja,
    /// English (the default of the desktop tool).
    #[default]
    En,
}

impl Lang {
    /// `ja` or `en` (case-insensitive, a region such as `ja_JP.UTF-8` allowed).
    pub fn parse(text: &str) -> Option<Lang> {
        let lower = text.trim().to_ascii_lowercase();
        let primary = lower.split(['_', '-', '.']).next().unwrap_or("");
        match primary {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }
}

/// What went wrong, as data: the code and the details a screen shows.
///
/// Holds no secret: never a PIN, a password, a security code or card bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The situation.
    pub code: FailureCode,
    /// The secret concerned (PIN codes, `pin_format`).
    pub pin: Option<PinKind>,
    /// Tries left on the card (`wrong_pin`, `pin_counter_changed`;
    /// `pin_maybe_counted`: the tries before the lost check).
    pub tries_left: Option<u8>,
    /// The field that was refused (`invalid_field`, `my_key_id_taken`,
    /// `payment_account_in_use`).
    pub field: Option<Field>,
    /// Why the field (or the PIN, or the child's birth date) was refused.
    pub problem: Option<FieldProblem>,
    /// The platform's HTTP status (`platform_error`).
    pub http_status: Option<u16>,
    /// English technical detail for logs and support (a status word, the
    /// platform's contract code, a reader's error text). Never a secret.
    pub detail: Option<String>,
}

impl Failure {
    /// A failure with no details.
    pub fn new(code: FailureCode) -> Self {
        Self {
            code,
            pin: None,
            tries_left: None,
            field: None,
            problem: None,
            http_status: None,
            detail: None,
        }
    }

    /// What a shell offers next.
    pub fn retry(&self) -> RetryHint {
        self.code.retry()
    }

    /// One or two short sentences saying what happened and what to do.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Ja => ja::message(self),
            Lang::En => en::message(self),
        }
    }

    pub(crate) fn with_pin(mut self, pin: PinKind) -> Self {
        self.pin = Some(pin);
        self
    }

    pub(crate) fn with_tries(mut self, tries_left: u8) -> Self {
        self.tries_left = Some(tries_left);
        self
    }

    pub(crate) fn with_field(mut self, field: Option<Field>, problem: FieldProblem) -> Self {
        self.field = field;
        self.problem = Some(problem);
        self
    }

    pub(crate) fn with_problem(mut self, problem: FieldProblem) -> Self {
        self.problem = Some(problem);
        self
    }

    pub(crate) fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

impl std::fmt::Display for Failure {
    /// The code and the English message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message(Lang::En))
    }
}

#[cfg(test)]
mod tests;
