//! `my_key_ids` and `retired_my_key_ids`: one My Key ID per person, each id
//! once nationwide (revoked and retired ones stay taken). Every write here
//! runs inside the caller's transaction; a refusal is an `Ok(Err(_))` after
//! which the caller drops the transaction.

use mynapoint_contract::Notifications;
use rusqlite::{params, Connection, OptionalExtension};

use super::{persons, StoreError};

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
    /// Unix seconds.
    pub certificate_expires_at: i64,
    pub active: bool,
    /// When the id was last changed, Unix seconds (None: as issued).
    pub changed_at: Option<i64>,
}

/// What issuing a My Key ID writes (the person is found or created by
/// issuer and subject CN). Times in Unix seconds.
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

/// The person's record, if any.
pub fn of_person(conn: &Connection, person_id: i64) -> Result<Option<MyKeyIdRecord>, StoreError> {
    Ok(conn
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

/// Whether the id is registered to anyone, revoked, or retired by a change.
pub fn taken(conn: &Connection, my_key_id: &str) -> Result<bool, StoreError> {
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

/// Issues a My Key ID: person found or created, then the record, unless the
/// person has one (or had one) or the id is taken.
pub fn issue(
    tx: &Connection,
    new: &NewMyKeyId<'_>,
) -> Result<Result<MyKeyIdRecord, IssueRefusal>, StoreError> {
    let person_id = persons::find_or_create(tx, new.issuer, new.subject_cn, new.now)?;
    let existing: Option<String> = tx
        .query_row(
            "SELECT status FROM my_key_ids WHERE person_id = ?1",
            [person_id],
            |r| r.get(0),
        )
        .optional()?;
    match existing.as_deref() {
        Some("active") => return Ok(Err(IssueRefusal::AlreadyIssued)),
        Some(_) => return Ok(Err(IssueRefusal::Revoked)),
        None => {}
    }
    if taken(tx, new.my_key_id)? {
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
    Ok(Ok(
        of_person(tx, person_id)?.expect("the record was just written")
    ))
}

/// Changes the person's active My Key ID; the old id is retired (kept taken
/// for everyone, never issued again).
pub fn change(
    tx: &Connection,
    person_id: i64,
    new_id: &str,
    now: i64,
) -> Result<Result<MyKeyIdRecord, ChangeRefusal>, StoreError> {
    let current: Option<(String, String)> = tx
        .query_row(
            "SELECT my_key_id, status FROM my_key_ids WHERE person_id = ?1",
            [person_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let old = match current {
        None => return Ok(Err(ChangeRefusal::NotIssued)),
        Some((_, status)) if status != "active" => return Ok(Err(ChangeRefusal::Revoked)),
        Some((id, _)) if id == new_id => return Ok(Err(ChangeRefusal::Unchanged)),
        Some((id, _)) => id,
    };
    if taken(tx, new_id)? {
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
    Ok(Ok(
        of_person(tx, person_id)?.expect("the record was just written")
    ))
}

/// A reissued card: the active record follows the new certificate.
pub fn update_certificate(
    tx: &Connection,
    person_id: i64,
    serial: &str,
    expires_at: i64,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE my_key_ids SET certificate_serial = ?2, certificate_expires_at = ?3,
            updated_at = ?4 WHERE person_id = ?1 AND status = 'active'",
        params![person_id, serial, expires_at, now],
    )?;
    Ok(())
}

/// Irreversible: the id stays taken, the person cannot issue again. False
/// when there was no active id.
pub fn revoke(tx: &Connection, person_id: i64, now: i64) -> Result<bool, StoreError> {
    Ok(tx.execute(
        "UPDATE my_key_ids SET status = 'revoked', revoked_at = ?2, updated_at = ?2
         WHERE person_id = ?1 AND status = 'active'",
        params![person_id, now],
    )? == 1)
}
