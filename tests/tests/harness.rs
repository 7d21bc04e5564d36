//! The harness itself: pcscd comes up with the virtual reader, a scripted card
//! shows up and goes away, and pcscd can be started again after a stop.

use std::time::Duration;

use mynapoint_e2e::vpcd::{ScriptedCard, T1_ATR};
use mynapoint_e2e::{card_present, pcscd_running, reader_names, Pcscd, VIRTUAL_READER};

const WAIT: Duration = Duration::from_secs(10);

#[test]
fn pcscd_lists_the_virtual_reader_without_a_card() {
    let _pcscd = Pcscd::start().unwrap_or_else(|e| panic!("{e}"));
    assert!(pcscd_running());
    assert!(
        reader_names().iter().any(|n| n == VIRTUAL_READER),
        "{:?}",
        reader_names()
    );
    assert_eq!(card_present(VIRTUAL_READER), Some(false));
    assert_eq!(card_present("No Such Reader 00 00"), None);
}

#[test]
fn scripted_card_comes_and_goes() {
    let pcscd = Pcscd::start().unwrap_or_else(|e| panic!("{e}"));
    let card = ScriptedCard::insert(T1_ATR, |_| vec![0x90, 0x00]).expect("attach to vpcd");
    pcscd
        .wait_for_card(VIRTUAL_READER, WAIT)
        .unwrap_or_else(|e| panic!("{e}"));
    card.remove().expect("card thread");
    pcscd
        .wait_for_no_card(VIRTUAL_READER, WAIT)
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn pcscd_starts_again_after_a_stop() {
    for _ in 0..2 {
        let pcscd = Pcscd::start().unwrap_or_else(|e| panic!("{e}"));
        let started = pcscd.started_here();
        drop(pcscd);
        if started {
            // We stopped it: the service is gone until the next start.
            assert!(!pcscd_running());
        }
    }
}
