//! Failures as a person and a script see them: the core's code, retry hint
//! and message, in English or Japanese, the same for the `card` commands
//! and the resident flow (a simulated card, no reader needed).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use cardsim::SimCard;
use mynapoint_platform::{BlockingPlatform, Config};
use mynapoint_testkit::cards::CardBuilder;
use mynapoint_testkit::secrets::{PIN, WRONG_PIN};
use serde_json::Value;

fn mynapoint(args: &[&str], env_lang: Option<&str>, stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mynapoint"));
    command.env_remove("MYNAPOINT_LANG");
    if let Some(lang) = env_lang {
        command.env("MYNAPOINT_LANG", lang);
    }
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mynapoint");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait for mynapoint")
}

fn error(output: &Output) -> Value {
    let v: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    v["error"].clone()
}

fn card(dir: &Path) -> PathBuf {
    let path = dir.join("card.json");
    SimCard::create_file(&path, CardBuilder::pooled(0).spec()).expect("make a card");
    path
}

fn verify(card: &Path, extra: &[&str], env_lang: Option<&str>) -> Output {
    let reader = format!("sim:{}", card.display());
    let mut args = vec![
        "card",
        "verify",
        "--pin-stdin",
        "--json",
        "--reader",
        &reader,
    ];
    args.extend(extra);
    mynapoint(&args, env_lang, &format!("{WRONG_PIN}\n"))
}

#[test]
fn a_wrong_pin_has_its_code_hint_and_message_in_either_language() {
    let dir = tempfile::tempdir().unwrap();
    let card = card(dir.path());

    let out = verify(&card, &[], None);
    assert_eq!(out.status.code(), Some(6));
    let e = error(&out);
    assert_eq!(e["code"], "wrong_pin", "{e}");
    assert_eq!(e["retry"], "reenter_field", "{e}");
    assert_eq!(e["exit_code"], 6, "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("2 tries left"),
        "{e}"
    );

    let out = verify(&card, &["--lang", "ja"], None);
    assert_eq!(out.status.code(), Some(6));
    let e = error(&out);
    assert_eq!(e["code"], "wrong_pin", "{e}");
    assert_eq!(e["message"], "暗証番号が違います。残り1回です。", "{e}");

    // MYNAPOINT_LANG chooses when no --lang is given; the code stays.
    let out = verify(&card, &[], Some("ja_JP.UTF-8"));
    assert_eq!(out.status.code(), Some(9));
    let e = error(&out);
    assert_eq!(e["code"], "last_try_refused", "{e}");
    assert_eq!(e["retry"], "retry_step", "{e}");
    let message = e["message"].as_str().unwrap();
    assert!(
        message.contains("残りは1回") && message.contains("--confirm-last-try"),
        "{message}"
    );
    // --lang wins over the environment.
    let out = verify(&card, &["--lang", "en"], Some("ja"));
    assert!(
        error(&out)["message"]
            .as_str()
            .unwrap()
            .starts_with("only 1 PIN try is left"),
        "{}",
        error(&out)
    );
    assert_eq!(
        SimCard::open(&card)
            .unwrap()
            .tries_left(cardsim::PinId::Auth),
        1,
        "the last try was kept"
    );
}

#[test]
fn an_unknown_language_is_a_usage_error() {
    let out = mynapoint(&["readers", "--lang", "fr"], None, "");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_resident_flow_says_a_wrong_pin_with_the_same_code_as_the_card_commands() {
    let platform = BlockingPlatform::start(Config::ephemeral()).expect("start the platform");
    let dir = tempfile::tempdir().unwrap();
    let card = card(dir.path());
    let reader = format!("sim:{}", card.display());
    // A wrong PIN, then the right one; the input then ends at the My Key ID.
    let out = mynapoint(
        &[
            "resident",
            "status",
            "--platform",
            platform.base_url(),
            "--reader",
            &reader,
            "--lang",
            "ja",
        ],
        None,
        &format!("{WRONG_PIN}\n{PIN}\n"),
    );
    let steps =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        steps.contains("wrong_pin: 暗証番号が違います。残り2回です。"),
        "{steps}"
    );
}
