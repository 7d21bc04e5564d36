//! Time, for a session's idle timeout and today's date (a child's age): a
//! trait so tests (and shells) can drive it.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A calendar date: the contract's (`mynapoint_contract::date`).
pub use mynapoint_contract::date::CivilDate;

/// A monotonic clock, and the calendar date.
pub trait Clock: Send + Sync {
    fn now(&self) -> Instant;

    /// Today's date (Japan), for a child's age.
    fn today(&self) -> CivilDate {
        CivilDate::today_in_japan()
    }
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
}

impl ManualClock {
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
            elapsed: Mutex::new(Duration::ZERO),
            today: Mutex::new(None),
        }
    }

    /// Fixes today's date (unset: the system's date in Japan).
    pub fn set_today(&self, date: CivilDate) {
        *self.today.lock().unwrap_or_else(|p| p.into_inner()) = Some(date);
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
}
