//! `mynapoint field tap` on a PC/SC reader: each insertion is one tap, a
//! card left on the reader is read once, a removed and re-inserted card is
//! a new tap (here: a duplicate).

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;

use mynapoint_e2e::VIRTUAL_READER;
use mynapoint_testkit::field::{POINTS, PROJECT, TERMINAL};
use support::field_event::Event;
use support::*;

#[test]
fn each_insertion_is_one_tap_and_a_card_left_on_the_reader_is_read_once() {
    let ev = Event::new();
    assert_exit(&ev.online(&["login", "--terminal", TERMINAL]), 0);
    assert_exit(&ev.online(&["sync", "--project", PROJECT]), 0);
    let pcscd = pcscd();
    let points = POINTS.to_string();
    let state = ev.state.to_string_lossy().into_owned();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mynapoint"))
        .args([
            "field",
            "tap",
            "--project",
            PROJECT,
            "--points",
            &points,
            "--reader",
            VIRTUAL_READER,
            "--count",
            "3",
            "--state",
            &state,
            "--json",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel::<serde_json::Value>();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(serde_json::from_str(&line).unwrap()).is_err() {
                break;
            }
        }
    });
    let next = |what: &str| {
        rx.recv_timeout(WAIT)
            .unwrap_or_else(|_| panic!("no tap line for {what}"))
    };

    // Card 0 (on the roster): one line, however long it stays.
    let a = AttachedCard::insert(&pcscd, &ev.cards[0]);
    assert_eq!(next("card 0")["verdict"], "on_roster");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        rx.try_recv().is_err(),
        "a card left on the reader was read twice"
    );
    a.remove(&pcscd);

    // The same card again: a new tap, a duplicate.
    let a = AttachedCard::insert(&pcscd, &ev.cards[0]);
    assert_eq!(next("card 0 again")["verdict"], "duplicate");
    a.remove(&pcscd);

    // Card 4 (My Key ID, not on the roster).
    let b = AttachedCard::insert(&pcscd, &ev.cards[4]);
    assert_eq!(next("card 4")["verdict"], "not_on_roster");
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    b.remove(&pcscd);

    let results = json(&ev.offline(&["results"]));
    assert_eq!(results["taps"].as_array().unwrap().len(), 3);
}
