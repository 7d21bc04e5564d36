//! What the resident types to get a My Key ID: the ID's format, the My Page
//! password (twice), the optional e-mail (twice), notification choices and
//! the base municipality. All checked here before anything is sent.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

use mynapoint_contract::{check_email, check_municipality, check_password};

use super::fields::{check_same, Field, FieldError, FieldProblem};
use crate::platform::Notifications;

/// Exactly 8 half-width upper-case letters and digits (the contract's rule).
pub fn check_my_key_id(text: &str) -> Result<(), FieldError> {
    mynapoint_contract::check_my_key_id(text).map_err(|p| FieldError::new(Field::MyKeyId, p))
}

/// The registration screen. Wiped when dropped; `Debug` shows no text.
#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct RegistrationForm {
    pub password: String,
    pub password_again: String,
    /// Empty or `None`: no e-mail.
    pub email: Option<String>,
    pub email_again: Option<String>,
    #[zeroize(skip)]
    pub notifications: Notifications,
    /// 6-digit local government code with its check digit (e.g. 131016).
    pub base_municipality: String,
}

impl fmt::Debug for RegistrationForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistrationForm")
            .field("notifications", &self.notifications)
            .field("base_municipality", &self.base_municipality)
            .finish_non_exhaustive()
    }
}

impl RegistrationForm {
    /// The first problem, field by field in screen order.
    pub fn validate(&self) -> Result<(), FieldError> {
        check_password(&self.password).map_err(|p| FieldError::new(Field::Password, p))?;
        check_same(&self.password, &self.password_again)
            .map_err(|p| FieldError::new(Field::PasswordConfirmation, p))?;
        let email = self.email();
        let again = self.email_again.as_deref().filter(|e| !e.is_empty());
        if let Some(email) = email {
            check_email(email).map_err(|p| FieldError::new(Field::Email, p))?;
        }
        if email != again {
            return Err(FieldError::new(
                Field::EmailConfirmation,
                FieldProblem::Mismatch,
            ));
        }
        check_municipality(&self.base_municipality)
            .map_err(|p| FieldError::new(Field::BaseMunicipality, p))
    }

    /// The e-mail address, if one was typed.
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref().filter(|e| !e.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> RegistrationForm {
        RegistrationForm {
            password: "abc123XY".into(),
            password_again: "abc123XY".into(),
            email: Some("taro@example.jp".into()),
            email_again: Some("taro@example.jp".into()),
            notifications: Notifications::default(),
            base_municipality: "131016".into(),
        }
    }

    fn problem(f: RegistrationForm) -> (Field, FieldProblem) {
        let e = f.validate().unwrap_err();
        (e.field, e.problem)
    }

    #[test]
    fn a_good_form_passes_and_email_is_optional() {
        form().validate().unwrap();
        let mut f = form();
        f.email = None;
        f.email_again = Some(String::new());
        f.validate().unwrap();
        assert_eq!(f.email(), None);
    }

    #[test]
    fn every_field_has_its_own_error() {
        let mut f = form();
        f.password = "abc12".into();
        assert_eq!(
            problem(f),
            (
                Field::Password,
                FieldProblem::WrongLength {
                    min: 6,
                    max: 16,
                    got: 5
                }
            )
        );
        let mut f = form();
        f.password = "abc12３XY".into();
        assert_eq!(
            problem(f),
            (Field::Password, FieldProblem::FullWidth { position: 6 })
        );
        let mut f = form();
        f.password_again = "abc123XZ".into();
        assert_eq!(
            problem(f),
            (Field::PasswordConfirmation, FieldProblem::Mismatch)
        );
        let mut f = form();
        f.email = Some("taro.example.jp".into());
        assert_eq!(problem(f), (Field::Email, FieldProblem::BadFormat));
        let mut f = form();
        f.email_again = Some("tar0@example.jp".into());
        assert_eq!(
            problem(f),
            (Field::EmailConfirmation, FieldProblem::Mismatch)
        );
        let mut f = form();
        f.email_again = None;
        assert_eq!(
            problem(f),
            (Field::EmailConfirmation, FieldProblem::Mismatch)
        );
        let mut f = form();
        f.base_municipality = "131017".into();
        assert_eq!(
            problem(f),
            (Field::BaseMunicipality, FieldProblem::WrongCheckDigit)
        );
    }

    #[test]
    fn my_key_id_format() {
        check_my_key_id("AB12CD34").unwrap();
        assert_eq!(
            check_my_key_id("ab12cd34").unwrap_err().problem,
            FieldProblem::LowerCase { position: 1 }
        );
        assert_eq!(
            check_my_key_id("ＡB12CD34").unwrap_err().problem,
            FieldProblem::FullWidth { position: 1 }
        );
        assert!(matches!(
            check_my_key_id("AB12CD3").unwrap_err().problem,
            FieldProblem::WrongLength { got: 7, .. }
        ));
    }

    #[test]
    fn debug_hides_the_password_and_email() {
        let shown = format!("{:?}", form());
        assert!(!shown.contains("abc123XY"));
        assert!(!shown.contains("taro"));
    }
}
