//! Reader and phone quirks from public field reports, each injected between
//! the core and a simulated card, with the PIN-try counter checked after each:
//! a driver that refuses extended APDUs with a transport error, a phone whose
//! answers cannot carry a signature, a card reset by the reader before a
//! command, transient read failures (timeouts, error status words, empty or
//! short answers), `61xx` response chaining, and a VERIFY that is never re-sent.

mod support;

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use cardsim::{SharedCard, SimTransport};
use mynapoint_core::card::{
    CardError, CardSession, CardTransport, ReaderCapabilities, TransportError, READ_RETRIES,
};
use mynapoint_core::pin::{LastTry, Pin, PinError, PinKind};
use sha2::{Digest, Sha256};
use support::*;

/// What the quirky reader does to one exchange (numbered from 1).
#[derive(Debug, Clone, Copy)]
enum Quirk {
    /// The card is reset before the command reaches it: `CardReset`.
    ResetBefore,
    /// The command reaches nobody; the reader answers this status word.
    Status(u16),
    /// The card processes the command; only `90 00` comes back.
    EmptyAnswer,
    /// The card processes the command; half its data comes back (then SW).
    HalfAnswer,
    /// The reader gives up waiting before the card saw the command: `Timeout`,
    /// and the connection stays (a USB reader, not a phone losing the tag).
    TimeoutBefore,
    /// The card processes the command, the reader gives up waiting: `Timeout`.
    TimeoutAfter,
}

/// A reader between the core and a simulated card.
struct QuirkyReader {
    inner: Arc<SimTransport>,
    caps: ReaderCapabilities,
    /// Extended-length APDUs fail in the driver (`SCARD_E_NOT_TRANSACTED`).
    refuse_extended: bool,
    /// Long answers come in pieces of this size, the rest by GET RESPONSE.
    chain_above: Option<usize>,
    quirks: Mutex<BTreeMap<usize, Quirk>>,
    state: Mutex<ReaderState>,
}

#[derive(Default)]
struct ReaderState {
    exchanges: usize,
    extended_sent: usize,
    pending: VecDeque<u8>,
    sent: Vec<Vec<u8>>,
}

impl QuirkyReader {
    fn new(card: &SharedCard, caps: ReaderCapabilities) -> Arc<Self> {
        Arc::new(QuirkyReader {
            inner: Arc::new(SimTransport::with_capabilities(
                card.clone(),
                ReaderCapabilities::EXTENDED,
            )),
            caps,
            refuse_extended: false,
            chain_above: None,
            quirks: Mutex::default(),
            state: Mutex::default(),
        })
    }

    fn with(
        card: &SharedCard,
        caps: ReaderCapabilities,
        f: impl FnOnce(&mut QuirkyReader),
    ) -> Arc<Self> {
        let mut reader = Arc::into_inner(Self::new(card, caps)).unwrap();
        f(&mut reader);
        Arc::new(reader)
    }

    fn on(&self, n: usize, quirk: Quirk) -> &Self {
        self.quirks.lock().unwrap().insert(n, quirk);
        self
    }

    fn exchanges(&self) -> usize {
        self.state.lock().unwrap().exchanges
    }

    fn sent(&self) -> Vec<Vec<u8>> {
        self.state.lock().unwrap().sent.clone()
    }

    fn reads_sent(&self) -> usize {
        self.sent().iter().filter(|c| c[1] == 0xB0).count()
    }
}

/// Extended length: a zero byte where a short Lc or Le would be, then two more.
fn is_extended(command: &[u8]) -> bool {
    command.len() >= 7 && command[4] == 0x00
}

#[async_trait]
impl CardTransport for QuirkyReader {
    fn capabilities(&self) -> ReaderCapabilities {
        self.caps
    }

    async fn transceive(&self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let quirk = {
            let mut s = self.state.lock().unwrap();
            s.exchanges += 1;
            s.sent.push(command.to_vec());
            self.quirks.lock().unwrap().get(&s.exchanges).copied()
        };
        if is_extended(command) {
            self.state.lock().unwrap().extended_sent += 1;
            if self.refuse_extended {
                return Err(TransportError::Io("SCARD_E_NOT_TRANSACTED".into()));
            }
        }
        if command[1] == 0xC0 {
            let mut s = self.state.lock().unwrap();
            if !s.pending.is_empty() {
                let want = match command[4] {
                    0 => 256,
                    n => n as usize,
                };
                let take = want.min(s.pending.len());
                let mut out: Vec<u8> = s.pending.drain(..take).collect();
                match s.pending.len() {
                    0 => out.extend([0x90, 0x00]),
                    left => out.extend([0x61, left.min(255) as u8]),
                }
                return Ok(out);
            }
        }
        match quirk {
            Some(Quirk::ResetBefore) => {
                self.inner.card().lock().unwrap().power_reset();
                return Err(TransportError::CardReset);
            }
            Some(Quirk::Status(sw)) => return Ok(sw.to_be_bytes().to_vec()),
            Some(Quirk::TimeoutBefore) => return Err(TransportError::Timeout),
            _ => {}
        }
        let mut answer = self.inner.transceive(command).await?;
        if let Some(Quirk::TimeoutAfter) = quirk {
            return Err(TransportError::Timeout);
        }
        let sw = answer.split_off(answer.len() - 2);
        match quirk {
            Some(Quirk::EmptyAnswer) => answer.clear(),
            Some(Quirk::HalfAnswer) => answer.truncate(answer.len() / 2),
            _ => {}
        }
        if let Some(piece) = self.chain_above {
            if answer.len() > piece && sw == [0x90, 0x00] {
                let rest = answer.split_off(piece);
                let left = rest.len();
                self.state.lock().unwrap().pending = rest.into();
                answer.extend([0x61, left.min(255) as u8]);
                return Ok(answer);
            }
        }
        answer.extend(sw);
        Ok(answer)
    }
}

fn dynr(r: &Arc<QuirkyReader>) -> Arc<dyn CardTransport> {
    r.clone()
}

const SMALL_PHONE: ReaderCapabilities = ReaderCapabilities {
    max_command_len: 200,
    max_response_len: 200,
    extended_length: false,
};

#[tokio::test]
async fn a_driver_that_refuses_extended_apdus_gets_short_reads_for_the_whole_session() {
    let card = card_a();
    let mut session = CardSession::new();
    let first = QuirkyReader::with(&card, ReaderCapabilities::EXTENDED, |r| {
        r.refuse_extended = true
    });
    let mut tap = session.tap(dynr(&first)).await.unwrap();
    let cert = tap.certificate().await.unwrap();
    assert_eq!(cert.der, card.lock().unwrap().auth_certificate_der());
    drop(tap);
    assert_eq!(
        first.state.lock().unwrap().extended_sent,
        1,
        "tried once, then short"
    );
    assert!(session.reader_memory().extended_refused());

    // The next tap of the same session does not try extended length again.
    let second = QuirkyReader::with(&card, ReaderCapabilities::EXTENDED, |r| {
        r.refuse_extended = true
    });
    let mut tap = session.tap(dynr(&second)).await.unwrap();
    tap.certificate().await.unwrap();
    drop(tap);
    assert_eq!(second.state.lock().unwrap().extended_sent, 0);
    assert_eq!(tries_left(&card), 3);
}

#[tokio::test]
async fn a_phone_that_cannot_carry_a_signature_is_refused_before_any_pin_is_sent() {
    let card = card_a();
    let reader = QuirkyReader::new(&card, SMALL_PHONE);
    let mut session = CardSession::new();
    let mut tap = session.tap(dynr(&reader)).await.unwrap();
    // Reading works: chunks fit the phone.
    let cert = tap.certificate().await.unwrap();
    assert_eq!(cert.der, card.lock().unwrap().auth_certificate_der());
    assert!(reader
        .sent()
        .iter()
        .filter(|c| c[1] == 0xB0)
        .all(|c| c[4] as usize <= 198));

    tap.enter_pin(Pin::user_auth(PIN).unwrap());
    let err = tap
        .verify(PinKind::UserAuth, LastTry::Refuse)
        .await
        .unwrap_err();
    match &err {
        PinError::Card(CardError::ReaderCannotCarrySignature {
            max_response_data,
            needed,
        }) => {
            assert_eq!((*max_response_data, *needed), (198, 256));
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.may_have_spent_a_try());
    assert!(err.to_string().contains("no PIN try was spent"), "{err}");
    assert!(
        reader.sent().iter().all(|c| c[1] != 0x20),
        "no VERIFY, not even the retry query"
    );
    assert_eq!(tries_left(&card), 3);
}

#[tokio::test]
async fn a_signature_chained_with_61xx_is_gathered_with_get_response() {
    let card = card_a();
    let reader = QuirkyReader::with(&card, ReaderCapabilities::SHORT_ONLY, |r| {
        r.chain_above = Some(128)
    });
    let mut session = CardSession::new();
    let mut tap = session.tap(dynr(&reader)).await.unwrap();
    let cert = tap.certificate().await.unwrap();
    tap.enter_pin(Pin::user_auth(PIN).unwrap());
    tap.verify(PinKind::UserAuth, LastTry::Refuse)
        .await
        .unwrap();
    let digest: [u8; 32] = Sha256::digest(b"chained").into();
    let signature = tap.sign(&digest).await.unwrap();
    assert!(signature_verifies(&cert, &digest, &signature));
    assert!(
        reader.sent().iter().any(|c| c[1] == 0xC0),
        "GET RESPONSE was used"
    );
    assert_eq!(tries_left(&card), 3);
}

#[tokio::test]
async fn a_card_reset_before_verify_was_sent_is_not_a_spent_try() {
    let card = card_a();
    let mut session = CardSession::new();
    let reader = QuirkyReader::new(&card, ReaderCapabilities::SHORT_ONLY);
    let mut tap = session.tap(dynr(&reader)).await.unwrap();
    tap.pin_status(PinKind::UserAuth).await.unwrap();
    // The counter is known in this tap: the next exchange is the VERIFY.
    let n = reader.exchanges();
    reader.on(n + 1, Quirk::ResetBefore);
    tap.enter_pin(Pin::user_auth(PIN).unwrap());
    let err = tap
        .verify(PinKind::UserAuth, LastTry::Refuse)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        PinError::Card(CardError::Transport(TransportError::CardReset))
    );
    assert!(!err.may_have_spent_a_try());
    assert!(!err.to_string().contains("may have counted"), "{err}");
    drop(tap);
    assert!(!session.pin_in_doubt(PinKind::UserAuth));
    assert_eq!(tries_left(&card), 3);
    assert_eq!(reader.inner.verifies_reached_card(), 0);
    assert!(
        !session.has_pin(PinKind::UserAuth),
        "the PIN is used once and wiped"
    );

    // The holder types it again on a new tap: verified, one VERIFY in all.
    let again = QuirkyReader::new(&card, ReaderCapabilities::SHORT_ONLY);
    let mut tap = session.tap(dynr(&again)).await.unwrap();
    assert!(tap.report().recheck.is_none());
    tap.enter_pin(Pin::user_auth(PIN).unwrap());
    tap.verify(PinKind::UserAuth, LastTry::Refuse)
        .await
        .unwrap();
    assert_eq!(again.inner.verifies_reached_card(), 1);
    assert_eq!(tries_left(&card), 3);
}

#[tokio::test]
async fn a_timeout_after_verify_is_never_followed_by_a_second_verify() {
    let card = card_a();
    let mut session = CardSession::new();
    let reader = QuirkyReader::new(&card, ReaderCapabilities::SHORT_ONLY);
    let mut tap = session.tap(dynr(&reader)).await.unwrap();
    tap.pin_status(PinKind::UserAuth).await.unwrap();
    // The counter is known in this tap: the next exchange (the simulator
    // counts from 0) is the VERIFY; the card processes it, no answer comes.
    let n = reader.exchanges();
    reader.inner.time_out_after(n);
    tap.enter_pin(Pin::user_auth(WRONG_PIN).unwrap());
    let err = tap
        .verify(PinKind::UserAuth, LastTry::Refuse)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            PinError::MaybeCounted {
                tries_before: 3,
                ..
            }
        ),
        "{err:?}"
    );
    drop(tap);
    assert_eq!(
        reader.inner.verifies_reached_card(),
        1,
        "sent once, never again"
    );
    assert_eq!(tries_left(&card), 2, "the wrong PIN counted on the card");
    assert!(session.pin_in_doubt(PinKind::UserAuth));
}

/// Reads the certificate through `reader` and returns the session's outcome.
async fn read_cert(card: &SharedCard, reader: &Arc<QuirkyReader>) -> Result<Vec<u8>, CardError> {
    let mut session = CardSession::new();
    let mut tap = session.tap(dynr(reader)).await?;
    let cert = tap.certificate().await?;
    assert_eq!(cert.der, card.lock().unwrap().auth_certificate_der());
    Ok(cert.der)
}

#[tokio::test]
async fn each_transient_read_failure_is_read_again() {
    // Exchanges on a phone: 1 SELECT AP, 2 SELECT EF, 3 first READ, 4.. the rest.
    let cases: Vec<(&str, Quirk, usize)> = vec![
        ("card reset before a mid-file read", Quirk::ResetBefore, 2),
        ("6F00 no precise diagnosis", Quirk::Status(0x6F00), 0),
        ("6581 memory failure", Quirk::Status(0x6581), 0),
        ("6400 execution error", Quirk::Status(0x6400), 0),
        (
            "an empty answer where the file has more",
            Quirk::EmptyAnswer,
            0,
        ),
    ];
    for (what, quirk, reselects) in cases {
        let card = card_a();
        let reader = QuirkyReader::new(&card, ReaderCapabilities::SHORT_ONLY);
        reader.on(5, quirk);
        read_cert(&card, &reader)
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let len = card.lock().unwrap().auth_certificate_der().len();
        let expected = 2 + len.div_ceil(256) + 1 + reselects;
        assert_eq!(
            reader.exchanges(),
            expected,
            "{what}: one more read (and re-selects)"
        );
        assert_eq!(tries_left(&card), 3, "{what}");
    }

    // A short answer is continued from where it ended.
    let card = card_a();
    let reader = QuirkyReader::new(&card, ReaderCapabilities::SHORT_ONLY);
    reader.on(4, Quirk::HalfAnswer);
    read_cert(&card, &reader).await.unwrap();

    // Timeouts (before or after the card saw the READ) are read again too;
    // the card's selection is unknown after them, so it is selected again.
    for quirk in [Quirk::TimeoutBefore, Quirk::TimeoutAfter] {
        let card = card_a();
        let reader = QuirkyReader::new(&card, ReaderCapabilities::SHORT_ONLY);
        reader.on(5, quirk);
        read_cert(&card, &reader).await.unwrap();
        let len = card.lock().unwrap().auth_certificate_der().len();
        assert_eq!(
            reader.exchanges(),
            2 + len.div_ceil(256) + 1 + 2,
            "{quirk:?}"
        );
        assert_eq!(tries_left(&card), 3);
    }
}

#[tokio::test]
async fn retries_are_bounded_and_a_lost_tag_is_not_retried() {
    let card = card_a();
    let reader = QuirkyReader::new(&card, ReaderCapabilities::SHORT_ONLY);
    for n in 4..4 + READ_RETRIES + 1 {
        reader.on(n, Quirk::Status(0x6F00));
    }
    let err = read_cert(&card, &reader).await.unwrap_err();
    assert!(matches!(err, CardError::Refused { .. }), "{err:?}");
    assert_eq!(
        reader.reads_sent(),
        1 + 1 + READ_RETRIES,
        "first read, then 1 + retries at offset 256"
    );

    let card = card_a();
    let reader = QuirkyReader::new(&card, ReaderCapabilities::SHORT_ONLY);
    reader.inner.lose_tag_before(3);
    let err = read_cert(&card, &reader).await.unwrap_err();
    assert!(err.is_tag_lost(), "{err:?}");
    assert_eq!(
        reader.exchanges(),
        4,
        "lost at the second READ, nothing sent after"
    );
}
