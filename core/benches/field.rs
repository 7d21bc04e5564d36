//! Benchmarks of the field app's core (issue 8):
//!
//! - `tap/core_durable`: one tap's core time — certificate head parse,
//!   digest, roster and duplicate look-ups, sealing, the durable
//!   (`synchronous = FULL`) write — with a card that answers at once, next
//!   to `tap/bare_durable_insert`, a bare durable SQLite insert of a
//!   similar row in the same run; the summary prints their ratio;
//! - `roster_sync/100k`: applying a 100,000-entry roster sync to a store;
//! - the summary also prints the memory a session holds with a
//!   100,000-entry roster (Rust heap by a counting allocator; SQLite's own
//!   heap by `sqlite3_memory_used`), and APDUs per tap (head, short reads)
//!   against a whole-certificate read.
//!
//! Run: `cargo bench -p mynapoint-core --bench field`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, BatchSize, Criterion};
use mynapoint_core::card::{CardLink, CardSession};
use mynapoint_core::clock::ManualClock;
use mynapoint_core::field::{DeviceStore, FieldSession};
use mynapoint_core::secret_store::MemorySecretStore;
use mynapoint_testkit::cards::{card, card_a, Card};
use mynapoint_testkit::fake::field::{
    FakeField, POINTS, PROJECT_ID, TERMINAL_ID, TERMINAL_PASSWORD,
};
use mynapoint_testkit::field_cards::InstantCard;
use mynapoint_testkit::taps::{dyn_transport, phone_tap};
use tempfile::TempDir;

/// Counts the bytes the Rust heap holds.
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            HELD.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const ROSTER: usize = 100_000;
const CARDS: usize = 32;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
}

struct Bench {
    _dir: TempDir,
    session: FieldSession,
    certificates: Vec<Vec<u8>>,
}

fn cards() -> Vec<Card> {
    (0..CARDS)
        .map(|i| card(i % 4, 0x0100_0000 + i as u32, &format!("BENCH{i:019}")).build())
        .collect()
}

/// A session logged in, with the open project's roster (`roster` synthetic
/// entries and the bench cards) synced, chosen and confirmed.
async fn session(rt_fake: Arc<FakeField>, cards: &[Card]) -> (TempDir, FieldSession) {
    let dir = tempfile::tempdir().expect("dir");
    let secrets = MemorySecretStore::new();
    let store = DeviceStore::open(&dir.path().join("device.sqlite"), &secrets).expect("store");
    let session = FieldSession::new(
        store,
        &secrets,
        rt_fake.clone(),
        Arc::new(ManualClock::new()),
        Duration::from_secs(3600),
    )
    .expect("session");
    for (i, c) in cards.iter().enumerate() {
        rt_fake.add_person(c, Some(&format!("BENCHKEY{i}")));
        if i % 2 == 0 {
            rt_fake.add_to_roster(PROJECT_ID, &format!("BENCHKEY{i}"));
        }
    }
    session
        .login(TERMINAL_ID, TERMINAL_PASSWORD)
        .await
        .expect("login");
    session.sync_roster(PROJECT_ID).await.expect("sync");
    session.choose_project(PROJECT_ID).await.expect("choose");
    session.confirm_points(POINTS).await.expect("confirm");
    (dir, session)
}

fn setup(rt: &tokio::runtime::Runtime) -> Bench {
    let cards = cards();
    let fake = Arc::new(FakeField::new());
    fake.add_synthetic_roster(PROJECT_ID, 10_000);
    let (dir, session) = rt.block_on(session(fake, &cards));
    Bench {
        _dir: dir,
        session,
        certificates: cards.iter().map(|c| c.cert_der().to_vec()).collect(),
    }
}

/// A bare durable insert of a row like a tap's, on the house opener.
struct Bare {
    _dir: TempDir,
    conn: rusqlite::Connection,
    n: u64,
}

fn bare() -> Bare {
    let dir = tempfile::tempdir().expect("dir");
    let opener = mynapoint_sqlite::Opener::new(|| {
        mynapoint_sqlite::Migrations::new(vec![mynapoint_sqlite::M::up(
            "CREATE TABLE t (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, \
             project TEXT NOT NULL, at INTEGER NOT NULL, digest BLOB NOT NULL, \
             body BLOB NOT NULL, verdict TEXT NOT NULL) STRICT; \
             CREATE INDEX t_digest ON t (project, digest);",
        )])
    });
    let conn = opener.open(dir.path().join("bare.sqlite")).expect("open");
    Bare {
        _dir: dir,
        conn,
        n: 0,
    }
}

impl Bare {
    fn insert(&mut self) {
        self.n += 1;
        self.conn
            .prepare_cached("INSERT INTO t (id, project, at, digest, body, verdict) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .expect("prepare")
            .execute(rusqlite::params![
                format!("{:036}", self.n),
                "0001",
                self.n as i64,
                [7u8; 32].as_slice(),
                [9u8; 200].as_slice(),
                "on_roster"
            ])
            .expect("insert");
    }
}

fn bench_tap(c: &mut Criterion) {
    let rt = runtime();
    let bench = setup(&rt);
    let mut i = 0usize;
    let mut group = c.benchmark_group("tap");
    group.bench_function("core_durable", |b| {
        b.iter(|| {
            i += 1;
            let t = Arc::new(InstantCard::new(&bench.certificates[i % CARDS]));
            rt.block_on(bench.session.tap(t)).expect("tap")
        })
    });
    let mut bare = bare();
    group.bench_function("bare_durable_insert", |b| b.iter(|| bare.insert()));
    group.finish();
}

fn bench_roster_sync(c: &mut Criterion) {
    let rt = runtime();
    let fake = Arc::new(FakeField::new());
    fake.add_synthetic_roster(PROJECT_ID, ROSTER);
    let mut group = c.benchmark_group("roster_sync");
    group.sample_size(10);
    group.bench_function("100k", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().expect("dir");
                let secrets = MemorySecretStore::new();
                let store =
                    DeviceStore::open(&dir.path().join("d.sqlite"), &secrets).expect("store");
                let session = FieldSession::new(
                    store,
                    &secrets,
                    fake.clone(),
                    Arc::new(ManualClock::new()),
                    Duration::from_secs(3600),
                )
                .expect("session");
                fake.re_register(TERMINAL_ID);
                rt.block_on(session.login(TERMINAL_ID, TERMINAL_PASSWORD))
                    .expect("login");
                (dir, session)
            },
            |(dir, session)| {
                rt.block_on(session.sync_roster(PROJECT_ID)).expect("sync");
                (dir, session)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// The ratio of a tap's core time to a bare durable insert, measured in
/// turns in the same run.
fn ratio_summary() {
    let rt = runtime();
    let bench = setup(&rt);
    let mut bare = bare();
    let (mut tap_time, mut bare_time) = (Duration::ZERO, Duration::ZERO);
    let rounds = 10;
    let per_round = 50;
    for r in 0..rounds {
        let start = Instant::now();
        for i in 0..per_round {
            let t = Arc::new(InstantCard::new(
                &bench.certificates[(r * per_round + i) % CARDS],
            ));
            rt.block_on(bench.session.tap(t)).expect("tap");
        }
        tap_time += start.elapsed();
        let start = Instant::now();
        for _ in 0..per_round {
            bare.insert();
        }
        bare_time += start.elapsed();
    }
    let n = (rounds * per_round) as u32;
    let (tap, insert) = (tap_time / n, bare_time / n);
    println!(
        "summary: core time per tap (durable, card answering at once) {tap:?}; bare durable insert {insert:?}; ratio {:.2}",
        tap.as_secs_f64() / insert.as_secs_f64()
    );
}

fn memory_summary() {
    let rt = runtime();
    let fake = Arc::new(FakeField::new());
    fake.add_synthetic_roster(PROJECT_ID, ROSTER);
    let before = HELD.load(Ordering::Relaxed);
    let sqlite_before = unsafe { rusqlite::ffi::sqlite3_memory_used() };
    let (dir, session) = rt.block_on(session(fake.clone(), &[]));
    drop(fake);
    let after = HELD.load(Ordering::Relaxed);
    let sqlite_after = unsafe { rusqlite::ffi::sqlite3_memory_used() };
    println!(
        "summary: a session with a {ROSTER}-entry roster holds {} bytes of Rust heap and {} KiB of SQLite heap (the roster is on disk: {} KiB file)",
        after.saturating_sub(before),
        (sqlite_after - sqlite_before).max(0) / 1024,
        std::fs::metadata(dir.path().join("device.sqlite")).map_or(0, |m| m.len()) / 1024,
    );
    drop(session);
}

fn apdu_summary() {
    let rt = runtime();
    let card = card_a();
    let head = phone_tap(&card);
    rt.block_on(CardLink::new(dyn_transport(&head)).read_certificate_head(Vec::new()))
        .expect("head");
    let whole = phone_tap(&card);
    rt.block_on(async {
        let mut session = CardSession::new();
        let mut tap = session.tap(dyn_transport(&whole)).await.expect("tap");
        tap.certificate().await.expect("certificate");
    });
    println!(
        "summary: APDUs per tap with short reads: {} (certificate head) vs {} (whole certificate, {} bytes)",
        head.exchanges(),
        whole.exchanges(),
        card.cert_der().len()
    );
}

criterion_group!(benches, bench_tap, bench_roster_sync);

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
    apdu_summary();
    ratio_summary();
    memory_summary();
}
