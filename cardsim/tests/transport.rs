//! The in-memory transport: taps, reader limits, fault injection, the log of
//! what reached the card — and the core's card session running over it.

mod common;

use std::sync::Arc;

use cardsim::{PinId, SimCard, SimTransport};
use common::*;
use mynapoint_core::card::{CardSession, CardTransport, ReaderCapabilities, TransportError};
use mynapoint_core::pin::{LastTry, Pin, PinKind};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

async fn sw_of(t: &SimTransport, apdu: &str) -> Result<u16, TransportError> {
    let r = t.transceive(&h(apdu)).await?;
    Ok(u16::from_be_bytes([r[r.len() - 2], r[r.len() - 1]]))
}

const SELECT_AUTH_PIN: &str = "00A4020C020018";
const WRONG_AUTH_PIN: &str = "002000800430303030";
const RIGHT_AUTH_PIN: &str = "002000800431323334";

#[tokio::test]
async fn capabilities_are_what_the_transport_was_made_with() {
    let shared = card().shared();
    assert_eq!(
        SimTransport::new(shared.clone()).capabilities(),
        ReaderCapabilities::EXTENDED
    );
    assert_eq!(
        SimTransport::short_only(shared).capabilities(),
        ReaderCapabilities::SHORT_ONLY
    );
}

#[tokio::test]
async fn a_new_transport_is_a_new_tap() {
    let shared = card().shared();
    let t = SimTransport::new(shared.clone());
    assert_eq!(sw_of(&t, SELECT_JPKI).await, Ok(0x9000));
    assert_eq!(sw_of(&t, SELECT_AUTH_PIN).await, Ok(0x9000));
    assert_eq!(sw_of(&t, RIGHT_AUTH_PIN).await, Ok(0x9000));
    assert!(shared.lock().unwrap().is_verified(PinId::Auth));
    let t2 = SimTransport::new(shared.clone());
    assert!(!shared.lock().unwrap().is_verified(PinId::Auth));
    assert_eq!(
        sw_of(&t2, SELECT_AUTH_PIN).await,
        Ok(0x6A82),
        "selection gone too"
    );
}

#[tokio::test]
async fn lose_tag_after_spends_the_try() {
    let shared = card().shared();
    let t = SimTransport::new(shared.clone());
    t.lose_tag_after(2);
    assert_eq!(sw_of(&t, SELECT_JPKI).await, Ok(0x9000));
    assert_eq!(sw_of(&t, SELECT_AUTH_PIN).await, Ok(0x9000));
    assert_eq!(
        sw_of(&t, WRONG_AUTH_PIN).await,
        Err(TransportError::TagLost)
    );
    assert_eq!(
        shared.lock().unwrap().tries_left(PinId::Auth),
        2,
        "the card counted it"
    );
    assert_eq!(t.verifies_reached_card(), 1);
    assert!(t.is_lost());
    // Every later exchange fails; nothing more reaches the card.
    assert_eq!(sw_of(&t, SELECT_JPKI).await, Err(TransportError::TagLost));
    assert_eq!(t.commands_reached_card().len(), 3);
    // The next tap finds the counter at 2, and the power session reset.
    let t2 = SimTransport::new(shared);
    sw_of(&t2, SELECT_JPKI).await.unwrap();
    sw_of(&t2, SELECT_AUTH_PIN).await.unwrap();
    assert_eq!(sw_of(&t2, "00200080").await, Ok(0x63C2));
}

#[tokio::test]
async fn lose_tag_before_does_not_spend_the_try() {
    let shared = card().shared();
    let t = SimTransport::new(shared.clone());
    t.lose_tag_before(2);
    sw_of(&t, SELECT_JPKI).await.unwrap();
    sw_of(&t, SELECT_AUTH_PIN).await.unwrap();
    assert_eq!(
        sw_of(&t, WRONG_AUTH_PIN).await,
        Err(TransportError::TagLost)
    );
    assert_eq!(shared.lock().unwrap().tries_left(PinId::Auth), 3);
    assert_eq!(t.verifies_reached_card(), 0);
    assert_eq!(t.commands_reached_card().len(), 2);
    assert_eq!(sw_of(&t, "00200080").await, Err(TransportError::TagLost));
    assert_eq!(t.exchanges(), 4);
}

#[tokio::test]
async fn a_loss_resets_the_cards_power_session() {
    let shared = card().shared();
    let t = SimTransport::new(shared.clone());
    t.lose_tag_before(3);
    sw_of(&t, SELECT_JPKI).await.unwrap();
    sw_of(&t, SELECT_AUTH_PIN).await.unwrap();
    assert_eq!(sw_of(&t, RIGHT_AUTH_PIN).await, Ok(0x9000));
    assert!(shared.lock().unwrap().is_verified(PinId::Auth));
    assert!(sw_of(&t, "00A4020C020017").await.is_err());
    assert!(!shared.lock().unwrap().is_verified(PinId::Auth));
}

#[tokio::test]
async fn timeouts_before_and_after() {
    let shared = card().shared();
    let t = SimTransport::new(shared.clone());
    t.time_out_after(2);
    sw_of(&t, SELECT_JPKI).await.unwrap();
    sw_of(&t, SELECT_AUTH_PIN).await.unwrap();
    assert_eq!(
        sw_of(&t, WRONG_AUTH_PIN).await,
        Err(TransportError::Timeout)
    );
    assert_eq!(shared.lock().unwrap().tries_left(PinId::Auth), 2);
    assert_eq!(sw_of(&t, SELECT_JPKI).await, Err(TransportError::TagLost));

    let t = SimTransport::new(shared.clone());
    t.time_out_before(0);
    assert_eq!(sw_of(&t, SELECT_JPKI).await, Err(TransportError::Timeout));
    assert!(t.commands_reached_card().is_empty());
}

#[tokio::test]
async fn the_log_never_holds_pin_bytes() {
    let shared = card().shared();
    let t = SimTransport::new(shared);
    sw_of(&t, SELECT_JPKI).await.unwrap();
    sw_of(&t, SELECT_AUTH_PIN).await.unwrap();
    sw_of(&t, "00200080").await.unwrap();
    sw_of(&t, RIGHT_AUTH_PIN).await.unwrap();
    let log = t.commands_reached_card();
    assert_eq!(log[2], h("00200080"));
    assert_eq!(log[3], h("0020008004"));
    assert_eq!(t.verifies_reached_card(), 1, "the query is not a try");
    assert!(!log.iter().any(|c| c.windows(4).any(|w| w == b"1234")));
}

#[tokio::test]
async fn short_only_readers_cannot_send_extended_apdus() {
    let shared = card().shared();
    let t = SimTransport::short_only(shared);
    sw_of(&t, SELECT_JPKI).await.unwrap();
    sw_of(&t, "00A4020C02000A").await.unwrap();
    let err = sw_of(&t, "00B00000000800").await.unwrap_err();
    assert!(matches!(err, TransportError::Io(_)));
    assert_eq!(
        t.commands_reached_card().len(),
        2,
        "it never reached the card"
    );
    assert!(!t.is_lost());
    assert_eq!(sw_of(&t, "00B0000000").await, Ok(0x9000));
}

#[tokio::test]
async fn the_core_session_runs_over_the_simulator() {
    for caps in [ReaderCapabilities::SHORT_ONLY, ReaderCapabilities::EXTENDED] {
        let c = card();
        let expected_serial =
            mynapoint_core::card::CertificateInfo::parse(c.auth_certificate_der())
                .unwrap()
                .serial;
        let shared = c.shared();
        let transport = Arc::new(SimTransport::with_capabilities(shared.clone(), caps));
        let mut session = CardSession::new();
        let mut tap = session.tap(transport.clone()).await.unwrap();
        assert_eq!(tap.report().serial, expected_serial);
        let info = tap.certificate().await.unwrap();
        assert_eq!(info.der, shared.lock().unwrap().auth_certificate_der());
        drop(tap);

        session.enter_pin(Pin::new(PinKind::UserAuth, AUTH_PIN).unwrap());
        let mut tap = session.tap(transport.clone()).await.unwrap();
        tap.verify(PinKind::UserAuth, LastTry::Refuse)
            .await
            .unwrap();
        let digest = [7u8; 32];
        let sig = tap.sign(&digest).await.unwrap();
        assert_eq!(sig.len(), 256);
        drop(tap);

        session.enter_pin(Pin::new(PinKind::CardInfo, CARD_INFO_PIN).unwrap());
        let mut tap = session.tap(transport.clone()).await.unwrap();
        tap.verify(PinKind::CardInfo, LastTry::Refuse)
            .await
            .unwrap();
        let four = tap.basic_four().await.unwrap();
        assert_eq!(four.name, NAME);
        assert_eq!(four.address, ADDRESS);
        assert_eq!(transport.verifies_reached_card(), 2);
    }
}

#[tokio::test]
async fn a_different_card_is_a_new_transport_over_another_card() {
    let a = card().shared();
    let mut other = template();
    other.auth_cert = SimCard::in_memory(spec().keys_from(&template()).serial(99))
        .unwrap()
        .auth_certificate_der()
        .to_vec();
    let b = SimCard::from_state(other).unwrap().shared();
    let mut session = CardSession::new();
    let first = session.tap(Arc::new(SimTransport::new(a))).await.unwrap();
    assert!(!first.report().card_changed);
    drop(first);
    let second = session.tap(Arc::new(SimTransport::new(b))).await.unwrap();
    assert!(second.report().card_changed);
}
