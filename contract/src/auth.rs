//! Card login (`POST /v1/auth/challenge`, `POST /v1/auth/login`), the
//! session token it gives, and the `Idempotency-Key` header.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::base64_field::b64;
use crate::secret::Secret;

/// Bytes of a login challenge.
pub const CHALLENGE_LEN: usize = 32;

/// The bearer token of a platform session (15 min idle by default, bound
/// server-side to the certificate that logged in). Opaque text.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionToken(Secret);

impl SessionToken {
    pub fn new(token: impl Into<String>) -> Self {
        Self(Secret::new(token))
    }

    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

/// `Idempotency-Key`: one per logical request, the same on every retry of
/// it. A UUID (any version) in its hyphenated form; the server refuses
/// anything else with 400 `idempotency_key_format`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// A fresh random (v4) UUID.
    pub fn new() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    /// A header value as a key: a UUID in hyphenated form (8-4-4-4-12 hex
    /// digits, either case; surrounding spaces ignored), kept in lower case.
    /// `None` for anything else (braced, URN or unhyphenated forms too).
    pub fn parse(text: &str) -> Option<Self> {
        hyphenated_uuid(text.trim()).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for IdempotencyKey {
    fn default() -> Self {
        Self::new()
    }
}

/// `text` as a UUID in its hyphenated form (8-4-4-4-12 hex digits, either
/// case), in lower case; `None` for any other form (braced, URN,
/// unhyphenated) or anything else.
pub(crate) fn hyphenated_uuid(text: &str) -> Option<String> {
    if text.len() != 36 {
        return None;
    }
    uuid::Uuid::parse_str(text)
        .ok()
        .map(|u| u.hyphenated().to_string())
}

/// A certificate serial as the API writes it: upper-case hex without
/// leading zero bytes (`"00"` for zero).
pub fn certificate_serial_text(serial: &[u8]) -> String {
    let start = serial.iter().position(|b| *b != 0).unwrap_or(serial.len());
    if start == serial.len() {
        return "00".into();
    }
    hex::encode_upper(&serial[start..])
}

/// `POST /v1/auth/challenge` -> 201.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    /// A UUID.
    pub challenge_id: String,
    /// The [`CHALLENGE_LEN`] random bytes the card signs (PKCS#1 v1.5 with
    /// SHA-256 of them); base64 on the wire.
    #[serde(with = "b64")]
    pub challenge: Vec<u8>,
    /// Unix seconds.
    pub expires_at: u64,
}

/// `POST /v1/auth/login` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub challenge_id: String,
    /// DER of the user-authentication certificate; base64 on the wire.
    #[serde(with = "b64")]
    pub certificate: Vec<u8>,
    /// The card's signature over the challenge bytes; base64 on the wire.
    #[serde(with = "b64")]
    pub signature: Vec<u8>,
}

/// `POST /v1/auth/login` -> 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub session_token: SessionToken,
    /// Unix seconds: the end of the session if it stays idle.
    pub expires_at: u64,
    /// [`certificate_serial_text`] of the certificate that logged in.
    pub certificate_serial: String,
    /// The person's active My Key ID, or null.
    pub my_key_id: Option<String>,
    /// The certificate on record was replaced by this newer one.
    pub card_reissued: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_are_uuids() {
        let key = IdempotencyKey::new();
        assert_eq!(IdempotencyKey::parse(key.as_str()), Some(key));
        assert_eq!(
            IdempotencyKey::parse(" 6F9619FF-8B86-D011-B42D-00C04FC964FF ")
                .unwrap()
                .as_str(),
            "6f9619ff-8b86-d011-b42d-00c04fc964ff"
        );
        for bad in [
            "",
            "abc",
            "6f9619ff-8b86-d011-b42d-00c04fc964f",
            "6f9619ff8b86d011b42d00c04fc964ff",
            "{6f9619ff-8b86-d011-b42d-00c04fc964ff}",
        ] {
            assert_eq!(IdempotencyKey::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn serials_are_upper_hex_without_leading_zero_bytes() {
        assert_eq!(certificate_serial_text(&[0, 0x0a, 0xbc]), "0ABC");
        assert_eq!(certificate_serial_text(&[0, 0]), "00");
        assert_eq!(certificate_serial_text(&[]), "00");
    }

    #[test]
    fn the_token_is_redacted() {
        let t = SessionToken::new("s3cret");
        assert_eq!(format!("{t:?}"), "SessionToken(<redacted>)");
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"s3cret\"");
    }
}
