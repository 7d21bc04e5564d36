//! One virtual reader, one test at a time.

use std::fs::{File, OpenOptions};
use std::sync::{Mutex, MutexGuard};

static IN_PROCESS: Mutex<()> = Mutex::new(());

/// Exclusive use of the virtual reader: an in-process mutex (tests in one
/// binary run on parallel threads) plus an advisory file lock (cargo may run
/// two test binaries, or two `cargo test`s may run, at the same time).
///
/// Released on drop.
pub struct ReaderLock {
    // Field order matters: the file lock is released before the mutex.
    _file: File,
    _guard: MutexGuard<'static, ()>,
}

impl ReaderLock {
    /// Blocks until the reader is free.
    pub fn acquire() -> std::io::Result<Self> {
        // A test that panicked while holding the lock poisons it; the reader
        // itself is fine (its Pcscd guard was dropped during unwinding).
        let guard = IN_PROCESS.lock().unwrap_or_else(|e| e.into_inner());
        let path = std::env::temp_dir().join("mynapoint-e2e-virtual-reader.lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        file.lock()?;
        Ok(Self {
            _file: file,
            _guard: guard,
        })
    }
}

impl std::fmt::Debug for ReaderLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReaderLock")
    }
}
