//! Without `--platform`, `mynapoint resident` and `mynapoint resident status`
//! use the reference platform in the process with its data in the user's data
//! folder (`MYNAPOINT_DATA_DIR` here), so a status check right after an
//! application sees it; and a platform URL is checked before the card is read.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use cardsim::SimCard;
use mynapoint_testkit::cards::CardBuilder;
use mynapoint_testkit::forms::resident_answers;
use mynapoint_testkit::secrets::PIN;
use serde_json::Value;

fn mynapoint(data_dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mynapoint"))
        .args(args)
        .env("MYNAPOINT_DATA_DIR", data_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mynapoint");
    let mut input = child.stdin.take().expect("stdin");
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    child.wait_with_output().expect("wait for mynapoint")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// One answer per line, in the order of `mynapoint resident --help`.
fn application_answers() -> String {
    resident_answers("1234567890123456").join("\n") + "\n"
}

#[test]
fn a_status_check_after_an_application_sees_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let card = dir.path().join("card.json");
    SimCard::create_file(&card, CardBuilder::pooled(0).spec()).unwrap();
    let reader = format!("sim:{}", card.display());

    let applied = mynapoint(
        &data,
        &["resident", "--reader", &reader, "--json"],
        &application_answers(),
    );
    assert_eq!(applied.status.code(), Some(0), "{applied:?}");
    let summary = json(&applied);
    assert_eq!(summary["application_status"], "submitted", "{summary}");
    let said = String::from_utf8_lossy(&applied.stderr);
    assert!(
        said.contains(&data.display().to_string()),
        "the data folder is named:\n{said}"
    );
    assert!(data.join("platform.sqlite3").exists());
    // Secrets read from a pipe are not echoed, not even as one `*` a character.
    assert!(said.contains("(hidden)"), "{said}");
    for secret in ["****", "********", PIN, "Pass1234", "0987"] {
        assert!(
            !said.lines().any(|l| l.trim().ends_with(secret)),
            "{secret:?} echoed:\n{said}"
        );
    }

    let status = mynapoint(
        &data,
        &["resident", "status", "--reader", &reader, "--json"],
        &format!("{PIN}\n"),
    );
    assert_eq!(status.status.code(), Some(0), "{status:?}");
    let seen = json(&status);
    assert_eq!(seen["application_status"], "submitted", "{seen}");
    assert_eq!(seen["my_key_id"], summary["my_key_id"]);
    assert_eq!(seen["application_id"], summary["application_id"]);
    let said = String::from_utf8_lossy(&status.stderr);
    assert!(
        !said.contains("issued next"),
        "a status check issues nothing:\n{said}"
    );
}

#[test]
fn a_platform_url_is_refused_before_the_card_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let card = dir.path().join("card.json");
    SimCard::create_file(&card, CardBuilder::pooled(0).spec()).unwrap();
    let reader = format!("sim:{}", card.display());
    for url in ["127.0.0.1:8787", "http://127.0.0.1:8787/v1"] {
        let out = mynapoint(
            dir.path(),
            &["resident", "--platform", url, "--reader", &reader],
            "",
        );
        assert_eq!(out.status.code(), Some(11), "{out:?}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains("http://127.0.0.1:8787"),
            "says how to write it: {said}"
        );
        assert!(
            !said.contains("PIN"),
            "nothing was asked of the card: {said}"
        );
    }
}
