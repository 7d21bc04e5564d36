//! Calendar dates as the API uses them: `YYYYMMDD` text, the date in Japan
//! (JST, UTC+9, no daylight saving) at a Unix time, and ages.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds JST is ahead of UTC.
pub const JST_OFFSET_SECS: i64 = 9 * 3600;

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CivilDate {
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

impl CivilDate {
    /// A real date (year 1 or later), or `None`.
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

    /// `YYYY-MM-DD` (ISO 8601).
    pub fn to_iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// The date `days` days after 1970-01-01 (H. Hinnant's civil_from_days).
    pub fn from_days_since_epoch(days: i64) -> Self {
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

    /// Days from 1970-01-01 to this date (H. Hinnant's days_from_civil).
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date in Japan at `unix_secs` (seconds since the Unix epoch).
    pub fn in_japan_at(unix_secs: i64) -> Self {
        Self::from_days_since_epoch((unix_secs + JST_OFFSET_SECS).div_euclid(86_400))
    }

    /// The UTC date at `unix_secs`.
    pub fn utc_at(unix_secs: i64) -> Self {
        Self::from_days_since_epoch(unix_secs.div_euclid(86_400))
    }

    /// Today in Japan by the system's wall clock.
    pub fn today_in_japan() -> Self {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Self::in_japan_at(secs)
    }

    /// Whole years from `self` (a birth date) to `on`; a birthday on
    /// 29 February comes on 1 March in a common year. `None` if `self` is
    /// after `on`.
    pub fn age_on(self, on: CivilDate) -> Option<u32> {
        if self > on {
            return None;
        }
        let before_birthday = (on.month, on.day) < (self.month, self.day);
        Some(on.year - self.year - u32::from(before_birthday))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: u32, m: u32, d: u32) -> CivilDate {
        CivilDate::new(y, m, d).unwrap()
    }

    #[test]
    fn real_dates_only() {
        assert_eq!(
            CivilDate::parse_yyyymmdd("20120229"),
            Some(date(2012, 2, 29))
        );
        for bad in [
            "20130229",
            "20120431",
            "20121301",
            "20120100",
            "2012-1-1",
            "２０１２０１０１",
            "201201011",
        ] {
            assert_eq!(CivilDate::parse_yyyymmdd(bad), None, "{bad}");
        }
        assert_eq!(date(2012, 2, 9).to_yyyymmdd(), "20120209");
        assert_eq!(date(2012, 2, 9).to_iso(), "2012-02-09");
    }

    #[test]
    fn day_counts_round_trip() {
        assert_eq!(CivilDate::from_days_since_epoch(0), date(1970, 1, 1));
        assert_eq!(date(2000, 3, 1).days_since_epoch(), 11_017);
        for days in [-700_000, -1, 0, 59, 11_016, 19_782, 400_000] {
            let d = CivilDate::from_days_since_epoch(days);
            assert_eq!(d.days_since_epoch(), days, "{d:?}");
        }
    }

    #[test]
    fn dates_in_japan_and_ages() {
        // 2024-01-01T00:00:00Z is 09:00 JST; 2023-12-31T15:00:00Z is midnight JST.
        assert_eq!(CivilDate::in_japan_at(1_704_067_200), date(2024, 1, 1));
        assert_eq!(CivilDate::in_japan_at(1_704_034_800), date(2024, 1, 1));
        assert_eq!(CivilDate::in_japan_at(1_704_034_799), date(2023, 12, 31));
        assert_eq!(CivilDate::utc_at(1_704_034_800), date(2023, 12, 31));
        let birth = date(2010, 5, 10);
        assert_eq!(birth.age_on(date(2025, 5, 9)), Some(14));
        assert_eq!(birth.age_on(date(2025, 5, 10)), Some(15));
        assert_eq!(birth.age_on(date(2010, 5, 9)), None);
        let leap = date(2012, 2, 29);
        assert_eq!(leap.age_on(date(2027, 2, 28)), Some(14));
        assert_eq!(leap.age_on(date(2027, 3, 1)), Some(15));
    }
}
