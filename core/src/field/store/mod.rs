//! The device store of the field app (SQLite through the shared opener,
//! `synchronous = FULL`): the terminal and the device's install value, the
//! project list, each project's synced roster (My Key ID, person digest,
//! points; no names), the taps with their offline verdict and upload state,
//! and the upload batches.
//!
//! A tap is committed (and on disk) before [`DeviceStore::record_tap`]
//! returns, so a verdict shown was stored. The card identity of a tap is
//! personal data: it is kept AES-256-GCM sealed ([`AtRest`]) under the key
//! of the shell's secret store. Batches make uploads resumable and
//! idempotent: taps are given a batch ID (committed) before the batch is
//! sent, and a batch not answered is sent again with the same ID and taps.

mod schema;
mod taps;

use std::path::Path;

use aes_gcm::aead::{rand_core::RngCore, OsRng};
use mynapoint_contract::grant::{
    GrantProject, Municipality, RosterSync, PERSON_DIGEST_LEN, ROSTER_SALT_LEN,
};
use mynapoint_sqlite::{OpenError, Opener};
use rusqlite::{params, Connection, OptionalExtension};

use super::keys::{AtRest, Undecryptable};
use crate::secret_store::{SecretStore, SecretStoreError};

pub use taps::{StoredTap, TapRecord};

/// Why the device store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("device store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Secrets(#[from] SecretStoreError),
    #[error(transparent)]
    Undecryptable(#[from] Undecryptable),
    /// A stored row that does not have the shape this version writes.
    #[error("device store: {0}")]
    Corrupt(String),
}

/// A project as the device holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProject {
    pub project: GrantProject,
    /// The roster version synced (0: never synced).
    pub roster_version: u64,
    /// Participants on the synced roster.
    pub roster_len: u64,
}

/// A roster entry found for a person digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterHit {
    pub my_key_id: String,
    pub points: u32,
}

/// The device store. One per device state folder; one connection.
pub struct DeviceStore {
    conn: Connection,
    at_rest: AtRest,
}

fn opener() -> Opener {
    Opener::new(schema::migrations)
}

const INSTALL_VALUE: &str = "install_value";
const TERMINAL_ID: &str = "terminal_id";
const MUNICIPALITY: &str = "municipality";

impl DeviceStore {
    /// Opens (or creates, or upgrades) the store at `path`; the encryption
    /// key comes from `secrets` (made on first use).
    pub fn open(path: &Path, secrets: &dyn SecretStore) -> Result<Self, StoreError> {
        let conn = opener().open(path)?;
        Self::with(conn, secrets)
    }

    /// A store in memory (tests, benchmarks).
    pub fn open_in_memory(secrets: &dyn SecretStore) -> Result<Self, StoreError> {
        let conn = opener().open_in_memory()?;
        Self::with(conn, secrets)
    }

    fn with(conn: Connection, secrets: &dyn SecretStore) -> Result<Self, StoreError> {
        let at_rest = AtRest::from_secrets(secrets)?;
        let store = Self { conn, at_rest };
        store.install_value()?;
        Ok(store)
    }

    fn meta(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?)
    }

    fn set_meta(&self, name: &str, value: &[u8]) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO meta (name, value) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            params![name, value],
        )?;
        Ok(())
    }

    /// The random value this installation made once (32 bytes); its SHA-256
    /// is the device fingerprint.
    pub fn install_value(&self) -> Result<Vec<u8>, StoreError> {
        if let Some(v) = self.meta(INSTALL_VALUE)? {
            return Ok(v);
        }
        let mut value = vec![0u8; 32];
        OsRng.fill_bytes(&mut value);
        self.set_meta(INSTALL_VALUE, &value)?;
        Ok(value)
    }

    /// The terminal that last logged in on this device.
    pub fn terminal_id(&self) -> Result<Option<String>, StoreError> {
        self.meta(TERMINAL_ID)?
            .map(|v| String::from_utf8(v).map_err(|_| StoreError::Corrupt("terminal ID".into())))
            .transpose()
    }

    /// The terminal's municipality, as of the last login.
    pub fn municipality(&self) -> Result<Option<Municipality>, StoreError> {
        self.meta(MUNICIPALITY)?
            .map(|v| serde_json::from_slice(&v).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    }

    /// Keeps what a login answered: the terminal, its municipality and its
    /// project list (projects no longer listed are dropped with their
    /// roster; their taps stay until uploaded).
    pub fn save_login(
        &mut self,
        terminal_id: &str,
        municipality: &Municipality,
        projects: &[GrantProject],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let previous: Option<Vec<u8>> = tx
            .query_row(
                "SELECT value FROM meta WHERE name = ?1",
                [TERMINAL_ID],
                |r| r.get(0),
            )
            .optional()?;
        if previous
            .as_deref()
            .is_some_and(|p| p != terminal_id.as_bytes())
        {
            // Another terminal on this device: its rosters are not ours.
            tx.execute("DELETE FROM roster", [])?;
            tx.execute("DELETE FROM projects", [])?;
        }
        let municipality =
            serde_json::to_vec(municipality).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        for (name, value) in [
            (TERMINAL_ID, terminal_id.as_bytes()),
            (MUNICIPALITY, municipality.as_slice()),
        ] {
            tx.execute(
                "INSERT INTO meta (name, value) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                params![name, value],
            )?;
        }
        let listed: Vec<&str> = projects.iter().map(|p| p.project_id.as_str()).collect();
        let held: Vec<String> = tx
            .prepare("SELECT project_id FROM projects")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for gone in held.iter().filter(|h| !listed.contains(&h.as_str())) {
            tx.execute("DELETE FROM roster WHERE project_id = ?1", [gone])?;
            tx.execute("DELETE FROM projects WHERE project_id = ?1", [gone])?;
        }
        for p in projects {
            let body = serde_json::to_string(p).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            tx.execute(
                "INSERT INTO projects (project_id, body) VALUES (?1, ?2)
                 ON CONFLICT (project_id) DO UPDATE SET body = excluded.body",
                params![p.project_id, body],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The projects of the last login, by project ID.
    pub fn projects(&self) -> Result<Vec<StoredProject>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT p.body, p.roster_version,
                    (SELECT COUNT(*) FROM roster r WHERE r.project_id = p.project_id)
             FROM projects p ORDER BY p.project_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        rows.map(|row| {
            let (body, version, len) = row?;
            Ok(StoredProject {
                project: serde_json::from_str(&body)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                roster_version: version as u64,
                roster_len: len as u64,
            })
        })
        .collect()
    }

    /// One project, if the last login listed it.
    pub fn project(&self, project_id: &str) -> Result<Option<StoredProject>, StoreError> {
        Ok(self
            .projects()?
            .into_iter()
            .find(|p| p.project.project_id == project_id))
    }

    /// The project's digest salt, once a roster was synced.
    pub fn salt(&self, project_id: &str) -> Result<Option<[u8; ROSTER_SALT_LEN]>, StoreError> {
        let salt: Option<Option<Vec<u8>>> = self
            .conn
            .query_row(
                "SELECT salt FROM projects WHERE project_id = ?1",
                [project_id],
                |r| r.get(0),
            )
            .optional()?;
        salt.flatten()
            .map(|s| {
                s.try_into()
                    .map_err(|_| StoreError::Corrupt("a salt of another length".into()))
            })
            .transpose()
    }

    /// Applies a roster sync in one transaction: a full one replaces the
    /// project's roster, an incremental one adds, changes and removes
    /// entries. The caller has checked the salt's and digests' lengths.
    pub fn apply_roster(&mut self, sync: &RosterSync) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE projects SET roster_version = ?2, salt = ?3 WHERE project_id = ?1",
            params![sync.project_id, sync.version as i64, sync.salt],
        )?;
        if changed == 0 {
            return Err(StoreError::Corrupt(format!(
                "no project {} on this device",
                sync.project_id
            )));
        }
        if sync.full {
            tx.execute(
                "DELETE FROM roster WHERE project_id = ?1",
                [&sync.project_id],
            )?;
        }
        {
            let mut upsert = tx.prepare(
                "INSERT INTO roster (project_id, my_key_id, person_digest, points)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (project_id, my_key_id) DO UPDATE
                 SET person_digest = excluded.person_digest, points = excluded.points",
            )?;
            let mut remove =
                tx.prepare("DELETE FROM roster WHERE project_id = ?1 AND my_key_id = ?2")?;
            for e in &sync.entries {
                debug_assert_eq!(e.person_digest.len(), PERSON_DIGEST_LEN);
                if e.removed {
                    remove.execute(params![sync.project_id, e.my_key_id])?;
                } else {
                    upsert.execute(params![
                        sync.project_id,
                        e.my_key_id,
                        e.person_digest,
                        e.points
                    ])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The roster entry of `digest` in `project_id`, if any.
    pub fn roster_lookup(
        &self,
        project_id: &str,
        digest: &[u8; PERSON_DIGEST_LEN],
    ) -> Result<Option<RosterHit>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT my_key_id, points FROM roster
                 WHERE project_id = ?1 AND person_digest = ?2",
            )?
            .query_row(params![project_id, digest.as_slice()], |r| {
                Ok(RosterHit {
                    my_key_id: r.get(0)?,
                    points: r.get(1)?,
                })
            })
            .optional()?)
    }
}

#[cfg(test)]
mod tests;
