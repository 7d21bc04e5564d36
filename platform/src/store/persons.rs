//! `persons`: a person as the platform knows them, by the issuer and subject
//! CN of their user-authentication certificate (a reissued card keeps both).

use rusqlite::{params, Connection, OptionalExtension};

use super::StoreError;

/// The person's id, if they are known.
pub fn find(conn: &Connection, issuer: &str, subject_cn: &str) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT person_id FROM persons WHERE issuer = ?1 AND subject_cn = ?2",
            [issuer, subject_cn],
            |r| r.get(0),
        )
        .optional()?)
}

/// The person's id, the person created if new (inside the caller's
/// transaction).
pub fn find_or_create(
    conn: &Connection,
    issuer: &str,
    subject_cn: &str,
    now: i64,
) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO persons (issuer, subject_cn, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (issuer, subject_cn) DO NOTHING",
        params![issuer, subject_cn, now],
    )?;
    Ok(conn.query_row(
        "SELECT person_id FROM persons WHERE issuer = ?1 AND subject_cn = ?2",
        [issuer, subject_cn],
        |r| r.get(0),
    )?)
}
