//! The resident flow: read the card, PIN, card login, get (or recover) a My
//! Key ID, pick ONE payment service, accept its terms, enter the payment
//! details, review, PIN again and the card's signature, submit, status.
//!
//! A shell drives a [`ResidentSession`] step by step: it shows
//! [`ResidentSession::step`], calls the step's method, and translates the
//! typed results and [`ResidentError`]s: each converts into a
//! [`crate::failure::Failure`] (stable code, retry hint, message in Japanese
//! or English), and `code()` is that failure's code.
//! Nothing here knows uniffi; the types are plain owned data, `Send + Sync`.

mod error;
mod fields;
pub mod labels;
mod payment;
mod registration;
mod session;
mod step;

pub use crate::clock::{CivilDate, Clock, ManualClock, SystemClock};
pub use error::{CertificateRefusal, ResidentError};
pub use fields::{check_confirmation, check_field, Field, FieldError, FieldProblem};
pub use payment::{CategoryLine, ChildReview, PaymentForm, Review};
pub use registration::{check_my_key_id, RegistrationForm};
pub use session::{CardSummary, HeldData, LoginOutcome, PinCheck, ResidentConfig, ResidentSession};
pub use step::{EndReason, PinPurpose, Step};
