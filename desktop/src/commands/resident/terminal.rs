//! The person at the terminal answers (or standard input, line by line).

use mynapoint_core::platform::{Candidate, Category, Notifications, Service, ServiceSummary};
use mynapoint_core::resident::{Field, PinPurpose, Review};
use zeroize::Zeroizing;

use mynapoint_core::resident::labels::{field_prompt, is_secret};

use super::answers::{Answers, KeyChoice};
use super::input::Input;
use super::say::Say;
use crate::Failure;

pub struct Terminal {
    input: Input,
}

impl Terminal {
    pub fn new(input: Input) -> Self {
        Self { input }
    }

    /// `y`/`yes` or `n`/`no` (`default` for an empty line); asks again otherwise.
    fn yes_no(
        &mut self,
        say: &mut Say,
        prompt: &str,
        default: Option<bool>,
    ) -> Result<bool, Failure> {
        loop {
            let answer = self.input.line(say, prompt)?;
            match answer.trim().to_ascii_lowercase().as_str() {
                "y" | "yes" => return Ok(true),
                "n" | "no" => return Ok(false),
                "" if default.is_some() => return Ok(default.unwrap_or(false)),
                _ => say.problem("answer y or n")?,
            }
        }
    }
}

fn parse_notifications(text: &str) -> Option<Notifications> {
    let mut n = Notifications::default();
    match text.trim() {
        "" | "all" => {
            return Some(Notifications {
                points_granted: true,
                points_expired: true,
                password_changed: true,
                my_key_id_changes: true,
            })
        }
        "none" => return Some(n),
        list => {
            for item in list.split(',').map(str::trim) {
                match item {
                    "granted" => n.points_granted = true,
                    "expired" => n.points_expired = true,
                    "password" => n.password_changed = true,
                    "my-key-id" => n.my_key_id_changes = true,
                    _ => return None,
                }
            }
        }
    }
    Some(n)
}

impl Answers for Terminal {
    fn pin(
        &mut self,
        say: &mut Say,
        purpose: PinPurpose,
        tries_left: Option<u8>,
    ) -> Result<Zeroizing<String>, Failure> {
        let what = match purpose {
            PinPurpose::Login => "PIN for card login",
            PinPurpose::SignApplication => "PIN for the card's signature",
        };
        let prompt = match tries_left {
            Some(1) => format!("{what} (4 digits, LAST try)"),
            Some(n) => format!("{what} (4 digits, {n} tries left)"),
            None => format!("{what} (4 digits)"),
        };
        self.input.secret(say, &prompt)
    }

    fn spend_last_try(&mut self, say: &mut Say) -> Result<bool, Failure> {
        let answer = self
            .input
            .line(say, "type `last try` to use it (anything else stops here)")?;
        Ok(answer.trim().eq_ignore_ascii_case("last try"))
    }

    fn key_choice(&mut self, say: &mut Say, own_allowed: bool) -> Result<KeyChoice, Failure> {
        if !own_allowed {
            self.input
                .line(say, "press Enter for an auto-generated candidate")?;
            return Ok(KeyChoice::Auto);
        }
        let answer = self.input.line(
            say,
            "My Key ID: Enter (or `auto`) for auto-generation, or type your own 8 characters",
        )?;
        Ok(match answer.trim() {
            "" | "auto" => KeyChoice::Auto,
            own => KeyChoice::Own(own.to_owned()),
        })
    }

    fn take_candidate(&mut self, say: &mut Say, candidate: &Candidate) -> Result<bool, Failure> {
        let prompt = format!(
            "take {}? y (or Enter) takes it, n asks for another",
            candidate.candidate
        );
        self.yes_no(say, &prompt, Some(true))
    }

    fn field(
        &mut self,
        say: &mut Say,
        field: Field,
        service: Option<&Service>,
    ) -> Result<Zeroizing<String>, Failure> {
        let label = field_prompt(field, service, crate::lang());
        if is_secret(field) {
            self.input.secret(say, &label)
        } else {
            self.input.line(say, &label)
        }
    }

    fn notifications(&mut self, say: &mut Say) -> Result<Notifications, Failure> {
        loop {
            let answer = self.input.line(
                say,
                "e-mail notifications: all, none, or a comma list of granted, expired, \
                 password, my-key-id (Enter: all)",
            )?;
            match parse_notifications(&answer) {
                Some(n) => return Ok(n),
                None => say.problem(
                    "notifications: use all, none, or names from granted, expired, password, my-key-id",
                )?,
            }
        }
    }

    fn keyword(&mut self, say: &mut Say) -> Result<String, Failure> {
        loop {
            let answer = self
                .input
                .line(say, "search payment services (e.g. イオン, aeon, PayPay)")?;
            let keyword = answer.trim();
            if !keyword.is_empty() {
                return Ok(keyword.to_owned());
            }
            say.problem("type a keyword")?;
        }
    }

    fn pick_service(
        &mut self,
        say: &mut Say,
        found: &[ServiceSummary],
    ) -> Result<Option<usize>, Failure> {
        let prompt = format!(
            "number of the service (1-{}), Enter to search again",
            found.len()
        );
        loop {
            let answer = self.input.line(say, &prompt)?;
            let answer = answer.trim();
            if answer.is_empty() {
                return Ok(None);
            }
            match answer.parse::<usize>() {
                Ok(n) if (1..=found.len()).contains(&n) => return Ok(Some(n - 1)),
                _ => say.problem(format!("type a number from 1 to {}", found.len()))?,
            }
        }
    }

    fn accept_terms(&mut self, say: &mut Say, _service: &Service) -> Result<bool, Failure> {
        self.yes_no(say, "accept these terms? y/n", None)
    }

    fn confirm_review(&mut self, say: &mut Say, _review: &Review) -> Result<bool, Failure> {
        self.yes_no(
            say,
            "apply with this? y: the card signs it next, n: enter the payment details again",
            None,
        )
    }

    fn categories(&mut self, say: &mut Say, open: &[Category]) -> Result<Vec<Category>, Failure> {
        let numbers: Vec<String> = open.iter().map(|c| number(*c).to_string()).collect();
        loop {
            let typed = self.input.line(
                say,
                &format!(
                    "categories to apply for (numbers separated by commas; Enter: all of {})",
                    numbers.join(",")
                ),
            )?;
            match parse_categories(&typed, open) {
                Some(c) => return Ok(c),
                None => say.problem(format!(
                    "type some of {} (or Enter for all)",
                    numbers.join(",")
                ))?,
            }
        }
    }

    fn child_birth_date(&mut self, say: &mut Say) -> Result<Zeroizing<String>, Failure> {
        self.input.line(
            say,
            "the child's birth date (YYYYMMDD, half-width digits, e.g. 20200101)",
        )
    }

    fn representative_pin(
        &mut self,
        say: &mut Say,
        tries_left: Option<u8>,
    ) -> Result<Zeroizing<String>, Failure> {
        let what = "the legal representative's PIN, for their card's signature";
        let prompt = match tries_left {
            Some(1) => format!("{what} (4 digits, LAST try)"),
            Some(n) => format!("{what} (4 digits, {n} tries left)"),
            None => format!("{what} (4 digits)"),
        };
        self.input.secret(say, &prompt)
    }

    fn revocation_confirmation(
        &mut self,
        say: &mut Say,
        my_key_id: &str,
    ) -> Result<Zeroizing<String>, Failure> {
        self.input.line(
            say,
            &format!("type {my_key_id} to revoke it for good (anything else: nothing is revoked)"),
        )
    }
}

/// The leaflet's number of a category.
fn number(category: Category) -> u8 {
    match category {
        Category::CardAcquisition => 1,
        Category::HealthInsurance => 2,
        Category::PublicFundAccount => 3,
    }
}

/// The categories typed as the leaflet's numbers (`1,2`), each open and
/// once; empty: every open one. `None`: not such a list.
fn parse_categories(text: &str, open: &[Category]) -> Option<Vec<Category>> {
    let text = text.trim();
    if text.is_empty() {
        return Some(open.to_vec());
    }
    let mut chosen = Vec::new();
    for n in text.split(',') {
        let c = open
            .iter()
            .copied()
            .find(|c| number(*c).to_string() == n.trim())?;
        if chosen.contains(&c) {
            return None;
        }
        chosen.push(c);
    }
    Some(chosen)
}

#[cfg(test)]
mod tests {
    use super::{parse_categories, parse_notifications};
    use mynapoint_core::platform::Category::*;

    #[test]
    fn categories_by_their_numbers() {
        let open = [CardAcquisition, HealthInsurance];
        assert_eq!(parse_categories("", &open), Some(open.to_vec()));
        assert_eq!(parse_categories(" 2 ", &open), Some(vec![HealthInsurance]));
        assert_eq!(
            parse_categories("2,1", &open),
            Some(vec![HealthInsurance, CardAcquisition])
        );
        // Not open, twice, or not a number: asked again.
        assert_eq!(parse_categories("3", &open), None);
        assert_eq!(parse_categories("1,1", &open), None);
        assert_eq!(parse_categories("all", &open), None);
    }

    #[test]
    fn notification_choices() {
        assert!(parse_notifications("all").unwrap().my_key_id_changes);
        assert_eq!(parse_notifications("none"), Some(Default::default()));
        let n = parse_notifications("granted, password").unwrap();
        assert!(n.points_granted && n.password_changed && !n.points_expired);
        assert_eq!(parse_notifications("sometimes"), None);
    }
}
