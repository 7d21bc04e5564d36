//! `idempotency`: the stored answers of writes that carried an
//! `Idempotency-Key` (2xx only, the body sealed).

use rusqlite::{params, Connection, OptionalExtension};

use super::StoreError;

/// A stored response for an Idempotency-Key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub request_hash: Vec<u8>,
    pub status: u16,
    pub body_nonce: Vec<u8>,
    pub body_sealed: Vec<u8>,
}

/// The answer stored for (`scope`, `key`), if any.
pub fn find(
    conn: &Connection,
    scope: &str,
    key: &str,
) -> Result<Option<StoredResponse>, StoreError> {
    Ok(conn
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

/// Stores an answer (the first one for the key stays); entries older than
/// `forget_before` are dropped.
pub fn insert(
    conn: &Connection,
    scope: &str,
    key: &str,
    response: &StoredResponse,
    now: i64,
    forget_before: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM idempotency WHERE created_at < ?1",
        [forget_before],
    )?;
    conn.execute(
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
}
