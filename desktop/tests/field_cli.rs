//! `mynapoint field …` as staff use it, against the real platform (in this
//! test process, set up through its administration API) with simulated
//! cards; and the crash test: the tapping process killed (`kill -9`) at
//! random moments loses no tap it showed, and each person is granted once.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use mynapoint_testkit::field::{POINTS, PROJECT, TERMINAL};
use support::field_event::{lines, my_key_id, Event};
use support::*;

#[test]
fn staff_log_in_sync_tap_upload_and_resolve_a_participant_not_on_the_roster() {
    let ev = Event::new();
    let login = ev.online(&["login", "--terminal", TERMINAL]);
    assert_exit(&login, 0);
    let login = json(&login);
    assert_eq!(login["device_registered"], true);
    assert_eq!(login["projects"][0]["project_id"], PROJECT);

    // The terminal is remembered: no --terminal needed from now on.
    let sync = ev.online(&["sync", "--project", PROJECT]);
    assert_exit(&sync, 0);
    assert_eq!(json(&sync)["synced"][0]["participants"], 4);

    // Points must be confirmed as the project's.
    let points = POINTS.to_string();
    let wrong = ev.offline(&[
        "tap",
        "--project",
        PROJECT,
        "--points",
        "1",
        "--reader",
        &ev.sim(&[0]),
    ]);
    assert_exit(&wrong, 13);
    assert!(
        stdout(&wrong).contains("points_not_confirmed"),
        "{}",
        stdout(&wrong)
    );

    let order = [0, 4, 6, 0, 1];
    let tap = ev.offline(&[
        "tap",
        "--project",
        PROJECT,
        "--points",
        &points,
        "--reader",
        &ev.sim(&order),
    ]);
    assert_exit(&tap, 0);
    let verdicts: Vec<String> = lines(&tap)
        .iter()
        .map(|l| l["verdict"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        verdicts,
        [
            "on_roster",
            "not_on_roster",
            "not_on_roster",
            "duplicate",
            "on_roster"
        ]
    );
    // A line says only what this tap showed: no name, no My Key ID.
    for l in lines(&tap) {
        let text = l.to_string();
        assert!(!text.contains("FIELD CLI PERSON"), "{text}");
        assert!(!text.contains("CLI0000"), "{text}");
    }

    // --count stops early.
    let counted = ev.offline(&[
        "tap",
        "--project",
        PROJECT,
        "--points",
        &points,
        "--count",
        "1",
        "--reader",
        &ev.sim(&[2, 3]),
    ]);
    assert_exit(&counted, 0);
    assert_eq!(lines(&counted).len(), 1);

    let results = ev.offline(&["results"]);
    assert_exit(&results, 0);
    let taps = json(&results)["taps"].as_array().unwrap().clone();
    assert_eq!(taps.len(), 6);
    assert!(taps.iter().all(|t| t["uploaded"] == false));

    let up = ev.online(&["upload"]);
    assert_exit(&up, 0);
    let up = json(&up);
    assert_eq!(up["granted"], 3, "{up}");
    assert_eq!(up["pending"], 0);
    assert_eq!(
        (ev.grants(0), ev.grants(1), ev.grants(2), ev.grants(4)),
        (1, 1, 1, 0)
    );

    let list = ev.online(&["not-on-roster", "--project", PROJECT]);
    assert_exit(&list, 0);
    let list = json(&list);
    let ids: Vec<&str> = list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["my_key_id"].as_str())
        .collect();
    assert_eq!(ids, [my_key_id(4).as_str()]);
    assert!(list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["my_key_id"].is_null()));

    let id4 = my_key_id(4);
    let add = ev.online(&[
        "add-registration",
        "--project",
        PROJECT,
        "--my-key-id",
        &id4,
        "--name",
        "番号 次郎",
        "--address",
        "東京都千代田区1-1",
        "--birth-date",
        "1980-02-29",
        "--sex",
        "1",
    ]);
    assert_exit(&add, 0);
    assert_eq!(ev.grants(4), 1);
    let results = json(&ev.offline(&["results"]));
    let granted = results["taps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["result"] == "granted")
        .count();
    assert_eq!(granted, 4, "{results}");
}

#[test]
fn wrong_input_is_refused_before_anything_happens() {
    let ev = Event::new();
    // A wrong password: the platform's refusal, exit 12, nothing stored.
    let url = ev.url();
    let state = ev.state.to_string_lossy().into_owned();
    let out = mynapoint(
        &[
            "field",
            "login",
            "--terminal",
            TERMINAL,
            "--platform",
            &url,
            "--state",
            &state,
            "--json",
        ],
        "not-the-password\n",
    );
    assert_exit(&out, 12);
    assert_eq!(json(&out)["error"]["code"], "terminal_password_wrong");
    // A terminal ID of the wrong shape is refused before anything is sent.
    let out = mynapoint(
        &[
            "field",
            "login",
            "--terminal",
            "123",
            "--platform",
            &url,
            "--state",
            &state,
            "--json",
        ],
        "x\n",
    );
    assert_exit(&out, 11);
    assert_eq!(json(&out)["error"]["code"], "terminal_id_format");
    // Tapping before any sync: the project is unknown on this device.
    let out = ev.offline(&[
        "tap",
        "--project",
        PROJECT,
        "--points",
        "100",
        "--reader",
        &ev.sim(&[0]),
    ]);
    assert_ne!(out.status.code(), Some(0));
    // Typed office data with a bad date: refused before the login.
    let out = ev.online(&[
        "add-registration",
        "--project",
        PROJECT,
        "--my-key-id",
        "CLI00004",
        "--name",
        "x",
        "--address",
        "y",
        "--birth-date",
        "1980-02-30",
        "--sex",
        "1",
    ]);
    assert_exit(&out, 11);
    assert_eq!(json(&out)["error"]["code"], "participant_birth_date");
}

/// A tiny deterministic generator (xorshift), so a failing run can be repeated.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn killing_the_tapping_process_at_random_moments_loses_no_shown_tap_and_grants_once() {
    let ev = Event::new();
    assert_exit(&ev.online(&["login", "--terminal", TERMINAL]), 0);
    assert_exit(&ev.online(&["sync"]), 0);
    let points = POINTS.to_string();
    let state = ev.state.to_string_lossy().into_owned();
    let order: Vec<usize> = (0..40).map(|i| i % 7).collect();
    let sim = ev.sim(&order);
    let seed = std::env::var("FIELD_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15u64);
    let mut rng = Rng(seed);
    let mut shown: Vec<String> = Vec::new();
    let runs = 25;
    for run in 0..runs {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mynapoint"))
            .args([
                "field",
                "tap",
                "--project",
                PROJECT,
                "--points",
                &points,
                "--reader",
                &sim,
                "--state",
                &state,
                "--json",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        // Read some lines, then kill -9 at a random moment (between or during taps).
        let want = rng.below(12) as usize;
        let pause = Duration::from_micros(rng.below(30_000));
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let mut read = 0;
        while read < want {
            line.clear();
            if reader.read_line(&mut line).unwrap() == 0 {
                break;
            }
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            if let Some(id) = v["tap_id"].as_str() {
                shown.push(id.to_owned());
            }
            read += 1;
        }
        std::thread::sleep(pause);
        // SIGKILL: no destructor, no flush, like a battery pull.
        unsafe {
            libc::kill(child.id() as i32, libc::SIGKILL);
        }
        // Lines already in the pipe were shown too.
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
                        if let Some(id) = v["tap_id"].as_str() {
                            shown.push(id.to_owned());
                        }
                    }
                }
            }
        }
        // Killed, or (rarely) done with its list before the kill.
        let status = child.wait().unwrap();
        assert!(
            status.code().is_none() || status.success(),
            "run {run}: {status:?}"
        );
    }
    assert!(!shown.is_empty(), "some taps were shown before the kills");

    // Every tap shown is stored.
    let results = json(&ev.offline(&["results"]));
    let stored: std::collections::HashSet<String> = results["taps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tap_id"].as_str().unwrap().to_owned())
        .collect();
    for id in &shown {
        assert!(stored.contains(id), "tap {id} was shown but is not stored");
    }

    // Upload: each person granted once.
    let up = ev.online(&["upload"]);
    assert_exit(&up, 0);
    assert_eq!(json(&up)["pending"], 0);
    for i in 0..4 {
        assert!(
            ev.grants(i) <= 1,
            "person {i} granted {} times",
            ev.grants(i)
        );
    }
    let results = json(&ev.offline(&["results"]));
    let taps = results["taps"].as_array().unwrap();
    assert!(taps.iter().all(|t| t["uploaded"] == true));
    let granted = taps.iter().filter(|t| t["result"] == "granted").count();
    let roster_people_tapped = (0..4).filter(|i| ev.grants(*i) == 1).count();
    assert_eq!(granted, roster_people_tapped);
    assert!(roster_people_tapped >= 1);
}
