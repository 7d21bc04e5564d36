//! The device store's schema: an append-only list of migration steps
//! (never edit a shipped one; add a step). The file's `user_version` is the
//! number of steps applied.

use mynapoint_sqlite::{Migrations, M};

/// Every step, in order.
pub(super) fn migrations() -> Migrations<'static> {
    Migrations::new(vec![M::up(V1)])
}

/// Version 1: the terminal and device, projects, rosters (person digests
/// only), taps (the card identity encrypted), upload batches.
const V1: &str = "
CREATE TABLE meta (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;

CREATE TABLE projects (
    project_id TEXT PRIMARY KEY,
    -- The contract's GrantProject, JSON.
    body TEXT NOT NULL,
    roster_version INTEGER NOT NULL DEFAULT 0,
    -- The project's digest salt, once a roster was synced.
    salt BLOB
) STRICT;

CREATE TABLE roster (
    project_id TEXT NOT NULL,
    my_key_id TEXT NOT NULL,
    person_digest BLOB NOT NULL,
    points INTEGER NOT NULL,
    PRIMARY KEY (project_id, my_key_id)
) STRICT;
CREATE INDEX roster_by_digest ON roster (project_id, person_digest);

CREATE TABLE batches (
    batch_id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    -- 1 once the platform answered it.
    done INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE taps (
    seq INTEGER PRIMARY KEY,
    tap_id TEXT NOT NULL UNIQUE,
    project_id TEXT NOT NULL,
    tapped_at INTEGER NOT NULL,
    -- The person digest under the project's salt (for duplicates).
    person_digest BLOB NOT NULL,
    -- The contract's CardIdentity, JSON, AES-256-GCM sealed (tap_id as AAD).
    identity BLOB NOT NULL,
    offline_verdict TEXT NOT NULL,
    batch_id TEXT REFERENCES batches (batch_id),
    -- The platform's TapOutcome, JSON, once uploaded.
    outcome TEXT
) STRICT;
CREATE INDEX taps_by_person ON taps (project_id, person_digest);
CREATE INDEX taps_by_batch ON taps (batch_id);
";
