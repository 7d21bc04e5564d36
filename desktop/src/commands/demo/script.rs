//! The demo's answers: what a resident would type, derived from what the
//! platform shows (e.g. payment details that fit the chosen service's rules,
//! whatever the catalogue says).

use mynapoint_core::platform::{
    Candidate, Category, Charset, Notifications, Service, ServiceSummary,
};
use mynapoint_core::resident::{CivilDate, Field, PinPurpose, Review};
use zeroize::Zeroizing;

use crate::commands::resident::answers::{Answers, KeyChoice};
use crate::commands::resident::say::Say;
use crate::Failure;

/// 131016: Chiyoda-ku, Tokyo. 13101 and its check digit:
/// (11 - (1·6 + 3·5 + 1·4 + 0·3 + 1·2) mod 11) mod 10 = (11 - 27 mod 11) mod 10 = 6.
pub const MUNICIPALITY: &str = "131016";
pub const KEYWORD: &str = "イオン";
const PASSWORD: &str = "Demo2024";
const EMAIL: &str = "taro@example.jp";
const PHONE_LAST4: &str = "5678";

pub struct Script {
    pin: String,
    /// Which demo person (0, 1, …): each gets a payment ID of their own
    /// (one payment account holds one person's points).
    person: usize,
}

impl Script {
    pub fn new(pin: &str) -> Self {
        Self::for_person(pin, 0)
    }

    pub fn for_person(pin: &str, person: usize) -> Self {
        Self {
            pin: pin.into(),
            person,
        }
    }
}

/// `len` characters a field with `charset` takes.
pub fn sample(charset: Charset, len: u32) -> String {
    (0..len as usize)
        .map(|i| match charset {
            Charset::Digits => char::from(b'0' + ((i + 1) % 10) as u8),
            Charset::AlnumUpper | Charset::Alnum if i % 3 == 0 => {
                char::from(b'A' + (i / 3 % 26) as u8)
            }
            Charset::AlnumUpper | Charset::Alnum => char::from(b'0' + (i % 10) as u8),
        })
        .collect()
}

impl Answers for Script {
    fn pin(
        &mut self,
        say: &mut Say,
        _purpose: PinPurpose,
        _tries_left: Option<u8>,
    ) -> Result<Zeroizing<String>, Failure> {
        // A PIN is never shown, not even the simulated card's.
        say.line("the demo types the card's PIN")?;
        Ok(Zeroizing::new(self.pin.clone()))
    }

    fn spend_last_try(&mut self, say: &mut Say) -> Result<bool, Failure> {
        say.line("the demo never spends the last try")?;
        Ok(false)
    }

    fn key_choice(&mut self, say: &mut Say, _own_allowed: bool) -> Result<KeyChoice, Failure> {
        say.line("the demo asks for auto-generated candidates")?;
        Ok(KeyChoice::Auto)
    }

    fn take_candidate(&mut self, say: &mut Say, _candidate: &Candidate) -> Result<bool, Failure> {
        say.line("the demo asks for another, to show the rule: the 3rd candidate is final")?;
        Ok(false)
    }

    fn field(
        &mut self,
        say: &mut Say,
        field: Field,
        service: Option<&Service>,
    ) -> Result<Zeroizing<String>, Failure> {
        let (value, shown) = match field {
            Field::Password | Field::PasswordConfirmation => {
                (PASSWORD.to_owned(), "(hidden)".to_owned())
            }
            Field::Email | Field::EmailConfirmation => (EMAIL.to_owned(), EMAIL.to_owned()),
            Field::BaseMunicipality => (
                MUNICIPALITY.to_owned(),
                format!("{MUNICIPALITY} (Chiyoda-ku, Tokyo: 13101 and check digit 6)"),
            ),
            Field::PaymentId => {
                let rule = service.map(|s| &s.payment_id);
                let value = rule.map_or_else(String::new, |r| sample(r.charset, r.min_len));
                // Rotated per person: same rule, another account.
                let n = value.chars().count();
                let value: String = value.chars().cycle().skip(self.person).take(n).collect();
                (value.clone(), value)
            }
            Field::SecurityCode { index } => {
                let rule = service.and_then(|s| s.security_codes.get(index as usize));
                let value = rule.map_or_else(String::new, |r| sample(r.charset, r.len));
                let shown = "(hidden)".to_owned();
                (value, shown)
            }
            Field::PhoneLast4 => (PHONE_LAST4.to_owned(), PHONE_LAST4.to_owned()),
            Field::MyKeyId => (String::new(), String::new()),
        };
        let label = mynapoint_core::resident::labels::field_prompt(field, service, crate::lang());
        say.line(format!("{label}: the demo types {shown}"))?;
        Ok(Zeroizing::new(value))
    }

    fn notifications(&mut self, say: &mut Say) -> Result<Notifications, Failure> {
        say.line("e-mail notifications: all (points granted, points expired, password changed, My Key ID changes)")?;
        Ok(Notifications {
            points_granted: true,
            points_expired: true,
            password_changed: true,
            my_key_id_changes: true,
        })
    }

    fn keyword(&mut self, say: &mut Say) -> Result<String, Failure> {
        say.line(format!("the demo searches for {KEYWORD}"))?;
        Ok(KEYWORD.into())
    }

    fn pick_service(
        &mut self,
        say: &mut Say,
        found: &[ServiceSummary],
    ) -> Result<Option<usize>, Failure> {
        say.line(format!("the demo picks the first: {}", found[0].name))?;
        Ok(Some(0))
    }

    fn accept_terms(&mut self, say: &mut Say, _service: &Service) -> Result<bool, Failure> {
        say.line("the demo accepts the terms")?;
        Ok(true)
    }

    fn confirm_review(&mut self, say: &mut Say, _review: &Review) -> Result<bool, Failure> {
        say.line("the demo confirms: the card signs next")?;
        Ok(true)
    }

    fn categories(&mut self, say: &mut Say, open: &[Category]) -> Result<Vec<Category>, Failure> {
        say.line("the demo applies for every open category")?;
        Ok(open.to_vec())
    }

    /// A child who turns 10 this year (the demo applies for an adult; this
    /// answers should a script drive the child flow).
    fn child_birth_date(&mut self, say: &mut Say) -> Result<Zeroizing<String>, Failure> {
        let today = CivilDate::today_in_japan();
        let date =
            CivilDate::new(today.year - 10, 1, 1).map_or_else(String::new, CivilDate::to_yyyymmdd);
        say.line(format!("the demo types the child's birth date {date}"))?;
        Ok(Zeroizing::new(date))
    }

    fn representative_pin(
        &mut self,
        say: &mut Say,
        _tries_left: Option<u8>,
    ) -> Result<Zeroizing<String>, Failure> {
        say.line("the demo types the representative card's PIN")?;
        Ok(Zeroizing::new(self.pin.clone()))
    }

    fn revocation_confirmation(
        &mut self,
        say: &mut Say,
        _my_key_id: &str,
    ) -> Result<Zeroizing<String>, Failure> {
        say.line("the demo never revokes: it types nothing")?;
        Ok(Zeroizing::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_fit_their_charset() {
        assert_eq!(sample(Charset::Digits, 12), "123456789012");
        let upper = sample(Charset::AlnumUpper, 17);
        assert_eq!(upper.len(), 17);
        assert!(upper
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
        assert!(upper.chars().any(|c| c.is_ascii_uppercase()));
    }
}
