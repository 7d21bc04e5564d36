//! The holder's personal data on the card, its checks, and the values derived
//! from it: the Japanese-era birth date in 照合番号B and the My Number check
//! digit.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::pins::is_digits;

/// The holder's sex as the basic four items code it in `DF25`: `1` male,
/// `2` female, `9` not applicable (soltia48/myna-card:src/ap/text.rs and
/// src/data.rs `Sex`; `shared/card-protocol.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
    NotApplicable,
}

impl Sex {
    /// The one-character code stored on the card.
    pub fn code(self) -> char {
        match self {
            Sex::Male => '1',
            Sex::Female => '2',
            Sex::NotApplicable => '9',
        }
    }

    /// The sex of a code, `None` for anything but `1`, `2` or `9`.
    pub fn from_code(code: char) -> Option<Sex> {
        match code {
            '1' => Some(Sex::Male),
            '2' => Some(Sex::Female),
            '9' => Some(Sex::NotApplicable),
            _ => None,
        }
    }
}

/// Personal data the card-info application and the signature certificate hold.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Personal {
    pub name: String,
    pub address: String,
    /// `YYYYMMDD` (Gregorian).
    pub birth_date: String,
    /// `1` male, `2` female, `9` not applicable.
    pub sex: char,
    /// 12 digits.
    pub my_number: String,
}

impl fmt::Debug for Personal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Personal(<personal data>)")
    }
}

impl Personal {
    pub fn sex(&self) -> Option<Sex> {
        Sex::from_code(self.sex)
    }

    pub fn check(&self) -> Result<(), String> {
        if self.name.is_empty() || self.address.is_empty() {
            return Err("the name and the address must not be empty".into());
        }
        if self.name.len() > 1000 || self.address.len() > 1000 {
            return Err("the name and the address must be under 1000 bytes".into());
        }
        check_birth_date(&self.birth_date)?;
        if Sex::from_code(self.sex).is_none() {
            return Err("the sex code must be 1, 2 or 9".into());
        }
        if !is_digits(&self.my_number, 12) {
            return Err("the My Number must be exactly 12 digits".into());
        }
        Ok(())
    }
}

/// Splits a valid `YYYYMMDD` into numbers.
pub fn parse_date(date: &str) -> Result<(u32, u32, u32), String> {
    let bad = || format!("{date:?} is not a date as YYYYMMDD");
    if !is_digits(date, 8) {
        return Err(bad());
    }
    let year: u32 = date[..4].parse().map_err(|_| bad())?;
    let month: u32 = date[4..6].parse().map_err(|_| bad())?;
    let day: u32 = date[6..].parse().map_err(|_| bad())?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return Err(bad());
    }
    Ok((year, month, day))
}

pub fn check_birth_date(date: &str) -> Result<(), String> {
    let (year, _, _) = parse_date(date)?;
    if !(1868..=2100).contains(&year) {
        return Err(format!("birth year {year} is out of range (1868–2100)"));
    }
    Ok(())
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A Gregorian `YYYYMMDD` as `YYMMDD` in the Japanese era of that day
/// (Reiwa from 2019-05-01, Heisei from 1989-01-08, Showa from 1926-12-25,
/// Taisho from 1912-07-30, Meiji before).
pub fn era_yymmdd(date: &str) -> Result<String, String> {
    let (year, month, day) = parse_date(date)?;
    let day_of = (year, month, day);
    let first_year = match day_of {
        d if d >= (2019, 5, 1) => 2018,
        d if d >= (1989, 1, 8) => 1988,
        d if d >= (1926, 12, 25) => 1925,
        d if d >= (1912, 7, 30) => 1911,
        _ => 1867,
    };
    Ok(format!("{:02}{month:02}{day:02}", year - first_year))
}

/// 照合番号B: era birth date (YYMMDD) + card expiry year (YYYY) + security code (4 digits).
pub fn code_b(birth_date: &str, expiry_year: u32, security_code: &str) -> Result<String, String> {
    if !(1000..=9999).contains(&expiry_year) {
        return Err(format!("expiry year {expiry_year} is not 4 digits"));
    }
    if !is_digits(security_code, 4) {
        return Err("the security code must be exactly 4 digits".into());
    }
    Ok(format!(
        "{}{expiry_year}{security_code}",
        era_yymmdd(birth_date)?
    ))
}

/// The check digit of the first 11 digits of a My Number.
pub fn my_number_check_digit(first11: &str) -> Option<char> {
    if !is_digits(first11, 11) {
        return None;
    }
    // P(n) is the n-th digit from the right; Q(n) = n+1 (n ≤ 6), n-5 (n ≥ 7).
    let sum: u32 = first11
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let n = i as u32 + 1;
            let q = if n <= 6 { n + 1 } else { n - 5 };
            u32::from(b - b'0') * q
        })
        .sum();
    let r = sum % 11;
    let check = if r <= 1 { 0 } else { 11 - r };
    char::from_digit(check, 10)
}

/// Whether a 12-digit My Number has the right check digit.
pub fn my_number_is_valid(number: &str) -> bool {
    is_digits(number, 12) && my_number_check_digit(&number[..11]) == number.chars().last()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn era_boundaries() {
        assert_eq!(era_yymmdd("20190501").unwrap(), "010501");
        assert_eq!(era_yymmdd("20190430").unwrap(), "310430");
        assert_eq!(era_yymmdd("19890108").unwrap(), "010108");
        assert_eq!(era_yymmdd("19890107").unwrap(), "640107");
        assert_eq!(era_yymmdd("19900401").unwrap(), "020401");
        assert_eq!(era_yymmdd("19261225").unwrap(), "011225");
        assert_eq!(era_yymmdd("19261224").unwrap(), "151224");
        assert!(era_yymmdd("19900230").is_err());
        assert!(era_yymmdd("1990041").is_err());
    }

    #[test]
    fn code_b_is_era_date_expiry_and_code() {
        assert_eq!(code_b("19900401", 2035, "0042").unwrap(), "02040120350042");
        assert!(code_b("19900401", 35, "0042").is_err());
        assert!(code_b("19900401", 2035, "42").is_err());
    }

    #[test]
    fn check_digit_follows_the_published_formula() {
        // 12345678901 → sum of P·Q = 1·2+0·3+9·4+8·5+7·6+6·7+5·2+4·3+3·4+2·5+1·6 = 212;
        // 212 mod 11 = 3 → 11 − 3 = 8.
        assert_eq!(my_number_check_digit("12345678901"), Some('8'));
        assert!(my_number_is_valid("123456789018"));
        assert!(!my_number_is_valid("123456789010"));
        assert_eq!(my_number_check_digit("1234"), None);
    }

    #[test]
    fn sex_codes_round_trip() {
        for sex in [Sex::Male, Sex::Female, Sex::NotApplicable] {
            assert_eq!(Sex::from_code(sex.code()), Some(sex));
        }
        assert_eq!(Sex::from_code('2'), Some(Sex::Female));
        assert_eq!(Sex::from_code('0'), None);
    }

    #[test]
    fn leap_days() {
        assert!(parse_date("20000229").is_ok());
        assert!(parse_date("19000229").is_err());
        assert!(parse_date("20240229").is_ok());
    }
}
