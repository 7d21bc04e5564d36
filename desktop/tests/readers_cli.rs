//! `mynapoint readers` against pcscd with the vpcd virtual reader.

use std::process::{Command, Output};
use std::time::Duration;

use mynapoint_e2e::vpcd::{ScriptedCard, T1_ATR};
use mynapoint_e2e::{Pcscd, VIRTUAL_READER};
use serde_json::Value;

fn mynapoint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mynapoint"))
        .args(args)
        .output()
        .expect("run mynapoint")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn virtual_reader(v: &Value) -> &Value {
    v["readers"]
        .as_array()
        .expect("readers array")
        .iter()
        .find(|r| r["name"] == VIRTUAL_READER)
        .unwrap_or_else(|| panic!("{VIRTUAL_READER} not listed: {v}"))
}

#[test]
fn lists_the_virtual_reader_without_a_card() {
    let _pcscd = Pcscd::start().unwrap_or_else(|e| panic!("{e}"));

    let out = mynapoint(&["readers", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v = json(&out);
    let r = virtual_reader(&v);
    assert_eq!(r["card_present"], false);
    assert!(r["index"].is_u64());

    let out = mynapoint(&["readers"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.ends_with(VIRTUAL_READER) && l.contains(" no ")),
        "{text}"
    );
}

#[test]
fn shows_a_card_on_the_virtual_reader() {
    let pcscd = Pcscd::start().unwrap_or_else(|e| panic!("{e}"));
    let card = ScriptedCard::insert(T1_ATR, |_| vec![0x6D, 0x00]).expect("attach to vpcd");
    pcscd
        .wait_for_card(VIRTUAL_READER, Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("{e}"));

    let out = mynapoint(&["readers", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(virtual_reader(&json(&out))["card_present"], true);

    let out = mynapoint(&["readers"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.ends_with(VIRTUAL_READER) && l.contains(" yes ")),
        "{text}"
    );
    drop(card);
}

/// No pcscd on the socket libpcsclite is told to use: exit 3 and one line
/// saying to start the service. Needs no reader, so no harness.
#[test]
fn without_pcsc_service_exits_3() {
    let run = |json_flag: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mynapoint"));
        cmd.arg("readers");
        if json_flag {
            cmd.arg("--json");
        }
        cmd.env(
            "PCSCLITE_CSOCK_NAME",
            "/nonexistent/mynapoint-test/pcscd.comm",
        )
        .output()
        .expect("run mynapoint")
    };

    let out = run(false);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("PC/SC service is not running"), "{err}");
    assert!(out.stdout.is_empty());

    let out = run(true);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let v = json(&out);
    assert_eq!(v["error"]["code"], "no_pcsc_service");
    assert_eq!(v["error"]["exit_code"], 3);
}

#[test]
fn usage_error_exits_2() {
    let out = mynapoint(&["no-such-command"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}
