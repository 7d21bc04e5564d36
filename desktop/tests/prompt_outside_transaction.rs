//! A person types the PIN while the card is free: `mynapoint card verify`
//! at a terminal (a pseudo-terminal made by `script`) reads the tries left,
//! ends its PC/SC connection and transaction, then prompts; while it waits at
//! the prompt, another program can take a transaction on the card at once.
//! (WinSCard resets a card whose transaction stays idle for about 5 seconds;
//! a transaction held across a prompt would be reset under the person.)

mod support;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use mynapoint_e2e::VIRTUAL_READER;
use pcsc::{Context, Disposition, Protocols, Scope, ShareMode};
use support::*;

/// Whether another PC/SC client gets a transaction on the card within `wait`.
fn transaction_available(wait: Duration) -> bool {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let ctx = Context::establish(Scope::User).unwrap();
        let name = std::ffi::CString::new(VIRTUAL_READER).unwrap();
        let mut card = ctx
            .connect(&name, ShareMode::Shared, Protocols::T1)
            .unwrap();
        let ok = card.transaction().is_ok();
        // A polite client: leaves the card as it found it.
        let _ = card.disconnect(Disposition::LeaveCard);
        let _ = tx.send(ok);
    });
    rx.recv_timeout(wait).unwrap_or(false)
}

#[test]
fn the_pin_prompt_holds_no_card_transaction() {
    let pcscd = pcscd();
    let dir = tempfile::tempdir().unwrap();
    let path = create_card(dir.path(), 0x0031_0001);
    let card = AttachedCard::insert(&pcscd, &path);

    let command = format!(
        "{} card verify --reader '{VIRTUAL_READER}'",
        env!("CARGO_BIN_EXE_mynapoint")
    );
    let mut child = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux");
    let mut output = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 256];
        while let Ok(n) = output.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });

    // Wait for the prompt, which names the tries left.
    let mut seen = String::new();
    let deadline = Instant::now() + COMMAND_TIMEOUT;
    while !seen.contains("tries left") {
        assert!(
            Instant::now() < deadline,
            "no prompt; output so far: {seen}"
        );
        if let Ok(bytes) = rx.recv_timeout(Duration::from_millis(100)) {
            seen.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    assert!(seen.contains("3 tries left"), "{seen}");
    let before_prompt = card.apdus();
    assert!(
        before_prompt
            .iter()
            .all(|a| !a.starts_with("00 20 00 80 04")),
        "no VERIFY before the PIN was typed: {before_prompt:?}"
    );

    // At the prompt the card is free: another client's transaction starts now.
    assert!(
        transaction_available(Duration::from_secs(5)),
        "the card is held in a transaction while the person types"
    );

    let mut input = child.stdin.take().unwrap();
    input.write_all(format!("{PIN}\n").as_bytes()).unwrap();
    input.flush().unwrap();
    let deadline = Instant::now() + COMMAND_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "mynapoint did not finish");
        std::thread::sleep(Duration::from_millis(20));
    };
    while let Ok(bytes) = rx.recv_timeout(Duration::from_millis(200)) {
        seen.push_str(&String::from_utf8_lossy(&bytes));
    }
    drop(input);
    assert!(status.success(), "{status:?}: {seen}");
    assert!(seen.contains("PIN verified."), "{seen}");
    assert_eq!(auth_tries(&path), 3);
    let verifies = card
        .apdus()
        .into_iter()
        .filter(|a| a.starts_with("00 20 00 80") && !a.ends_with("(4 bytes)"))
        .count();
    assert_eq!(verifies, 1);
}
