//! `grants` (one per person and project: the schema's UNIQUE is the rule
//! "never twice") and `outbox` (e-mails waiting for the mailer).

use mynapoint_contract::grant::admin::{GrantRecord, OutboxMail};
use rusqlite::{params, Connection, OptionalExtension};

use super::StoreError;

/// A grant to write. Times in Unix seconds.
#[derive(Debug, Clone)]
pub struct NewGrant<'a> {
    pub person_id: i64,
    pub project_id: &'a str,
    pub municipality_code: &'a str,
    pub point_id: &'a str,
    pub points: u32,
    pub granted_at: i64,
    pub expires_at: i64,
    pub tap_id: Option<&'a str>,
}

/// Inserts the grant; `Ok(false)` when the person already has this
/// project's grant (nothing written).
pub fn insert(tx: &Connection, g: &NewGrant<'_>) -> Result<bool, StoreError> {
    Ok(tx.execute(
        "INSERT INTO grants (person_id, project_id, municipality_code, point_id, points,
             granted_at, expires_at, tap_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (person_id, project_id) DO NOTHING",
        params![
            g.person_id,
            g.project_id,
            g.municipality_code,
            g.point_id,
            g.points,
            g.granted_at,
            g.expires_at,
            g.tap_id
        ],
    )? == 1)
}

/// The points of the person's grant for the project, if any.
pub fn points_granted(
    conn: &Connection,
    person_id: i64,
    project_id: &str,
) -> Result<Option<u32>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT points FROM grants WHERE person_id = ?1 AND project_id = ?2",
            params![person_id, project_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The person's grants, oldest first.
pub fn of_person(conn: &Connection, person_id: i64) -> Result<Vec<GrantRecord>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT municipality_code, project_id, point_id, points, granted_at, expires_at, tap_id
         FROM grants WHERE person_id = ?1 ORDER BY granted_at, grant_id",
    )?;
    let rows = stmt.query_map([person_id], |r| {
        Ok(GrantRecord {
            municipality_code: r.get(0)?,
            project_id: r.get(1)?,
            point_id: r.get(2)?,
            points: r.get(3)?,
            granted_at: r.get::<_, i64>(4)?.max(0) as u64,
            expires_at: r.get::<_, i64>(5)?.max(0) as u64,
            tap_id: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Queues an e-mail.
pub fn queue_mail(
    tx: &Connection,
    to: &str,
    subject: &str,
    body: &str,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO outbox (to_address, subject, body, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![to, subject, body, now],
    )?;
    Ok(())
}

/// The outbox, oldest first; `waiting_only`: the unsent ones.
pub fn outbox(conn: &Connection, waiting_only: bool) -> Result<Vec<OutboxMail>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT mail_id, to_address, subject, body, created_at, sent_at FROM outbox
         WHERE NOT ?1 OR sent_at IS NULL ORDER BY mail_id",
    )?;
    let rows = stmt.query_map([waiting_only], |r| {
        Ok(OutboxMail {
            id: r.get::<_, i64>(0)? as u64,
            to: r.get(1)?,
            subject: r.get(2)?,
            body: r.get(3)?,
            created_at: r.get::<_, i64>(4)?.max(0) as u64,
            sent_at: r.get::<_, Option<i64>>(5)?.map(|t| t.max(0) as u64),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Marks a mail sent.
pub fn mark_sent(tx: &Connection, mail_id: u64, now: i64) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE outbox SET sent_at = ?2 WHERE mail_id = ?1 AND sent_at IS NULL",
        params![mail_id as i64, now],
    )?;
    Ok(())
}
