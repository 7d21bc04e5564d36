//! Errors of the card layer below the PIN rules.

use super::apdu::ApduError;
use super::certificate::CertificateError;
use super::status::StatusWord;
use super::tlv::TlvError;
use super::transport::TransportError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// The reader or the platform lost the card, timed out or failed.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The card does not have an application a My Number Card has.
    #[error("this is not a My Number Card (the {0} application is missing)")]
    NotMyNumberCard(&'static str),
    /// The card answered a status word the operation does not expect.
    #[error("the card refused {command}: {sw}")]
    Refused {
        command: &'static str,
        sw: StatusWord,
    },
    /// An operation needs a PIN that was not verified in this tap.
    #[error("the {0} must be verified first")]
    NotVerified(&'static str),
    /// The card sent something that does not parse.
    #[error("the card sent malformed data: {0}")]
    Malformed(String),
    /// The reader cannot carry the command.
    #[error("the command cannot be sent: {0}")]
    Apdu(#[from] ApduError),
    /// No public source confirms this key reference on a real card: nothing
    /// was sent to it (a wrong key reference spends another secret's tries).
    #[error("key reference {ef:04X} is not confirmed by any public source: nothing was sent to the card")]
    UnconfirmedKeyReference { ef: u16 },
    /// The reader returns fewer bytes per answer than a signature needs. Known
    /// before any PIN is sent, so no try is spent.
    #[error("this reader returns at most {max_response_data} bytes per answer and a card signature needs {needed}: use another phone or reader (no PIN try was spent)")]
    ReaderCannotCarrySignature {
        max_response_data: usize,
        needed: usize,
    },
}

impl From<CertificateError> for CardError {
    fn from(e: CertificateError) -> Self {
        CardError::Malformed(e.to_string())
    }
}

impl From<TlvError> for CardError {
    fn from(e: TlvError) -> Self {
        CardError::Malformed(e.to_string())
    }
}

impl CardError {
    /// Whether the card left the field (tag lost, card removed).
    pub fn is_tag_lost(&self) -> bool {
        matches!(self, CardError::Transport(TransportError::TagLost))
    }
}
