//! Time, for a session's idle timeout and today's date (a child's age): a
//! trait so tests (and shells) can drive it.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CivilDate {
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

impl CivilDate {
    /// A real date, or `None`.
    pub fn new(year: u32, month: u32, day: u32) -> Option<Self> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year >= 1 && (1..=days).contains(&day)).then_some(Self { year, month, day })
    }

    /// `YYYYMMDD` (8 half-width digits) of a real date.
    pub fn parse_yyyymmdd(text: &str) -> Option<Self> {
        if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n = |r: std::ops::Range<usize>| text[r].parse::<u32>().ok();
        Self::new(n(0..4)?, n(4..6)?, n(6..8)?)
    }

    pub fn to_yyyymmdd(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Self {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u32;
        Self { year, month, day }
    }

    /// Today in Japan (UTC+9) by the system's wall clock.
    pub fn today_in_japan() -> Self {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Self::from_days_since_epoch((secs + 9 * 3600).div_euclid(86_400))
    }

    /// Whole years from `self` (a birth date) to `on`; a birthday on
    /// 29 February counts from 1 March in other years. `None` if `self` is
    /// after `on`.
    pub fn age_on(self, on: CivilDate) -> Option<u32> {
        if self > on {
            return None;
        }
        let before_birthday = (on.month, on.day) < (self.month, self.day);
        Some(on.year - self.year - u32::from(before_birthday))
    }
}

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

#[cfg(test)]
mod tests {
    use super::CivilDate;

    #[test]
    fn dates_and_ages() {
        assert_eq!(
            CivilDate::parse_yyyymmdd("20240229"),
            CivilDate::new(2024, 2, 29)
        );
        assert_eq!(CivilDate::parse_yyyymmdd("20230229"), None);
        assert_eq!(CivilDate::parse_yyyymmdd("2023011"), None);
        assert_eq!(CivilDate::parse_yyyymmdd("20231301"), None);
        assert_eq!(
            CivilDate::from_days_since_epoch(0),
            CivilDate::new(1970, 1, 1).unwrap()
        );
        assert_eq!(
            CivilDate::from_days_since_epoch(19_782),
            CivilDate::new(2024, 2, 29).unwrap()
        );
        let birth = CivilDate::new(2011, 11, 21).unwrap();
        assert_eq!(
            birth.age_on(CivilDate::new(2026, 11, 20).unwrap()),
            Some(14)
        );
        assert_eq!(
            birth.age_on(CivilDate::new(2026, 11, 21).unwrap()),
            Some(15)
        );
        assert_eq!(birth.age_on(CivilDate::new(2011, 11, 20).unwrap()), None);
    }
}
