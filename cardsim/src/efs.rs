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
pub fn basic_four_file(personal: &Personal) -> Vec<u8> {
    let items: [(u16, &[u8]); 4] = [
        (0xDF22, personal.name.as_bytes()),
        (0xDF23, personal.address.as_bytes()),
        (0xDF24, personal.birth_date.as_bytes()),
        (0xDF25, &[personal.sex as u8]),
    ];
    // DF21: the offset of each item inside the record body, 2 bytes each.
    const OFFSETS_TLV_LEN: usize = 3 + 8;
    let mut offsets = Vec::with_capacity(8);
    let mut body = Vec::new();
    for (tag, value) in items {
        offsets.extend_from_slice(&((OFFSETS_TLV_LEN + body.len()) as u16).to_be_bytes());
        push_tlv(&mut body, tag, value);
    }
    let mut record = Vec::with_capacity(OFFSETS_TLV_LEN + body.len());
    push_tlv(&mut record, 0xDF21, &offsets);
    record.extend(body);

    let mut file = Vec::with_capacity(record.len() + 40);
    push_tlv(&mut file, 0xFF20, &record);
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
    use mynapoint_core::card::{BasicFour, Sex};

    fn person(name: &str, address: &str) -> Personal {
        Personal {
            name: name.into(),
            address: address.into(),
            birth_date: "19900401".into(),
            sex: '2',
            my_number: "123456789018".into(),
        }
    }

    #[test]
    fn basic_four_parses_with_the_core_parser() {
        for (name, address) in [
            ("番号 花子", "東京都千代田区永田町1-1"),
            ("A", "B"),
            ("名".repeat(30).as_str(), "住所".repeat(40).as_str()),
        ] {
            let file = basic_four_file(&person(name, address));
            assert_eq!(&file[..2], &[0xFF, 0x20]);
            assert_eq!(file.len() % 32, 0);
            let four = BasicFour::parse(&file).unwrap();
            assert_eq!(four.name, name);
            assert_eq!(four.address, address);
            assert_eq!(four.birth_date, "19900401");
            assert_eq!(four.sex, Sex::Female);
        }
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
