//! cardsim's own command APDU parser: the four cases of ISO/IEC 7816-3 in
//! short and extended form, and every malformed length answered `6700` by the
//! card without side effects (no try spent, no selection changed).

mod common;

use cardsim::command_apdu::{CommandApdu, Malformed};
use cardsim::PinId;
use common::*;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

fn parse(s: &str) -> Result<(Vec<u8>, Option<usize>, bool), Malformed> {
    let bytes = h(s);
    CommandApdu::parse(&bytes).map(|c| (c.data.to_vec(), c.le, c.extended))
}

#[test]
fn case_1_is_the_header_alone() {
    let bytes = h("00200080");
    let c = CommandApdu::parse(&bytes).unwrap();
    assert_eq!((c.cla, c.ins, c.p1, c.p2), (0x00, 0x20, 0x00, 0x80));
    assert_eq!((c.data, c.le, c.extended), (&[][..], None, false));
}

#[test]
fn case_2_short_le_00_is_256() {
    assert_eq!(parse("00B0000010"), Ok((vec![], Some(16), false)));
    assert_eq!(parse("00B0000000"), Ok((vec![], Some(256), false)));
    assert_eq!(parse("00B00000FF"), Ok((vec![], Some(255), false)));
}

#[test]
fn case_3_short_takes_exactly_lc_bytes() {
    assert_eq!(parse("00A4020C02000A"), Ok((vec![0x00, 0x0A], None, false)));
    let long = format!("00200080FF{}", "31".repeat(255));
    assert_eq!(parse(&long).unwrap().0.len(), 255);
}

#[test]
fn case_4_short_has_one_le_byte() {
    assert_eq!(parse("802A00800141 00"), Ok((vec![0x41], Some(256), false)));
    assert_eq!(parse("802A0080014120"), Ok((vec![0x41], Some(32), false)));
}

#[test]
fn case_2_extended_le_0000_is_65536() {
    assert_eq!(parse("00B00000 000800"), Ok((vec![], Some(0x800), true)));
    assert_eq!(parse("00B00000 000000"), Ok((vec![], Some(65_536), true)));
}

#[test]
fn case_3_and_4_extended() {
    assert_eq!(
        parse("00200080 000004 31323334"),
        Ok((b"1234".to_vec(), None, true))
    );
    assert_eq!(
        parse("802A0080 000001 41 0100"),
        Ok((vec![0x41], Some(256), true))
    );
    assert_eq!(
        parse("802A0080 000001 41 0000"),
        Ok((vec![0x41], Some(65_536), true))
    );
    let big = format!("802A0080 000133 {} 0000", "AA".repeat(0x133));
    assert_eq!(parse(&big).unwrap().0.len(), 0x133);
}

#[test]
fn malformed_lengths_are_refused() {
    assert_eq!(parse(""), Err(Malformed::NoHeader));
    assert_eq!(parse("00A404"), Err(Malformed::NoHeader));
    for bad in [
        "00A4040C05AA",           // short Lc longer than the data
        "00A4040C01AABBCC",       // data longer than Lc + one Le byte
        "00B0000000 10",          // 6 bytes with 00 at byte 5: neither form
        "00200080 0000 31323334", // extended Lc 0000 with data
        "00200080 000004 313233", // extended Lc longer than the data
        "00200080 000002 313233", // extended data + one stray byte
        "802A0080 000001 41 01",  // extended case 4 with a one-byte Le
        "802A0080 000001 41 010203",
        "00B00000 00 08", // extended with a one-byte length
    ] {
        assert_eq!(parse(bad), Err(Malformed::LengthMismatch), "{bad}");
    }
}

#[test]
fn the_card_answers_6700_to_every_malformed_length_and_spends_nothing() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0018);
    for bad in [
        "002000800531323334",       // Lc 5, 4 bytes of PIN
        "0020008003313233340000",   // Lc 3, too many bytes
        "00200080 0000 31323334",   // extended Lc 0
        "00200080 000005 31323334", // extended Lc past the data
        "0020008000 04",            // neither form
    ] {
        assert_eq!(sw(&mut c, bad), 0x6700, "{bad}");
    }
    assert_eq!(c.tries_left(PinId::Auth), 3);
    assert_eq!(
        sw(&mut c, "00200080"),
        0x63C3,
        "the PIN EF is still current"
    );
}

#[test]
fn every_form_the_card_accepts_is_handled_the_same_short_or_extended() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0018);
    // Extended case 3 VERIFY with the right PIN (extended length on).
    assert_eq!(sw(&mut c, "00200080 000004 31323334"), 0x9000);
    assert!(c.is_verified(PinId::Auth));
    select_ef(&mut c, 0x000A);
    let (short, s1) = send(&mut c, "00B0000010");
    let (ext, s2) = send(&mut c, "00B00000 000010");
    assert_eq!((s1, s2), (0x9000, 0x9000));
    assert_eq!(short, ext);
    assert_eq!(short.len(), 16);
}
