//! Valid forms a resident fills in, and the ids of the reference catalogue's
//! services (`platform/seed/payment-services.json`, which the platform
//! double serves too).

use mynapoint_core::platform::Notifications;
use mynapoint_core::resident::{PaymentForm, RegistrationForm};

/// AEON card (WAON): a 16-digit payment ID, one 4-digit security code.
pub const AEON: &str = "aeon-card-waon";
/// PayPay: 10–12 upper-case letters and digits, one 8-character code.
pub const PAYPAY: &str = "paypay";
/// A credit card with two security codes (4 and 3 digits).
pub const SMBC: &str = "smbc-card";

/// A valid My Key ID registration (password `Pass1234`, an e-mail, base
/// municipality 131016 = 千代田区).
pub fn registration() -> RegistrationForm {
    RegistrationForm {
        password: "Pass1234".into(),
        password_again: "Pass1234".into(),
        email: Some("taro@example.jp".into()),
        email_again: Some("taro@example.jp".into()),
        notifications: Notifications {
            points_granted: true,
            points_expired: true,
            password_changed: true,
            my_key_id_changes: false,
        },
        base_municipality: "131016".into(),
    }
}

/// [`registration`] changed by `edit`.
pub fn registration_with(edit: impl FnOnce(&mut RegistrationForm)) -> RegistrationForm {
    let mut form = registration();
    edit(&mut form);
    form
}

/// Valid payment details for [`AEON`].
pub fn aeon_payment() -> PaymentForm {
    PaymentForm {
        payment_id: "1234567890123456".into(),
        security_codes: vec!["0987".into()],
        phone_last4: Some("5678".into()),
    }
}

/// [`aeon_payment`] changed by `edit`.
pub fn aeon_payment_with(edit: impl FnOnce(&mut PaymentForm)) -> PaymentForm {
    let mut form = aeon_payment();
    edit(&mut form);
    form
}

/// Valid payment details for [`PAYPAY`].
pub fn paypay_payment() -> PaymentForm {
    PaymentForm {
        payment_id: "PAY1234567".into(),
        security_codes: vec!["AB12CD34".into()],
        phone_last4: None,
    }
}

/// Valid payment details for [`SMBC`] (two codes).
pub fn smbc_payment() -> PaymentForm {
    PaymentForm {
        payment_id: "4980000000000001".into(),
        security_codes: vec!["1234".into(), "567".into()],
        phone_last4: None,
    }
}

/// The answers `mynapoint resident` reads line by line from a non-terminal
/// stdin for a whole application (the order of `mynapoint resident --help`):
/// PIN, an automatic My Key ID, registration, "イオン" and its first service,
/// the terms, `payment_id` with security code 0987 and phone 5678, the review,
/// the PIN again. `PAYMENT_ID_LINE` is the index of the payment ID.
pub fn resident_answers(payment_id: &str) -> Vec<&str> {
    vec![
        crate::secrets::PIN,
        "auto",
        "y",
        "Pass1234",
        "Pass1234",
        "taro@example.jp",
        "taro@example.jp",
        "all",
        "131016",
        "イオン",
        "1",
        "y",
        payment_id,
        "0987",
        "5678",
        "y",
        crate::secrets::PIN,
    ]
}

/// Where [`resident_answers`] puts the payment ID.
pub const PAYMENT_ID_LINE: usize = 12;
