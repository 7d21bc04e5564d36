//! Time, for a session's idle timeout and today's date (a child's age): a
//! trait so tests (and shells) can drive it.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A calendar date: the contract's (`mynapoint_contract::date`).
pub use mynapoint_contract::date::CivilDate;

/// A monotonic clock, and the calendar date.
pub trait Clock: Send + Sync {
    fn now(&self) -> Instant;

    /// Today's date (Japan), for a child's age.
    fn today(&self) -> CivilDate {
        CivilDate::today_in_japan()
    }

    /// The wall-clock time, Unix seconds (UTC): when a field tap happened,
    /// whether a certificate has expired.
    fn unix_now(&self) -> u64 {
        system_unix_now()
    }
}

/// The system's wall-clock time, Unix seconds.
pub fn system_unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
}

/// The system's monotonic clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that moves only when told: for tests and demonstrations.
#[derive(Debug)]
pub struct ManualClock {
    start: Instant,
    elapsed: Mutex<Duration>,
    today: Mutex<Option<CivilDate>>,
    /// Unix seconds at `start`, when fixed.
    unix_at_start: Mutex<Option<u64>>,
}

impl ManualClock {
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
            elapsed: Mutex::new(Duration::ZERO),
            today: Mutex::new(None),
            unix_at_start: Mutex::new(None),
        }
    }

    /// Fixes today's date (unset: the system's date in Japan).
    pub fn set_today(&self, date: CivilDate) {
        *self.today.lock().unwrap_or_else(|p| p.into_inner()) = Some(date);
    }

    /// Fixes the wall-clock time now to `secs` (Unix); it then moves with
    /// [`Self::advance`]. Unset: the system's time.
    pub fn set_unix_now(&self, secs: u64) {
        let elapsed = self
            .elapsed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_secs();
        *self.unix_at_start.lock().unwrap_or_else(|p| p.into_inner()) =
            Some(secs.saturating_sub(elapsed));
    }

    pub fn advance(&self, by: Duration) {
        let mut elapsed = self.elapsed.lock().unwrap_or_else(|p| p.into_inner());
        *elapsed += by;
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.start + *self.elapsed.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn today(&self) -> CivilDate {
        (*self.today.lock().unwrap_or_else(|p| p.into_inner()))
            .unwrap_or_else(CivilDate::today_in_japan)
    }

    fn unix_now(&self) -> u64 {
        match *self.unix_at_start.lock().unwrap_or_else(|p| p.into_inner()) {
            Some(at_start) => {
                at_start
                    + self
                        .elapsed
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .as_secs()
            }
            None => system_unix_now(),
        }
    }
}
