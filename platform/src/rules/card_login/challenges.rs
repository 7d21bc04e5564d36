//! Login challenges: 32 random bytes, valid a few minutes, used once.
//! Kept in memory: a restart simply asks the client for a new one.

use std::collections::HashMap;

use rand::RngCore;
use uuid::Uuid;

use crate::rules::error::{ApiError, ApiResult, ErrorCode};

struct Challenge {
    bytes: [u8; 32],
    expires_at: i64,
    used: bool,
}

/// At most this many live challenges (unauthenticated callers make them).
const MAX_LIVE: usize = 100_000;

#[derive(Default)]
pub struct Challenges {
    by_id: HashMap<Uuid, Challenge>,
}

impl Challenges {
    pub fn issue(&mut self, now: i64, lifetime: i64) -> (Uuid, [u8; 32], i64) {
        // Used and expired ones are kept until expiry so a replay reads
        // "used" rather than "unknown"; then they go.
        self.by_id.retain(|_, c| c.expires_at >= now);
        if self.by_id.len() >= MAX_LIVE {
            if let Some(oldest) = self
                .by_id
                .iter()
                .min_by_key(|(_, c)| c.expires_at)
                .map(|(id, _)| *id)
            {
                self.by_id.remove(&oldest);
            }
        }
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let id = Uuid::new_v4();
        let expires_at = now + lifetime;
        self.by_id.insert(
            id,
            Challenge {
                bytes,
                expires_at,
                used: false,
            },
        );
        (id, bytes, expires_at)
    }

    /// The challenge's bytes, marking it used.
    pub fn take(&mut self, id: &str, now: i64) -> ApiResult<[u8; 32]> {
        let unknown = || {
            ApiError::new(ErrorCode::ChallengeUnknown, "The challenge is not known.")
                .field("challenge_id")
        };
        let id = Uuid::parse_str(id).map_err(|_| unknown())?;
        let challenge = self.by_id.get_mut(&id).ok_or_else(unknown)?;
        if challenge.used {
            return Err(ApiError::new(
                ErrorCode::ChallengeUsed,
                "The challenge has already been used; ask for a new one.",
            )
            .field("challenge_id"));
        }
        if now > challenge.expires_at {
            return Err(ApiError::new(
                ErrorCode::ChallengeExpired,
                "The challenge has expired; ask for a new one.",
            )
            .field("challenge_id"));
        }
        challenge.used = true;
        Ok(challenge.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_challenge_is_used_once_and_expires() {
        let mut challenges = Challenges::default();
        let (id, bytes, expires_at) = challenges.issue(100, 300);
        assert_eq!(expires_at, 400);
        assert_eq!(challenges.take(&id.to_string(), 101).unwrap(), bytes);
        let err = challenges.take(&id.to_string(), 102).unwrap_err();
        assert_eq!(err.code, ErrorCode::ChallengeUsed);
        let (late, _, _) = challenges.issue(100, 300);
        let err = challenges.take(&late.to_string(), 401).unwrap_err();
        assert_eq!(err.code, ErrorCode::ChallengeExpired);
        let err = challenges.take("not-a-uuid", 101).unwrap_err();
        assert_eq!(err.code, ErrorCode::ChallengeUnknown);
        let err = challenges
            .take(&Uuid::new_v4().to_string(), 101)
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::ChallengeUnknown);
    }
}
