//! The key references of the card-info input support AP as a real card has
//! them (soltia48/myna-card:src/ap/text.rs; AokiApp/jsapdu
//! packages/mynacard/src/constants.ts): `0011` PIN (opens 0001 and 0002),
//! `0012` blocked as issued, `0014` 照合番号A = the My Number (opens 0001
//! only), `0015` 照合番号B (opens 0002 only). Each has its own counter.

mod common;

use std::sync::Arc;

use cardsim::{App, PinId, SimCard, SimTransport};
use common::*;
use mynapoint_core::card::CardTransport;

const PIN_EF: u16 = 0x0011;
const BLOCKED_EF: u16 = 0x0012;
const CODE_A_EF: u16 = 0x0014;
const CODE_B_EF: u16 = 0x0015;

fn in_card_info() -> SimCard {
    let mut c = card();
    assert_eq!(sw(&mut c, SELECT_CARD_INFO), 0x9000);
    c
}

/// (SW of READ BINARY of EF 0001, SW of READ BINARY of EF 0002).
fn what_opens(c: &mut SimCard) -> (u16, u16) {
    let mut read = |ef| {
        select_ef(c, ef);
        sw(c, "00B0000000")
    };
    (read(0x0001), read(0x0002))
}

fn verify_at(c: &mut SimCard, ef: u16, value: &str) -> u16 {
    assert_eq!(select_ef(c, ef), 0x9000);
    verify(c, value)
}

#[test]
fn nothing_is_open_before_a_verify() {
    let mut c = in_card_info();
    assert_eq!(what_opens(&mut c), (0x6982, 0x6982));
}

#[test]
fn the_pin_at_0011_opens_both_files() {
    let mut c = in_card_info();
    assert_eq!(verify_at(&mut c, PIN_EF, CARD_INFO_PIN), 0x9000);
    assert_eq!(what_opens(&mut c), (0x9000, 0x9000));
    select_ef(&mut c, 0x0001);
    assert_eq!(&read_all(&mut c, 256).unwrap()[3..15], MY_NUMBER.as_bytes());
}

#[test]
fn code_a_at_0014_is_the_my_number_and_opens_0001_only() {
    let mut c = in_card_info();
    assert_eq!(c.state().pins.code_a.value, MY_NUMBER);
    assert_eq!(verify_at(&mut c, CODE_A_EF, MY_NUMBER), 0x9000);
    assert!(c.is_verified(PinId::CodeA));
    assert_eq!(what_opens(&mut c), (0x9000, 0x6982));
}

#[test]
fn code_b_at_0015_opens_0002_only() {
    let mut c = in_card_info();
    assert_eq!(verify_at(&mut c, CODE_B_EF, CODE_B), 0x9000);
    assert_eq!(what_opens(&mut c), (0x6982, 0x9000));
    let items = basic_four_items(&read_all(&mut c, 256).unwrap());
    assert_eq!(items[0], NAME.as_bytes());
}

#[test]
fn each_key_refuses_the_others_value() {
    let mut c = in_card_info();
    assert_eq!(verify_at(&mut c, CODE_A_EF, CODE_B), 0x63C9);
    assert_eq!(verify_at(&mut c, CODE_B_EF, MY_NUMBER), 0x63C9);
    assert_eq!(verify_at(&mut c, PIN_EF, "1234"), 0x63C2);
    assert_eq!(what_opens(&mut c), (0x6982, 0x6982));
}

#[test]
fn fourteen_digits_sent_to_0014_spend_a_try_of_code_a_as_on_a_real_card() {
    // The harm the core once caused: 照合番号B sent to 0014.
    let mut c = in_card_info();
    assert_eq!(verify_at(&mut c, CODE_A_EF, CODE_B), 0x63C9);
    assert_eq!(c.tries_left(PinId::CodeA), 9);
    assert_eq!(c.tries_left(PinId::CodeB), 10, "照合番号B untouched");
    assert_eq!(sw(&mut c, "00200080"), 0x63C9, "the query shows it");
}

#[test]
fn the_counters_are_separate_and_each_locks_on_its_own() {
    let mut c = in_card_info();
    for left in (0..10).rev() {
        assert_eq!(verify_at(&mut c, CODE_A_EF, "000000000000"), 0x63C0 | left);
    }
    assert_eq!(verify_at(&mut c, CODE_A_EF, MY_NUMBER), 0x6984, "locked");
    assert_eq!(sw(&mut c, "00200080"), 0x63C0);
    assert_eq!(c.tries_left(PinId::CodeA), 0);
    assert_eq!(c.tries_left(PinId::CodeB), 10);
    assert_eq!(c.tries_left(PinId::CardInfo), 3);
    // The others still work.
    assert_eq!(verify_at(&mut c, CODE_B_EF, CODE_B), 0x9000);
    assert_eq!(verify_at(&mut c, PIN_EF, CARD_INFO_PIN), 0x9000);
    // A locked 照合番号A opens nothing, even with the My Number.
    let mut fresh = in_card_info();
    for _ in 0..10 {
        verify_at(&mut fresh, CODE_A_EF, "000000000000");
    }
    verify_at(&mut fresh, CODE_A_EF, MY_NUMBER);
    assert_eq!(what_opens(&mut fresh), (0x6982, 0x6982));
}

#[test]
fn the_card_info_pin_locks_after_three() {
    let mut c = in_card_info();
    for left in [2, 1, 0] {
        assert_eq!(verify_at(&mut c, PIN_EF, "0000"), 0x63C0 | left);
    }
    assert_eq!(verify_at(&mut c, PIN_EF, CARD_INFO_PIN), 0x6984);
    assert_eq!(c.tries_left(PinId::CodeA), 10);
    assert_eq!(c.tries_left(PinId::CodeB), 10);
}

#[test]
fn a_right_value_restores_its_own_counter_only() {
    let mut c = in_card_info();
    verify_at(&mut c, CODE_A_EF, "000000000000");
    verify_at(&mut c, CODE_B_EF, "00000000000000");
    assert_eq!(verify_at(&mut c, CODE_A_EF, MY_NUMBER), 0x9000);
    assert_eq!(c.tries_left(PinId::CodeA), 10);
    assert_eq!(c.tries_left(PinId::CodeB), 9);
}

#[test]
fn key_0012_is_blocked_as_issued_and_nothing_moves() {
    let mut c = in_card_info();
    assert_eq!(select_ef(&mut c, BLOCKED_EF), 0x9000);
    assert_eq!(sw(&mut c, "00200080"), 0x63C0);
    for value in [CARD_INFO_PIN, MY_NUMBER, CODE_B, "0000"] {
        assert_eq!(verify(&mut c, value), 0x6984, "{value}");
    }
    assert_eq!(sw(&mut c, "00200092"), 0x63C0, "by short EF id too");
    assert_eq!(send_bytes(&mut c, &verify_apdu(0x92, "0000")).1, 0x6984);
    assert_eq!(sw(&mut c, "00B0000000"), 0x6982, "not readable");
    for pin in PinId::ALL {
        assert_eq!(c.tries_left(pin), pin.max_tries(), "{pin}");
    }
    assert_eq!(what_opens(&mut c), (0x6982, 0x6982));
}

#[test]
fn short_file_identifiers_reach_each_key() {
    let mut c = in_card_info();
    assert_eq!(sw(&mut c, "00200091"), 0x63C3);
    assert_eq!(sw(&mut c, "00200094"), 0x63CA);
    assert_eq!(sw(&mut c, "00200095"), 0x63CA);
    assert_eq!(send_bytes(&mut c, &verify_apdu(0x94, MY_NUMBER)).1, 0x9000);
    assert_eq!(send_bytes(&mut c, &verify_apdu(0x95, MY_NUMBER)).1, 0x63C9);
    assert_eq!(sw(&mut c, "00200093"), 0x6A88, "no key at 0013");
}

#[test]
fn the_card_info_keys_do_not_exist_in_jpki() {
    let mut c = card();
    sw(&mut c, SELECT_JPKI);
    for ef in [PIN_EF, CODE_A_EF, CODE_B_EF] {
        assert_eq!(select_ef(&mut c, ef), 0x6A82, "{ef:04X}");
    }
    assert_eq!(sw(&mut c, "00200095"), 0x6A88);
}

#[tokio::test]
async fn the_transport_counts_verifies_per_key_reference() {
    let shared = card().shared();
    let t = Arc::new(SimTransport::new(shared.clone()));
    let send = |apdu: Vec<u8>| {
        let t = t.clone();
        async move { t.transceive(&apdu).await.unwrap() }
    };
    send(hex::decode(SELECT_CARD_INFO).unwrap()).await;
    send(hex::decode("00A4020C020015").unwrap()).await;
    send(hex::decode("00200080").unwrap()).await; // a query is not a VERIFY
    send(verify_apdu(0x80, CODE_B)).await;
    send(verify_apdu(0x91, CARD_INFO_PIN)).await;
    assert_eq!(t.verifies_reached_key(App::CardInfo, CODE_B_EF), 1);
    assert_eq!(t.verifies_reached_pin(PinId::CardInfo), 1);
    assert_eq!(
        t.verifies_reached_pin(PinId::CodeA),
        0,
        "no VERIFY reached 0014"
    );
    // Now the mistake the core once made.
    send(verify_apdu(0x94, CODE_B)).await;
    assert_eq!(t.verifies_reached_pin(PinId::CodeA), 1);
    assert_eq!(shared.lock().unwrap().tries_left(PinId::CodeA), 9);
    // A blocked key counts too (the VERIFY reached it); 6A88 does not.
    send(verify_apdu(0x92, "0000")).await;
    send(verify_apdu(0x93, "0000")).await;
    assert_eq!(t.verifies_reached_key(App::CardInfo, BLOCKED_EF), 1);
    assert_eq!(t.verifies_reached_key(App::CardInfo, 0x0013), 0);
    assert_eq!(t.verifies_reached_card(), 5);
}
