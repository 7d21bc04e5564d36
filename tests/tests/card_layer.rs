//! The core's card layer against the simulated card: reading the certificate
//! with short and extended reads, verifying the PIN, signing, and the
//! card-info application.

mod support;

use mynapoint_core::card::{
    apdu::ins, files, CardError, CardSession, CardTransport, ReadStrategy, ReaderCapabilities,
    Response, Sex, StatusWord, TraceOutcome, TransportError,
};
use mynapoint_core::pin::{LastTry, Pin, PinKind, PinStatus};
use sha2::{Digest, Sha256};
use support::*;

#[tokio::test]
async fn reads_the_certificate_with_short_reads_on_a_phone() {
    let card = card_a();
    let t = phone_tap(&card);
    let mut session = CardSession::new();
    let mut tap = session.tap(dyn_transport(&t)).await.unwrap();
    let cert = tap.certificate().await.unwrap();

    let expected_der = card.lock().unwrap().auth_certificate_der().to_vec();
    assert_eq!(cert.der, expected_der);
    assert_eq!(cert.serial.to_decimal(), Some(u128::from(SERIAL_A)));
    assert!(cert.subject.starts_with("CN="), "{}", cert.subject);
    assert!(cert.subject.ends_with("C=JP"), "{}", cert.subject);
    assert!(cert.issuer.contains("O=JPKI-TEST"), "{}", cert.issuer);
    assert_eq!(cert.rsa_public_key.bits(), 2048);
    assert!(cert.is_valid_at(std::time::SystemTime::now()));

    // SELECT AP + SELECT EF + one short read per 256 bytes, nothing more.
    let reads = expected_der.len().div_ceil(256);
    assert_eq!(tap.link().trace().totals().apdus, 2 + reads);
    assert!(t.commands_reached_card().iter().all(|c| c.len() <= 261));
}

#[tokio::test]
async fn reads_the_certificate_in_one_extended_read_when_the_reader_can() {
    let card = card_a();
    let t = tap_on(&card, ReaderCapabilities::EXTENDED);
    let mut session = CardSession::new();
    let mut tap = session.tap(dyn_transport(&t)).await.unwrap();
    let cert = tap.certificate().await.unwrap();
    assert_eq!(cert.serial.to_decimal(), Some(u128::from(SERIAL_A)));
    assert_eq!(
        tap.link().trace().totals().apdus,
        3,
        "SELECT AP, SELECT EF, one READ"
    );
}

#[tokio::test]
async fn a_card_that_refuses_extended_length_is_read_with_short_reads() {
    let card = card_a();
    card.lock().unwrap().set_extended_length(false);
    let t = tap_on(&card, ReaderCapabilities::EXTENDED);
    let mut session = CardSession::new();
    let mut tap = session.tap(dyn_transport(&t)).await.unwrap();
    let cert = tap.certificate().await.unwrap();
    assert_eq!(cert.serial.to_decimal(), Some(u128::from(SERIAL_A)));
    let refused = tap
        .link()
        .trace()
        .entries()
        .filter(|e| {
            e.outcome
                == TraceOutcome::Answered {
                    response_len: 0,
                    sw: StatusWord::WRONG_LENGTH,
                }
        })
        .count();
    assert_eq!(refused, 1, "one extended try, then short reads");
    assert_eq!(tap.link().read_strategy(), ReadStrategy::Short);
}

#[tokio::test]
async fn verifies_the_pin_and_signs_a_hash_that_the_certificate_verifies() {
    let card = card_a();
    let t = phone_tap(&card);
    let mut session = CardSession::new();
    session.enter_pin(Pin::user_auth(PIN).unwrap());
    let mut tap = session.tap(dyn_transport(&t)).await.unwrap();
    let cert = tap.certificate().await.unwrap();
    assert_eq!(
        tap.pin_status(PinKind::UserAuth).await.unwrap(),
        PinStatus::TriesLeft(3)
    );
    tap.verify(PinKind::UserAuth, LastTry::Refuse)
        .await
        .unwrap();
    let digest: [u8; 32] = Sha256::digest(b"challenge from the platform").into();
    let signature = tap.sign(&digest).await.unwrap();
    assert_eq!(signature.len(), 256);
    assert!(signature_verifies(&cert, &digest, &signature));
    let other: [u8; 32] = Sha256::digest(b"something else").into();
    assert!(!signature_verifies(&cert, &other, &signature));
    drop(tap);
    assert!(
        !session.has_pin(PinKind::UserAuth),
        "the PIN is wiped after success"
    );
    assert_eq!(tries_left(&card), 3);
}

#[tokio::test]
async fn signing_without_a_verified_pin_sends_nothing_and_says_why() {
    let card = card_a();
    let t = phone_tap(&card);
    let mut session = CardSession::new();
    let mut tap = session.tap(dyn_transport(&t)).await.unwrap();
    let before = t.exchanges();
    let err = tap.sign(&[0u8; 32]).await.unwrap_err();
    assert!(matches!(err, CardError::NotVerified(_)), "{err:?}");
    assert_eq!(t.exchanges(), before);
}

#[tokio::test]
async fn the_trace_never_holds_the_pin() {
    let card = card_a();
    let t = phone_tap(&card);
    let mut session = CardSession::new();
    session.enter_pin(Pin::user_auth(PIN).unwrap());
    let mut tap = session.tap(dyn_transport(&t)).await.unwrap();
    tap.verify(PinKind::UserAuth, LastTry::Refuse)
        .await
        .unwrap();
    let entries: Vec<_> = tap.link().trace().entries().cloned().collect();
    let verify = entries
        .iter()
        .find(|e| e.header[1] == ins::VERIFY && e.data_len == 4)
        .unwrap();
    assert_eq!(verify.data, None);
    let text: String = entries.iter().map(|e| format!("{e}\n{e:?}\n")).collect();
    assert!(!text.contains("31 32 33 34"), "{text}");
    assert!(!text.contains("49, 50, 51, 52"), "{text}");
    assert!(text.contains("<redacted>"));
}

#[tokio::test]
async fn reads_the_basic_four_items_with_the_card_info_pin_and_never_the_my_number() {
    let card = card_a();
    let t = phone_tap(&card);
    let mut session = CardSession::new();
    session.enter_pin(Pin::card_info(CARD_INFO_PIN).unwrap());
    let mut tap = session.tap(dyn_transport(&t)).await.unwrap();
    assert!(matches!(
        tap.basic_four().await,
        Err(CardError::NotVerified(_))
    ));
    tap.verify(PinKind::CardInfo, LastTry::Refuse)
        .await
        .unwrap();
    let four = tap.basic_four().await.unwrap();
    assert_eq!(four.name, NAME);
    assert_eq!(four.address, ADDRESS);
    assert_eq!(four.birth_date, BIRTH_DATE);
    assert_eq!(four.sex, Sex::Female);
    let my_number_ef = files::card_info::MY_NUMBER.to_be_bytes();
    assert!(
        !t.commands_reached_card()
            .iter()
            .any(|c| c[1] == ins::SELECT && c[2] == 0x02 && c.ends_with(&my_number_ef)),
        "the My Number file is never selected"
    );
}

#[tokio::test]
async fn reads_the_card_face_items_with_code_b() {
    let card = card_a();
    let t = phone_tap(&card);
    let mut session = CardSession::new();
    session.enter_pin(Pin::code_b(CODE_B).unwrap());
    let mut tap = session.tap(dyn_transport(&t)).await.unwrap();
    assert_eq!(
        tap.pin_status(PinKind::CardInfoCodeB).await.unwrap(),
        PinStatus::TriesLeft(10)
    );
    tap.verify(PinKind::CardInfoCodeB, LastTry::Refuse)
        .await
        .unwrap();
    assert_eq!(tap.basic_four().await.unwrap().birth_date, "19890401");
    // 照合番号B went to its own key (0015); nothing ever reached 照合番号A (0014).
    assert_eq!(t.verifies_reached_pin(cardsim::PinId::CodeB), 1);
    assert_eq!(t.verifies_reached_pin(cardsim::PinId::CodeA), 0);
    assert_eq!(card.lock().unwrap().tries_left(cardsim::PinId::CodeA), 10);
}

/// A contactless card that is not a My Number Card: every SELECT fails.
struct ForeignCard;

#[async_trait::async_trait]
impl CardTransport for ForeignCard {
    fn capabilities(&self) -> ReaderCapabilities {
        ReaderCapabilities::SHORT_ONLY
    }
    async fn transceive(&self, _command: &[u8]) -> Result<Vec<u8>, TransportError> {
        Ok(Response::status(StatusWord::NOT_FOUND).encode())
    }
}

#[tokio::test]
async fn another_kind_of_card_is_named_as_such() {
    let mut session = CardSession::new();
    session.enter_pin(Pin::user_auth(PIN).unwrap());
    let err = session
        .tap(std::sync::Arc::new(ForeignCard))
        .await
        .err()
        .unwrap();
    assert_eq!(err, CardError::NotMyNumberCard("JPKI"));
    assert!(
        session.has_pin(PinKind::UserAuth),
        "nothing the holder typed is lost"
    );
}
