//! Every field a resident types has its own named error, found before
//! anything is sent: the registration form, an own-choice My Key ID, the
//! payment details against the chosen service's rules. Each runner checks,
//! for every case, the error, its code `invalid_field`, that the step stays,
//! and that the platform saw nothing ([`Target::snapshot`] unchanged).

use mynapoint_core::resident::{
    Field, FieldError, FieldProblem, PaymentForm, RegistrationForm, ResidentError, ResidentSession,
    Step,
};

use crate::forms::{aeon_payment_with, registration_with, smbc_payment, AEON, SMBC};
use crate::resident::{ResidentRig, Target};

/// The error of a refused field.
pub fn invalid(field: Field, problem: FieldProblem) -> ResidentError {
    ResidentError::Invalid(FieldError { field, problem })
}

fn len(min: u32, max: u32, got: u32) -> FieldProblem {
    FieldProblem::WrongLength { min, max, got }
}

fn password(pw: &str) -> RegistrationForm {
    registration_with(|f| {
        f.password = pw.into();
        f.password_again = pw.into();
    })
}

/// Registration forms that are each wrong in one field.
pub fn registration_cases() -> Vec<(RegistrationForm, Field, FieldProblem)> {
    use Field::*;
    vec![
        (password("Pass1"), Password, len(6, 16, 5)),
        (password("Pass12345678901234"), Password, len(6, 16, 18)),
        (
            password("Pass１２34"),
            Password,
            FieldProblem::FullWidth { position: 5 },
        ),
        (
            password("Pass-1234"),
            Password,
            FieldProblem::NotAllowed { position: 5 },
        ),
        (
            password("Pass!234"),
            Password,
            FieldProblem::NotAllowed { position: 5 },
        ),
        (
            registration_with(|f| f.password_again = "Pass1235".into()),
            PasswordConfirmation,
            FieldProblem::Mismatch,
        ),
        (
            registration_with(|f| {
                f.email = Some("taro.example.jp".into());
                f.email_again = f.email.clone();
            }),
            Email,
            FieldProblem::BadFormat,
        ),
        (
            registration_with(|f| f.email_again = Some("jiro@example.jp".into())),
            EmailConfirmation,
            FieldProblem::Mismatch,
        ),
        (
            registration_with(|f| f.email_again = None),
            EmailConfirmation,
            FieldProblem::Mismatch,
        ),
        (
            registration_with(|f| f.base_municipality = "131017".into()),
            BaseMunicipality,
            FieldProblem::WrongCheckDigit,
        ),
        (
            registration_with(|f| f.base_municipality = "131015".into()),
            BaseMunicipality,
            FieldProblem::WrongCheckDigit,
        ),
        (
            registration_with(|f| f.base_municipality = "13101".into()),
            BaseMunicipality,
            len(6, 6, 5),
        ),
        (
            registration_with(|f| f.base_municipality = "１３１０１６".into()),
            BaseMunicipality,
            FieldProblem::FullWidth { position: 1 },
        ),
    ]
}

/// Own-choice My Key IDs of the wrong form.
pub fn my_key_id_cases() -> Vec<(&'static str, FieldProblem)> {
    vec![
        ("abcd1234", FieldProblem::LowerCase { position: 1 }),
        ("mine2024", FieldProblem::LowerCase { position: 1 }),
        ("ABCD123x", FieldProblem::LowerCase { position: 8 }),
        ("ＡBCD1234", FieldProblem::FullWidth { position: 1 }),
        ("ＭINE2024", FieldProblem::FullWidth { position: 1 }),
        ("ABCD１234", FieldProblem::FullWidth { position: 5 }),
        ("ABCD123", len(8, 8, 7)),
        ("MINE202", len(8, 8, 7)),
        ("ABCD12345", len(8, 8, 9)),
        ("", FieldProblem::Empty),
        ("ABCD-123", FieldProblem::NotAllowed { position: 5 }),
    ]
}

/// [`AEON`] payment details (16 digits, one 4-digit code) each wrong in one field.
pub fn aeon_payment_cases() -> Vec<(PaymentForm, Field, FieldProblem)> {
    use Field::*;
    let code0 = SecurityCode { index: 0 };
    vec![
        (
            aeon_payment_with(|f| f.payment_id = "123456789012345".into()),
            PaymentId,
            len(16, 16, 15),
        ),
        (
            aeon_payment_with(|f| f.payment_id = "12345678901234567".into()),
            PaymentId,
            len(16, 16, 17),
        ),
        (
            aeon_payment_with(|f| f.payment_id = "１２３４567890123456".into()),
            PaymentId,
            FieldProblem::FullWidth { position: 1 },
        ),
        (
            aeon_payment_with(|f| f.payment_id = "1234A67890123456".into()),
            PaymentId,
            FieldProblem::NotAllowed { position: 5 },
        ),
        (
            aeon_payment_with(|f| f.payment_id = String::new()),
            PaymentId,
            FieldProblem::Empty,
        ),
        (
            aeon_payment_with(|f| f.security_codes = vec![String::new()]),
            code0,
            FieldProblem::Empty,
        ),
        (
            aeon_payment_with(|f| f.security_codes = vec!["098".into()]),
            code0,
            len(4, 4, 3),
        ),
        (
            aeon_payment_with(|f| f.security_codes = vec!["09８7".into()]),
            code0,
            FieldProblem::FullWidth { position: 3 },
        ),
        (
            aeon_payment_with(|f| f.security_codes = vec![]),
            code0,
            FieldProblem::WrongCount {
                expected: 1,
                got: 0,
            },
        ),
        (
            aeon_payment_with(|f| f.security_codes = vec!["0987".into(), "1234".into()]),
            SecurityCode { index: 1 },
            FieldProblem::WrongCount {
                expected: 1,
                got: 2,
            },
        ),
        (
            aeon_payment_with(|f| f.phone_last4 = Some("567".into())),
            PhoneLast4,
            len(4, 4, 3),
        ),
        (
            aeon_payment_with(|f| f.phone_last4 = Some("56a8".into())),
            PhoneLast4,
            FieldProblem::NotAllowed { position: 3 },
        ),
        (
            aeon_payment_with(|f| f.phone_last4 = Some("５６７８".into())),
            PhoneLast4,
            FieldProblem::FullWidth { position: 1 },
        ),
        (
            aeon_payment_with(|f| f.phone_last4 = Some("56789".into())),
            PhoneLast4,
            len(4, 4, 5),
        ),
    ]
}

/// [`SMBC`] payment details (two codes: 4 and 3 digits), each wrong in the second code.
pub fn smbc_payment_cases() -> Vec<(PaymentForm, Field, FieldProblem)> {
    let code1 = Field::SecurityCode { index: 1 };
    let codes = |codes: &[&str]| {
        let mut form = smbc_payment();
        form.security_codes = codes.iter().map(|c| c.to_string()).collect();
        form
    };
    vec![
        (
            codes(&["1234"]),
            code1,
            FieldProblem::WrongCount {
                expected: 2,
                got: 1,
            },
        ),
        (codes(&["1234", "56"]), code1, len(3, 3, 2)),
        (codes(&["1234", ""]), code1, FieldProblem::Empty),
    ]
}

/// Runs `cases` through `step`, each refused with its own error while the
/// session stays at its step and the platform sees nothing.
async fn refuse_each<P: Target, C, T: std::fmt::Debug>(
    rig: &ResidentRig<P>,
    s: &mut ResidentSession,
    cases: Vec<(C, Field, FieldProblem)>,
    mut step: impl AsyncFnMut(&mut ResidentSession, C) -> Result<T, ResidentError>,
) {
    let at = s.step();
    let before = rig.snapshot();
    for (case, field, problem) in cases {
        let e = step(s, case).await.unwrap_err();
        assert_eq!(e, invalid(field, problem), "{field:?}");
        assert_eq!(e.code(), "invalid_field");
        assert_eq!(s.step(), at, "{field:?} {problem:?}");
        assert_eq!(
            rig.snapshot(),
            before,
            "nothing sent for {field:?} {problem:?}"
        );
    }
}

/// [`registration_cases`], at `EnterRegistration` (a candidate chosen).
pub async fn refuse_registration_fields<P: Target>(rig: &ResidentRig<P>, s: &mut ResidentSession) {
    assert_eq!(s.step(), Step::EnterRegistration);
    let cases = registration_cases();
    refuse_each(rig, s, cases, async |s, form| s.issue_my_key_id(form).await).await;
}

/// [`my_key_id_cases`], at the My Key ID choice with own choice allowed.
pub async fn refuse_my_key_id_formats<P: Target>(rig: &ResidentRig<P>, s: &mut ResidentSession) {
    assert_eq!(
        s.step(),
        Step::ChooseMyKeyId {
            own_choice_allowed: true
        }
    );
    let cases = my_key_id_cases()
        .into_iter()
        .map(|(id, problem)| (id, Field::MyKeyId, problem))
        .collect();
    refuse_each(rig, s, cases, async |s, id| s.check_own_choice(id).await).await;
}

/// From the service choice: [`AEON`] with [`aeon_payment_cases`], then
/// [`SMBC`] with [`smbc_payment_cases`]; the session is left at SMBC's
/// payment details, nothing held.
pub async fn refuse_payment_fields<P: Target>(rig: &ResidentRig<P>, s: &mut ResidentSession) {
    for (service_id, cases) in [(AEON, aeon_payment_cases()), (SMBC, smbc_payment_cases())] {
        let service = s.choose_service(service_id).await.expect("service");
        s.accept_terms(&service.terms_version).expect("terms");
        refuse_each(rig, s, cases, async |s, form| s.enter_payment(form).await).await;
        assert_eq!(s.review(), None);
        assert!(!s.held_data().payment);
    }
}
