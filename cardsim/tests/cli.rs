//! The `cardsim` binary: create, show, reset-pin, attach, and its refusals.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use cardsim::{PinId, SimCard};
use common::*;

fn cardsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cardsim"))
        .args(args)
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn create_show_and_refuse_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("card.json");
    let out = cardsim(&[
        "create",
        "--state",
        s(&state),
        "--pin",
        "9876",
        "--sign-pin",
        "SECRET77",
        "--card-info-pin",
        "5555",
        "--serial",
        "4660",
        "--my-number",
        MY_NUMBER,
        "--name",
        NAME,
        "--birth-date",
        "19650315",
        "--sex",
        "2",
        "--security-code",
        "0007",
        "--expiry-year",
        "2031",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("1234 (4660)"), "{}", text(&out));
    let card = SimCard::open(&state).unwrap();
    assert_eq!(card.state().pins.code_b.value, "40031520310007");
    assert_eq!(card.state().pins.auth.value, "9876");
    assert_eq!(card.state().personal.sex, '2');

    let shown = cardsim(&["show", "--state", s(&state)]);
    assert!(shown.status.success());
    let t = text(&shown);
    for needle in [
        "serial:",
        "subject:",
        "not after:",
        "valid now",
        "auth       3/3",
        "code-b     10/10",
    ] {
        assert!(t.contains(needle), "{needle} missing in\n{t}");
    }
    for secret in ["9876", "SECRET77", "5555", MY_NUMBER, "40031520310007"] {
        assert!(!t.contains(secret), "show printed a secret: {secret}");
    }

    let again = cardsim(&["create", "--state", s(&state)]);
    assert!(!again.status.success());
    assert!(text(&again).contains("already exists"), "{}", text(&again));
    assert_eq!(
        SimCard::open(&state).unwrap().state().pins.auth.value,
        "9876"
    );
    let forced = cardsim(&["create", "--state", s(&state), "--force"]);
    assert!(forced.status.success(), "{}", text(&forced));
    assert_eq!(
        SimCard::open(&state).unwrap().state().pins.auth.value,
        "1234"
    );
}

#[test]
fn reset_pin_unlocks_a_locked_card() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("card.json");
    let mut card = card();
    card.persist_to(&state).unwrap();
    sw(&mut card, SELECT_JPKI);
    select_ef(&mut card, 0x0018);
    for _ in 0..3 {
        verify(&mut card, "0000");
    }
    drop(card);
    assert!(text(&cardsim(&["show", "--state", s(&state)])).contains("0/3 (LOCKED)"));
    let out = cardsim(&[
        "reset-pin",
        "--state",
        s(&state),
        "--kind",
        "auth",
        "--new-pin",
        "2468",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let card = SimCard::open(&state).unwrap();
    assert_eq!(card.tries_left(PinId::Auth), 3);
    assert_eq!(card.state().pins.auth.value, "2468");
}

#[test]
fn bad_input_fails_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("card.json");
    let st = s(&state);
    for (args, needle) in [
        (vec!["create", "--state", st, "--pin", "12"], "4 digits"),
        (vec!["create", "--state", st, "--sign-pin", "abc"], "A-Z"),
        (
            vec!["create", "--state", st, "--birth-date", "19901301"],
            "YYYYMMDD",
        ),
        (vec!["create", "--state", st, "--sex", "3"], "1 (male)"),
        (
            vec!["create", "--state", st, "--not-after", "tomorrow"],
            "YYYY-MM-DD",
        ),
        (vec!["show", "--state", st], "No such file"),
        (
            vec![
                "reset-pin",
                "--state",
                st,
                "--kind",
                "foo",
                "--new-pin",
                "1",
            ],
            "unknown PIN kind",
        ),
        (
            vec![
                "reset-pin",
                "--state",
                st,
                "--kind",
                "code-a",
                "--new-pin",
                "123456789018",
            ],
            "cannot be set",
        ),
    ] {
        let out = cardsim(&args);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(text(&out).contains(needle), "{args:?}: {}", text(&out));
    }
    assert!(!state.exists(), "nothing was created");
}

#[test]
fn expired_and_future_cards_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let expired = dir.path().join("expired.json");
    let out = cardsim(&[
        "create",
        "--state",
        s(&expired),
        "--not-before=-400d",
        "--not-after=-1d",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("(expired)"), "{}", text(&out));
    let future = dir.path().join("future.json");
    let out = cardsim(&[
        "create",
        "--state",
        s(&future),
        "--not-before",
        "2040-01-01",
        "--not-after",
        "20450101",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("(not yet valid)"), "{}", text(&out));
}

#[test]
fn ca_cert_prints_the_stable_test_ca() {
    let out = cardsim(&["ca-cert"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        cardsim::test_ca_certificate_pem()
    );
}

#[test]
fn attach_serves_vpcd_and_exits_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("card.json");
    card().persist_to(&state).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cardsim"))
        .args([
            "attach",
            "--state",
            s(&state),
            "--vpcd",
            &addr,
            "--short-only",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut sock, _) = listener.accept().unwrap();
    sock.write_all(&[0, 1, 4]).unwrap();
    let mut atr = [0u8; 11];
    sock.read_exact(&mut atr).unwrap();
    assert_eq!(&atr[2..], cardsim::ATR);
    let select = hex::decode(SELECT_JPKI).unwrap();
    let mut framed = (select.len() as u16).to_be_bytes().to_vec();
    framed.extend(select);
    sock.write_all(&framed).unwrap();
    let mut resp = [0u8; 4];
    sock.read_exact(&mut resp).unwrap();
    assert_eq!(resp, [0, 2, 0x90, 0x00]);
    // --short-only: an extended READ BINARY answers 6700.
    sock.write_all(&[0, 7, 0x00, 0xB0, 0, 0, 0, 0x08, 0])
        .unwrap();
    sock.read_exact(&mut resp).unwrap();
    assert_eq!(resp, [0, 2, 0x67, 0x00]);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "attach did not stop"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(err.contains("attached to vpcd"), "{err}");
}

#[test]
fn show_lists_every_key_reference_and_its_counter() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("card.json");
    let mut c = card();
    c.persist_to(&state).unwrap();
    sw(&mut c, SELECT_CARD_INFO);
    select_ef(&mut c, 0x0014);
    verify(&mut c, CODE_B); // 14 digits at 照合番号A: one of its tries
    drop(c);
    let t = text(&cardsim(&["show", "--state", s(&state)]));
    for needle in [
        "auth       3/3",
        "sign       5/5",
        "card-info  3/3",
        "code-a     9/10",
        "code-b     10/10",
        "JPKI 0018",
        "JPKI 001B",
        "card-info 0011",
        "card-info 0014",
        "card-info 0015",
        "card-info 0012",
        "blocked",
    ] {
        assert!(t.contains(needle), "{needle} missing in\n{t}");
    }
    assert!(!t.contains(MY_NUMBER), "show printed 照合番号A");
}

/// A card file whose 照合番号A (0014) is locked.
fn card_with_code_a_locked(state: &Path) {
    let mut c = card();
    c.persist_to(state).unwrap();
    sw(&mut c, SELECT_CARD_INFO);
    select_ef(&mut c, 0x0014);
    for _ in 0..10 {
        verify(&mut c, "000000000000");
    }
    assert_eq!(c.tries_left(PinId::CodeA), 0);
}

#[test]
fn reset_pin_of_code_a_resets_its_counter_and_never_sets_it() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("card.json");
    card_with_code_a_locked(&state);
    assert!(text(&cardsim(&["show", "--state", s(&state)])).contains("0/10 (LOCKED)"));

    let refused = cardsim(&[
        "reset-pin",
        "--state",
        s(&state),
        "--kind",
        "code-a",
        "--new-pin",
        "111111111118",
    ]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("My Number"), "{}", text(&refused));
    assert_eq!(SimCard::open(&state).unwrap().tries_left(PinId::CodeA), 0);

    let out = cardsim(&["reset-pin", "--state", s(&state), "--kind", "code-a"]);
    assert!(out.status.success(), "{}", text(&out));
    let card = SimCard::open(&state).unwrap();
    assert_eq!(card.tries_left(PinId::CodeA), 10);
    assert_eq!(card.state().pins.code_a.value, MY_NUMBER);
}

#[test]
fn reset_pin_needs_a_new_value_except_for_the_codes() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("card.json");
    let mut c = card();
    c.persist_to(&state).unwrap();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0018);
    verify(&mut c, "0000");
    sw(&mut c, SELECT_CARD_INFO);
    select_ef(&mut c, 0x0015);
    verify(&mut c, "00000000000000");
    drop(c);

    let out = cardsim(&["reset-pin", "--state", s(&state), "--kind", "auth"]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("--new-pin is required"),
        "{}",
        text(&out)
    );
    assert_eq!(SimCard::open(&state).unwrap().tries_left(PinId::Auth), 2);

    // 照合番号B: without --new-pin the counter resets and the value stays.
    let out = cardsim(&["reset-pin", "--state", s(&state), "--kind", "code-b"]);
    assert!(out.status.success(), "{}", text(&out));
    let card = SimCard::open(&state).unwrap();
    assert_eq!(card.tries_left(PinId::CodeB), 10);
    assert_eq!(card.state().pins.code_b.value, CODE_B);
    assert_eq!(card.tries_left(PinId::Auth), 2, "only the named counter");
}
