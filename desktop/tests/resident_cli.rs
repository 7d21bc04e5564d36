//! `mynapoint demo` and `mynapoint resident` as a user runs them: the built
//! binary, a simulated card file, and the reference platform in the test.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use cardsim::{CardSpec, PinId, SimCard};
use mynapoint_platform::{BlockingPlatform, Config};
use mynapoint_testkit::forms::{resident_answers, PAYMENT_ID_LINE};
use serde_json::Value;

const PIN: &str = "1234";

fn mynapoint(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mynapoint"))
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

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn text(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A platform whose new applications stay "submitted" (the real registration delay).
fn platform() -> BlockingPlatform {
    BlockingPlatform::start(Config {
        registration_delay_secs: 86_400,
        ..Config::ephemeral()
    })
    .expect("start the platform")
}

fn card(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    SimCard::create_file(&path, CardSpec::new().auth_pin(PIN)).expect("make a card");
    path
}

/// One answer per line, in the order of `mynapoint resident --help`;
/// `retyped`: the payment ID typed again right after the first was refused
/// (each field is checked as it is entered).
fn answers(payment_id: &str, retyped: Option<&str>) -> String {
    let mut lines = resident_answers(payment_id);
    if let Some(again) = retyped {
        lines.insert(PAYMENT_ID_LINE + 1, again);
    }
    lines.join("\n") + "\n"
}

fn resident(platform: &BlockingPlatform, card: &Path, extra: &[&str], stdin: &str) -> Output {
    let reader = format!("sim:{}", card.display());
    let mut args = vec!["resident"];
    args.extend(extra);
    args.extend([
        "--platform",
        platform.base_url(),
        "--reader",
        &reader,
        "--json",
    ]);
    mynapoint(&args, stdin)
}

#[test]
fn the_demo_ends_with_a_submitted_application() {
    let output = mynapoint(&["demo", "--json"], "");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let summary = json(&output);
    assert_eq!(summary["application_status"], "submitted", "{summary}");
    assert_eq!(summary["my_key_id"].as_str().map(str::len), Some(8));
    assert!(summary["service_id"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
    // The first person is eligible for all three categories (20,000 yen);
    // the second applies for (1), then adds (2) on the same application.
    let names = |s: &Value| -> Vec<String> {
        s["categories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["category"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(&summary),
        [
            "card_acquisition",
            "health_insurance",
            "public_fund_account"
        ]
    );
    let later = &summary["added_later"];
    assert_eq!(later["application_status"], "submitted", "{later}");
    assert_eq!(names(later), ["card_acquisition", "health_insurance"]);
    assert_eq!(later["service_id"], summary["service_id"]);
    // The field part: on the roster, not on it, no My Key ID, the first again.
    let field = &summary["field"];
    assert_eq!(
        field["verdicts"],
        serde_json::json!(["on_roster", "not_on_roster", "not_on_roster", "duplicate"]),
        "{field}"
    );
    assert_eq!(field["granted_at_upload"], 1);
    assert_eq!(
        field["not_on_roster"],
        serde_json::json!([later["my_key_id"]])
    );
    assert_eq!(field["waiting_without_my_key_id"], 1);
    assert_eq!(field["granted_at_registration"], 1);
    assert_eq!(
        field["balances"],
        serde_json::json!([[summary["my_key_id"], 100], [later["my_key_id"], 100]])
    );
    let steps = String::from_utf8_lossy(&output.stderr);
    assert!(
        steps.contains("The card was tapped 3 times ("),
        "PIN first, one tap per card step:\n{steps}"
    );
    // No PIN, password or security code is shown, not even the simulated ones.
    for line in steps.lines().filter(|l| l.contains("the demo types")) {
        assert!(
            !line.contains(PIN) || line.contains("決済サービスID"),
            "a secret shown: {line}"
        );
        assert!(!line.contains('*'), "a secret's length shown: {line}");
    }
}

#[test]
fn a_resident_applies_and_the_status_shows_submitted() {
    let platform = platform();
    let dir = tempfile::tempdir().unwrap();
    let card = card(dir.path(), "card.json");

    let output = resident(&platform, &card, &[], &answers("1234567890123456", None));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let applied = json(&output);
    assert_eq!(applied["application_status"], "submitted", "{applied}");
    assert_eq!(applied["payment_id_masked"], "************3456");
    let steps = String::from_utf8_lossy(&output.stderr);
    assert!(
        steps.contains("the card was tapped 3 times"),
        "PIN first, one tap per card step:\n{steps}"
    );
    let told = steps.find("3 PIN tries left").expect("the tries are shown");
    let asked = steps.find("PIN for card login").expect("the PIN is asked");
    let tapped = steps.find("the card checks the PIN").expect("the PIN tap");
    assert!(
        told < asked && asked < tapped,
        "the PIN is asked before its tap:\n{steps}"
    );

    let output = resident(&platform, &card, &["status"], &format!("{PIN}\n"));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let status = json(&output);
    assert_eq!(status["application_status"], "submitted", "{status}");
    assert_eq!(status["my_key_id"], applied["my_key_id"]);
    assert_eq!(status["service_id"], applied["service_id"]);
    let tries = SimCard::open(&card).unwrap().tries_left(PinId::Auth);
    assert_eq!(tries, 3, "no PIN try was lost");
}

#[test]
fn a_wrong_payment_id_is_refused_with_its_field_and_asked_again() {
    let platform = platform();
    let dir = tempfile::tempdir().unwrap();
    let card = card(dir.path(), "card.json");

    let output = resident(
        &platform,
        &card,
        &[],
        &answers("12AB", Some("1234567890123456")),
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(json(&output)["application_status"], "submitted");
    let steps = String::from_utf8_lossy(&output.stderr);
    assert!(
        steps.contains("invalid_field (payment_id, "),
        "the refusal names the field:\n{steps}"
    );
    let asked = steps
        .matches("(payment ID: 16 half-width digits): ")
        .count();
    assert_eq!(asked, 2, "the payment ID is asked again:\n{steps}");
}

#[test]
fn the_last_pin_try_is_refused_without_confirmation() {
    let platform = platform();
    let dir = tempfile::tempdir().unwrap();
    let card = card(dir.path(), "card.json");

    let output = resident(&platform, &card, &[], "0000\n0000\nno\n");
    assert_eq!(output.status.code(), Some(9), "{}", text(&output));
    assert_eq!(json(&output)["error"]["code"], "last_try_refused");
    let tries = SimCard::open(&card).unwrap().tries_left(PinId::Auth);
    assert_eq!(tries, 1, "the last try was kept");
}

#[test]
fn input_that_ends_early_stops_with_13() {
    let platform = platform();
    let dir = tempfile::tempdir().unwrap();
    let card = card(dir.path(), "card.json");
    let output = resident(&platform, &card, &[], &format!("{PIN}\nauto\n"));
    assert_eq!(output.status.code(), Some(13), "{}", text(&output));
}

#[test]
fn a_payment_account_in_use_is_asked_again_not_the_end_of_the_flow() {
    let platform = platform();
    let dir = tempfile::tempdir().unwrap();
    let first = card(dir.path(), "first.json");
    let second = card(dir.path(), "second.json");
    let taken = "1234567890123456";

    let output = resident(&platform, &first, &[], &answers(taken, None));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));

    // Another person types the same account, is refused, and types another
    // account (its ID and security code) without starting over.
    let base = answers(taken, None);
    let mut lines: Vec<&str> = base.lines().collect();
    let at = lines.len() - 2; // before the review's "y" and the PIN
    lines.splice(at..at, ["6543210987654321", "1357"]);
    let output = resident(&platform, &second, &[], &(lines.join("\n") + "\n"));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let applied = json(&output);
    assert_eq!(applied["application_status"], "submitted", "{applied}");
    assert_eq!(applied["payment_id_masked"], "************4321");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("payment_account_in_use"), "{said}");
}
