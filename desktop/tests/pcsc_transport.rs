//! `PcscTransport` against a scripted card on the vpcd virtual reader.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mynapoint_core::card::{CardTransport, ReaderCapabilities, TransportError};
use mynapoint_desktop::cli::ReaderArgs;
use mynapoint_desktop::pcsc_transport::PcscTransport;
use mynapoint_desktop::readers::{self, ReaderChoice, ReaderError};
use mynapoint_e2e::vpcd::{ScriptedCard, T1_ATR};
use mynapoint_e2e::{Pcscd, VIRTUAL_READER};

const WAIT: Duration = Duration::from_secs(10);

fn reader_args(reader: Option<&str>, extended_length: bool) -> ReaderArgs {
    ReaderArgs {
        reader: reader.map(|r| r.parse().unwrap()),
        extended_length,
    }
}

#[test]
fn no_card_on_the_reader() {
    let _pcscd = Pcscd::start().unwrap_or_else(|e| panic!("{e}"));
    let ctx = readers::establish().unwrap();

    let err = PcscTransport::connect(&ctx, VIRTUAL_READER, false).unwrap_err();
    assert_eq!(
        err,
        ReaderError::NoCard {
            reader: Some(VIRTUAL_READER.into())
        }
    );

    let err = mynapoint_desktop::connect(&reader_args(Some(VIRTUAL_READER), false)).unwrap_err();
    assert!(matches!(err, ReaderError::NoCard { .. }), "{err:?}");

    let err = mynapoint_desktop::connect(&reader_args(Some("No Such Reader"), false)).unwrap_err();
    assert_eq!(err, ReaderError::NotFound("No Such Reader".into()));
}

#[test]
fn exchanges_apdus_and_reports_removal_as_tag_loss() {
    let pcscd = Pcscd::start().unwrap_or_else(|e| panic!("{e}"));
    let seen: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let log = Arc::clone(&seen);
    let card = ScriptedCard::insert(T1_ATR, move |apdu| {
        log.lock().unwrap().push(apdu.to_vec());
        match apdu {
            // READ BINARY with an extended Le: 1000 bytes
            [0x00, 0xB0, _, _, 0x00, 0x03, 0xE8] => {
                let mut r = vec![0x5A; 1000];
                r.extend_from_slice(&[0x90, 0x00]);
                r
            }
            [0x00, 0xB0, ..] => {
                let mut r = vec![0xA5; 256];
                r.extend_from_slice(&[0x90, 0x00]);
                r
            }
            _ => vec![0x90, 0x00],
        }
    })
    .expect("attach to vpcd");
    pcscd
        .wait_for_card(VIRTUAL_READER, WAIT)
        .unwrap_or_else(|e| panic!("{e}"));

    // Default choice: the first reader with a card is the virtual one.
    let (_, chosen) = readers::pick(&ReaderChoice::FirstWithCard).unwrap();
    assert_eq!(chosen.name, VIRTUAL_READER);

    let transport = mynapoint_desktop::connect(&reader_args(None, false)).unwrap();
    assert_eq!(transport.reader(), VIRTUAL_READER);
    assert_eq!(transport.capabilities(), ReaderCapabilities::SHORT_ONLY);
    assert_eq!(transport.atr().as_deref(), Some(T1_ATR));

    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let select = [0x00, 0xA4, 0x04, 0x0C, 0x02, 0xD3, 0x92];
    assert_eq!(
        rt.block_on(transport.transceive(&select)).unwrap(),
        [0x90, 0x00]
    );
    let read = rt
        .block_on(transport.transceive(&[0x00, 0xB0, 0x00, 0x00, 0x00]))
        .unwrap();
    assert_eq!(read.len(), 258);
    assert_eq!(&read[256..], [0x90, 0x00]);
    assert!(seen.lock().unwrap().contains(&select.to_vec()));
    drop(transport);

    // Extended length when asked: a 1000-byte answer comes through whole.
    let transport = mynapoint_desktop::connect(&reader_args(Some("0"), true)).unwrap();
    assert_eq!(transport.capabilities(), ReaderCapabilities::EXTENDED);
    let read = rt
        .block_on(transport.transceive(&[0x00, 0xB0, 0x00, 0x00, 0x00, 0x03, 0xE8]))
        .unwrap();
    assert_eq!(read.len(), 1002);

    // The card leaves: the next exchange is a lost tag, not an I/O error.
    card.remove().expect("card thread");
    pcscd
        .wait_for_no_card(VIRTUAL_READER, WAIT)
        .unwrap_or_else(|e| panic!("{e}"));
    let err = rt.block_on(transport.transceive(&select)).unwrap_err();
    assert_eq!(err, TransportError::TagLost);
}
