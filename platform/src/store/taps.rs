//! `taps`: every tap a terminal uploaded, with its outcome (`result`,
//! `reason`, `points`), so that a tap sent again answers the same. A tap
//! that waits (`not_on_roster`, `no_my_key_id`) is resolved later, when its
//! person is added to the roster.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::StoreError;

/// A stored tap. `result` and `reason` are the contract's wire names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTap {
    pub tap_id: String,
    pub terminal_id: String,
    pub project_id: String,
    /// Unix seconds (device clock).
    pub tapped_at: i64,
    pub person_id: Option<i64>,
    pub result: String,
    pub reason: Option<String>,
    pub points: Option<u32>,
}

/// What is stored of a new tap.
#[derive(Debug, Clone)]
pub struct NewTap<'a> {
    pub tap: &'a StoredTap,
    pub batch_id: &'a str,
    pub certificate_serial: &'a str,
    pub offline_verdict: &'a str,
    pub now: i64,
}

const COLUMNS: &str =
    "tap_id, terminal_id, project_id, tapped_at, person_id, result, reason, points";

fn row(r: &Row<'_>) -> rusqlite::Result<StoredTap> {
    Ok(StoredTap {
        tap_id: r.get(0)?,
        terminal_id: r.get(1)?,
        project_id: r.get(2)?,
        tapped_at: r.get(3)?,
        person_id: r.get(4)?,
        result: r.get(5)?,
        reason: r.get(6)?,
        points: r.get(7)?,
    })
}

pub fn find(conn: &Connection, tap_id: &str) -> Result<Option<StoredTap>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM taps WHERE tap_id = ?1"),
            [tap_id],
            row,
        )
        .optional()?)
}

pub fn insert(tx: &Connection, new: &NewTap<'_>) -> Result<(), StoreError> {
    let t = new.tap;
    tx.execute(
        "INSERT INTO taps (tap_id, batch_id, terminal_id, project_id, tapped_at, person_id,
             certificate_serial, offline_verdict, result, reason, points, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            t.tap_id,
            new.batch_id,
            t.terminal_id,
            t.project_id,
            t.tapped_at,
            t.person_id,
            new.certificate_serial,
            new.offline_verdict,
            t.result,
            t.reason,
            t.points,
            new.now
        ],
    )?;
    Ok(())
}

/// The waiting taps (`not_on_roster`, `no_my_key_id`) of a project, of one
/// person or of all, by tap time.
pub fn waiting(
    conn: &Connection,
    project_id: &str,
    person_id: Option<i64>,
) -> Result<Vec<StoredTap>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM taps
         WHERE project_id = ?1 AND result IN ('not_on_roster', 'no_my_key_id')
           AND (?2 IS NULL OR person_id = ?2)
         ORDER BY tapped_at, tap_id"
    ))?;
    let rows = stmt.query_map(params![project_id, person_id], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Records a waiting tap's outcome.
pub fn resolve(
    tx: &Connection,
    tap_id: &str,
    result: &str,
    points: u32,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE taps SET result = ?2, points = ?3, resolved_at = ?4 WHERE tap_id = ?1",
        params![tap_id, result, points, now],
    )?;
    Ok(())
}
