//! cardsim's own reading of a command APDU: the four cases of ISO/IEC 7816-3
//! §12.1 (short and extended), strictly. Anything whose length bytes do not
//! add up is malformed, and the card answers it with `6700`.
//!
//! The byte layouts (ISO/IEC 7816-3 §12.1.2–12.1.3, ISO/IEC 7816-4 §5.1):
//!
//! | case | short | extended |
//! |---|---|---|
//! | 1 | `CLA INS P1 P2` | — |
//! | 2 | `… Le` (`00` = 256) | `… 00 Le1 Le2` (`0000` = 65536) |
//! | 3 | `… Lc data` (Lc `01`–`FF`) | `… 00 Lc1 Lc2 data` (Lc ≥ 1) |
//! | 4 | `… Lc data Le` | `… 00 Lc1 Lc2 data Le1 Le2` |
//!
//! A short Lc is never `00`, so a body that starts with `00` and is longer
//! than one byte is extended. The same encodings are spelled out by
//! soltia48/myna-card:src/apdu.rs (`Command::to_bytes`, citing JICSAP 6.1).

/// INS bytes the card answers (ISO/IEC 7816-4 Table 4; the card's own
/// `80 2A` from soltia48/myna-card:src/card.rs `ins::COMPUTE_SIGNATURE`).
pub mod ins {
    /// SELECT FILE (ISO/IEC 7816-4 §11.1.1).
    pub const SELECT: u8 = 0xA4;
    /// READ BINARY (ISO/IEC 7816-4 §11.2.3).
    pub const READ_BINARY: u8 = 0xB0;
    /// VERIFY (ISO/IEC 7816-4 §11.5.6).
    pub const VERIFY: u8 = 0x20;
    /// CHANGE REFERENCE DATA (ISO/IEC 7816-4 §11.5.7): carries secrets.
    pub const CHANGE_REFERENCE_DATA: u8 = 0x24;
    /// RESET RETRY COUNTER (ISO/IEC 7816-4 §11.5.10): carries secrets.
    pub const RESET_RETRY_COUNTER: u8 = 0x2C;
    /// COMPUTE DIGITAL SIGNATURE, CLA `80` (soltia48/myna-card:src/card.rs;
    /// OpenSC/OpenSC:src/libopensc/card-jpki.c `jpki_compute_signature`).
    pub const COMPUTE_DIGITAL_SIGNATURE: u8 = 0x2A;
}

/// A well-formed command APDU, borrowed from the bytes it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandApdu<'a> {
    pub cla: u8,
    pub ins: u8,
    pub p1: u8,
    pub p2: u8,
    /// The command data (empty in cases 1 and 2).
    pub data: &'a [u8],
    /// The expected response length in bytes, 1–65536 (`None` in cases 1 and 3).
    pub le: Option<usize>,
    /// Whether the length fields are in the extended form.
    pub extended: bool,
}

/// Why bytes are not a command APDU (the card answers each with `6700`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// Fewer than the 4 header bytes.
    NoHeader,
    /// The body's length bytes do not match its size.
    LengthMismatch,
}

impl<'a> CommandApdu<'a> {
    /// Reads `bytes` as one of the four cases; any other shape is [`Malformed`].
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Malformed> {
        let (&[cla, ins, p1, p2], body) = split_header(bytes).ok_or(Malformed::NoHeader)?;
        let (data, le, extended) = parse_body(body).ok_or(Malformed::LengthMismatch)?;
        Ok(CommandApdu {
            cla,
            ins,
            p1,
            p2,
            data,
            le,
            extended,
        })
    }

    /// Whether the command carries a secret in its data (VERIFY, CHANGE
    /// REFERENCE DATA, RESET RETRY COUNTER): logs keep only its header.
    pub fn carries_secret(ins: u8) -> bool {
        matches!(
            ins,
            ins::VERIFY | ins::CHANGE_REFERENCE_DATA | ins::RESET_RETRY_COUNTER
        )
    }
}

fn split_header(bytes: &[u8]) -> Option<(&[u8; 4], &[u8])> {
    let (header, body) = bytes.split_first_chunk::<4>()?;
    Some((header, body))
}

type Body<'a> = (&'a [u8], Option<usize>, bool);

fn parse_body(body: &[u8]) -> Option<Body<'_>> {
    match body {
        // Case 1.
        [] => Some((&[], None, false)),
        // Case 2 short.
        [le] => Some((&[], Some(short_le(*le)), false)),
        // Extended: a leading 00 then two length bytes.
        [0x00, rest @ ..] => parse_extended(rest),
        // Short case 3 or 4: Lc 01–FF.
        [lc, rest @ ..] => {
            let lc = usize::from(*lc);
            match rest.len().checked_sub(lc)? {
                0 => Some((rest, None, false)),
                1 => Some((&rest[..lc], Some(short_le(rest[lc])), false)),
                _ => None,
            }
        }
    }
}

fn parse_extended(rest: &[u8]) -> Option<Body<'_>> {
    let (&[b1, b2], tail) = rest.split_first_chunk::<2>()?;
    let n = usize::from(u16::from_be_bytes([b1, b2]));
    if tail.is_empty() {
        // Case 2 extended: the two bytes are Le.
        return Some((&[], Some(extended_le(n)), true));
    }
    // Cases 3 and 4 extended: the two bytes are Lc, which is never 0.
    if n == 0 {
        return None;
    }
    match tail.len().checked_sub(n)? {
        0 => Some((tail, None, true)),
        2 => {
            let le = usize::from(u16::from_be_bytes([tail[n], tail[n + 1]]));
            Some((&tail[..n], Some(extended_le(le)), true))
        }
        _ => None,
    }
}

fn short_le(le: u8) -> usize {
    if le == 0 {
        256
    } else {
        usize::from(le)
    }
}

fn extended_le(le: usize) -> usize {
    if le == 0 {
        65_536
    } else {
        le
    }
}

/// Whether the bytes use extended length fields: a body that starts with `00`
/// and is longer than one byte (a short Lc is never `00`). Malformed bytes of
/// that shape count as extended too, which is what a reader sees.
pub fn is_extended(apdu: &[u8]) -> bool {
    apdu.len() >= 7 && apdu[4] == 0x00
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_of_the_extended_form() {
        assert!(!is_extended(&[0x00, 0xB0, 0x00, 0x00, 0x00]));
        assert!(is_extended(&[0x00, 0xB0, 0x00, 0x00, 0x00, 0x10, 0x00]));
        assert!(!is_extended(&[0x00, 0x20, 0x00, 0x80, 0x04, 1, 2, 3, 4]));
        assert!(!is_extended(&[0x00, 0x20, 0x00, 0x80]));
    }

    #[test]
    fn secrets_are_verify_change_and_reset() {
        assert!(CommandApdu::carries_secret(0x20));
        assert!(CommandApdu::carries_secret(0x24));
        assert!(CommandApdu::carries_secret(0x2C));
        assert!(!CommandApdu::carries_secret(0xB0));
    }
}
