//! Upgrades: a database written by an older version (a frozen copy of
//! schema version 1 with rows, `tests/fixtures/schema-v1.sql`) opens with
//! the current code, is migrated, and its rows read as before and take the
//! newer rules; a database written by a newer version is refused, unchanged.

use std::path::Path;

use mynapoint_platform::store::{ChangeRefusal, Store, StoreError};
use mynapoint_platform::Config;
use mynapoint_sqlite::OpenError;
use rusqlite::Connection;

const SCHEMA_V1: &str = include_str!("fixtures/schema-v1.sql");

fn write_v1(path: &Path) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(SCHEMA_V1).unwrap();
}

fn user_version(path: &Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

const ISSUER: &str = "CN=JPKI-TEST CA,O=mynapoint,C=JP";

#[test]
fn a_version_1_database_is_migrated_and_its_rows_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite3");
    write_v1(&path);
    assert_eq!(user_version(&path), 1);

    let mut store = Store::open(&path).unwrap();
    let latest = mynapoint_platform::store::opener().latest_version();
    assert!(latest > 1);
    assert_eq!(user_version(&path), latest as i64);

    let taro = store.person_id(ISSUER, "TARO-0001").unwrap().unwrap();
    let record = store.my_key_id_of(taro).unwrap().unwrap();
    assert_eq!(record.my_key_id, "ABCD1234");
    assert_eq!(record.email.as_deref(), Some("taro@example.jp"));
    assert!(record.notifications.points_granted && record.notifications.my_key_id_changes);
    assert!(!record.notifications.points_expired);
    assert_eq!(record.base_municipality, "131016");
    assert_eq!(
        (
            record.certificate_serial.as_str(),
            record.certificate_expires_at
        ),
        ("0A1B2C", 1_900_000_000)
    );
    assert!(record.active);
    assert_eq!(record.changed_at, None, "a v1 row was never changed");

    let hanako = store.person_id(ISSUER, "HANAKO-0002").unwrap().unwrap();
    assert!(!store.my_key_id_of(hanako).unwrap().unwrap().active);
    assert!(
        store.my_key_id_taken("WXYZ9876").unwrap(),
        "revoked stays taken"
    );

    let application = store.application_of(taro).unwrap().unwrap();
    assert_eq!(application.service_id, "aeon-wallet");
    assert_eq!(application.payment_id.as_deref(), Some("PP12345678"));
    assert_eq!(application.payment_id_masked.as_deref(), Some("******5678"));
    assert_eq!(application.phone_last4.as_deref(), Some("1234"));
    assert_eq!(
        application.security_codes_sealed,
        Some(vec![0x0A, 0x0B, 0x0C])
    );
    // Version 4: an application from before the categories covers category
    // (1), the only one then, and is not on a 1st-installment service.
    assert!(!application.first_installment);
    assert_eq!(
        application
            .categories
            .iter()
            .map(|c| (c.category, c.applied_at))
            .collect::<Vec<_>>(),
        [(
            mynapoint_contract::Category::CardAcquisition,
            application.submitted_at
        )]
    );
    assert!(
        application.child.is_none(),
        "a v1 application is not for a child"
    );
    assert!(store.application_of(hanako).unwrap().is_none());
    let stored = store
        .stored_response("anonymous", "0b6d8f5e-8a3c-4c1e-9d2f-1e2a3b4c5d6e")
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, 201);

    // The steps after version 1 work on the old rows: a change retires the
    // old id (version 2), the payment account is unique (version 3).
    let changed = store
        .change_my_key_id(taro, "NEWID123", 1_800_000_000)
        .unwrap()
        .unwrap();
    assert_eq!(changed.changed_at, Some(1_800_000_000));
    assert!(store.my_key_id_taken("ABCD1234").unwrap());
    assert_eq!(
        store
            .change_my_key_id(hanako, "ABCD1234", 1_800_000_001)
            .unwrap(),
        Err(ChangeRefusal::Revoked)
    );
    drop(store);
    let conn = Connection::open(&path).unwrap();
    let duplicate = conn.execute(
        "INSERT INTO applications (application_id, person_id, service_id, service_name,
            terms_version, payment_id, payment_id_masked, security_codes_nonce,
            security_codes_sealed, evidence_nonce, evidence_sealed, session_id,
            certificate_serial, submitted_at, registered_at)
         VALUES ('x', 2, 'aeon-wallet', 'AEON Pay', '2024-01', 'PP12345678', '******5678',
            x'00', x'00', x'00', x'00', 's', '0D0E0F', 1, 1)",
        [],
    );
    assert!(duplicate.is_err(), "one person per payment account");
}

#[test]
fn a_migrated_database_opens_again_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite3");
    write_v1(&path);
    let first = Store::open(&path).unwrap().dump().unwrap();
    let second = Store::open(&path).unwrap().dump().unwrap();
    assert_eq!(first, second);
}

#[test]
fn a_database_written_by_a_newer_version_is_refused_and_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.sqlite3");
    write_v1(&path);
    let newer = mynapoint_platform::store::opener().latest_version() + 1;
    Connection::open(&path)
        .unwrap()
        .execute_batch(&format!("PRAGMA user_version = {newer};"))
        .unwrap();
    let before = std::fs::read(&path).unwrap();

    let err = Store::open(&path).unwrap_err();
    match &err {
        StoreError::Open(OpenError::NewerSchema { found, known, .. }) => {
            assert_eq!((*found, *known), (newer, newer - 1));
        }
        other => panic!("expected a refusal of a newer schema, got {other:?}"),
    }
    assert!(err.to_string().contains("newer version"), "{err}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file is untouched"
    );
    assert_eq!(user_version(&path), newer as i64);

    // Starting the server on it says the same, before serving anything.
    let mut config = Config::ephemeral();
    config.database = Some(path.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let refused = runtime
        .block_on(mynapoint_platform::start(config))
        .unwrap_err();
    let message = refused.to_string();
    assert!(message.contains("newer version"), "{message}");
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "still untouched");
}
