//! Terminal login (`POST /v1/field/login`) and device registration.

use serde::{Deserialize, Serialize};

use crate::auth::SessionToken;
use crate::base64_field::b64;
use crate::grant::projects::{GrantProject, Municipality};
use crate::secret::Secret;

/// Bytes of a device public key: a P-256 point in SEC1 uncompressed form
/// (`04 || x || y`).
pub const DEVICE_PUBLIC_KEY_LEN: usize = 65;

/// A terminal's login from a device.
///
/// The first login of a terminal registers the device: the platform keeps
/// `device_public_key` and `device_fingerprint`. Later logins must come with
/// the same pair; another device is refused with `terminal_device_mismatch`
/// until the administrator re-registers the terminal. Wrong passwords are
/// counted; after too many in a row the terminal is locked for a period
/// (`terminal_locked`, with the seconds left in the message).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerminalLoginRequest {
    /// 8 digits ([`crate::grant::check_terminal_id`]).
    pub terminal_id: String,
    /// The password the administrator issued.
    pub password: Secret,
    /// [`DEVICE_PUBLIC_KEY_LEN`] bytes, base64: the key that signs tap batches.
    #[serde(with = "b64")]
    pub device_public_key: Vec<u8>,
    /// 64 lower-case hex digits ([`crate::grant::check_device_fingerprint`]).
    pub device_fingerprint: String,
}

/// The answer to a terminal login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerminalLoginResponse {
    /// Bearer token for the other `/v1/field/...` routes.
    pub token: SessionToken,
    /// When the token ends (Unix seconds) unless used before.
    pub expires_at: u64,
    pub terminal_id: String,
    /// True when this login registered the device.
    pub device_registered: bool,
    /// The terminal's municipality and its point.
    pub municipality: Municipality,
    /// The municipality's grant projects, open and closed.
    pub projects: Vec<GrantProject>,
}
