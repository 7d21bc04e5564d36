//! Embedded SQLite: one file in WAL mode, migrated on open. Every write runs
//! in a transaction; the schema's unique constraints back the rules.

mod migrations;

use std::fmt::Write as _;
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use mynapoint_contract::Notifications;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("the database was created with another security code key (id {stored}); this configuration's key has id {configured}")]
    WrongKey { stored: String, configured: String },
}

/// Why a My Key ID could not be issued.
#[derive(Debug, PartialEq, Eq)]
pub enum IssueRefusal {
    AlreadyIssued,
    Revoked,
    Taken,
}

/// Why a My Key ID could not be changed.
#[derive(Debug, PartialEq, Eq)]
pub enum ChangeRefusal {
    NotIssued,
    Revoked,
    Unchanged,
    Taken,
}

/// A person's My Key ID record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyKeyIdRecord {
    pub person_id: i64,
    pub my_key_id: String,
    pub email: Option<String>,
    pub notifications: Notifications,
    pub base_municipality: String,
    pub certificate_serial: String,
    pub certificate_expires_at: i64,
    pub active: bool,
    /// When the id was last changed (None: as issued).
    pub changed_at: Option<i64>,
}

/// What issuing a My Key ID writes (the person is found or created by
/// issuer and subject CN).
#[derive(Debug, Clone)]
pub struct NewMyKeyId<'a> {
    pub issuer: &'a str,
    pub subject_cn: &'a str,
    pub my_key_id: &'a str,
    pub password_hash: &'a str,
    pub email: Option<&'a str>,
    pub notifications: Notifications,
    pub base_municipality: &'a str,
    pub certificate_serial: &'a str,
    pub certificate_expires_at: i64,
    pub now: i64,
}

/// A stored application. The security codes stay sealed.
#[derive(Clone, PartialEq, Eq)]
pub struct ApplicationRecord {
    pub application_id: String,
    pub person_id: i64,
    pub service_id: String,
    pub service_name: String,
    pub terms_version: String,
    pub payment_id: String,
    pub payment_id_masked: String,
    pub security_codes_nonce: Vec<u8>,
    pub security_codes_sealed: Vec<u8>,
    pub phone_last4: Option<String>,
    /// Sealed `digest (32 bytes) || signature`.
    pub evidence_nonce: Vec<u8>,
    pub evidence_sealed: Vec<u8>,
    pub session_id: String,
    pub certificate_serial: String,
    pub submitted_at: i64,
    pub registered_at: i64,
    /// Set for an application for a child under 15 by a legal representative.
    pub child: Option<ChildApplication>,
}

/// The child part of an application: the child's birth date and the legal
/// representative (certificate serial, issuer + subject CN, sealed signature).
#[derive(Clone, PartialEq, Eq)]
pub struct ChildApplication {
    /// `YYYYMMDD`.
    pub birth_date: String,
    pub representative_serial: String,
    pub representative_issuer: String,
    pub representative_cn: String,
    pub representative_signature_nonce: Vec<u8>,
    pub representative_signature_sealed: Vec<u8>,
}

impl std::fmt::Debug for ChildApplication {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChildApplication")
            .field("representative_serial", &self.representative_serial)
            .finish_non_exhaustive()
    }
}

/// What inserting an application did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertOutcome {
    Inserted,
    /// The person already has an application.
    AlreadyApplied,
    /// Another person's application uses the same (service, payment id).
    PaymentAccountInUse,
}

impl std::fmt::Debug for ApplicationRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApplicationRecord")
            .field("application_id", &self.application_id)
            .field("service_id", &self.service_id)
            .field("payment_id_masked", &self.payment_id_masked)
            .field("submitted_at", &self.submitted_at)
            .finish_non_exhaustive()
    }
}

/// A stored response for an Idempotency-Key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub request_hash: Vec<u8>,
    pub status: u16,
    pub body_nonce: Vec<u8>,
    pub body_sealed: Vec<u8>,
}

pub struct Store {
    conn: Connection,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({:?})", self.conn.path())
    }
}

const TABLES: [&str; 6] = [
    "meta",
    "persons",
    "my_key_ids",
    "retired_my_key_ids",
    "applications",
    "idempotency",
];

impl Store {
    /// Opens (creating if needed) the database file, in WAL mode, and
    /// migrates it to the latest schema.
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Store::prepare(conn)
    }

    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::prepare(Connection::open_in_memory()?)
    }

    fn prepare(mut conn: Connection) -> Result<Store, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations::migrations().to_latest(&mut conn)?;
        Ok(Store { conn })
    }

    fn write<T>(
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

    /// Records the key's fingerprint on first use; refuses another key later.
    pub fn bind_sealing_key(&mut self, key_id: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            let stored: Option<String> = tx
                .query_row(
                    "SELECT value FROM meta WHERE key = 'security_code_key_id'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            match stored {
                Some(stored) if stored != key_id => Err(StoreError::WrongKey {
                    stored,
                    configured: key_id.to_owned(),
                }),
                Some(_) => Ok(()),
                None => {
                    tx.execute(
                        "INSERT INTO meta (key, value) VALUES ('security_code_key_id', ?1)",
                        [key_id],
                    )?;
                    Ok(())
                }
            }
        })
    }

    pub fn person_id(&self, issuer: &str, subject_cn: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT person_id FROM persons WHERE issuer = ?1 AND subject_cn = ?2",
                [issuer, subject_cn],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn my_key_id_of(&self, person_id: i64) -> Result<Option<MyKeyIdRecord>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT person_id, my_key_id, email, notify_points_granted, notify_points_expired,
                        notify_password_changed, notify_my_key_id_changes, base_municipality,
                        certificate_serial, certificate_expires_at, status, changed_at
                 FROM my_key_ids WHERE person_id = ?1",
                [person_id],
                |r| {
                    Ok(MyKeyIdRecord {
                        person_id: r.get(0)?,
                        my_key_id: r.get(1)?,
                        email: r.get(2)?,
                        notifications: Notifications {
                            points_granted: r.get(3)?,
                            points_expired: r.get(4)?,
                            password_changed: r.get(5)?,
                            my_key_id_changes: r.get(6)?,
                        },
                        base_municipality: r.get(7)?,
                        certificate_serial: r.get(8)?,
                        certificate_expires_at: r.get(9)?,
                        active: r.get::<_, String>(10)? == "active",
                        changed_at: r.get(11)?,
                    })
                },
            )
            .optional()?)
    }

    /// Whether the id is registered to anyone (revoked and retired ids stay taken).
    pub fn my_key_id_taken(&self, my_key_id: &str) -> Result<bool, StoreError> {
        id_taken(&self.conn, my_key_id)
    }

    /// Issues a My Key ID in one transaction: person found or created, then
    /// the record, unless the person has one (or had one) or the id is taken.
    pub fn issue_my_key_id(
        &mut self,
        new: &NewMyKeyId<'_>,
    ) -> Result<Result<MyKeyIdRecord, IssueRefusal>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO persons (issuer, subject_cn, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (issuer, subject_cn) DO NOTHING",
            params![new.issuer, new.subject_cn, new.now],
        )?;
        let person_id: i64 = tx.query_row(
            "SELECT person_id FROM persons WHERE issuer = ?1 AND subject_cn = ?2",
            [new.issuer, new.subject_cn],
            |r| r.get(0),
        )?;
        let existing: Option<String> = tx
            .query_row(
                "SELECT status FROM my_key_ids WHERE person_id = ?1",
                [person_id],
                |r| r.get(0),
            )
            .optional()?;
        // A refusal drops the transaction: nothing of it remains.
        match existing.as_deref() {
            Some("active") => return Ok(Err(IssueRefusal::AlreadyIssued)),
            Some(_) => return Ok(Err(IssueRefusal::Revoked)),
            None => {}
        }
        if id_taken(&tx, new.my_key_id)? {
            return Ok(Err(IssueRefusal::Taken));
        }
        let n = &new.notifications;
        tx.execute(
            "INSERT INTO my_key_ids (person_id, my_key_id, password_hash, email,
                notify_points_granted, notify_points_expired, notify_password_changed,
                notify_my_key_id_changes, base_municipality, certificate_serial,
                certificate_expires_at, status, issued_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'active', ?12, ?12)",
            params![
                person_id,
                new.my_key_id,
                new.password_hash,
                new.email,
                n.points_granted,
                n.points_expired,
                n.password_changed,
                n.my_key_id_changes,
                new.base_municipality,
                new.certificate_serial,
                new.certificate_expires_at,
                new.now,
            ],
        )?;
        tx.commit()?;
        Ok(Ok(self
            .my_key_id_of(person_id)?
            .expect("the record was just written")))
    }

    /// Changes the person's active My Key ID in one transaction; the old id
    /// is retired (kept taken for everyone, never issued again).
    pub fn change_my_key_id(
        &mut self,
        person_id: i64,
        new_id: &str,
        now: i64,
    ) -> Result<Result<MyKeyIdRecord, ChangeRefusal>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: Option<(String, String)> = tx
            .query_row(
                "SELECT my_key_id, status FROM my_key_ids WHERE person_id = ?1",
                [person_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        // A refusal drops the transaction: nothing of it remains.
        let old = match current {
            None => return Ok(Err(ChangeRefusal::NotIssued)),
            Some((_, status)) if status != "active" => return Ok(Err(ChangeRefusal::Revoked)),
            Some((id, _)) if id == new_id => return Ok(Err(ChangeRefusal::Unchanged)),
            Some((id, _)) => id,
        };
        if id_taken(&tx, new_id)? {
            return Ok(Err(ChangeRefusal::Taken));
        }
        tx.execute(
            "INSERT INTO retired_my_key_ids (my_key_id, person_id, retired_at) VALUES (?1, ?2, ?3)",
            params![old, person_id, now],
        )?;
        tx.execute(
            "UPDATE my_key_ids SET my_key_id = ?2, changed_at = ?3, updated_at = ?3
             WHERE person_id = ?1",
            params![person_id, new_id, now],
        )?;
        tx.commit()?;
        Ok(Ok(self
            .my_key_id_of(person_id)?
            .expect("the record was just written")))
    }

    /// A reissued card: the record follows the new certificate.
    pub fn update_certificate(
        &mut self,
        person_id: i64,
        serial: &str,
        expires_at: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE my_key_ids SET certificate_serial = ?2, certificate_expires_at = ?3,
                    updated_at = ?4 WHERE person_id = ?1 AND status = 'active'",
                params![person_id, serial, expires_at, now],
            )?;
            Ok(())
        })
    }

    /// Irreversible: the id stays taken, the person cannot issue again.
    pub fn revoke_my_key_id(&mut self, person_id: i64, now: i64) -> Result<bool, StoreError> {
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE my_key_ids SET status = 'revoked', revoked_at = ?2, updated_at = ?2
                 WHERE person_id = ?1 AND status = 'active'",
                params![person_id, now],
            )? == 1)
        })
    }

    /// Whether another person's application uses this payment account.
    pub fn payment_account_used_by_other(
        &self,
        service_id: &str,
        payment_id: &str,
        person_id: i64,
    ) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM applications
                 WHERE service_id = ?1 AND payment_id = ?2 AND person_id <> ?3",
                params![service_id, payment_id, person_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    pub fn application_of(&self, person_id: i64) -> Result<Option<ApplicationRecord>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT application_id, person_id, service_id, service_name, terms_version,
                        payment_id, payment_id_masked, security_codes_nonce, security_codes_sealed,
                        phone_last4, evidence_nonce, evidence_sealed, session_id, certificate_serial,
                        submitted_at, registered_at, child_birth_date, representative_serial,
                        representative_issuer, representative_cn,
                        representative_signature_nonce, representative_signature_sealed
                 FROM applications WHERE person_id = ?1",
                [person_id],
                |r| {
                    Ok(ApplicationRecord {
                        application_id: r.get(0)?,
                        person_id: r.get(1)?,
                        service_id: r.get(2)?,
                        service_name: r.get(3)?,
                        terms_version: r.get(4)?,
                        payment_id: r.get(5)?,
                        payment_id_masked: r.get(6)?,
                        security_codes_nonce: r.get(7)?,
                        security_codes_sealed: r.get(8)?,
                        phone_last4: r.get(9)?,
                        evidence_nonce: r.get(10)?,
                        evidence_sealed: r.get(11)?,
                        session_id: r.get(12)?,
                        certificate_serial: r.get(13)?,
                        submitted_at: r.get(14)?,
                        registered_at: r.get(15)?,
                        child: match r.get::<_, Option<String>>(16)? {
                            None => None,
                            Some(birth_date) => Some(ChildApplication {
                                birth_date,
                                representative_serial: r.get(17)?,
                                representative_issuer: r.get(18)?,
                                representative_cn: r.get(19)?,
                                representative_signature_nonce: r.get(20)?,
                                representative_signature_sealed: r.get(21)?,
                            }),
                        },
                    })
                },
            )
            .optional()?)
    }

    /// Inserts the person's one application, unless the person has one or
    /// another person's application uses the same (service, payment id).
    pub fn insert_application(
        &mut self,
        a: &ApplicationRecord,
    ) -> Result<InsertOutcome, StoreError> {
        self.write(|tx| {
            let applied = tx
                .query_row(
                    "SELECT 1 FROM applications WHERE person_id = ?1",
                    [a.person_id],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if applied {
                return Ok(InsertOutcome::AlreadyApplied);
            }
            let account_used = tx
                .query_row(
                    "SELECT 1 FROM applications WHERE service_id = ?1 AND payment_id = ?2",
                    [&a.service_id, &a.payment_id],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if account_used {
                return Ok(InsertOutcome::PaymentAccountInUse);
            }
            let child = a.child.as_ref();
            tx.execute(
                "INSERT INTO applications (application_id, person_id, service_id, service_name,
                    terms_version, payment_id, payment_id_masked, security_codes_nonce,
                    security_codes_sealed, phone_last4, evidence_nonce, evidence_sealed, session_id,
                    certificate_serial, submitted_at, registered_at, child_birth_date,
                    representative_serial, representative_issuer, representative_cn,
                    representative_signature_nonce, representative_signature_sealed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                    ?17, ?18, ?19, ?20, ?21, ?22)",
                params![
                    a.application_id,
                    a.person_id,
                    a.service_id,
                    a.service_name,
                    a.terms_version,
                    a.payment_id,
                    a.payment_id_masked,
                    a.security_codes_nonce,
                    a.security_codes_sealed,
                    a.phone_last4,
                    a.evidence_nonce,
                    a.evidence_sealed,
                    a.session_id,
                    a.certificate_serial,
                    a.submitted_at,
                    a.registered_at,
                    child.map(|c| &c.birth_date),
                    child.map(|c| &c.representative_serial),
                    child.map(|c| &c.representative_issuer),
                    child.map(|c| &c.representative_cn),
                    child.map(|c| &c.representative_signature_nonce),
                    child.map(|c| &c.representative_signature_sealed),
                ],
            )?;
            Ok(InsertOutcome::Inserted)
        })
    }

    pub fn stored_response(
        &self,
        scope: &str,
        key: &str,
    ) -> Result<Option<StoredResponse>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT request_hash, status, body_nonce, body_sealed FROM idempotency
                 WHERE scope = ?1 AND key = ?2",
                [scope, key],
                |r| {
                    Ok(StoredResponse {
                        request_hash: r.get(0)?,
                        status: r.get(1)?,
                        body_nonce: r.get(2)?,
                        body_sealed: r.get(3)?,
                    })
                },
            )
            .optional()?)
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
        self.write(|tx| {
            tx.execute(
                "DELETE FROM idempotency WHERE created_at < ?1",
                [forget_before],
            )?;
            tx.execute(
                "INSERT INTO idempotency (scope, key, request_hash, status, body_nonce,
                    body_sealed, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (scope, key) DO NOTHING",
                params![
                    scope,
                    key,
                    response.request_hash,
                    response.status,
                    response.body_nonce,
                    response.body_sealed,
                    now
                ],
            )?;
            Ok(())
        })
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

/// Whether the id is registered to anyone, revoked, or retired by a change.
fn id_taken(conn: &Connection, my_key_id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM my_key_ids WHERE my_key_id = ?1
             UNION ALL SELECT 1 FROM retired_my_key_ids WHERE my_key_id = ?1",
            [my_key_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

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
