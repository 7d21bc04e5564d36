//! JPKI application operations on a link: the user-authentication
//! certificate and signatures with its key.

use super::apdu::{ins, Command};
use super::error::CardError;
use super::files::{jpki, JPKI_AID};
use super::link::CardLink;
use super::status::StatusKind;

/// DER prefix of a SHA-256 DigestInfo; the card adds PKCS#1 v1.5 padding.
pub const SHA256_DIGEST_INFO_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// The 51-byte DigestInfo the card signs for a SHA-256 hash.
pub fn sha256_digest_info(digest: &[u8; 32]) -> [u8; 51] {
    let mut out = [0u8; 51];
    out[..19].copy_from_slice(&SHA256_DIGEST_INFO_PREFIX);
    out[19..].copy_from_slice(digest);
    out
}

/// Length of an RSA-2048 signature.
pub const SIGNATURE_LEN: usize = 256;

impl CardLink {
    pub async fn select_jpki(&mut self) -> Result<(), CardError> {
        self.select_application(&JPKI_AID, "JPKI").await
    }

    /// Selects the user-authentication certificate file.
    pub async fn select_auth_certificate(&mut self) -> Result<(), CardError> {
        self.select_jpki().await?;
        self.select_file(jpki::AUTH_CERT).await
    }

    /// COMPUTE DIGITAL SIGNATURE with the user-authentication key over the
    /// DigestInfo of `digest`. The caller has verified the PIN in this tap.
    pub(crate) async fn sign_with_auth_key(
        &mut self,
        digest: &[u8; 32],
    ) -> Result<Vec<u8>, CardError> {
        self.select_jpki().await?;
        self.select_file(jpki::AUTH_KEY).await?;
        let cmd = Command::new(0x80, ins::COMPUTE_DIGITAL_SIGNATURE, 0x00, 0x80)
            .with_data(sha256_digest_info(digest).to_vec())
            .with_le(SIGNATURE_LEN);
        let r = self.exchange(&cmd).await?;
        match r.sw.kind() {
            StatusKind::Ok if r.data.len() == SIGNATURE_LEN => Ok(r.data),
            StatusKind::Ok => Err(CardError::Malformed(format!(
                "a signature of {} bytes, expected {SIGNATURE_LEN}",
                r.data.len()
            ))),
            StatusKind::SecurityNotSatisfied => {
                Err(CardError::NotVerified("user-authentication PIN"))
            }
            _ => Err(CardError::Refused {
                command: "COMPUTE DIGITAL SIGNATURE",
                sw: r.sw,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_info_is_the_sha256_prefix_and_the_hash() {
        let info = sha256_digest_info(&[0xAB; 32]);
        assert_eq!(info.len(), 51);
        assert_eq!(&info[..2], &[0x30, 0x31]);
        assert_eq!(&info[19..], &[0xAB; 32]);
    }
}
