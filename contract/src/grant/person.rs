//! How a card is matched to a roster entry offline: the salted person
//! digest.
//!
//! The platform knows a person by the issuer and the subject common name of
//! their user-authentication certificate (the reference platform's stand-in
//! for J-LIS certificate linkage; a reissued card keeps both). A synced
//! roster holds, for each participant, only [`person_digest`] of that
//! identity under the project's salt, next to the My Key ID: a phone that is
//! lost gives away no names, and a digest of one project does not match
//! another project's.

use sha2::{Digest, Sha256};

/// Bytes of a roster salt.
pub const ROSTER_SALT_LEN: usize = 16;
/// Bytes of a person digest.
pub const PERSON_DIGEST_LEN: usize = 32;

const DOMAIN: &[u8] = b"mynapoint.person-digest.v1";

/// The person digest: SHA-256 over the domain label
/// `mynapoint.person-digest.v1`, the salt, and the issuer (RFC 4514 text, as
/// `x509_cert::name::Name`'s `Display` writes it) and the subject's common
/// name, each preceded by its length as a 4-byte big-endian integer.
pub fn person_digest(
    salt: &[u8; ROSTER_SALT_LEN],
    issuer: &str,
    subject_cn: &str,
) -> [u8; PERSON_DIGEST_LEN] {
    let mut h = Sha256::new();
    h.update(DOMAIN);
    h.update(salt);
    for part in [issuer.as_bytes(), subject_cn.as_bytes()] {
        h.update((part.len() as u32).to_be_bytes());
        h.update(part);
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_depends_on_salt_issuer_and_name_and_cannot_be_shifted() {
        let salt = [7u8; ROSTER_SALT_LEN];
        let a = person_digest(&salt, "CN=Issuer", "Person A");
        assert_eq!(a, person_digest(&salt, "CN=Issuer", "Person A"));
        assert_ne!(
            a,
            person_digest(&[8u8; ROSTER_SALT_LEN], "CN=Issuer", "Person A")
        );
        assert_ne!(a, person_digest(&salt, "CN=Other", "Person A"));
        assert_ne!(a, person_digest(&salt, "CN=Issuer", "Person B"));
        // Moving characters from one part to the other changes the digest.
        assert_ne!(
            person_digest(&salt, "ab", "c"),
            person_digest(&salt, "a", "bc")
        );
    }
}
