//! The opener: pragmas, migration of an older file, refusal of a newer one.

use mynapoint_sqlite::{Migrations, OpenError, Opener, Synchronous, M};
use rusqlite::Connection;

fn steps() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            "CREATE TABLE owners (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;
             CREATE TABLE things (id INTEGER PRIMARY KEY,
                 owner INTEGER NOT NULL REFERENCES owners (id)) STRICT;",
        ),
        M::up("ALTER TABLE owners ADD COLUMN note TEXT;"),
    ])
}

fn pragma<T: rusqlite::types::FromSql>(conn: &Connection, name: &str) -> T {
    conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_new_file_gets_the_pragmas_and_the_latest_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    let opener = Opener::new(steps);
    assert_eq!(opener.latest_version(), 2);
    let conn = opener.open(&path).unwrap();
    assert_eq!(pragma::<String>(&conn, "journal_mode"), "wal");
    assert_eq!(pragma::<i64>(&conn, "foreign_keys"), 1);
    assert_eq!(pragma::<i64>(&conn, "synchronous"), 2, "FULL by default");
    assert_eq!(pragma::<i64>(&conn, "user_version"), 2);
    let refused = conn.execute("INSERT INTO things (id, owner) VALUES (1, 42)", []);
    assert!(refused.is_err(), "foreign keys are enforced");
    drop(conn);
    let normal = Opener::new(steps).synchronous(Synchronous::Normal);
    let conn = normal.open(&path).unwrap();
    assert_eq!(pragma::<i64>(&conn, "synchronous"), 1);
}

#[test]
fn an_in_memory_database_has_the_schema_and_the_rules() {
    let conn = Opener::new(steps).open_in_memory().unwrap();
    assert_eq!(pragma::<i64>(&conn, "user_version"), 2);
    assert_eq!(pragma::<i64>(&conn, "foreign_keys"), 1);
    conn.execute(
        "INSERT INTO owners (id, name, note) VALUES (1, 'a', 'n')",
        [],
    )
    .unwrap();
    assert!(conn
        .execute("INSERT INTO things (id, owner) VALUES (1, 2)", [])
        .is_err());
}

#[test]
fn an_older_file_is_migrated_and_keeps_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    {
        // Version 1, frozen: as the first release wrote it.
        let old = Connection::open(&path).unwrap();
        old.execute_batch(
            "CREATE TABLE owners (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;
             CREATE TABLE things (id INTEGER PRIMARY KEY,
                 owner INTEGER NOT NULL REFERENCES owners (id)) STRICT;
             INSERT INTO owners (id, name) VALUES (7, 'seven');
             INSERT INTO things (id, owner) VALUES (1, 7);
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let conn = Opener::new(steps).open(&path).unwrap();
    assert_eq!(pragma::<i64>(&conn, "user_version"), 2);
    let row: (String, Option<String>, i64) = conn
        .query_row(
            "SELECT name, note, (SELECT count(*) FROM things WHERE owner = 7) FROM owners WHERE id = 7",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(row, ("seven".to_owned(), None, 1));
}

#[test]
fn a_file_written_by_a_newer_version_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.sqlite3");
    {
        let newer = Connection::open(&path).unwrap();
        newer
            .execute_batch(
                "CREATE TABLE owners (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;
                 INSERT INTO owners (id, name) VALUES (1, 'kept');
                 PRAGMA user_version = 5;",
            )
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Opener::new(steps).open(&path).unwrap_err();
    match &err {
        OpenError::NewerSchema { found, known, .. } => assert_eq!((*found, *known), (5, 2)),
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("newer version"), "{message}");
    assert!(message.contains("schema version 5"), "{message}");
    assert!(message.contains("up to 2"), "{message}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file is untouched"
    );
    assert!(
        !dir.path().join("newer.sqlite3-wal").exists(),
        "not switched to WAL"
    );
}

#[test]
fn a_failing_step_leaves_the_file_at_its_version() {
    fn broken() -> Migrations<'static> {
        Migrations::new(vec![
            M::up("CREATE TABLE owners (id INTEGER PRIMARY KEY) STRICT;"),
            M::up("CREATE TABLE extra (x INTEGER) STRICT; SELECT * FROM no_such_table;"),
        ])
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    Opener::new(|| {
        Migrations::new(vec![M::up(
            "CREATE TABLE owners (id INTEGER PRIMARY KEY) STRICT;",
        )])
    })
    .open(&path)
    .unwrap();
    let err = Opener::new(broken).open(&path).unwrap_err();
    assert!(matches!(err, OpenError::Migration { .. }), "{err:?}");
    let conn = Connection::open(&path).unwrap();
    assert_eq!(pragma::<i64>(&conn, "user_version"), 1);
    let extra: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'extra'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(extra, 0, "the failed step left nothing");
}
