//! Just enough BER-TLV to size a file from its first bytes and to walk the
//! card-info records. Certificates themselves are parsed with `x509-cert`.

/// One tag-length header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlvHeader {
    /// The tag bytes packed big-endian (`0x30`, `0xFF20`, `0xDF22`, …).
    pub tag: u32,
    /// Length of the value.
    pub len: usize,
    /// Bytes taken by tag and length.
    pub header_len: usize,
}

impl TlvHeader {
    /// Bytes taken by the whole TLV.
    pub fn total_len(&self) -> usize {
        self.header_len + self.len
    }
}

/// Why a TLV header could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TlvError {
    #[error("data ends inside a TLV header")]
    Truncated,
    #[error("TLV length field is not supported (indefinite or over 4 bytes)")]
    BadLength,
    #[error("TLV tag is longer than 3 bytes")]
    BadTag,
}

/// Reads the header at the start of `bytes`.
pub fn read_header(bytes: &[u8]) -> Result<TlvHeader, TlvError> {
    let first = *bytes.first().ok_or(TlvError::Truncated)?;
    let mut pos = 1;
    let mut tag = u32::from(first);
    if first & 0x1F == 0x1F {
        loop {
            let b = *bytes.get(pos).ok_or(TlvError::Truncated)?;
            tag = (tag << 8) | u32::from(b);
            pos += 1;
            if b & 0x80 == 0 {
                break;
            }
            if pos >= 3 {
                return Err(TlvError::BadTag);
            }
        }
    }
    let l0 = *bytes.get(pos).ok_or(TlvError::Truncated)?;
    pos += 1;
    let len = if l0 < 0x80 {
        usize::from(l0)
    } else {
        let n = usize::from(l0 & 0x7F);
        if n == 0 || n > 4 {
            return Err(TlvError::BadLength);
        }
        let field = bytes.get(pos..pos + n).ok_or(TlvError::Truncated)?;
        pos += n;
        field
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
    };
    Ok(TlvHeader {
        tag,
        len,
        header_len: pos,
    })
}

/// Iterates over consecutive TLVs in `bytes`, yielding `(tag, value)`.
pub fn iter(bytes: &[u8]) -> impl Iterator<Item = Result<(u32, &[u8]), TlvError>> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let item = read_header(rest).and_then(|h| {
            let value = rest
                .get(h.header_len..h.total_len())
                .ok_or(TlvError::Truncated)?;
            rest = &rest[h.total_len()..];
            Ok((h.tag, value))
        });
        if item.is_err() {
            rest = &[];
        }
        Some(item)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_certificate_and_card_info_headers() {
        assert_eq!(
            read_header(&[0x30, 0x82, 0x06, 0x5A]).unwrap(),
            TlvHeader {
                tag: 0x30,
                len: 0x065A,
                header_len: 4
            }
        );
        assert_eq!(
            read_header(&[0xFF, 0x20, 0x81, 0xC8]).unwrap(),
            TlvHeader {
                tag: 0xFF20,
                len: 0xC8,
                header_len: 4
            }
        );
        assert_eq!(
            read_header(&[0xDF, 0x22, 0x05]).unwrap(),
            TlvHeader {
                tag: 0xDF22,
                len: 5,
                header_len: 3
            }
        );
        assert_eq!(read_header(&[0x30, 0x82, 0x06]), Err(TlvError::Truncated));
        assert_eq!(read_header(&[0x30, 0x80]), Err(TlvError::BadLength));
        assert_eq!(read_header(&[]), Err(TlvError::Truncated));
    }

    #[test]
    fn iterates_and_stops_at_a_broken_item() {
        let data = [0xDF, 0x24, 0x02, b'1', b'9', 0xDF, 0x25, 0x01, b'2'];
        let items: Vec<_> = iter(&data).collect::<Result<_, _>>().unwrap();
        assert_eq!(items, vec![(0xDF24, &b"19"[..]), (0xDF25, &b"2"[..])]);
        let broken = [0xDF, 0x24, 0x09, b'1'];
        let items: Vec<_> = iter(&broken).collect();
        assert_eq!(items, vec![Err(TlvError::Truncated)]);
    }
}
