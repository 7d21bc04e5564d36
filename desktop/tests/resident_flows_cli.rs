//! The resident flows as a person meets them at the desktop: every field
//! checked as it is entered, a mismatch asking both entries again, the
//! review with the whole payment ID, step numbers after "no", and the
//! other flows of the core (change or revoke a My Key ID, a child's
//! application with two cards). The built binary, simulated card files and
//! the reference platform in the test.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use cardsim::{CardSpec, PinId, SimCard};
use mynapoint_platform::{BlockingPlatform, Config};
use mynapoint_testkit::forms::resident_answers;
use serde_json::Value;

const PIN: &str = "1234";

fn run(args: &[String], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mynapoint"))
        .args(args)
        .env("MYNAPOINT_LANG", "en")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mynapoint");
    // The command may stop before reading everything: ignore a closed pipe.
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes());
    child.wait_with_output().expect("wait for mynapoint")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", text(output)))
}

fn text(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn said(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

struct Rig {
    platform: BlockingPlatform,
    dir: tempfile::TempDir,
}

impl Rig {
    fn new() -> Self {
        Self {
            platform: BlockingPlatform::start(Config {
                registration_delay_secs: 86_400,
                ..Config::ephemeral()
            })
            .expect("start the platform"),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn card(&self, name: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        SimCard::create_file(&path, CardSpec::new().auth_pin(PIN)).expect("make a card");
        path
    }

    /// `mynapoint resident [sub] --platform … --reader sim:CARD --json [extra]`.
    fn resident(&self, sub: &[&str], card: &Path, extra: &[String], stdin: &str) -> Output {
        let mut args: Vec<String> = vec!["resident".into()];
        args.extend(sub.iter().map(|s| s.to_string()));
        args.extend([
            "--platform".into(),
            self.platform.base_url().to_owned(),
            "--reader".into(),
            format!("sim:{}", card.display()),
            "--json".into(),
        ]);
        args.extend(extra.iter().cloned());
        run(&args, stdin)
    }
}

fn lines(answers: &[&str]) -> String {
    answers.join("\n") + "\n"
}

/// The answers of a whole application, in `mynapoint resident --help` order.
fn application(payment_id: &str) -> Vec<&str> {
    resident_answers(payment_id)
}

/// Where `needle` first appears in `haystack` (panics with the transcript).
fn at(haystack: &str, needle: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is not said:\n{haystack}"))
}

#[test]
fn a_mismatch_asks_both_entries_again_before_anything_is_sent() {
    let rig = Rig::new();
    let card = rig.card("card.json");
    let mut answers = application("1234567890123456");
    // The typo is in the FIRST entry of each pair; both are asked again.
    answers.splice(
        3..7,
        [
            "Pass1243",
            "Pass1234",
            "Pass1234",
            "Pass1234",
            "qa@exmaple.com",
            "qa@example.com",
            "qa@example.com",
            "qa@example.com",
        ],
    );
    let output = rig.resident(&[], &card, &[], &lines(&answers));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let said = said(&output);
    let password_refused = at(&said, "invalid_field (password_confirmation, mismatch)");
    let email_refused = at(&said, "invalid_field (email_confirmation, mismatch)");
    let issuing = at(&said, "issuing the My Key ID");
    assert!(
        password_refused < email_refused && email_refused < issuing,
        "both refused before anything is sent:\n{said}"
    );
    assert_eq!(said.matches("issuing the My Key ID").count(), 1, "{said}");
    assert_eq!(
        said.matches("> e-mail address (empty: none)").count(),
        2,
        "the first e-mail entry is asked again:\n{said}"
    );
    assert_eq!(
        said.matches("> My Page password (").count(),
        2,
        "the first password entry is asked again:\n{said}"
    );
    assert!(
        said.contains("e-mail qa@example.com,"),
        "the corrected address is registered:\n{said}"
    );
}

#[test]
fn each_field_is_checked_as_it_is_entered_and_an_own_id_before_its_duplicate_check() {
    let rig = Rig::new();
    let card = rig.card("card.json");
    let mut answers = application("1234567890123456");
    // A malformed own choice, then auto; a one-character password; a wrong
    // check digit; a short payment ID: each refused at once and asked again.
    answers.splice(1..2, ["ab12", "auto"]);
    let password = answers.iter().position(|a| *a == "Pass1234").unwrap();
    answers.insert(password, "a");
    let municipality = answers.iter().position(|a| *a == "131016").unwrap();
    answers.insert(municipality, "131017");
    let payment = answers
        .iter()
        .position(|a| *a == "1234567890123456")
        .unwrap();
    answers.insert(payment, "12345");
    let output = rig.resident(&[], &card, &[], &lines(&answers));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let said = said(&output);

    assert!(said.contains("invalid_field (my_key_id, "), "{said}");
    assert!(
        !said.contains("checking ab12"),
        "a malformed id is not announced as checked:\n{said}"
    );
    let password_refused = at(&said, "invalid_field (password, wrong_length)");
    assert!(
        password_refused < at(&said, "> the My Page password again"),
        "the password is refused before the next field:\n{said}"
    );
    let municipality_refused = at(&said, "invalid_field (base_municipality, ");
    assert!(
        municipality_refused < at(&said, "issuing the My Key ID"),
        "{said}"
    );
    assert_eq!(said.matches("issuing the My Key ID").count(), 1, "{said}");
    let payment_refused = at(&said, "invalid_field (payment_id, wrong_length)");
    assert!(
        payment_refused < at(&said, "(security code 1: "),
        "the payment ID is refused before the security code is asked:\n{said}"
    );
    assert_eq!(said.matches("checking the details").count(), 1, "{said}");
}

#[test]
fn the_review_shows_the_payment_id_whole_and_its_numbers_stay_after_no() {
    let rig = Rig::new();
    let card = rig.card("card.json");
    let mut answers = application("1234567890123456");
    // "n" at the review: the payment details again, then "y".
    let review = answers.len() - 2;
    answers.splice(
        review..review + 1,
        ["n", "1234567890123457", "0987", "5678", "y"],
    );
    let output = rig.resident(&[], &card, &[], &lines(&answers));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let summary = json(&output);
    assert_eq!(
        summary["payment_id_masked"], "************3457",
        "{summary}"
    );
    let said = said(&output);

    let reviews: Vec<&str> = said
        .lines()
        .filter(|l| l.contains("(check every character"))
        .collect();
    assert_eq!(reviews.len(), 2, "{said}");
    assert!(
        reviews[0].contains("1234567890123456"),
        "whole: {reviews:?}"
    );
    assert!(
        reviews[1].contains("1234567890123457"),
        "whole: {reviews:?}"
    );
    assert!(
        said.contains("payment ID ************3457"),
        "masked after the review:\n{said}"
    );

    let number = |title: &str| -> Vec<u32> {
        said.lines()
            .filter_map(|l| l.split_once(". "))
            .filter(|(_, rest)| rest.starts_with(title))
            .filter_map(|(n, _)| n.parse().ok())
            .collect()
    };
    let payment = number("Payment details");
    let review = number("Review");
    let sign = number("PIN again");
    assert_eq!(payment.len(), 2, "{said}");
    assert_eq!(payment[0], payment[1], "the same step, the same number");
    assert_eq!(review, [payment[0] + 1, payment[0] + 1], "{said}");
    assert_eq!(sign, [payment[0] + 2], "{said}");
}

#[test]
fn a_status_check_never_says_an_id_is_issued_next() {
    let rig = Rig::new();
    let card = rig.card("card.json");
    let output = rig.resident(&["status"], &card, &[], &lines(&[PIN]));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(json(&output)["application_status"], "not_applied");
    let said = said(&output);
    assert!(said.contains("no My Key ID yet"), "{said}");
    assert!(!said.contains("issued next"), "{said}");

    // The application itself still says what comes next.
    let output = rig.resident(&[], &card, &[], &lines(&application("1234567890123456")));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(said_contains(&output, "one is issued next"));
}

fn said_contains(output: &Output, text: &str) -> bool {
    said(output).contains(text)
}

/// A My Key ID issued (registration done), then the input ends (exit 13).
fn issued(rig: &Rig, card: &Path) {
    let answers = &application("")[..9];
    let output = rig.resident(&[], card, &[], &lines(answers));
    assert_eq!(output.status.code(), Some(13), "{}", text(&output));
    assert!(
        said_contains(&output, "issued, registered"),
        "{}",
        text(&output)
    );
}

fn status(rig: &Rig, card: &Path) -> Output {
    rig.resident(&["status"], card, &[], &lines(&[PIN]))
}

#[test]
fn a_resident_changes_the_my_key_id_at_the_desktop() {
    let rig = Rig::new();
    let card = rig.card("card.json");
    issued(&rig, &card);
    let before = json(&status(&rig, &card))["my_key_id"].clone();
    assert!(before.is_string(), "{before}");

    // A malformed own choice is refused here, the unchanged id by the core,
    // then a new own choice is checked and registered.
    let own = "ZX98CV76";
    let current = before.as_str().unwrap();
    let output = rig.resident(
        &["change-key"],
        &card,
        &[],
        &lines(&[PIN, "zx98", current, own]),
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let changed = json(&output);
    assert_eq!(changed["my_key_id"], own, "{changed}");
    assert_eq!(changed["previous_my_key_id"], before, "{changed}");
    let said = said(&output);
    assert!(said.contains("invalid_field (my_key_id, "), "{said}");
    assert!(said.contains("my_key_id_unchanged"), "{said}");

    assert_eq!(json(&status(&rig, &card))["my_key_id"], own);

    // Auto-generation: the first candidate taken.
    let output = rig.resident(&["change-key"], &card, &[], &lines(&[PIN, "auto", "y"]));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let changed = json(&output);
    assert_eq!(changed["previous_my_key_id"], own, "{changed}");
    assert_ne!(changed["my_key_id"], own, "{changed}");
    assert_eq!(SimCard::open(&card).unwrap().tries_left(PinId::Auth), 3);
}

#[test]
fn a_revocation_needs_the_id_typed_and_is_final() {
    let rig = Rig::new();
    let card = rig.card("card.json");
    issued(&rig, &card);
    let id = json(&status(&rig, &card))["my_key_id"]
        .as_str()
        .expect("an id")
        .to_owned();

    // Anything but the id itself revokes nothing.
    let output = rig.resident(&["revoke"], &card, &[], &lines(&[PIN, "yes"]));
    assert_eq!(output.status.code(), Some(13), "{}", text(&output));
    assert_eq!(json(&output)["error"]["code"], "revocation_not_confirmed");
    assert_eq!(json(&status(&rig, &card))["my_key_id"], id.as_str());

    let output = rig.resident(&["revoke"], &card, &[], &lines(&[PIN, &id]));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(json(&output)["revoked_my_key_id"], id.as_str());

    // Nothing more can be done with it.
    let after = status(&rig, &card);
    assert_eq!(after.status.code(), Some(0), "{}", text(&after));
    assert_eq!(json(&after)["my_key_id"], Value::Null, "{}", text(&after));
}

#[test]
fn a_legal_representative_applies_for_a_child_with_both_cards() {
    let rig = Rig::new();
    let child = rig.card("child.json");
    let parent = rig.card("parent.json");
    let answers = [
        PIN,
        "auto",
        "y",
        "Pass1234",
        "Pass1234",
        "",
        "131016",
        // An adult's birth date is refused and asked again.
        "19900401",
        "20200101",
        "イオン",
        "1",
        "y",
        "1234567890129999",
        "2468",
        "",
        "y",
        PIN,
        PIN,
    ];
    let output = rig.resident(
        &["child"],
        &child,
        &[
            "--representative-reader".into(),
            format!("sim:{}", parent.display()),
        ],
        &lines(&answers),
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let summary = json(&output);
    assert_eq!(summary["application_status"], "submitted", "{summary}");
    assert_eq!(
        summary["for_child"]["birth_date"], "2020-01-01",
        "{summary}"
    );
    assert!(
        summary["for_child"]["representative_serial"]
            .as_str()
            .is_some_and(|s| !s.is_empty()),
        "{summary}"
    );
    // RFC 3339, UTC stated.
    let at_time = summary["submitted_at"].as_str().expect("submitted_at");
    assert!(
        at_time.len() == 20 && at_time.ends_with('Z') && at_time.as_bytes()[10] == b'T',
        "{at_time}"
    );
    let said = said(&output);
    assert!(said.contains("invalid_child_birth_date"), "{said}");
    assert!(said.contains("for a child:    born 2020-01-01"), "{said}");
    let child_signed = at(&said, "the child's card signed");
    assert!(
        child_signed < at(&said, "> the legal representative's PIN"),
        "{said}"
    );
    for card in [&child, &parent] {
        assert_eq!(SimCard::open(card).unwrap().tries_left(PinId::Auth), 3);
    }
}

#[test]
fn a_revoked_my_key_id_keeps_the_application_in_the_status() {
    let rig = Rig::new();
    let card = rig.card("card.json");
    let output = rig.resident(&[], &card, &[], &lines(&application("1234567890127777")));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let applied = json(&output);
    let id = applied["my_key_id"].as_str().expect("an id").to_owned();

    let output = rig.resident(&["revoke"], &card, &[], &lines(&[PIN, &id]));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));

    // The application belongs to the person: it is still shown.
    let after = status(&rig, &card);
    assert_eq!(after.status.code(), Some(0), "{}", text(&after));
    let seen = json(&after);
    assert_eq!(seen["my_key_id"], Value::Null, "{seen}");
    assert_eq!(seen["application_id"], applied["application_id"], "{seen}");
    assert_ne!(seen["application_status"], "not_applied", "{seen}");
}

#[test]
fn one_card_on_both_readers_is_refused_before_anything_starts() {
    let rig = Rig::new();
    let card = rig.card("card.json");
    let output = rig.resident(
        &["child"],
        &card,
        &[
            "--representative-reader".into(),
            format!("sim:{}", card.display()),
        ],
        &lines(&application("1234567890123456")),
    );
    assert_eq!(output.status.code(), Some(11), "{}", text(&output));
    assert_eq!(json(&output)["error"]["code"], "same_reader");
    assert!(
        !said(&output).contains("PIN"),
        "nothing was asked: {}",
        text(&output)
    );
    let state = SimCard::open(&card).unwrap();
    assert_eq!(state.tries_left(PinId::Auth), 3);
}
