//! `meta`: facts about the database itself (the fingerprint of the key that
//! seals its secrets).

use rusqlite::{Connection, OptionalExtension};

use super::StoreError;

/// Records the key's fingerprint on first use; refuses another key later.
pub fn bind_sealing_key(conn: &Connection, key_id: &str) -> Result<(), StoreError> {
    let stored: Option<String> = conn
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
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('security_code_key_id', ?1)",
                [key_id],
            )?;
            Ok(())
        }
    }
}
