//! The bytes of the data files that are not certificates: token info, the My
//! Number file and the basic four items.

use crate::personal::Personal;

/// EF 0006 of the JPKI application: the token label padded with spaces.
pub fn token_info() -> Vec<u8> {
    let mut out = b"JPKIAPICCTOKEN2".to_vec();
    out.resize(32, b' ');
    out
}

/// EF 0001 of the card-info application: `FF 10 0C` + 12 ASCII digits + `FF FF`.
pub fn my_number_file(number: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0x10, 0x0C];
    out.extend_from_slice(number.as_bytes());
    out.extend_from_slice(&[0xFF, 0xFF]);
    out
}

/// EF 0002 of the card-info application: `FF 20 <len>` { DF21 offsets,
/// DF22 name, DF23 address, DF24 birth date, DF25 sex }, then `FF` filler up
/// to a multiple of 32 bytes (a real file is longer than its record).
/// DF21 holds the offset of each of the four items' TLV from the start of
/// the file, 2 bytes each (soltia48/myna-card:src/ap/text.rs `Attributes`:
/// `FF 20 65 / DF 21 08 000E …`, the first item at byte 14).
pub fn basic_four_file(personal: &Personal) -> Vec<u8> {
    let items: [(u16, &[u8]); 4] = [
        (0xDF22, personal.name.as_bytes()),
        (0xDF23, personal.address.as_bytes()),
        (0xDF24, personal.birth_date.as_bytes()),
        (0xDF25, &[personal.sex as u8]),
    ];
    const OFFSETS_TLV_LEN: usize = 3 + 8;
    let mut body = Vec::new();
    let mut starts = Vec::with_capacity(4);
    for (tag, value) in items {
        starts.push(body.len());
        push_tlv(&mut body, tag, value);
    }
    let record_len = OFFSETS_TLV_LEN + body.len();
    let mut outer_header = Vec::with_capacity(5);
    outer_header.extend_from_slice(&0xFF20u16.to_be_bytes());
    push_ber_len(&mut outer_header, record_len);
    let first_item = outer_header.len() + OFFSETS_TLV_LEN;
    let offsets: Vec<u8> = starts
        .iter()
        .flat_map(|start| ((first_item + start) as u16).to_be_bytes())
        .collect();

    let mut file = outer_header;
    file.reserve(record_len + 32);
    push_tlv(&mut file, 0xDF21, &offsets);
    file.extend(body);
    let padded = file.len().div_ceil(32) * 32;
    file.resize(padded, 0xFF);
    file
}

fn push_tlv(out: &mut Vec<u8>, tag: u16, value: &[u8]) {
    out.extend_from_slice(&tag.to_be_bytes());
    push_ber_len(out, value.len());
    out.extend_from_slice(value);
}

/// BER length: short form under 128, `81 xx` under 256, `82 xx xx` above.
pub fn push_ber_len(out: &mut Vec<u8>, len: usize) {
    match len {
        0..=0x7F => out.push(len as u8),
        0x80..=0xFF => out.extend_from_slice(&[0x81, len as u8]),
        _ => {
            let len = u16::try_from(len).expect("card files are under 64 KiB");
            out.push(0x82);
            out.extend_from_slice(&len.to_be_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, address: &str) -> Personal {
        Personal {
            name: name.into(),
            address: address.into(),
            birth_date: "19900401".into(),
            sex: '2',
            my_number: "123456789018".into(),
        }
    }

    /// A BER TLV with a two-byte tag at `at`: (tag, value, end).
    fn tlv_at(file: &[u8], at: usize) -> (u16, &[u8], usize) {
        let tag = u16::from_be_bytes([file[at], file[at + 1]]);
        let (len, header) = match file[at + 2] {
            0x81 => (usize::from(file[at + 3]), 4),
            0x82 => (
                usize::from(u16::from_be_bytes([file[at + 3], file[at + 4]])),
                5,
            ),
            n => (usize::from(n), 3),
        };
        let start = at + header;
        (tag, &file[start..start + len], start + len)
    }

    #[test]
    fn basic_four_layout_and_offset_table() {
        for (name, address) in [
            ("番号\u{3000}花子", "東京都千代田区永田町１－１"),
            ("A", "B"),
            ("名".repeat(30).as_str(), "住所".repeat(40).as_str()),
        ] {
            let file = basic_four_file(&person(name, address));
            assert_eq!(file.len() % 32, 0);
            let (tag, record, end) = tlv_at(&file, 0);
            assert_eq!(tag, 0xFF20);
            assert!(
                file[end..].iter().all(|b| *b == 0xFF),
                "filler after the record"
            );
            let header = end - record.len();
            let (tag, offsets, mut at) = tlv_at(&file, header);
            assert_eq!((tag, offsets.len()), (0xDF21, 8));
            let mut items = Vec::new();
            for (i, want) in [0xDF22u16, 0xDF23, 0xDF24, 0xDF25].into_iter().enumerate() {
                let offset = usize::from(u16::from_be_bytes([offsets[2 * i], offsets[2 * i + 1]]));
                assert_eq!(
                    offset, at,
                    "DF21 points at item {want:04X} from the file start"
                );
                let (tag, value, next) = tlv_at(&file, at);
                assert_eq!(tag, want);
                items.push(value);
                at = next;
            }
            assert_eq!(at, end);
            assert_eq!(items[0], name.as_bytes());
            assert_eq!(items[1], address.as_bytes());
            assert_eq!(items[2], b"19900401");
            assert_eq!(items[3], b"2");
        }
    }

    #[test]
    fn the_first_item_of_a_short_record_is_at_byte_14() {
        let file = basic_four_file(&person("A", "B"));
        assert_eq!(&file[..3], &[0xFF, 0x20, file[2]]);
        assert!(file[2] < 0x80);
        assert_eq!(&file[3..7], &[0xDF, 0x21, 0x08, 0x00]);
        assert_eq!(file[7], 0x0E);
    }

    #[test]
    fn long_records_use_long_form_lengths() {
        let file = basic_four_file(&person(&"名".repeat(30), &"住".repeat(60)));
        // 90 + 180 bytes of text: the outer length needs 82 xx xx.
        assert_eq!(file[2], 0x82);
        let mut v = Vec::new();
        push_ber_len(&mut v, 127);
        push_ber_len(&mut v, 128);
        push_ber_len(&mut v, 300);
        assert_eq!(v, [0x7F, 0x81, 0x80, 0x82, 0x01, 0x2C]);
    }

    #[test]
    fn my_number_and_token_info_layouts() {
        let f = my_number_file("123456789018");
        assert_eq!(f.len(), 17);
        assert_eq!(&f[..3], &[0xFF, 0x10, 0x0C]);
        assert_eq!(&f[3..15], b"123456789018");
        let t = token_info();
        assert_eq!(t.len(), 32);
        assert!(t.starts_with(b"JPKIAPICCTOKEN2 "));
    }
}
