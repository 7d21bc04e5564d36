//! The field app's server side under load, each against a baseline measured
//! in the same run on the same machine:
//! - an upload of 10,000 taps (10 signed batches of 1,000, every tap
//!   granted: a person on the roster) through HTTP, against a bare SQLite
//!   loop inserting the same 10,000 rows, one transaction each, into a file
//!   database with the platform's settings (WAL, `synchronous = NORMAL`);
//! - a roster sync of 100,000 entries (`since=0`, through HTTP, JSON),
//!   against a bare SQLite read of the same 100,000 rows.
//!
//! `cargo bench -p mynapoint-platform --bench field`; each group ends with
//! a line `ratio …: platform / baseline = X (median of N)`.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use der::DecodePem;
use mynapoint_contract::grant::admin::{NewProject, NewTerminal, RosterRow, RosterRows};
use mynapoint_contract::grant::{CardIdentity, OfflineVerdict, Tap, TapBatch, TapId};
use mynapoint_contract::Secret;
use mynapoint_platform::rules::card_login::certificate::BUILTIN_TEST_CA_PEM;
use mynapoint_platform::store::NewMyKeyId;
use mynapoint_platform::{BlockingPlatform, Config};
use mynapoint_testkit::field::{Device, MUNICIPALITY, SIGNATURE_HEADER};

const TAPS: usize = 10_000;
const BATCH: usize = 1_000;
const ROSTER: usize = 100_000;

struct Rig {
    platform: BlockingPlatform,
    http: reqwest::blocking::Client,
    admin_token: String,
    issuer: String,
    _dir: tempfile::TempDir,
    next_project: Mutex<u32>,
}

impl Rig {
    fn start() -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::ephemeral();
        config.database = Some(dir.path().join("platform.sqlite3"));
        let admin_token = config.admin_token.clone().unwrap();
        let platform = BlockingPlatform::start(config).unwrap();
        let ca = x509_cert::Certificate::from_pem(BUILTIN_TEST_CA_PEM).unwrap();
        let rig = Rig {
            platform,
            http: reqwest::blocking::Client::new(),
            admin_token,
            issuer: ca.tbs_certificate.subject.to_string(),
            _dir: dir,
            next_project: Mutex::new(1),
        };
        rig.admin(
            "POST",
            "/v1/admin/municipalities",
            &serde_json::json!({
                "code": MUNICIPALITY, "name": "千代田区", "point_name": "p", "expiry_days": 60,
            }),
        );
        rig.admin(
            "POST",
            "/v1/admin/terminals",
            &NewTerminal {
                terminal_id: "00000001".into(),
                municipality_code: MUNICIPALITY.into(),
                password: Secret::new("bench-pass-1"),
            },
        );
        rig
    }

    fn admin(&self, method: &str, path: &str, body: &impl serde::Serialize) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = self
            .http
            .request(method, format!("{}{path}", self.platform.base_url()))
            .bearer_auth(&self.admin_token)
            .json(body)
            .send()
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.text().unwrap()
        );
    }

    fn cn(n: usize) -> String {
        format!("BENCH{n:012}")
    }

    fn my_key_id(n: usize) -> String {
        format!("BK{n:06}")
    }

    /// Persons `0..count` with My Key IDs, straight in the database.
    fn seed_persons(&self, count: usize) {
        self.platform.with_store(|s| {
            for n in 0..count {
                let cn = Rig::cn(n);
                let id = Rig::my_key_id(n);
                s.issue_my_key_id(&NewMyKeyId {
                    issuer: &self.issuer,
                    subject_cn: &cn,
                    my_key_id: &id,
                    password_hash: "$argon2id$bench",
                    email: None,
                    notifications: Default::default(),
                    base_municipality: MUNICIPALITY,
                    certificate_serial: "0A",
                    certificate_expires_at: 4_000_000_000,
                    now: 1,
                })
                .unwrap()
                .unwrap();
            }
        });
    }

    /// A new open project with persons `0..count` on its roster.
    fn project_with_roster(&self, count: usize) -> String {
        let mut next = self.next_project.lock().unwrap();
        let project_id = format!("{:04}", *next);
        *next += 1;
        self.admin(
            "POST",
            "/v1/admin/projects",
            &NewProject {
                municipality_code: MUNICIPALITY.into(),
                project_id: project_id.clone(),
                point_id: "13101001".into(),
                name: "bench".into(),
                department: "d".into(),
                points_per_grant: 10,
                remarks: String::new(),
            },
        );
        for chunk in (0..count).collect::<Vec<_>>().chunks(20_000) {
            let rows = chunk
                .iter()
                .map(|&n| RosterRow {
                    my_key_id: Rig::my_key_id(n),
                    points: None,
                })
                .collect();
            self.admin(
                "POST",
                &format!("/v1/admin/projects/{project_id}/roster"),
                &RosterRows { rows },
            );
        }
        project_id
    }

    fn login(&self, device: &Device) -> String {
        let response: serde_json::Value = self
            .http
            .post(format!("{}/v1/field/login", self.platform.base_url()))
            .json(&device.login_body("00000001", "bench-pass-1"))
            .send()
            .unwrap()
            .json()
            .unwrap();
        response["token"].as_str().unwrap().to_owned()
    }

    fn tap(&self, n: usize, project_id: &str) -> Tap {
        Tap {
            tap_id: TapId::new(),
            project_id: project_id.to_owned(),
            tapped_at: 2_000_000_000,
            card: CardIdentity {
                serial: "0A".into(),
                issuer: self.issuer.clone(),
                subject_cn: Rig::cn(n),
                not_before: 1_000_000_000,
                not_after: 3_000_000_000,
            },
            offline_verdict: OfflineVerdict::OnRoster,
        }
    }
}

/// The baseline of an upload: the same rows, one insert transaction each.
fn bare_inserts(dir: &std::path::Path, taps: &[Tap]) -> Duration {
    let path = dir.join(format!("bare-{}.sqlite3", uuid::Uuid::new_v4()));
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    conn.execute_batch(
        "CREATE TABLE taps (tap_id TEXT PRIMARY KEY, project_id TEXT, tapped_at INTEGER,
         serial TEXT, issuer TEXT, subject_cn TEXT, result TEXT) STRICT;",
    )
    .unwrap();
    let start = Instant::now();
    for tap in taps {
        let tx = conn.transaction().unwrap();
        tx.execute(
            "INSERT INTO taps VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'granted')",
            rusqlite::params![
                tap.tap_id.as_str(),
                tap.project_id,
                tap.tapped_at as i64,
                tap.card.serial,
                tap.card.issuer,
                tap.card.subject_cn
            ],
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let elapsed = start.elapsed();
    let _ = std::fs::remove_file(&path);
    elapsed
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

fn upload(c: &mut Criterion) {
    let rig = Rig::start();
    rig.seed_persons(TAPS);
    let device = Device::new();
    let token = rig.login(&device);
    let ratios = Mutex::new(Vec::new());
    let mut group = c.benchmark_group("upload_10000_taps");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("platform_http", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let project_id = rig.project_with_roster(TAPS);
                let taps: Vec<Tap> = (0..TAPS).map(|n| rig.tap(n, &project_id)).collect();
                let bodies: Vec<(Vec<u8>, String)> = taps
                    .chunks(BATCH)
                    .map(|chunk| {
                        let batch = TapBatch {
                            batch_id: uuid::Uuid::new_v4().to_string(),
                            taps: chunk.to_vec(),
                        };
                        let body = serde_json::to_vec(&batch).unwrap();
                        let signature = device.sign(&body);
                        (body, signature)
                    })
                    .collect();
                let start = Instant::now();
                for (body, signature) in bodies {
                    let response = rig
                        .http
                        .post(format!("{}/v1/field/taps", rig.platform.base_url()))
                        .bearer_auth(&token)
                        .header(SIGNATURE_HEADER, signature)
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .unwrap();
                    assert_eq!(response.status().as_u16(), 200);
                }
                let platform = start.elapsed();
                let baseline = bare_inserts(rig._dir.path(), &taps);
                ratios
                    .lock()
                    .unwrap()
                    .push(platform.as_secs_f64() / baseline.as_secs_f64());
                total += platform;
            }
            total
        })
    });
    group.finish();
    let mut ratios = ratios.into_inner().unwrap();
    let n = ratios.len();
    println!(
        "ratio upload_10000_taps: platform (HTTP, signed, granted) / bare SQLite inserts = {:.2} (median of {n})",
        median(&mut ratios)
    );
}

fn roster_sync(c: &mut Criterion) {
    let rig = Rig::start();
    rig.seed_persons(ROSTER);
    let project_id = rig.project_with_roster(ROSTER);
    let device = Device::new();
    let token = rig.login(&device);
    let db = rig._dir.path().join("platform.sqlite3");
    let ratios = Mutex::new(Vec::new());
    let mut group = c.benchmark_group("roster_sync_100000");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("platform_http", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let body: serde_json::Value = rig
                    .http
                    .get(format!(
                        "{}/v1/field/projects/{project_id}/roster?since=0",
                        rig.platform.base_url()
                    ))
                    .bearer_auth(&token)
                    .send()
                    .unwrap()
                    .json()
                    .unwrap();
                let platform = start.elapsed();
                assert_eq!(body["entries"].as_array().unwrap().len(), ROSTER);
                let conn = rusqlite::Connection::open(&db).unwrap();
                let start = Instant::now();
                let mut stmt = conn
                    .prepare(
                        "SELECT my_key_id, person_digest, points FROM roster_entries
                         WHERE project_id = ?1 AND removed = 0",
                    )
                    .unwrap();
                let rows: Vec<(String, Vec<u8>, u32)> = stmt
                    .query_map([&project_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                let baseline = start.elapsed();
                assert_eq!(rows.len(), ROSTER);
                ratios
                    .lock()
                    .unwrap()
                    .push(platform.as_secs_f64() / baseline.as_secs_f64());
                total += platform;
            }
            total
        })
    });
    group.finish();
    let mut ratios = ratios.into_inner().unwrap();
    let n = ratios.len();
    println!(
        "ratio roster_sync_100000: platform (HTTP, JSON, base64) / bare SQLite read = {:.2} (median of {n})",
        median(&mut ratios)
    );
}

criterion_group!(benches, upload, roster_sync);
criterion_main!(benches);
