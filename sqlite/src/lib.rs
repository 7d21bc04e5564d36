//! The one SQLite opener of mynapoint: the reference platform's database and
//! the device store of the phone apps open their files here, so that both
//! get the same pragmas, the same migration steps and the same refusal of a
//! file that a newer version wrote.
//!
//! A schema is an append-only list of [`M`] steps (never edit a shipped
//! one); the number of steps applied is the file's `PRAGMA user_version`.
//! [`Opener::open`]:
//! 1. opens (or creates) the file and sets the busy timeout;
//! 2. reads `user_version`: a file at a version this build does not know
//!    (written by a newer version) is refused with
//!    [`OpenError::NewerSchema`] before anything is written to it;
//! 3. sets the pragmas: `journal_mode = WAL` (files only), `foreign_keys =
//!    ON`, `synchronous` ([`Synchronous::Full`] by default: a committed
//!    write survives a power cut, what a phone needs for a tap shown to a
//!    person);
//! 4. applies the missing steps in one transaction (`rusqlite_migration`).
//!
//! ```
//! use mynapoint_sqlite::{Migrations, Opener, M};
//! let opener = Opener::new(|| Migrations::new(vec![M::up("CREATE TABLE t (x INTEGER) STRICT;")]));
//! let conn = opener.open_in_memory().unwrap();
//! conn.execute("INSERT INTO t (x) VALUES (1)", []).unwrap();
//! ```

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;
pub use rusqlite_migration::{Migrations, SchemaVersion, M};

/// `PRAGMA synchronous` in WAL mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synchronous {
    /// Every commit is on disk when it returns (survives a power cut). The
    /// default.
    Full,
    /// A commit survives a crash of the process, but the last ones may be
    /// lost on a power cut (the database stays consistent). For a server
    /// whose clients retry idempotently.
    Normal,
}

impl Synchronous {
    fn pragma(self) -> &'static str {
        match self {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        }
    }
}

/// Why a database could not be opened. Nothing was written to the file
/// when the answer is [`OpenError::NewerSchema`].
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file's schema is newer than every step this build knows: a newer
    /// version of the program wrote it. Opening it with this build could
    /// lose or corrupt data, so it is left as it is.
    #[error("{path}: this database was written by a newer version of the program (schema version {found}; this version knows up to {known}); open it with that version, or move the file aside to start a new one")]
    NewerSchema {
        path: String,
        /// The file's `user_version`.
        found: usize,
        /// The last version this build's steps reach.
        known: usize,
    },
    #[error("{path}: {source}")]
    Sqlite {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path}: migration: {source}")]
    Migration {
        path: String,
        #[source]
        source: rusqlite_migration::Error,
    },
}

/// Opens databases of one schema with the house pragmas.
pub struct Opener {
    migrations: fn() -> Migrations<'static>,
    synchronous: Synchronous,
    busy_timeout: Duration,
}

impl std::fmt::Debug for Opener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opener")
            .field("synchronous", &self.synchronous)
            .field("busy_timeout", &self.busy_timeout)
            .finish_non_exhaustive()
    }
}

const MEMORY: &str = ":memory:";

impl Opener {
    /// An opener for the schema whose steps `migrations` returns;
    /// `synchronous = FULL`, a 5-second busy timeout.
    pub fn new(migrations: fn() -> Migrations<'static>) -> Self {
        Opener {
            migrations,
            synchronous: Synchronous::Full,
            busy_timeout: Duration::from_secs(5),
        }
    }

    /// Sets `PRAGMA synchronous`.
    pub fn synchronous(mut self, synchronous: Synchronous) -> Self {
        self.synchronous = synchronous;
        self
    }

    /// How long a write waits for another connection's lock before failing.
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// Opens (creating if needed) the file at `path`, in WAL mode, migrated
    /// to the latest schema.
    ///
    /// # Errors
    /// [`OpenError::NewerSchema`] for a file a newer version wrote (left
    /// unchanged); [`OpenError::Sqlite`] when the file cannot be opened or
    /// is not a database; [`OpenError::Migration`] when a step fails (the
    /// steps run in one transaction: the file keeps its old version).
    pub fn open(&self, path: impl AsRef<Path>) -> Result<Connection, OpenError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let conn = Connection::open(path).map_err(|e| sqlite(&name, e))?;
        self.prepare(conn, &name, true)
    }

    /// A private in-memory database with the same schema (tests, demos).
    ///
    /// # Errors
    /// As [`Opener::open`].
    pub fn open_in_memory(&self) -> Result<Connection, OpenError> {
        let conn = Connection::open_in_memory().map_err(|e| sqlite(MEMORY, e))?;
        self.prepare(conn, MEMORY, false)
    }

    /// The schema version this build's steps reach.
    pub fn latest_version(&self) -> usize {
        let conn = Connection::open_in_memory().expect("an in-memory database opens");
        let pending = (self.migrations)()
            .pending_migrations(&conn)
            .expect("a fresh database has version 0");
        usize::try_from(pending).expect("a fresh database is not ahead")
    }

    fn prepare(
        &self,
        mut conn: Connection,
        name: &str,
        file: bool,
    ) -> Result<Connection, OpenError> {
        conn.busy_timeout(self.busy_timeout)
            .map_err(|e| sqlite(name, e))?;
        let migrations = (self.migrations)();
        // Read-only until the version is known to be ours: a newer file is
        // refused before a pragma (WAL is written into the file) touches it.
        let version = migrations
            .current_version(&conn)
            .map_err(|e| migration(name, e))?;
        if let SchemaVersion::Outside(found) = version {
            return Err(OpenError::NewerSchema {
                path: name.to_owned(),
                found: found.get(),
                known: self.latest_version(),
            });
        }
        if file {
            conn.pragma_update(None, "journal_mode", "WAL")
                .map_err(|e| sqlite(name, e))?;
        }
        conn.pragma_update(None, "synchronous", self.synchronous.pragma())
            .map_err(|e| sqlite(name, e))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| sqlite(name, e))?;
        migrations
            .to_latest(&mut conn)
            .map_err(|e| migration(name, e))?;
        Ok(conn)
    }
}

fn sqlite(path: &str, source: rusqlite::Error) -> OpenError {
    OpenError::Sqlite {
        path: path.to_owned(),
        source,
    }
}

fn migration(path: &str, source: rusqlite_migration::Error) -> OpenError {
    OpenError::Migration {
        path: path.to_owned(),
        source,
    }
}
