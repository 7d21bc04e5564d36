//! `mynapoint card …` end to end: cardsim on the vpcd virtual reader of a
//! real pcscd, the `mynapoint` binary as a user runs it.
//!
//! Every test takes the reader harness (one card on the one virtual reader at
//! a time, across test binaries too), creates its own card's state file in a
//! temporary directory and attaches it; PIN counters are checked in that file,
//! which is the card.

mod support;

use base64::Engine as _;
use cardsim::{PinId, SimCard};
use mynapoint_core::card::CertificateInfo;
use std::path::Path;
use std::sync::{Arc, Mutex};

use mynapoint_e2e::vpcd::ScriptedCard;
use mynapoint_e2e::{card_event_count, Pcscd, VIRTUAL_READER};
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha2::{Digest, Sha256};
use support::*;

const R: &str = VIRTUAL_READER;

/// The VERIFY commands that carried a PIN (not the 4-byte counter queries).
fn verifies_with_pin(card: &AttachedCard) -> Vec<String> {
    card.apdus()
        .into_iter()
        .filter(|a| a.starts_with("00 20 ") && !a.ends_with("(4 bytes)"))
        .collect()
}

fn reads(card: &AttachedCard) -> Vec<String> {
    card.apdus()
        .into_iter()
        .filter(|a| a.starts_with("00 B0 "))
        .collect()
}

/// Sets a PIN's counter in the state file (the card must not be attached).
fn set_tries(path: &Path, pin: PinId, tries: u8) {
    let mut state = load(path);
    state.pins.get_mut(pin).tries_left = tries;
    state.save(path).unwrap();
}

#[test]
fn readers_shows_the_card_and_the_default_reader_is_the_one_with_it() {
    let pcscd = pcscd();
    let dir = tempfile::tempdir().unwrap();
    let path = create_card(dir.path(), 0x0010_0001);
    let card = AttachedCard::insert(&pcscd, &path);

    let out = mynapoint(&["readers", "--json"], "");
    assert_exit(&out, 0);
    let v = json(&out);
    let ours = v["readers"]
        .as_array()
        .expect("readers array")
        .iter()
        .find(|r| r["name"] == R)
        .unwrap_or_else(|| panic!("{R} not listed: {v}"));
    assert_eq!(ours["card_present"], true, "{v}");

    // No --reader: the first reader with a card, i.e. ours.
    let out = mynapoint(&["card", "info", "--json"], "");
    assert_exit(&out, 0);
    assert_eq!(json(&out)["serial_decimal"], "1048577");
    assert!(!card.apdus().is_empty(), "the card was not used");
}

#[test]
fn card_info_by_name_and_by_index() {
    let pcscd = pcscd();
    let dir = tempfile::tempdir().unwrap();
    let serial = 0x0123_4567u32;
    let path = create_card(dir.path(), serial);
    let card = AttachedCard::insert(&pcscd, &path);

    let out = mynapoint(&["card", "info", "--json", "--reader", R], "");
    assert_exit(&out, 0);
    let v = json(&out);
    assert_eq!(v["serial_decimal"], serial.to_string(), "{v}");
    assert_eq!(v["serial_hex"], "01234567", "{v}");
    let issuer = v["issuer"].as_str().unwrap();
    assert!(issuer.contains("O=JPKI-TEST"), "{issuer}");
    assert!(issuer.contains("JPKI for user authentication"), "{issuer}");
    assert_eq!(v["key_bits"], 2048);
    assert_eq!(v["valid_now"], true);
    let subject = v["subject"].as_str().unwrap();
    assert!(
        subject.starts_with("CN=") && subject.ends_with("C=JP"),
        "{subject}"
    );
    // Same certificate as the card holds.
    let cert = CertificateInfo::parse(&load(&path).auth_cert).unwrap();
    assert_eq!(v["subject"], cert.subject.as_str());
    // RFC 3339 in UTC, the zone stated.
    assert_eq!(
        v["not_after"],
        mynapoint_desktop::commands::card::rfc3339_utc(cert.not_after_unix())
    );
    assert!(
        v["not_before"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{v}"
    );

    // Without --extended-length only short READ BINARYs went to the card.
    let r = reads(&card);
    let cert_len = load(&path).auth_cert.len();
    assert!(r.len() >= cert_len.div_ceil(256), "{r:?}");
    assert!(r.iter().all(|a| a.ends_with("(5 bytes)")), "{r:?}");

    // By index: the virtual reader's position in `mynapoint readers`.
    let listed = json(&mynapoint(&["readers", "--json"], ""));
    let index = listed["readers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == R)
        .unwrap()["index"]
        .to_string();
    assert_eq!(index, "0", "the virtual reader is the first one here");
    let out = mynapoint(&["card", "info", "--reader", &index], "");
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("certificate serial (issue number): 01234567 (decimal 19088743)"),
        "{text}"
    );
    assert!(text.contains("O=JPKI-TEST"), "{text}");
}

#[test]
fn extended_length_reads_the_certificate_in_one_command() {
    let pcscd = pcscd();
    let dir = tempfile::tempdir().unwrap();
    let path = create_card(dir.path(), 0x0020_0002);
    let card = AttachedCard::insert(&pcscd, &path);

    let out = mynapoint(
        &["card", "info", "--json", "--extended-length", "--reader", R],
        "",
    );
    assert_exit(&out, 0);
    assert_eq!(json(&out)["serial_hex"], "200002");
    let r = reads(&card);
    assert_eq!(r.len(), 1, "one extended READ BINARY: {r:?}");
    assert!(r[0].ends_with("(7 bytes)"), "{r:?}");
    card.remove(&pcscd);

    // A card that refuses extended length (6700): read again, with short reads.
    let card = AttachedCard::insert_with(&pcscd, &path, |c| c.set_extended_length(false));
    let out = mynapoint(
        &["card", "info", "--json", "--extended-length", "--reader", R],
        "",
    );
    assert_exit(&out, 0);
    assert_eq!(json(&out)["serial_hex"], "200002");
    let r = reads(&card);
    assert!(r.len() > 2, "{r:?}");
    assert!(r[1..].iter().all(|a| a.ends_with("(5 bytes)")), "{r:?}");
}

#[test]
fn right_and_wrong_pin_and_the_counter_in_the_card() {
    let pcscd = pcscd();
    let dir = tempfile::tempdir().unwrap();
    let path = create_card(dir.path(), 0x0030_0003);
    let card = AttachedCard::insert(&pcscd, &path);

    let out = mynapoint(&["card", "pin-status", "--json", "--reader", R], "");
    assert_exit(&out, 0);
    let v = json(&out);
    assert_eq!(v["tries_left"], 3, "{v}");
    assert_eq!(v["locked"], false, "{v}");
    let out = mynapoint(&["card", "pin-status", "--reader", R], "");
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("3 of 3 tries left"),
        "{}",
        stdout(&out)
    );
    assert!(
        verifies_with_pin(&card).is_empty(),
        "pin-status spent a try"
    );

    let out = mynapoint(
        &["card", "verify", "--pin-stdin", "--reader", R],
        &format!("{PIN}\n"),
    );
    assert_exit(&out, 0);
    assert!(stdout(&out).contains("PIN verified"), "{}", stdout(&out));
    assert_eq!(auth_tries(&path), 3);

    let out = mynapoint(
        &["card", "verify", "--pin-stdin", "--reader", R],
        &format!("{WRONG_PIN}\n"),
    );
    assert_exit(&out, 6);
    assert!(stderr(&out).contains("2 tries left"), "{}", stderr(&out));
    assert_eq!(auth_tries(&path), 2, "the wrong PIN is in the card's file");

    let out = mynapoint(
        &["card", "verify", "--pin-stdin", "--json", "--reader", R],
        &format!("{WRONG_PIN}\n"),
    );
    assert_exit(&out, 6);
    let v = json(&out);
    assert_eq!(v["error"]["code"], "wrong_pin", "{v}");
    assert_eq!(v["error"]["exit_code"], 6, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("1 try left"),
        "{v}"
    );
    assert_eq!(auth_tries(&path), 1);

    let out = mynapoint(&["card", "pin-status", "--json", "--reader", R], "");
    assert_exit(&out, 0);
    assert_eq!(json(&out)["tries_left"], 1);

    // The right PIN on the last try, confirmed: the counter is full again.
    let out = mynapoint(
        &[
            "card",
            "verify",
            "--pin-stdin",
            "--confirm-last-try",
            "--reader",
            R,
        ],
        &format!("{PIN}\n"),
    );
    assert_exit(&out, 0);
    assert_eq!(auth_tries(&path), 3);
    assert_eq!(verifies_with_pin(&card).len(), 4, "{:?}", card.apdus());
}

#[test]
fn pin_counters_survive_taking_the_card_off_the_reader() {
    let pcscd = pcscd();
    let dir = tempfile::tempdir().unwrap();
    let path = create_card(dir.path(), 0x0040_0004);
    let card = AttachedCard::insert(&pcscd, &path);
    let out = mynapoint(
        &["card", "verify", "--pin-stdin", "--reader", R],
        &format!("{WRONG_PIN}\n"),
    );
    assert_exit(&out, 6);
    card.remove(&pcscd);
    assert_eq!(auth_tries(&path), 2);

    // The same card (state file) on the reader again.
    let _card = AttachedCard::insert(&pcscd, &path);
    let out = mynapoint(&["card", "pin-status", "--json", "--reader", R], "");
    assert_exit(&out, 0);
    assert_eq!(json(&out)["tries_left"], 2);
}

#[test]
fn the_last_try_is_refused_without_confirmation_and_nothing_is_sent() {
    let pcscd = pcscd();
    let dir = tempfile::tempdir().unwrap();
    let path = create_card(dir.path(), 0x0050_0005);
    set_tries(&path, PinId::Auth, 1);
    let card = AttachedCard::insert(&pcscd, &path);

    for pin in [PIN, WRONG_PIN] {
        let out = mynapoint(
            &["card", "verify", "--pin-stdin", "--reader", R],
            &format!("{pin}\n"),
        );
        assert_exit(&out, 9);
        let err = stderr(&out);
        assert!(err.contains("--confirm-last-try"), "{err}");
    }
    let out = mynapoint(
        &["card", "verify", "--pin-stdin", "--json", "--reader", R],
        &format!("{PIN}\n"),
    );
    assert_exit(&out, 9);
    assert_eq!(json(&out)["error"]["code"], "last_try_refused");
    // Signing asks for the same PIN: refused the same way.
    let input = dir.path().join("data.txt");
    std::fs::write(&input, b"hello").unwrap();
    let out = mynapoint(
        &[
            "card",
            "sign",
            "--in",
            input.to_str().unwrap(),
            "--pin-stdin",
            "--reader",
            R,
        ],
        &format!("{PIN}\n"),
    );
    assert_exit(&out, 9);
    assert!(verifies_with_pin(&card).is_empty(), "{:?}", card.apdus());
    card.remove(&pcscd);
    assert_eq!(auth_tries(&path), 1, "the counter must be untouched");
}

#[test]
fn a_wrong_last_try_locks_and_a_locked_card_gets_no_verify() {
    let pcscd = pcscd();
    let dir = tempfile::tempdir().unwrap();
    let path = create_card(dir.path(), 0x0060_0006);
    set_tries(&path, PinId::Auth, 1);
    let card = AttachedCard::insert(&pcscd, &path);

    let out = mynapoint(
        &[
            "card",
            "verify",
            "--pin-stdin",
            "--confirm-last-try",
            "--reader",
            R,
        ],
        &format!("{WRONG_PIN}\n"),
    );
    assert_exit(&out, 7);
    assert!(
        stderr(&out).contains("municipal counter"),
        "{}",
        stderr(&out)
    );
    assert_eq!(auth_tries(&path), 0);
    assert_eq!(verifies_with_pin(&card).len(), 1);

    let out = mynapoint(&["card", "pin-status", "--json", "--reader", R], "");
    assert_exit(&out, 7);
    // One JSON document: the error, with its stable kind.
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON value");
    assert_eq!(v["error"]["code"], "pin_locked", "{}", stdout(&out));
    assert_eq!(v["error"]["exit_code"], 7, "{}", stdout(&out));

    // Even the right PIN, even confirmed: not sent to a locked card.
    card.clear_log();
    for extra in [&[][..], &["--confirm-last-try"][..]] {
        let mut args = vec!["card", "verify", "--pin-stdin", "--reader", R];
        args.extend_from_slice(extra);
        let out = mynapoint(&args, &format!("{PIN}\n"));
        assert_exit(&out, 7);
        let err = stderr(&out);
        assert!(
            err.contains("locked") && err.contains("municipal counter"),
            "{err}"
        );
    }
    assert!(
        card.apdus().iter().any(|a| a == "00 20 00 80 (4 bytes)"),
        "the counter was not even asked: {:?}",
        card.apdus()
    );
    assert!(verifies_with_pin(&card).is_empty(), "{:?}", card.apdus());
    card.remove(&pcscd);
    assert_eq!(auth_tries(&path), 0);
}

#[test]
fn sign_makes_a_signature_the_certificate_verifies() {
    let pcscd = pcscd();
    let dir = tempfile::tempdir().unwrap();
    let path = create_card(dir.path(), 0x0070_0007);
    let card = AttachedCard::insert(&pcscd, &path);
    let input = dir.path().join("contract.txt");
    let data = "契約書 v1\n".repeat(100);
    std::fs::write(&input, &data).unwrap();
    let file = input.to_str().unwrap();

    let out = mynapoint(
        &[
            "card",
            "sign",
            "--in",
            file,
            "--pin-stdin",
            "--json",
            "--reader",
            R,
        ],
        &format!("{PIN}\n"),
    );
    assert_exit(&out, 0);
    let v = json(&out);
    assert_eq!(v["verified_with_certificate"], true, "{v}");
    assert_eq!(v["certificate_serial_hex"], "700007", "{v}");
    let digest: [u8; 32] = Sha256::digest(data.as_bytes()).into();
    assert_eq!(v["sha256_hex"], hex::encode(digest), "{v}");
    let signature = base64::engine::general_purpose::STANDARD
        .decode(v["signature_base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(signature.len(), 256);

    // Our own check, against the certificate in the card's file.
    let cert = CertificateInfo::parse(&load(&path).auth_cert).unwrap();
    let key = RsaPublicKey::from_public_key_der(&cert.public_key_der).unwrap();
    key.verify(Pkcs1v15Sign::new::<Sha256>(), &digest, &signature)
        .expect("the signature verifies with the card's certificate");
    let other: [u8; 32] = Sha256::digest(b"something else").into();
    assert!(key
        .verify(Pkcs1v15Sign::new::<Sha256>(), &other, &signature)
        .is_err());
    assert!(card.apdus().iter().any(|a| a.starts_with("80 2A 00 80")));

    // Plain output says it verifies.
    let out = mynapoint(
        &["card", "sign", "--in", file, "--pin-stdin", "--reader", R],
        &format!("{PIN}\n"),
    );
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("signature verifies with the card's certificate"),
        "{}",
        stdout(&out)
    );

    // A wrong PIN: no signature is asked for.
    card.clear_log();
    let out = mynapoint(
        &["card", "sign", "--in", file, "--pin-stdin", "--reader", R],
        &format!("{WRONG_PIN}\n"),
    );
    assert_exit(&out, 6);
    assert!(stderr(&out).contains("2 tries left"), "{}", stderr(&out));
    assert!(
        !card.apdus().iter().any(|a| a.starts_with("80 2A")),
        "{:?}",
        card.apdus()
    );
    assert_eq!(auth_tries(&path), 2);
}

#[test]
fn basic_info_and_card_face_print_the_personal_data() {
    let pcscd = pcscd();
    let dir = tempfile::tempdir().unwrap();
    let path = create_card(dir.path(), 0x0080_0008);
    let _card = AttachedCard::insert(&pcscd, &path);

    let out = mynapoint(
        &["card", "basic-info", "--pin-stdin", "--json", "--reader", R],
        &format!("{CARD_INFO_PIN}\n"),
    );
    assert_exit(&out, 0);
    let v = json(&out);
    assert_eq!(v["name"], NAME, "{v}");
    assert_eq!(v["address"], ADDRESS, "{v}");
    // ISO 8601: the card's 19890401 as 1989-04-01.
    assert_eq!(BIRTH_DATE, "19890401");
    assert_eq!(v["birth_date"], "1989-04-01", "{v}");
    assert_eq!(v["sex"], "female", "{v}");

    let out = mynapoint(
        &["card", "face", "--code-stdin", "--reader", R],
        &format!("{CODE_B}\n"),
    );
    assert_exit(&out, 0);
    let text = stdout(&out);
    for want in [NAME, ADDRESS, "1989-04-01", "female"] {
        assert!(text.contains(want), "{want} missing: {text}");
    }
    // 照合番号B opened the face: its counter is full, and 照合番号A (0014) was never tried.
    let state = load(&path);
    assert_eq!(state.pins.get(PinId::CodeB).tries_left, 10);
    assert_eq!(state.pins.get(PinId::CodeA).tries_left, 10);
    // No My Number in either output.
    let my_number = load(&path).personal.my_number;
    assert!(!text.contains(&my_number) && !stdout(&out).contains(&my_number));

    // A wrong card-info PIN: exit 6, the card-info counter spent, not the JPKI one.
    let out = mynapoint(
        &["card", "basic-info", "--pin-stdin", "--reader", R],
        "0000\n",
    );
    assert_exit(&out, 6);
    let state = load(&path);
    assert_eq!(state.pins.get(PinId::CardInfo).tries_left, 2);
    assert_eq!(state.pins.get(PinId::Auth).tries_left, 3);
}

#[test]
fn no_card_on_the_reader_is_exit_4() {
    let pcscd = pcscd();
    pcscd
        .wait_for_no_card(R, WAIT)
        .unwrap_or_else(|e| panic!("{e}"));
    let out = mynapoint(&["card", "info", "--reader", R], "");
    assert_exit(&out, 4);
    assert!(stderr(&out).contains("no card"), "{}", stderr(&out));
    let out = mynapoint(&["card", "pin-status", "--json", "--reader", R], "");
    assert_exit(&out, 4);
    assert_eq!(json(&out)["error"]["code"], "no_card");
    // A PIN read from stdin is not spent on an empty reader.
    let out = mynapoint(
        &["card", "verify", "--pin-stdin", "--reader", R],
        &format!("{PIN}\n"),
    );
    assert_exit(&out, 4);
}

#[test]
fn a_card_taken_off_before_the_command_is_exit_4() {
    let pcscd = pcscd();
    let dir = tempfile::tempdir().unwrap();
    let path = create_card(dir.path(), 0x0090_0009);
    let card = AttachedCard::insert(&pcscd, &path);
    let out = mynapoint(&["card", "info", "--reader", R], "");
    assert_exit(&out, 0);
    card.remove(&pcscd);

    let out = mynapoint(&["card", "info", "--json", "--reader", R], "");
    assert_exit(&out, 4);
    assert_eq!(json(&out)["error"]["code"], "no_card");
    let out = mynapoint(
        &["card", "verify", "--pin-stdin", "--reader", R],
        &format!("{WRONG_PIN}\n"),
    );
    assert_exit(&out, 4);
    assert_eq!(auth_tries(&path), 3);
}

/// A card that answers like `state`'s card until `pull(command)` says to
/// go: then it leaves the reader, without answering that command — after
/// processing it when `answer_lost`, else before it reaches the card.
struct FlakyCard {
    card: ScriptedCard,
    /// Every command the card received.
    seen: Arc<Mutex<Vec<Vec<u8>>>>,
    /// pcscd's insertion/removal count with the card on the reader.
    events: u32,
}

impl FlakyCard {
    fn insert(
        pcscd: &Pcscd,
        state: &Path,
        answer_lost: bool,
        mut pull: impl FnMut(&[u8]) -> bool + Send + 'static,
    ) -> Self {
        let mut sim = SimCard::open(state).unwrap();
        let seen: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
        let log = Arc::clone(&seen);
        let card = ScriptedCard::insert_until(sim.atr(), move |command| {
            log.lock().unwrap().push(command.to_vec());
            if pull(command) {
                if answer_lost {
                    sim.process(command);
                }
                return None;
            }
            Some(sim.process(command))
        })
        .expect("attach to vpcd");
        pcscd
            .wait_for_card(R, WAIT)
            .unwrap_or_else(|e| panic!("{e}"));
        let events = card_event_count(R).expect("the reader's event count");
        FlakyCard { card, seen, events }
    }

    fn count(&self, f: impl Fn(&[u8]) -> bool) -> usize {
        self.seen.lock().unwrap().iter().filter(|c| f(c)).count()
    }

    /// Makes sure the card is off and pcscd has noticed (so the next card
    /// attached is seen as a new card).
    fn remove(self, pcscd: &Pcscd) {
        drop(self.card);
        pcscd
            .wait_for_removal_since(R, self.events, WAIT)
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

fn is_read(c: &[u8]) -> bool {
    c.get(1) == Some(&0xB0)
}

/// A VERIFY that carries a PIN.
fn is_verify_with_pin(c: &[u8]) -> bool {
    c.len() > 4 && c[..4] == [0x00, 0x20, 0x00, 0x80]
}

#[test]
fn a_card_pulled_out_while_reading_is_card_removed() {
    let pcscd = pcscd();
    let dir = tempfile::tempdir().unwrap();
    let path = create_card(dir.path(), 0x00A0_000A);
    // Gone at the second READ BINARY of the certificate.
    let mut reads = 0;
    let card = FlakyCard::insert(&pcscd, &path, false, move |c| {
        reads += usize::from(is_read(c));
        reads == 2
    });
    let out = mynapoint(&["card", "info", "--json", "--reader", R], "");
    assert_exit(&out, 8);
    let v = json(&out);
    assert_eq!(v["error"]["code"], "card_removed", "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains("removed"), "{v}");
    assert_eq!(card.count(is_read), 2);
    card.remove(&pcscd);

    // The next command finds no card.
    let out = mynapoint(&["card", "info", "--reader", R], "");
    assert_exit(&out, 4);
}

#[test]
fn a_card_pulled_out_after_verify_is_card_removed_and_never_resent() {
    let pcscd = pcscd();
    let dir = tempfile::tempdir().unwrap();
    let path = create_card(dir.path(), 0x00B0_000B);
    // The card checks the (wrong) PIN, then leaves before answering.
    let card = FlakyCard::insert(&pcscd, &path, true, is_verify_with_pin);
    let out = mynapoint(
        &["card", "verify", "--pin-stdin", "--reader", R],
        &format!("{WRONG_PIN}\n"),
    );
    assert_exit(&out, 8);
    let err = stderr(&out);
    assert!(err.contains("may have counted"), "{err}");
    assert!(!err.contains("wrong"), "not a wrong PIN: {err}");
    assert_eq!(
        card.count(is_verify_with_pin),
        1,
        "the PIN must not be sent again"
    );
    card.remove(&pcscd);
    assert_eq!(auth_tries(&path), 2, "the try counted on the card");

    // Back on the reader: the counter tells the truth.
    let _card = AttachedCard::insert(&pcscd, &path);
    let out = mynapoint(&["card", "pin-status", "--json", "--reader", R], "");
    assert_exit(&out, 0);
    assert_eq!(json(&out)["tries_left"], 2);
}
