//! Taps in the device store: recorded durably before their verdict is
//! shown, grouped into batches for a resumable, idempotent upload, and
//! answered with the platform's outcome.

use mynapoint_contract::grant::{
    CardIdentity, OfflineVerdict, Tap, TapId, TapOutcome, PERSON_DIGEST_LEN,
};
use rusqlite::{params, OptionalExtension, Row};

use super::{DeviceStore, StoreError};

/// A tap to record: what the upload sends, and the person digest under the
/// project's salt (for duplicates).
pub struct StoredTap<'a> {
    pub tap: &'a Tap,
    pub person_digest: &'a [u8; PERSON_DIGEST_LEN],
}

/// A stored tap as the results screen shows it: never the card identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TapRecord {
    pub tap_id: TapId,
    pub project_id: String,
    /// Unix seconds.
    pub tapped_at: u64,
    pub offline_verdict: OfflineVerdict,
    /// The batch it went (or goes) in, once one was made.
    pub batch_id: Option<String>,
    /// The platform's outcome, once uploaded.
    pub outcome: Option<TapOutcome>,
}

fn verdict_from(text: &str) -> Result<OfflineVerdict, StoreError> {
    OfflineVerdict::from_wire(text)
        .ok_or_else(|| StoreError::Corrupt(format!("offline verdict {text:?}")))
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

impl DeviceStore {
    /// Whether this person (digest) already tapped for `project_id` on this
    /// device.
    pub fn has_tapped(
        &self,
        project_id: &str,
        digest: &[u8; PERSON_DIGEST_LEN],
    ) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM taps WHERE project_id = ?1 AND person_digest = ?2 LIMIT 1",
            )?
            .query_row(params![project_id, digest.as_slice()], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Records a tap, committed (on disk, `synchronous = FULL`) when this
    /// returns; the card identity sealed with the tap ID as associated data.
    pub fn record_tap(&mut self, stored: StoredTap<'_>) -> Result<(), StoreError> {
        let tap = stored.tap;
        let identity = zeroize::Zeroizing::new(serde_json::to_vec(&tap.card).map_err(corrupt)?);
        let sealed = self.at_rest.seal(tap.tap_id.as_str(), &identity);
        self.conn
            .prepare_cached(
                "INSERT INTO taps
                 (tap_id, project_id, tapped_at, person_digest, identity, offline_verdict)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                tap.tap_id.as_str(),
                tap.project_id,
                tap.tapped_at as i64,
                stored.person_digest.as_slice(),
                sealed,
                tap.offline_verdict.as_str(),
            ])?;
        Ok(())
    }

    /// The batch to send next: a batch made earlier and not answered (the
    /// same ID and taps again), or else a new one of at most `max` taps
    /// not yet in a batch (its ID committed before it is returned). `None`:
    /// nothing left to upload.
    pub fn next_batch(
        &mut self,
        max: usize,
        now: u64,
    ) -> Result<Option<(String, Vec<Tap>)>, StoreError> {
        let open: Option<String> = self
            .conn
            .query_row(
                "SELECT batch_id FROM batches WHERE done = 0 ORDER BY created_at, rowid LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let batch_id = match open {
            Some(id) => id,
            None => {
                let id = uuid::Uuid::new_v4().hyphenated().to_string();
                let tx = self.conn.transaction()?;
                tx.execute(
                    "INSERT INTO batches (batch_id, created_at) VALUES (?1, ?2)",
                    params![id, now as i64],
                )?;
                let given = tx.execute(
                    "UPDATE taps SET batch_id = ?1 WHERE seq IN
                     (SELECT seq FROM taps WHERE batch_id IS NULL ORDER BY seq LIMIT ?2)",
                    params![id, max as i64],
                )?;
                if given == 0 {
                    return Ok(None); // dropped: rolls back the empty batch
                }
                tx.commit()?;
                id
            }
        };
        let taps = self.batch_taps(&batch_id)?;
        Ok(Some((batch_id, taps)))
    }

    fn batch_taps(&self, batch_id: &str) -> Result<Vec<Tap>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT tap_id, project_id, tapped_at, identity, offline_verdict
             FROM taps WHERE batch_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([batch_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Vec<u8>>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        rows.map(|row| {
            let (tap_id, project_id, tapped_at, sealed, verdict) = row?;
            let plain = self.at_rest.open(&tap_id, &sealed)?;
            let card: CardIdentity = serde_json::from_slice(&plain).map_err(corrupt)?;
            Ok(Tap {
                tap_id: TapId::parse(&tap_id).ok_or_else(|| corrupt("tap ID"))?,
                project_id,
                tapped_at: tapped_at as u64,
                card,
                offline_verdict: verdict_from(&verdict)?,
            })
        })
        .collect()
    }

    /// Keeps the platform's outcomes of a batch and closes it, in one
    /// transaction.
    pub fn record_outcomes(
        &mut self,
        batch_id: &str,
        outcomes: &[TapOutcome],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut set =
                tx.prepare("UPDATE taps SET outcome = ?3 WHERE tap_id = ?1 AND batch_id = ?2")?;
            for o in outcomes {
                let json = serde_json::to_string(o).map_err(corrupt)?;
                set.execute(params![o.tap_id.as_str(), batch_id, json])?;
            }
        }
        tx.execute(
            "UPDATE batches SET done = 1 WHERE batch_id = ?1",
            [batch_id],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Keeps outcomes answered outside an upload (an add-registration's
    /// waiting taps) for the taps this device holds; others are ignored.
    pub fn update_outcomes(&mut self, outcomes: &[TapOutcome]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut set = tx.prepare("UPDATE taps SET outcome = ?2 WHERE tap_id = ?1")?;
            for o in outcomes {
                let json = serde_json::to_string(o).map_err(corrupt)?;
                set.execute(params![o.tap_id.as_str(), json])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Taps not yet answered by the platform.
    pub fn pending_taps(&self) -> Result<u64, StoreError> {
        let n: i64 =
            self.conn
                .query_row("SELECT COUNT(*) FROM taps WHERE outcome IS NULL", [], |r| {
                    r.get(0)
                })?;
        Ok(n as u64)
    }

    /// Every stored tap, oldest first (`project_id`: that project's only).
    pub fn tap_records(&self, project_id: Option<&str>) -> Result<Vec<TapRecord>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT tap_id, project_id, tapped_at, offline_verdict, batch_id, outcome
             FROM taps WHERE ?1 IS NULL OR project_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([project_id], |r: &Row<'_>| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        rows.map(|row| {
            let (tap_id, project_id, tapped_at, verdict, batch_id, outcome) = row?;
            Ok(TapRecord {
                tap_id: TapId::parse(&tap_id).ok_or_else(|| corrupt("tap ID"))?,
                project_id,
                tapped_at: tapped_at as u64,
                offline_verdict: verdict_from(&verdict)?,
                batch_id,
                outcome: outcome
                    .map(|o| serde_json::from_str(&o).map_err(corrupt))
                    .transpose()?,
            })
        })
        .collect()
    }
}
