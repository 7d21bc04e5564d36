//! `roster_entries` (付与事業対象者名簿): per project, the participants by
//! person (with the My Key ID and the salted person digest a device matches
//! cards with) and their points. Every change of a project's roster takes
//! the project's next `roster_version`; a removed participant stays as a
//! tombstone row with the version of its removal, so an incremental sync
//! can report it.

use rusqlite::{params, Connection, OptionalExtension};

use super::StoreError;

/// A person known by an active My Key ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedPerson {
    pub person_id: i64,
    pub issuer: String,
    pub subject_cn: String,
}

/// The person holding `my_key_id` as their active id.
pub fn active_person(
    conn: &Connection,
    my_key_id: &str,
) -> Result<Option<KeyedPerson>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT p.person_id, p.issuer, p.subject_cn FROM my_key_ids k
             JOIN persons p ON p.person_id = k.person_id
             WHERE k.my_key_id = ?1 AND k.status = 'active'",
            [my_key_id],
            |r| {
                Ok(KeyedPerson {
                    person_id: r.get(0)?,
                    issuer: r.get(1)?,
                    subject_cn: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// One roster row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub my_key_id: String,
    pub person_digest: Vec<u8>,
    pub points: u32,
    pub removed: bool,
    pub version: i64,
}

/// Takes the project's next roster version (inside the caller's transaction).
pub fn next_version(tx: &Connection, project_id: &str) -> Result<i64, StoreError> {
    Ok(tx.query_row(
        "UPDATE grant_projects SET roster_version = roster_version + 1
         WHERE project_id = ?1 RETURNING roster_version",
        [project_id],
        |r| r.get(0),
    )?)
}

/// Adds or changes the person's entry (a removed one comes back).
pub fn upsert(
    tx: &Connection,
    project_id: &str,
    person_id: i64,
    my_key_id: &str,
    digest: &[u8],
    points: u32,
    version: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO roster_entries (project_id, my_key_id, person_id, person_digest, points,
             removed, version)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)
         ON CONFLICT (project_id, person_id) DO UPDATE SET my_key_id = ?2, person_digest = ?4,
             points = ?5, removed = 0, version = ?6",
        params![project_id, my_key_id, person_id, digest, points, version],
    )?;
    Ok(())
}

/// Marks the entry of `my_key_id` removed; `Ok(false)` when it is not on
/// the roster.
pub fn remove(
    tx: &Connection,
    project_id: &str,
    my_key_id: &str,
    version: i64,
) -> Result<bool, StoreError> {
    Ok(tx.execute(
        "UPDATE roster_entries SET removed = 1, version = ?3
         WHERE project_id = ?1 AND my_key_id = ?2 AND removed = 0",
        params![project_id, my_key_id, version],
    )? == 1)
}

/// The person's points on the roster, if they are on it.
pub fn points_of(
    conn: &Connection,
    project_id: &str,
    person_id: i64,
) -> Result<Option<u32>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT points FROM roster_entries
             WHERE project_id = ?1 AND person_id = ?2 AND removed = 0",
            params![project_id, person_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// Entries changed after `since` (tombstones included) or, with `None`,
/// the whole roster (tombstones left out), in version order.
pub fn entries(
    conn: &Connection,
    project_id: &str,
    since: Option<i64>,
) -> Result<Vec<StoredEntry>, StoreError> {
    let sql = match since {
        Some(_) => {
            "SELECT my_key_id, person_digest, points, removed, version FROM roster_entries
             WHERE project_id = ?1 AND version > ?2 ORDER BY version, my_key_id"
        }
        None => {
            "SELECT my_key_id, person_digest, points, removed, version FROM roster_entries
             WHERE project_id = ?1 AND removed = 0 AND ?2 = ?2 ORDER BY version, my_key_id"
        }
    };
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(params![project_id, since.unwrap_or(0)], |r| {
        Ok(StoredEntry {
            my_key_id: r.get(0)?,
            person_digest: r.get(1)?,
            points: r.get(2)?,
            removed: r.get(3)?,
            version: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
