//! The resident flow's data as uniffi records and enums, converted from the
//! core's and the contract's types. Forms coming from a shell are moved
//! into the core's zeroizing forms at once.

use mynapoint_core::platform as p;
use mynapoint_core::resident as r;

use super::categories::CategoryLine;
use crate::records::PinPrompt;

/// Why the PIN is asked for (twice in the flow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PinPurpose {
    /// Card login to the platform (before the My Key ID).
    Login,
    /// The card signs the application.
    SignApplication,
}

/// Why a session ended; everything entered was wiped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum EndReason {
    CardChanged,
    IdleTimeout,
    Aborted,
    Revoked,
}

/// The screen a shell shows (the core's `resident::Step`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ResidentStep {
    /// Tap the card (read without a PIN, with its retry counter).
    ReadCard,
    /// Type the PIN (showing `pin_prompt()`), then tap once.
    EnterPin {
        purpose: PinPurpose,
    },
    /// Ask for a candidate, or check an own choice while allowed.
    ChooseMyKeyId {
        own_choice_allowed: bool,
    },
    /// Password (twice), e-mail (twice, optional), notifications, base municipality.
    EnterRegistration,
    /// See each point category (`eligibility()`) and choose those to apply
    /// for (all open ones by default); a fixed service skips to the review.
    ChooseCategories,
    ChooseService,
    AcceptTerms,
    EnterPayment,
    /// Check the service and the payment ID before signing.
    Review,
    /// A child application: the representative's card signs.
    RepresentativeSign,
    /// Signed, the platform's answer was lost: `retry_submission()`.
    SubmitPending,
    Done,
    /// Over; a new session is needed.
    Ended {
        reason: EndReason,
    },
}

impl From<r::Step> for ResidentStep {
    fn from(s: r::Step) -> Self {
        let purpose = |p| match p {
            r::PinPurpose::Login => PinPurpose::Login,
            r::PinPurpose::SignApplication => PinPurpose::SignApplication,
        };
        match s {
            r::Step::ReadCard => Self::ReadCard,
            r::Step::EnterPin { purpose: p } => Self::EnterPin {
                purpose: purpose(p),
            },
            r::Step::ChooseMyKeyId { own_choice_allowed } => {
                Self::ChooseMyKeyId { own_choice_allowed }
            }
            r::Step::EnterRegistration => Self::EnterRegistration,
            r::Step::ChooseCategories => Self::ChooseCategories,
            r::Step::ChooseService => Self::ChooseService,
            r::Step::AcceptTerms => Self::AcceptTerms,
            r::Step::EnterPayment => Self::EnterPayment,
            r::Step::Review => Self::Review,
            r::Step::RepresentativeSign => Self::RepresentativeSign,
            r::Step::SubmitPending => Self::SubmitPending,
            r::Step::Done => Self::Done,
            r::Step::Ended { reason } => Self::Ended {
                reason: match reason {
                    r::EndReason::CardChanged => EndReason::CardChanged,
                    r::EndReason::IdleTimeout => EndReason::IdleTimeout,
                    r::EndReason::Aborted => EndReason::Aborted,
                    r::EndReason::Revoked => EndReason::Revoked,
                },
            },
        }
    }
}

/// The card the session bound to, from its first tap.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CardSummary {
    /// Certificate serial (発行番号), upper hex.
    pub serial_hex: String,
    /// Unix seconds.
    pub expires_at_unix: u64,
    pub valid_now: bool,
    /// What to show when the PIN is asked next.
    pub pin: PinPrompt,
}

impl From<r::CardSummary> for CardSummary {
    fn from(c: r::CardSummary) -> Self {
        Self {
            serial_hex: c.serial,
            expires_at_unix: c.expires_at_unix,
            valid_now: c.valid_now,
            pin: c.pin,
        }
    }
}

/// What card login found.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LoginOutcome {
    /// The person's existing My Key ID (recovered), or none yet.
    pub my_key_id: Option<String>,
    pub card_reissued: bool,
    /// The person's application when one exists (the flow is then done).
    pub application: Option<PointsApplication>,
}

impl From<r::LoginOutcome> for LoginOutcome {
    fn from(o: r::LoginOutcome) -> Self {
        Self {
            my_key_id: o.my_key_id,
            card_reissued: o.card_reissued,
            application: o.application.map(Into::into),
        }
    }
}

/// An auto-generated My Key ID candidate; the 3rd is final (chosen at once).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Candidate {
    pub my_key_id: String,
    /// 1 to 3.
    pub attempt: u8,
    pub is_final: bool,
}

impl From<p::Candidate> for Candidate {
    fn from(c: p::Candidate) -> Self {
        Self {
            my_key_id: c.candidate,
            attempt: c.attempt,
            is_final: c.is_final,
        }
    }
}

/// The platform's duplicate check of an own choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct CheckResult {
    pub available: bool,
    /// 1 to 3.
    pub checks_used: u8,
    /// Only auto-generation is left.
    pub fallback_to_auto: bool,
}

impl From<p::CheckResult> for CheckResult {
    fn from(c: p::CheckResult) -> Self {
        Self {
            available: c.available,
            checks_used: c.checks_used,
            fallback_to_auto: c.fallback_to_auto,
        }
    }
}

/// Which e-mails the person wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Notifications {
    pub points_granted: bool,
    pub points_expired: bool,
    pub password_changed: bool,
    pub my_key_id_changes: bool,
}

/// The registration screen (checked by the core before anything is sent).
#[derive(Clone, uniffi::Record)]
pub struct RegistrationForm {
    pub password: String,
    pub password_again: String,
    /// `None` or empty: no e-mail.
    pub email: Option<String>,
    pub email_again: Option<String>,
    pub notifications: Notifications,
    /// 6-digit local government code with its check digit (e.g. 131016).
    pub base_municipality: String,
}

impl From<RegistrationForm> for r::RegistrationForm {
    fn from(f: RegistrationForm) -> Self {
        let n = f.notifications;
        r::RegistrationForm {
            password: f.password,
            password_again: f.password_again,
            email: f.email,
            email_again: f.email_again,
            notifications: p::Notifications {
                points_granted: n.points_granted,
                points_expired: n.points_expired,
                password_changed: n.password_changed,
                my_key_id_changes: n.my_key_id_changes,
            },
            base_municipality: f.base_municipality,
        }
    }
}

/// The issued My Key ID.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MyKeyIdRecord {
    pub my_key_id: String,
    /// Upper hex.
    pub certificate_serial: String,
    /// Unix seconds.
    pub certificate_expires_at: u64,
    pub email: Option<String>,
    pub base_municipality: String,
    pub revoked: bool,
}

impl From<p::MyKeyIdRecord> for MyKeyIdRecord {
    fn from(m: p::MyKeyIdRecord) -> Self {
        Self {
            revoked: m.status == p::MyKeyIdStatus::Revoked,
            my_key_id: m.my_key_id,
            certificate_serial: m.certificate_serial,
            certificate_expires_at: m.certificate_expires_at,
            email: m.email,
            base_municipality: m.base_municipality,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ServiceKind {
    Qr,
    EMoney,
    Credit,
    Debit,
}

impl From<p::ServiceKind> for ServiceKind {
    fn from(k: p::ServiceKind) -> Self {
        match k {
            p::ServiceKind::Qr => Self::Qr,
            p::ServiceKind::EMoney => Self::EMoney,
            p::ServiceKind::Credit => Self::Credit,
            p::ServiceKind::Debit => Self::Debit,
        }
    }
}

/// Which characters a field takes (half-width only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Charset {
    Digits,
    AlnumUpper,
    Alnum,
}

impl From<p::Charset> for Charset {
    fn from(c: p::Charset) -> Self {
        match c {
            p::Charset::Digits => Self::Digits,
            p::Charset::AlnumUpper => Self::AlnumUpper,
            p::Charset::Alnum => Self::Alnum,
        }
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ServiceSummary {
    pub service_id: String,
    pub name: String,
    pub name_kana: String,
    pub name_latin: String,
    pub kind: ServiceKind,
    pub terms_version: String,
}

impl From<p::ServiceSummary> for ServiceSummary {
    fn from(s: p::ServiceSummary) -> Self {
        Self {
            service_id: s.service_id,
            name: s.name,
            name_kana: s.name_kana,
            name_latin: s.name_latin,
            kind: s.kind.into(),
            terms_version: s.terms_version,
        }
    }
}

/// A field's rule, for the input screen (the core checks it again).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldRule {
    pub label: String,
    /// In characters.
    pub min_len: u32,
    /// In characters.
    pub max_len: u32,
    pub charset: Charset,
}

/// The chosen payment service with its terms and field rules.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Service {
    pub service_id: String,
    pub name: String,
    pub kind: ServiceKind,
    pub terms: String,
    pub terms_version: String,
    pub payment_id: FieldRule,
    /// In the order they are asked.
    pub security_codes: Vec<FieldRule>,
}

impl From<p::Service> for Service {
    fn from(s: p::Service) -> Self {
        Self {
            service_id: s.service_id,
            name: s.name,
            kind: s.kind.into(),
            terms: s.terms,
            terms_version: s.terms_version,
            payment_id: FieldRule {
                label: s.payment_id.label,
                min_len: s.payment_id.min_len,
                max_len: s.payment_id.max_len,
                charset: s.payment_id.charset.into(),
            },
            security_codes: s
                .security_codes
                .into_iter()
                .map(|c| FieldRule {
                    label: c.label,
                    min_len: c.len,
                    max_len: c.len,
                    charset: c.charset.into(),
                })
                .collect(),
        }
    }
}

/// The payment screen (checked by the core against the service's rules).
#[derive(Clone, uniffi::Record)]
pub struct PaymentForm {
    pub payment_id: String,
    /// One per entry of the service's `security_codes`.
    pub security_codes: Vec<String>,
    /// Optional.
    pub phone_last4: Option<String>,
}

impl From<PaymentForm> for r::PaymentForm {
    fn from(f: PaymentForm) -> Self {
        r::PaymentForm {
            payment_id: f.payment_id,
            security_codes: f.security_codes,
            phone_last4: f.phone_last4,
        }
    }
}

/// The review screen before the card signs (the payment ID whole, here only).
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct Review {
    pub service_id: String,
    pub service_name: String,
    pub terms_version: String,
    pub payment_id_label: String,
    /// Whole, for the person to check (empty when the service is fixed).
    pub payment_id: String,
    /// `None` when the service is fixed (no payment details entered).
    pub payment_id_masked: Option<String>,
    pub phone_last4: Option<String>,
    pub security_codes_entered: u32,
    /// The service is fixed: `first_installment` or `application`.
    pub service_fixed_by: Option<String>,
    /// The chosen categories, in the leaflet's order, and their total.
    pub categories: Vec<CategoryLine>,
    pub total_yen: u32,
    /// A legal representative's application for a child.
    pub for_child: Option<ForChild>,
}

/// The child part of a representative's application.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ForChild {
    /// The child's birth date, `YYYYMMDD`.
    pub birth_date: String,
    /// The representative card's certificate serial, upper hex.
    pub representative_serial_hex: String,
}

impl std::fmt::Debug for Review {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Review")
            .field("service_id", &self.service_id)
            .field("payment_id_masked", &self.payment_id_masked)
            .finish_non_exhaustive()
    }
}

impl From<&r::Review> for Review {
    fn from(v: &r::Review) -> Self {
        Self {
            service_id: v.service_id.clone(),
            service_name: v.service_name.clone(),
            terms_version: v.terms_version.clone(),
            payment_id_label: v.payment_id_label.clone(),
            payment_id: v.payment_id.as_str().to_owned(),
            payment_id_masked: v.payment_id_masked.clone(),
            phone_last4: v.phone_last4.clone(),
            security_codes_entered: v.security_codes_entered,
            service_fixed_by: v.service_fixed_by.map(|b| {
                match b {
                    p::ServiceFixedBy::FirstInstallment => "first_installment",
                    p::ServiceFixedBy::Application => "application",
                }
                .to_owned()
            }),
            categories: v.categories.iter().map(Into::into).collect(),
            total_yen: v.total_yen,
            for_child: v.for_child.as_ref().map(|c| ForChild {
                birth_date: c.birth_date.clone(),
                representative_serial_hex: c.representative_serial.clone(),
            }),
        }
    }
}

/// 申込済み (submitted) or registered with the payment service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ApplicationStatus {
    Submitted,
    Registered,
}

impl From<p::ApplicationStatus> for ApplicationStatus {
    fn from(s: p::ApplicationStatus) -> Self {
        match s {
            p::ApplicationStatus::Submitted => Self::Submitted,
            p::ApplicationStatus::Registered => Self::Registered,
        }
    }
}

/// The person's application for My Number Points.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PointsApplication {
    pub application_id: String,
    pub status: ApplicationStatus,
    pub service_id: String,
    pub service_name: String,
    /// `None` for an application whose service was fixed by the 1st installment.
    pub payment_id_masked: Option<String>,
    /// Unix seconds.
    pub submitted_at: u64,
    /// A legal representative's application for a child.
    pub for_child: Option<ForChild>,
    /// The categories applied for, each with its status.
    pub categories: Vec<CategoryLine>,
}

impl From<p::Application> for PointsApplication {
    fn from(a: p::Application) -> Self {
        Self {
            application_id: a.application_id,
            status: a.status.into(),
            service_id: a.service_id,
            service_name: a.service_name,
            payment_id_masked: a.payment_id_masked,
            submitted_at: a.submitted_at,
            for_child: a.for_child.map(|c| ForChild {
                birth_date: c.birth_date,
                representative_serial_hex: c.representative_serial,
            }),
            categories: a.categories.into_iter().map(Into::into).collect(),
        }
    }
}
