//! Storage: the platform's SQLite database, one module per table (or
//! table group), each a set of functions over a connection or the caller's
//! transaction. [`Store`] holds the connection (opened by the workspace's one
//! opener, `mynapoint-sqlite`) and runs each write in one transaction: a
//! refusal rolls back everything the write did. The schema's unique
//! constraints back the rules (see [`schema`]). This layer knows no HTTP and
//! no rule beyond what a constraint says.

pub mod applications;
pub mod eligibility;
pub mod field;
pub mod grants;
pub mod idempotency;
pub mod meta;
pub mod my_key_ids;
pub mod persons;
pub mod roster;
pub mod schema;
pub mod taps;

use std::fmt::Write as _;
use std::path::Path;

use mynapoint_sqlite::{OpenError, Opener, Synchronous};
use rusqlite::{Connection, Transaction, TransactionBehavior};

pub use applications::{
    AddOutcome, ApplicationRecord, CategoryAdditionRecord, CategoryRecord, ChildApplication,
    InsertOutcome,
};
pub use idempotency::StoredResponse;
pub use my_key_ids::{ChangeRefusal, IssueRefusal, MyKeyIdRecord, NewMyKeyId};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Opening the file (including a file written by a newer version,
    /// [`OpenError::NewerSchema`], which is left unchanged).
    #[error("database: {0}")]
    Open(#[from] OpenError),
    #[error("the database was created with another security code key (id {stored}); this configuration's key has id {configured}")]
    WrongKey { stored: String, configured: String },
}

/// The connection (or the open transaction) that the store's functions take:
/// a rule that must decide inside one transaction (a field tap: its outcome,
/// its grant and its e-mail as one unit) holds it as an opaque handle and
/// calls the store's functions with it; it writes no SQL itself.
pub type Db = Connection;

/// The platform's database.
pub struct Store {
    conn: Connection,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({:?})", self.conn.path())
    }
}

const TABLES: [&str; 16] = [
    "meta",
    "persons",
    "my_key_ids",
    "retired_my_key_ids",
    "applications",
    "application_categories",
    "eligibility_facts",
    "idempotency",
    "municipalities",
    "grant_projects",
    "terminals",
    "roster_entries",
    "participants",
    "taps",
    "grants",
    "outbox",
];

/// The platform's opener: the schema's steps; `synchronous = NORMAL` (a
/// commit survives a crash of the server; every write a client makes is
/// idempotent, so a power cut costs at most a retry).
pub fn opener() -> Opener {
    Opener::new(schema::migrations).synchronous(Synchronous::Normal)
}

impl Store {
    /// Opens (creating if needed) the database file, in WAL mode, migrated
    /// to the latest schema.
    ///
    /// # Errors
    /// [`StoreError::Open`]: not a database, a failed migration, or a file
    /// written by a newer version (refused, left unchanged).
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        Ok(Store {
            conn: opener().open(path)?,
        })
    }

    /// A private in-memory database (tests, the demo).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Ok(Store {
            conn: opener().open_in_memory()?,
        })
    }

    /// Runs `f` in one immediate transaction, committed when it returns Ok.
    pub fn write<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` in one immediate transaction, committed only when it returns
    /// `Ok(Ok(_))`: a refusal leaves nothing of what `f` wrote.
    pub fn decide<T, R>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<Result<T, R>, StoreError>,
    ) -> Result<Result<T, R>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        if value.is_ok() {
            tx.commit()?;
        }
        Ok(value)
    }

    /// Records the key's fingerprint on first use; refuses another key later.
    pub fn bind_sealing_key(&mut self, key_id: &str) -> Result<(), StoreError> {
        self.write(|tx| meta::bind_sealing_key(tx, key_id))
    }

    /// The person with this certificate issuer and subject CN, if known.
    pub fn person_id(&self, issuer: &str, subject_cn: &str) -> Result<Option<i64>, StoreError> {
        persons::find(&self.conn, issuer, subject_cn)
    }

    pub fn my_key_id_of(&self, person_id: i64) -> Result<Option<MyKeyIdRecord>, StoreError> {
        my_key_ids::of_person(&self.conn, person_id)
    }

    /// Whether the id is registered to anyone (revoked and retired ids stay taken).
    pub fn my_key_id_taken(&self, my_key_id: &str) -> Result<bool, StoreError> {
        my_key_ids::taken(&self.conn, my_key_id)
    }

    /// Issues a My Key ID in one transaction ([`my_key_ids::issue`]).
    pub fn issue_my_key_id(
        &mut self,
        new: &NewMyKeyId<'_>,
    ) -> Result<Result<MyKeyIdRecord, IssueRefusal>, StoreError> {
        self.decide(|tx| my_key_ids::issue(tx, new))
    }

    /// Changes the person's active My Key ID in one transaction
    /// ([`my_key_ids::change`]).
    pub fn change_my_key_id(
        &mut self,
        person_id: i64,
        new_id: &str,
        now: i64,
    ) -> Result<Result<MyKeyIdRecord, ChangeRefusal>, StoreError> {
        self.decide(|tx| my_key_ids::change(tx, person_id, new_id, now))
    }

    /// A reissued card: the record follows the new certificate.
    pub fn update_certificate(
        &mut self,
        person_id: i64,
        serial: &str,
        expires_at: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        self.write(|tx| my_key_ids::update_certificate(tx, person_id, serial, expires_at, now))
    }

    /// Irreversible: the id stays taken, the person cannot issue again.
    pub fn revoke_my_key_id(&mut self, person_id: i64, now: i64) -> Result<bool, StoreError> {
        self.write(|tx| my_key_ids::revoke(tx, person_id, now))
    }

    /// Whether another person's application uses this payment account.
    pub fn payment_account_used_by_other(
        &self,
        service_id: &str,
        payment_id: &str,
        person_id: i64,
    ) -> Result<bool, StoreError> {
        applications::used_by_other(&self.conn, service_id, payment_id, person_id)
    }

    pub fn application_of(&self, person_id: i64) -> Result<Option<ApplicationRecord>, StoreError> {
        applications::of_person(&self.conn, person_id)
    }

    /// Inserts the person's one application in one transaction
    /// ([`applications::insert`]).
    pub fn insert_application(
        &mut self,
        a: &ApplicationRecord,
    ) -> Result<InsertOutcome, StoreError> {
        self.write(|tx| applications::insert(tx, a))
    }

    /// Adds categories to an application in one transaction
    /// ([`applications::add_categories`]); a refusal adds none.
    pub fn add_categories(
        &mut self,
        a: &CategoryAdditionRecord<'_>,
    ) -> Result<AddOutcome, StoreError> {
        self.decide(|tx| {
            Ok(match applications::add_categories(tx, a)? {
                AddOutcome::Added => Ok(AddOutcome::Added),
                refused => Err(refused),
            })
        })
        .map(|r| r.unwrap_or_else(|refused| refused))
    }

    /// The person's eligibility facts (none recorded: none at all).
    pub fn eligibility_of(
        &self,
        person_id: i64,
    ) -> Result<mynapoint_contract::EligibilityFacts, StoreError> {
        eligibility::of_person(&self.conn, person_id)
    }

    /// Sets a person's eligibility facts (the person is created if new).
    pub fn set_eligibility(
        &mut self,
        issuer: &str,
        subject_cn: &str,
        facts: &mynapoint_contract::EligibilityFacts,
        now: i64,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let person = persons::find_or_create(tx, issuer, subject_cn, now)?;
            eligibility::set(tx, person, facts, now)
        })
    }

    pub fn stored_response(
        &self,
        scope: &str,
        key: &str,
    ) -> Result<Option<StoredResponse>, StoreError> {
        idempotency::find(&self.conn, scope, key)
    }

    /// Stores a response; entries older than `forget_before` are dropped.
    pub fn store_response(
        &mut self,
        scope: &str,
        key: &str,
        response: &StoredResponse,
        now: i64,
        forget_before: i64,
    ) -> Result<(), StoreError> {
        self.write(|tx| idempotency::insert(tx, scope, key, response, now, forget_before))
    }

    /// Runs `f` over the connection, outside any transaction (reads).
    pub fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        f(&self.conn)
    }

    /// Every row of every table as text: tests compare dumps to prove that a
    /// refused request changed nothing.
    pub fn dump(&self) -> Result<String, StoreError> {
        let mut out = String::new();
        for table in TABLES {
            let mut stmt = self
                .conn
                .prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))
                .or_else(|_| self.conn.prepare(&format!("SELECT * FROM {table}")))?;
            let columns = stmt.column_count();
            let _ = writeln!(out, "[{table}]");
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                for i in 0..columns {
                    let value: rusqlite::types::Value = row.get(i)?;
                    let _ = write!(out, "{value:?}|");
                }
                out.push('\n');
            }
        }
        Ok(out)
    }

    /// Writes the WAL into the main file (tests read the file's bytes).
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mynapoint_contract::Notifications;

    fn new_id<'a>(cn: &'a str, id: &'a str) -> NewMyKeyId<'a> {
        NewMyKeyId {
            issuer: "CN=ca",
            subject_cn: cn,
            my_key_id: id,
            password_hash: "$argon2id$x",
            email: None,
            notifications: Notifications::default(),
            base_municipality: "131016",
            certificate_serial: "0A",
            certificate_expires_at: 10,
            now: 1,
        }
    }

    #[test]
    fn one_id_per_person_and_each_id_once() {
        let mut store = Store::open_in_memory().unwrap();
        assert!(store
            .issue_my_key_id(&new_id("A", "AAAA1111"))
            .unwrap()
            .is_ok());
        assert_eq!(
            store.issue_my_key_id(&new_id("A", "BBBB2222")).unwrap(),
            Err(IssueRefusal::AlreadyIssued)
        );
        let before = store.dump().unwrap();
        assert_eq!(
            store.issue_my_key_id(&new_id("B", "AAAA1111")).unwrap(),
            Err(IssueRefusal::Taken)
        );
        assert_eq!(store.dump().unwrap(), before, "a refusal leaves nothing");
        let person = store.person_id("CN=ca", "A").unwrap().unwrap();
        assert!(store.revoke_my_key_id(person, 5).unwrap());
        assert!(!store.revoke_my_key_id(person, 6).unwrap());
        assert_eq!(
            store.issue_my_key_id(&new_id("A", "CCCC3333")).unwrap(),
            Err(IssueRefusal::Revoked)
        );
        assert!(store.my_key_id_taken("AAAA1111").unwrap());
    }

    #[test]
    fn a_changed_id_is_retired_and_stays_taken() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .issue_my_key_id(&new_id("A", "AAAA1111"))
            .unwrap()
            .unwrap();
        store
            .issue_my_key_id(&new_id("B", "BBBB2222"))
            .unwrap()
            .unwrap();
        let a = store.person_id("CN=ca", "A").unwrap().unwrap();
        let before = store.dump().unwrap();
        assert_eq!(
            store.change_my_key_id(a, "AAAA1111", 7).unwrap(),
            Err(ChangeRefusal::Unchanged)
        );
        assert_eq!(
            store.change_my_key_id(a, "BBBB2222", 7).unwrap(),
            Err(ChangeRefusal::Taken)
        );
        assert_eq!(
            store.change_my_key_id(a + 100, "CCCC3333", 7).unwrap(),
            Err(ChangeRefusal::NotIssued)
        );
        assert_eq!(store.dump().unwrap(), before, "a refusal leaves nothing");
        let record = store.change_my_key_id(a, "CCCC3333", 7).unwrap().unwrap();
        assert_eq!(record.my_key_id, "CCCC3333");
        assert_eq!(record.changed_at, Some(7));
        assert!(store.my_key_id_taken("AAAA1111").unwrap());
        assert_eq!(
            store.issue_my_key_id(&new_id("C", "AAAA1111")).unwrap(),
            Err(IssueRefusal::Taken)
        );
        // Not even the person gets the retired id back.
        assert_eq!(
            store.change_my_key_id(a, "AAAA1111", 8).unwrap(),
            Err(ChangeRefusal::Taken)
        );
        assert!(store.revoke_my_key_id(a, 9).unwrap());
        assert_eq!(
            store.change_my_key_id(a, "DDDD4444", 10).unwrap(),
            Err(ChangeRefusal::Revoked)
        );
    }

    #[test]
    fn the_schema_refuses_a_malformed_id() {
        let mut store = Store::open_in_memory().unwrap();
        assert!(store.issue_my_key_id(&new_id("A", "aaaa1111")).is_err());
    }

    #[test]
    fn a_file_database_is_in_wal_mode_and_keeps_its_key_binding() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.sqlite3");
        {
            let mut store = Store::open(&path).unwrap();
            let mode: String = store
                .conn
                .query_row("PRAGMA journal_mode", [], |r| r.get(0))
                .unwrap();
            assert_eq!(mode, "wal");
            store.bind_sealing_key("k1").unwrap();
        }
        let mut store = Store::open(&path).unwrap();
        store.bind_sealing_key("k1").unwrap();
        assert!(matches!(
            store.bind_sealing_key("k2"),
            Err(StoreError::WrongKey { .. })
        ));
    }
}
