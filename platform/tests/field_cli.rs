//! `mynapoint-platform admin …` against a running platform: the setup of a
//! municipality, project, terminal and roster (arguments and a CSV file),
//! the participant master, grants and outbox, and clear refusals.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::field::*;
use common::*;

/// Runs the binary's `admin` subcommand: (exit success, stdout, stderr).
async fn admin(h: &Harness, args: &[&str], stdin: &str) -> (bool, String, String) {
    let base = h.platform.base_url().to_owned();
    let token = h.platform.admin_token().unwrap().to_owned();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let stdin = stdin.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mynapoint-platform"))
            .arg("admin")
            .arg("--platform")
            .arg(&base)
            .args(&args)
            .env("MYNAPOINT_ADMIN_TOKEN", &token)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_sets_up_a_field_event_from_the_command_line() {
    let h = harness().await;
    let cards: Vec<Card> = (0..3).map(|i| card(i).build()).collect();
    let mut ids = Vec::new();
    for c in &cards {
        let token = h.login(c).await;
        ids.push(h.issue_auto(&token).await);
    }
    let ok = |r: (bool, String, String)| {
        assert!(r.0, "stdout: {}\nstderr: {}", r.1, r.2);
        r.1
    };
    ok(admin(
        &h,
        &[
            "municipality",
            "add",
            "--code",
            MUNICIPALITY,
            "--name",
            "千代田区",
            "--point-name",
            "ちよだポイント",
        ],
        "",
    )
    .await);
    ok(admin(
        &h,
        &[
            "project",
            "add",
            "--municipality",
            MUNICIPALITY,
            "--project-id",
            PROJECT,
            "--point-id",
            POINT_ID,
            "--name",
            "健康教室",
            "--department",
            "健康推進課",
            "--points",
            "100",
        ],
        "",
    )
    .await);
    let out = ok(admin(
        &h,
        &[
            "terminal",
            "add",
            "--terminal-id",
            TERMINAL,
            "--municipality",
            MUNICIPALITY,
        ],
        &format!("{TERMINAL_PASSWORD}\n"),
    )
    .await);
    assert!(out.contains("\"device_fingerprint\": null"), "{out}");
    assert!(!out.contains(TERMINAL_PASSWORD));
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("roster.csv");
    std::fs::write(
        &csv,
        format!("my_key_id,points\n{},\n{},300\n", ids[1], ids[2]),
    )
    .unwrap();
    let out = ok(admin(
        &h,
        &[
            "roster",
            "add",
            "--project",
            PROJECT,
            "--csv",
            csv.to_str().unwrap(),
            &format!("{}:50", ids[0]),
        ],
        "",
    )
    .await);
    assert!(out.contains("\"roster_version\": 1"), "{out}");
    ok(admin(
        &h,
        &[
            "participant",
            "add",
            "--my-key-id",
            &ids[0],
            "--municipality",
            MUNICIPALITY,
            "--name",
            "番号 花子",
            "--birth-date",
            "1990-04-01",
            "--address",
            "千代田1-1",
            "--sex",
            "2",
        ],
        "",
    )
    .await);
    ok(admin(&h, &["project", "close", PROJECT], "").await);
    let out = ok(admin(&h, &["project", "open", PROJECT], "").await);
    assert!(out.contains("\"open\": true"), "{out}");

    // A terminal taps the first card; the grant shows from the command line.
    let device = Device::new();
    let token = h
        .post(
            "/v1/field/login",
            None,
            &device.login_body(TERMINAL, TERMINAL_PASSWORD),
        )
        .await
        .expect(200)["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = batch(vec![tap(
        &cards[0],
        PROJECT,
        h.clock_now() as u64,
        mynapoint_contract::grant::OfflineVerdict::OnRoster,
    )]);
    let body = serde_json::to_vec(&b).unwrap();
    let mut req = h
        .http
        .post(h.url("/v1/field/taps"))
        .bearer_auth(&token)
        .body(body.clone());
    req = req
        .header(SIGNATURE_HEADER, device.sign(&body))
        .header("content-type", "application/json");
    assert_eq!(req.send().await.unwrap().status().as_u16(), 200);
    let out = ok(admin(&h, &["grants", &ids[0]], "").await);
    assert!(out.contains("\"points\": 50"), "{out}");
    let out = ok(admin(&h, &["outbox"], "").await);
    assert!(out.contains("taro@example.jp"), "{out}");
    let out = ok(admin(&h, &["mail-drain"], "").await);
    assert!(out.contains("\"sent\": 1"), "{out}");
    ok(admin(&h, &["roster", "remove", "--project", PROJECT, &ids[2]], "").await);
    ok(admin(&h, &["terminal", "re-register", TERMINAL], "").await);

    // Refusals: one clear line, exit 1.
    let (success, _, err) = admin(
        &h,
        &[
            "municipality",
            "add",
            "--code",
            "131017",
            "--name",
            "x",
            "--point-name",
            "p",
        ],
        "",
    )
    .await;
    assert!(!success);
    assert!(
        err.contains("refused: 400 municipality_code (code)"),
        "{err}"
    );
    let bad_csv = dir.path().join("bad.csv");
    std::fs::write(&bad_csv, "my_key_id,points\nAB12CD34,lots\n").unwrap();
    let (success, _, err) = admin(
        &h,
        &[
            "roster",
            "add",
            "--project",
            PROJECT,
            "--csv",
            bad_csv.to_str().unwrap(),
        ],
        "",
    )
    .await;
    assert!(!success);
    assert!(err.contains("bad.csv row 1"), "{err}");
    let (success, _, err) =
        admin(&h, &["roster", "add", "--project", PROJECT, "ZZZZ9999"], "").await;
    assert!(!success);
    assert!(
        err.contains("404 my_key_id_not_issued (rows[0].my_key_id)"),
        "{err}"
    );
}
