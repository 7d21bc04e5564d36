//! JPKI application operations on a link: the user-authentication
//! certificate and signatures with its key.
//!
//! COMPUTE DIGITAL SIGNATURE is `80 2A 00 80 Lc <DigestInfo> 00` after
//! selecting the key EF `0017`; the card adds the PKCS#1 v1.5 padding and
//! answers 256 bytes (sources: `OpenSC/OpenSC:src/libopensc/card-jpki.c`
//! `jpki_compute_signature`, `soltia48/myna-card:src/ap/jpki.rs`).

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

    /// Refuses, before any PIN is sent, a reader whose answers cannot carry
    /// a 256-byte signature and its status word (some Android phones report
    /// a maximum transceive length of about 200 bytes). Whether a card would
    /// chain such an answer (`61xx` and GET RESPONSE for a smaller Le) is not
    /// shown by any public source, so it is not relied on; a T=0 reader's
    /// `61xx` chaining of a full answer is followed by `exchange`.
    pub fn check_signature_fits(&self) -> Result<(), CardError> {
        let max = self.capabilities().max_response_data();
        if max < SIGNATURE_LEN {
            return Err(CardError::ReaderCannotCarrySignature {
                max_response_data: max,
                needed: SIGNATURE_LEN,
            });
        }
        Ok(())
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
