//! The core reproduces, byte for byte, the hand-written APDU transcripts in
//! `tests/golden/` (see its README): one test per operation.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use mynapoint_core::card::{CardSession, CardTransport, ReaderCapabilities, TransportError};
use mynapoint_core::pin::{LastTry, Pin, PinKind, PinStatus};
use sha2::{Digest, Sha256};

/// One parsed transcript.
struct Transcript {
    op: String,
    caps: ReaderCapabilities,
    pin: Option<String>,
    /// (expected command, answer), in order.
    exchanges: Vec<(Vec<u8>, Vec<u8>)>,
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn hex_byte(token: &str, line: usize) -> u8 {
    u8::from_str_radix(token, 16)
        .unwrap_or_else(|_| panic!("line {line}: `{token}` is not a hex byte"))
}

/// Expands one answer token: a hex byte, `cert[A..B]` or `repeat(HH,N)`.
fn answer_bytes(token: &str, cert: &[u8], line: usize) -> Vec<u8> {
    if let Some(range) = token
        .strip_prefix("cert[")
        .and_then(|t| t.strip_suffix(']'))
    {
        let (a, b) = range.split_once("..").expect("cert[A..B]");
        let (a, b): (usize, usize) = (a.parse().unwrap(), b.parse().unwrap());
        assert!(
            b <= cert.len(),
            "line {line}: cert has {} bytes",
            cert.len()
        );
        return cert[a..b].to_vec();
    }
    if let Some(args) = token
        .strip_prefix("repeat(")
        .and_then(|t| t.strip_suffix(')'))
    {
        let (byte, n) = args.split_once(',').expect("repeat(HH,N)");
        return vec![hex_byte(byte, line); n.parse().unwrap()];
    }
    vec![hex_byte(token, line)]
}

fn parse(name: &str) -> Transcript {
    let text = std::fs::read_to_string(golden_dir().join(name)).unwrap();
    let cert = std::fs::read(golden_dir().join("auth-cert.der")).unwrap();
    let mut t = Transcript {
        op: String::new(),
        caps: ReaderCapabilities::SHORT_ONLY,
        pin: None,
        exchanges: Vec::new(),
    };
    let mut pending: Option<Vec<u8>> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap().trim();
        let n = i + 1;
        if line.is_empty() {
            continue;
        }
        let (head, rest) = line.split_once(' ').unwrap_or((line, ""));
        match head {
            "op" => t.op = rest.to_owned(),
            "pin" => t.pin = Some(rest.to_owned()),
            "reader" => {
                t.caps = match rest {
                    "short" => ReaderCapabilities::SHORT_ONLY,
                    "extended" => ReaderCapabilities::EXTENDED,
                    other => panic!("line {n}: reader {other}"),
                }
            }
            ">" => {
                assert!(pending.is_none(), "line {n}: two commands in a row");
                pending = Some(rest.split_whitespace().map(|b| hex_byte(b, n)).collect());
            }
            "<" => {
                let command = pending
                    .take()
                    .unwrap_or_else(|| panic!("line {n}: no command"));
                let answer = rest
                    .split_whitespace()
                    .flat_map(|tok| answer_bytes(tok, &cert, n))
                    .collect();
                t.exchanges.push((command, answer));
            }
            other => panic!("line {n}: unknown line `{other}`"),
        }
    }
    assert!(pending.is_none(), "a command without an answer at the end");
    t
}

/// A card that answers the transcript and records what it was sent.
struct ScriptedCard {
    caps: ReaderCapabilities,
    script: Mutex<VecDeque<(Vec<u8>, Vec<u8>)>>,
    mismatches: Mutex<Vec<String>>,
}

#[async_trait]
impl CardTransport for ScriptedCard {
    fn capabilities(&self) -> ReaderCapabilities {
        self.caps
    }

    async fn transceive(&self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let next = self.script.lock().unwrap().pop_front();
        match next {
            Some((expected, answer)) if expected == command => Ok(answer),
            Some((expected, _)) => {
                self.mismatches.lock().unwrap().push(format!(
                    "sent     {}\nexpected {}",
                    hex::encode_upper(command),
                    hex::encode_upper(expected)
                ));
                Err(TransportError::Io("transcript mismatch".into()))
            }
            None => {
                self.mismatches.lock().unwrap().push(format!(
                    "sent {} after the transcript ended",
                    hex::encode_upper(command)
                ));
                Err(TransportError::Io("transcript ended".into()))
            }
        }
    }
}

/// Runs the transcript's operation and checks every line was used, in order.
async fn replay(name: &str) {
    let t = parse(name);
    let card = Arc::new(ScriptedCard {
        caps: t.caps,
        script: Mutex::new(t.exchanges.into()),
        mismatches: Mutex::new(Vec::new()),
    });
    let mut session = CardSession::new();
    let outcome = run(&t.op, t.pin.as_deref(), &mut session, card.clone()).await;
    let mismatches = card.mismatches.lock().unwrap().clone();
    assert!(mismatches.is_empty(), "{name}:\n{}", mismatches.join("\n"));
    outcome.unwrap_or_else(|e| panic!("{name}: {e}"));
    let left = card.script.lock().unwrap().len();
    assert_eq!(
        left, 0,
        "{name}: {left} exchanges of the transcript were not sent"
    );
}

async fn run(
    op: &str,
    pin: Option<&str>,
    session: &mut CardSession,
    card: Arc<ScriptedCard>,
) -> Result<(), String> {
    let mut tap = session.tap(card).await.map_err(|e| e.to_string())?;
    match op {
        "certificate" => {
            let info = tap.certificate().await.map_err(|e| e.to_string())?;
            assert_eq!(info.serial.to_hex(), "12345678");
        }
        "pin-status" => {
            let status = tap
                .pin_status(PinKind::UserAuth)
                .await
                .map_err(|e| e.to_string())?;
            assert_eq!(status, PinStatus::TriesLeft(3));
        }
        "verify-and-sign" => {
            tap.enter_pin(Pin::user_auth(pin.unwrap()).unwrap());
            tap.verify(PinKind::UserAuth, LastTry::Refuse)
                .await
                .map_err(|e| e.to_string())?;
            let digest: [u8; 32] = Sha256::digest(b"abc").into();
            let signature = tap.sign(&digest).await.map_err(|e| e.to_string())?;
            assert_eq!(signature, vec![0x5A; 256]);
        }
        "basic-four-pin" | "basic-four-code-b" => {
            let (kind, pin) = if op == "basic-four-pin" {
                (PinKind::CardInfo, Pin::card_info(pin.unwrap()).unwrap())
            } else {
                (PinKind::CardInfoCodeB, Pin::code_b(pin.unwrap()).unwrap())
            };
            tap.enter_pin(pin);
            tap.verify(kind, LastTry::Refuse)
                .await
                .map_err(|e| e.to_string())?;
            let four = tap.basic_four().await.map_err(|e| e.to_string())?;
            assert_eq!(four.name, "番号\u{3000}花子");
            assert_eq!(four.birth_date, "19900401");
        }
        other => panic!("unknown op {other}"),
    }
    Ok(())
}

#[tokio::test]
async fn reads_the_certificate_on_a_phone() {
    replay("card_info_short.apdu").await;
}

#[tokio::test]
async fn reads_the_certificate_with_extended_length() {
    replay("card_info_extended.apdu").await;
}

#[tokio::test]
async fn reads_the_retry_counter() {
    replay("pin_status.apdu").await;
}

#[tokio::test]
async fn verifies_and_signs() {
    replay("verify_and_sign.apdu").await;
}

#[tokio::test]
async fn reads_the_basic_four_with_the_card_info_pin() {
    replay("basic_four_pin.apdu").await;
}

#[tokio::test]
async fn reads_the_basic_four_with_code_b_at_0015() {
    replay("card_face_code_b.apdu").await;
}

#[test]
fn every_transcript_has_a_test() {
    let mut files: Vec<String> = std::fs::read_dir(golden_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".apdu"))
        .collect();
    files.sort();
    let source = include_str!("golden.rs");
    for f in files {
        assert!(
            source.contains(&format!("replay(\"{f}\")")),
            "{f} is not replayed"
        );
    }
}
