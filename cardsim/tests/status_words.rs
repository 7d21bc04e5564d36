//! Every status-word rule of card-protocol.md, one rule per test.

mod common;

use cardsim::{PinId, SimCard};
use common::*;
use der::Decode;

// ---------------------------------------------------------------- SELECT

#[test]
fn select_known_applications_answers_9000() {
    let mut c = card();
    assert_eq!(sw(&mut c, SELECT_JPKI), 0x9000);
    assert_eq!(sw(&mut c, SELECT_CARD_INFO), 0x9000);
    assert_eq!(sw(&mut c, SELECT_CARD_FACE), 0x9000);
}

#[test]
fn select_unknown_application_answers_6a82() {
    let mut c = card();
    assert_eq!(sw(&mut c, "00A4040C05A000000308"), 0x6A82); // PIV
    assert_eq!(sw(&mut c, "00A4040006D27600012401"), 0x6A82); // OpenPGP
    assert_eq!(sw(&mut c, "00A4040C09D392F0002601000000"), 0x6A82); // truncated JPKI AID
}

#[test]
fn select_accepts_p2_0c_00_04_and_refuses_others() {
    let mut c = card();
    assert_eq!(sw(&mut c, "00A404000AD392F000260100000001"), 0x9000);
    assert_eq!(sw(&mut c, "00A404040AD392F000260100000001"), 0x9000);
    let (data, s) = send(&mut c, "00A404000AD392F00026010000000100");
    assert_eq!((data.len(), s), (0, 0x9000), "no FCI is returned");
    assert_eq!(sw(&mut c, "00A404080AD392F000260100000001"), 0x6A86);
    assert_eq!(sw(&mut c, "00A401000AD392F000260100000001"), 0x6A86);
    assert_eq!(sw(&mut c, "00A4020802000A"), 0x6A86);
}

#[test]
fn select_mf_answers_9000_and_leaves_the_application() {
    let mut c = card();
    assert_eq!(sw(&mut c, SELECT_JPKI), 0x9000);
    assert_eq!(sw(&mut c, "00A4000C023F00"), 0x9000);
    assert_eq!(select_ef(&mut c, 0x000A), 0x6A82, "MF has no EF 000A");
    assert_eq!(sw(&mut c, "00A4000C"), 0x9000);
    assert_eq!(sw(&mut c, "00A40000"), 0x9000);
}

#[test]
fn select_ef_in_the_current_application_only() {
    let mut c = card();
    assert_eq!(select_ef(&mut c, 0x000A), 0x6A82, "no application selected");
    assert_eq!(sw(&mut c, SELECT_JPKI), 0x9000);
    for ef in [
        0x000A, 0x000B, 0x0017, 0x0018, 0x0001, 0x0002, 0x001A, 0x001B, 0x0006,
    ] {
        assert_eq!(select_ef(&mut c, ef), 0x9000, "JPKI EF {ef:04X}");
    }
    assert_eq!(select_ef(&mut c, 0x0011), 0x6A82);
    assert_eq!(select_ef(&mut c, 0x1234), 0x6A82);
    assert_eq!(sw(&mut c, SELECT_CARD_INFO), 0x9000);
    for ef in [0x0001, 0x0002, 0x0011, 0x0012, 0x0014, 0x0015] {
        assert_eq!(select_ef(&mut c, ef), 0x9000, "card-info EF {ef:04X}");
    }
    assert_eq!(select_ef(&mut c, 0x0013), 0x6A82);
    assert_eq!(select_ef(&mut c, 0x0018), 0x6A82);
    assert_eq!(sw(&mut c, SELECT_CARD_FACE), 0x9000);
    assert_eq!(
        select_ef(&mut c, 0x0001),
        0x6A82,
        "card face files are not modelled"
    );
    assert_eq!(sw(&mut c, "00A4020C03000A00"), 0x6700);
}

#[test]
fn selecting_an_application_clears_the_security_status() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0018);
    assert_eq!(verify(&mut c, AUTH_PIN), 0x9000);
    assert_eq!(sw(&mut c, "00200080"), 0x9000);
    assert_eq!(sw(&mut c, SELECT_JPKI), 0x9000);
    select_ef(&mut c, 0x0018);
    assert_eq!(sw(&mut c, "00200080"), 0x63C3, "verified state dropped");
    select_ef(&mut c, 0x0017);
    assert_eq!(sw(&mut c, &sign_apdu()), 0x6982);
}

#[test]
fn power_reset_clears_selection_and_security_status() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0018);
    assert_eq!(verify(&mut c, AUTH_PIN), 0x9000);
    c.power_reset();
    assert!(!c.is_verified(PinId::Auth));
    assert_eq!(select_ef(&mut c, 0x0018), 0x6A82, "back in the MF");
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0018);
    assert_eq!(sw(&mut c, "00200080"), 0x63C3);
}

// ----------------------------------------------------------- READ BINARY

#[test]
fn auth_certificate_reads_without_pin_in_short_steps() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x000A);
    let file = read_all(&mut c, 256).unwrap();
    assert_eq!(file, c.auth_certificate_der());
    x509_cert::Certificate::from_der(&file).unwrap();
    let odd = read_all(&mut c, 100).unwrap();
    assert_eq!(odd, file);
}

#[test]
fn short_read_at_the_end_of_the_file() {
    let mut c = card();
    let len = c.auth_certificate_der().len();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x000A);
    let off = len - 10;
    let (data, s) = send(&mut c, &format!("00B0{off:04X}00"));
    assert_eq!(s, 0x9000);
    assert_eq!(data, &c.auth_certificate_der()[off..]);
    let (data, s) = send(&mut c, "00B0000000");
    assert_eq!((data.len(), s), (256, 0x9000), "Le 00 is 256");
    let (data, s) = send(&mut c, "00B0000004");
    assert_eq!((data.len(), s), (4, 0x9000));
}

#[test]
fn offset_at_or_past_the_end_answers_6b00() {
    let mut c = card();
    let len = c.auth_certificate_der().len();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x000A);
    assert_eq!(sw(&mut c, &format!("00B0{len:04X}00")), 0x6B00);
    assert_eq!(sw(&mut c, &format!("00B0{:04X}00", len + 300)), 0x6B00);
    assert_eq!(sw(&mut c, "00B07FFF01"), 0x6B00);
}

#[test]
fn read_binary_refusals() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    assert_eq!(sw(&mut c, "00B0000000"), 0x6986, "no EF selected");
    select_ef(&mut c, 0x000A);
    assert_eq!(sw(&mut c, "00B0810000"), 0x6A86, "SFI form is not modelled");
    assert_eq!(sw(&mut c, "00B00000"), 0x6700, "no Le");
    select_ef(&mut c, 0x0018);
    assert_eq!(sw(&mut c, "00B0000000"), 0x6982, "PIN file");
    select_ef(&mut c, 0x0017);
    assert_eq!(sw(&mut c, "00B0000000"), 0x6982, "key file");
    select_ef(&mut c, 0x001A);
    assert_eq!(sw(&mut c, "00B0000000"), 0x6982, "key file");
    // Even verified, keys never leave the card.
    select_ef(&mut c, 0x0018);
    verify(&mut c, AUTH_PIN);
    select_ef(&mut c, 0x0017);
    assert_eq!(sw(&mut c, "00B0000000"), 0x6982);
}

#[test]
fn ca_certificates_and_token_info_are_free() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x000B);
    assert_eq!(read_all(&mut c, 256).unwrap(), c.ca_certificate_der());
    select_ef(&mut c, 0x0002);
    assert_eq!(read_all(&mut c, 256).unwrap(), c.ca_certificate_der());
    select_ef(&mut c, 0x0006);
    let token = read_all(&mut c, 256).unwrap();
    assert!(token.starts_with(b"JPKIAPICCTOKEN2"));
}

#[test]
fn signature_certificate_needs_the_signature_pin() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0001);
    assert_eq!(sw(&mut c, "00B0000000"), 0x6982);
    select_ef(&mut c, 0x0018);
    assert_eq!(verify(&mut c, AUTH_PIN), 0x9000);
    select_ef(&mut c, 0x0001);
    assert_eq!(
        sw(&mut c, "00B0000000"),
        0x6982,
        "the auth PIN does not open it"
    );
    select_ef(&mut c, 0x001B);
    assert_eq!(verify(&mut c, SIGN_PIN), 0x9000);
    select_ef(&mut c, 0x0001);
    assert_eq!(read_all(&mut c, 256).unwrap(), c.sign_certificate_der());
}

#[test]
fn card_info_files_need_the_card_info_pin() {
    let mut c = card();
    sw(&mut c, SELECT_CARD_INFO);
    select_ef(&mut c, 0x0002);
    assert_eq!(sw(&mut c, "00B0000000"), 0x6982);
    select_ef(&mut c, 0x0001);
    assert_eq!(sw(&mut c, "00B0000000"), 0x6982);
    select_ef(&mut c, 0x0011);
    assert_eq!(verify(&mut c, CARD_INFO_PIN), 0x9000);
    select_ef(&mut c, 0x0001);
    let number = read_all(&mut c, 256).unwrap();
    assert_eq!(&number[..3], &[0xFF, 0x10, 0x0C]);
    assert_eq!(&number[3..15], MY_NUMBER.as_bytes());
    select_ef(&mut c, 0x0002);
    let four = basic_four_items(&read_all(&mut c, 256).unwrap());
    assert_eq!(four[0], NAME.as_bytes());
    assert_eq!(four[1], ADDRESS.as_bytes());
    assert_eq!(four[2], b"19900401");
}

#[test]
fn code_b_opens_basic_four_but_never_my_number() {
    let mut c = card();
    sw(&mut c, SELECT_CARD_INFO);
    select_ef(&mut c, 0x0015);
    assert_eq!(sw(&mut c, "00200080"), 0x63CA, "10 tries");
    assert_eq!(verify(&mut c, CODE_B), 0x9000);
    select_ef(&mut c, 0x0002);
    assert_eq!(
        basic_four_items(&read_all(&mut c, 256).unwrap())[0],
        NAME.as_bytes()
    );
    select_ef(&mut c, 0x0001);
    assert_eq!(sw(&mut c, "00B0000000"), 0x6982);
}

#[test]
fn extended_read_returns_the_whole_file_when_on() {
    let mut c = card();
    let len = c.auth_certificate_der().len();
    assert!(len > 256);
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x000A);
    let (data, s) = send(&mut c, "00B00000000800");
    assert_eq!((data.len(), s), (len.min(0x800), 0x9000));
    let (data, s) = send(&mut c, "00B00000000000");
    assert_eq!(
        (data.as_slice(), s),
        (c.auth_certificate_der(), 0x9000),
        "00 00 = 65536"
    );
    let (data, s) = send(&mut c, "00B00100000200");
    assert_eq!((data.len(), s), (0x200.min(len - 0x100), 0x9000));
}

#[test]
fn extended_apdus_answer_6700_when_off_and_short_reads_still_work() {
    let mut c = card();
    c.set_extended_length(false);
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x000A);
    assert_eq!(sw(&mut c, "00B00000000800"), 0x6700);
    assert_eq!(sw(&mut c, "00B00000000000"), 0x6700);
    // Extended VERIFY (00 Lc1 Lc2 data) is refused too, and spends nothing.
    select_ef(&mut c, 0x0018);
    assert_eq!(sw(&mut c, "002000800000043132333F"), 0x6700);
    assert_eq!(sw(&mut c, "00200080"), 0x63C3);
    select_ef(&mut c, 0x000A);
    assert_eq!(read_all(&mut c, 256).unwrap(), c.auth_certificate_der());
    let mut off = SimCard::from_state({
        let mut s = template();
        s.extended_length = false;
        s
    })
    .unwrap();
    assert!(!off.extended_length());
    sw(&mut off, SELECT_JPKI);
    select_ef(&mut off, 0x000A);
    assert_eq!(sw(&mut off, "00B00000000800"), 0x6700);
}

// ---------------------------------------------------------------- VERIFY

#[test]
fn retry_query_answers_63cx_for_every_pin_and_spends_nothing() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    // OpenSC's JPKI emulator queries both at init and needs SW1 = 63.
    select_ef(&mut c, 0x0018);
    for _ in 0..5 {
        assert_eq!(sw(&mut c, "00200080"), 0x63C3);
    }
    select_ef(&mut c, 0x001B);
    assert_eq!(sw(&mut c, "00200080"), 0x63C5);
    sw(&mut c, SELECT_CARD_INFO);
    select_ef(&mut c, 0x0011);
    assert_eq!(sw(&mut c, "00200080"), 0x63C3);
    select_ef(&mut c, 0x0012);
    assert_eq!(sw(&mut c, "00200080"), 0x63C0, "blocked as issued");
    select_ef(&mut c, 0x0014);
    assert_eq!(sw(&mut c, "00200080"), 0x63CA);
    select_ef(&mut c, 0x0015);
    assert_eq!(sw(&mut c, "00200080"), 0x63CA);
    for pin in PinId::ALL {
        assert_eq!(c.tries_left(pin), pin.max_tries(), "{pin}");
    }
}

#[test]
fn five_byte_retry_query_answers_6700_and_spends_nothing() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0018);
    assert_eq!(sw(&mut c, "0020008000"), 0x6700);
    assert_eq!(sw(&mut c, "00200080"), 0x63C3);
    // VERIFY with data and an Le is malformed too, no try spent.
    assert_eq!(sw(&mut c, "00200080043132333400"), 0x6700);
    assert_eq!(c.tries_left(PinId::Auth), 3);
}

#[test]
fn retry_query_answers_9000_once_verified() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0018);
    assert_eq!(verify(&mut c, AUTH_PIN), 0x9000);
    assert_eq!(sw(&mut c, "00200080"), 0x9000);
    select_ef(&mut c, 0x001B);
    assert_eq!(sw(&mut c, "00200080"), 0x63C5, "only the verified PIN");
}

#[test]
fn countdown_to_lock_then_6984_even_with_the_right_pin() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0018);
    assert_eq!(verify(&mut c, "0000"), 0x63C2);
    assert_eq!(sw(&mut c, "00200080"), 0x63C2);
    assert_eq!(verify(&mut c, "0000"), 0x63C1);
    assert_eq!(
        verify(&mut c, "0000"),
        0x63C0,
        "the try that locks answers 63C0"
    );
    assert_eq!(c.tries_left(PinId::Auth), 0);
    assert_eq!(verify(&mut c, AUTH_PIN), 0x6984);
    assert_eq!(verify(&mut c, "0000"), 0x6984);
    assert_eq!(sw(&mut c, "00200080"), 0x63C0);
    assert!(!c.is_verified(PinId::Auth));
    select_ef(&mut c, 0x0017);
    assert_eq!(sw(&mut c, &sign_apdu()), 0x6982);
    // Other PINs are independent.
    select_ef(&mut c, 0x001B);
    assert_eq!(verify(&mut c, SIGN_PIN), 0x9000);
}

#[test]
fn signature_pin_counts_down_from_five() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x001B);
    for left in (0..5).rev() {
        assert_eq!(verify(&mut c, "WRONG1"), 0x63C0 | left);
    }
    assert_eq!(verify(&mut c, SIGN_PIN), 0x6984);
}

#[test]
fn code_b_counts_down_from_ten() {
    let mut c = card();
    sw(&mut c, SELECT_CARD_INFO);
    select_ef(&mut c, 0x0015);
    for left in (0..10).rev() {
        assert_eq!(verify(&mut c, "00000000000000"), 0x63C0 | left);
    }
    assert_eq!(verify(&mut c, CODE_B), 0x6984);
    assert_eq!(
        c.tries_left(PinId::CardInfo),
        3,
        "the card-info PIN is separate"
    );
    assert_eq!(c.tries_left(PinId::CodeA), 10, "照合番号A is separate");
}

#[test]
fn right_pin_restores_the_full_counter() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0018);
    assert_eq!(verify(&mut c, "9999"), 0x63C2);
    assert_eq!(verify(&mut c, "9999"), 0x63C1);
    assert_eq!(verify(&mut c, AUTH_PIN), 0x9000);
    assert_eq!(c.tries_left(PinId::Auth), 3);
    c.power_reset();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0018);
    assert_eq!(sw(&mut c, "00200080"), 0x63C3);
}

#[test]
fn a_wrong_try_after_success_drops_the_verified_state() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0018);
    assert_eq!(verify(&mut c, AUTH_PIN), 0x9000);
    assert_eq!(verify(&mut c, "1111"), 0x63C2);
    assert_eq!(sw(&mut c, "00200080"), 0x63C2);
}

#[test]
fn wrong_length_pin_counts_as_a_wrong_try() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0018);
    assert_eq!(verify(&mut c, "12345"), 0x63C2);
    assert_eq!(verify(&mut c, "123"), 0x63C1);
    assert_eq!(c.tries_left(PinId::Auth), 1);
}

#[test]
fn verify_by_short_file_identifier_without_select() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    assert_eq!(send_bytes(&mut c, &verify_apdu(0x98, AUTH_PIN)).1, 0x9000);
    assert!(c.is_verified(PinId::Auth));
    assert_eq!(send_bytes(&mut c, &verify_apdu(0x9B, SIGN_PIN)).1, 0x9000);
    assert_eq!(sw(&mut c, "00200098"), 0x9000, "query by SFI");
    assert_eq!(
        send_bytes(&mut c, &verify_apdu(0x91, CARD_INFO_PIN)).1,
        0x6A88,
        "wrong AP"
    );
    sw(&mut c, SELECT_CARD_INFO);
    assert_eq!(
        send_bytes(&mut c, &verify_apdu(0x98, AUTH_PIN)).1,
        0x6A88,
        "wrong AP"
    );
    assert_eq!(sw(&mut c, "00200095"), 0x63CA);
    assert_eq!(send_bytes(&mut c, &verify_apdu(0x95, CODE_B)).1, 0x9000);
    assert_eq!(c.tries_left(PinId::CodeA), 10, "0014 untouched");
    assert_eq!(
        send_bytes(&mut c, &verify_apdu(0x91, CARD_INFO_PIN)).1,
        0x9000
    );
    c.power_reset();
    assert_eq!(
        send_bytes(&mut c, &verify_apdu(0x98, AUTH_PIN)).1,
        0x6A88,
        "MF"
    );
}

#[test]
fn verify_refusals() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    assert_eq!(verify(&mut c, AUTH_PIN), 0x6A88, "no PIN EF selected");
    assert_eq!(sw(&mut c, "00200080"), 0x6A88);
    select_ef(&mut c, 0x000A);
    assert_eq!(verify(&mut c, AUTH_PIN), 0x6A88, "not a PIN EF");
    select_ef(&mut c, 0x0018);
    assert_eq!(sw(&mut c, "002001800431323334"), 0x6A86);
    assert_eq!(sw(&mut c, "002000000431323334"), 0x6A86);
    assert_eq!(c.tries_left(PinId::Auth), 3);
}

// ---------------------------------------------------- COMPUTE DIGITAL SIGNATURE

fn sign_apdu() -> String {
    format!(
        "802A008033{}{}00",
        "3031300D060960864801650304020105000420",
        "AB".repeat(32)
    )
}

#[test]
fn signing_needs_the_pin_of_that_key() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0017);
    assert_eq!(sw(&mut c, &sign_apdu()), 0x6982);
    select_ef(&mut c, 0x001B);
    verify(&mut c, SIGN_PIN);
    select_ef(&mut c, 0x0017);
    assert_eq!(
        sw(&mut c, &sign_apdu()),
        0x6982,
        "the sign PIN does not open 0017"
    );
    select_ef(&mut c, 0x0018);
    verify(&mut c, AUTH_PIN);
    select_ef(&mut c, 0x0017);
    let (sig, s) = send(&mut c, &sign_apdu());
    assert_eq!((sig.len(), s), (256, 0x9000));
    select_ef(&mut c, 0x001A);
    let (sig, s) = send(&mut c, &sign_apdu());
    assert_eq!((sig.len(), s), (256, 0x9000));
}

#[test]
fn signing_refusals() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    assert_eq!(sw(&mut c, &sign_apdu()), 0x6985, "no EF selected");
    select_ef(&mut c, 0x0018);
    verify(&mut c, AUTH_PIN);
    select_ef(&mut c, 0x000A);
    assert_eq!(sw(&mut c, &sign_apdu()), 0x6985, "not a key");
    select_ef(&mut c, 0x0017);
    assert_eq!(
        sw(&mut c, &sign_apdu().replacen("802A0080", "802A9E9A", 1)),
        0x6A86
    );
    assert_eq!(sw(&mut c, "802A008000"), 0x6700, "no data");
    assert_eq!(
        sw(&mut c, &format!("802A0080F6{}00", "00".repeat(246))),
        0x6700
    );
    let full = sign_apdu();
    let no_le = &full[..full.len() - 2];
    assert_eq!(sw(&mut c, no_le), 0x9000, "no Le");
    assert_eq!(sw(&mut c, &format!("{no_le}20")), 0x6700, "Le 32");
    assert_eq!(sw(&mut c, &sign_apdu().replacen("802A", "002A", 1)), 0x6D00);
}

// ------------------------------------------------------- unknown commands

#[test]
fn unknown_commands_get_standard_error_words() {
    let mut c = card();
    assert_eq!(
        sw(&mut c, "FFCA000000"),
        0x6E00,
        "PC/SC GET UID reaching the card"
    );
    assert_eq!(sw(&mut c, "84A4040C0AD392F000260100000001"), 0x6E00);
    assert_eq!(sw(&mut c, "00CA010000"), 0x6D00, "GET DATA");
    assert_eq!(sw(&mut c, "0084000008"), 0x6D00, "GET CHALLENGE");
    assert_eq!(sw(&mut c, "00C0000000"), 0x6D00, "GET RESPONSE");
    assert_eq!(sw(&mut c, "80A4040C0AD392F000260100000001"), 0x6D00);
    assert_eq!(sw(&mut c, "8050000008"), 0x6D00);
    assert_eq!(sw(&mut c, "00A4"), 0x6700, "under 4 bytes");
    assert_eq!(sw(&mut c, ""), 0x6700);
    assert_eq!(
        sw(&mut c, "00A4040C05AA"),
        0x6700,
        "Lc longer than the data"
    );
    assert_eq!(
        sw(&mut c, "00A4040C01AABBCC"),
        0x6700,
        "data longer than Lc + Le"
    );
}

#[test]
fn survives_an_opensc_style_probe_and_still_works() {
    let mut c = card();
    let probes = [
        "00A4040C0AD392F000260100000001",
        "00A4000C023F00",
        "00CA7F6800",
        "00CA010000",
        "00A4040009A00000030800001000",
        "00A4040006D27600012401",
        "00A4040C07A0000002471001",
        "80CA9F7F2D",
        "00A40000023F0000",
        "0084000008",
        "00A4080C043F002F00",
        "00B2010400",
        "00A4020C020018",
        "00200080",
        "00A4020C02001B",
        "00200080",
        "FFCA000000",
        "00A4040C0AD392F000260100000001",
        "00A4020C02000A",
        "00B0000000",
    ];
    for p in probes {
        let (_, s) = send(&mut c, p);
        assert_ne!(s, 0, "{p}");
    }
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x000A);
    assert_eq!(read_all(&mut c, 256).unwrap(), c.auth_certificate_der());
}

#[test]
fn random_input_never_panics() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x4D59_4E41);
    let mut c = card();
    let mut headers_seen = 0;
    for round in 0..20_000 {
        if round == 10_000 {
            c.set_extended_length(false);
        }
        let len = match round % 4 {
            0 => rng.gen_range(0..8),
            1 => rng.gen_range(4..24),
            _ => rng.gen_range(0..300),
        };
        let mut apdu: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        // Half the time, a plausible header so the handlers get exercised.
        if round % 2 == 0 && apdu.len() >= 4 {
            apdu[0] = [0x00, 0x80][rng.gen_range(0..2)];
            apdu[1] = [0xA4, 0xB0, 0x20, 0x2A][rng.gen_range(0..4)];
            headers_seen += 1;
        }
        if round % 50 == 0 {
            send(&mut c, SELECT_JPKI);
            select_ef(
                &mut c,
                [0x000A, 0x0017, 0x0018, 0x001B][rng.gen_range(0..4)],
            );
        }
        let response = c.process(&apdu);
        assert!(response.len() >= 2, "{apdu:02X?}");
    }
    assert!(headers_seen > 0);
}

#[test]
fn atr_is_the_one_opensc_lists_for_jpki() {
    let c = card();
    assert_eq!(
        c.atr(),
        &[0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14]
    );
    assert_eq!(cardsim::ATR, *c.atr());
}
