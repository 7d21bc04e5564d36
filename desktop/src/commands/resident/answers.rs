//! What the flow asks the person. The terminal answers it for
//! `mynapoint resident`; a script answers it for `mynapoint demo`.

use mynapoint_core::platform::{Candidate, Category, Notifications, Service, ServiceSummary};
use mynapoint_core::resident::{Field, PinPurpose, Review};
use zeroize::Zeroizing;

use super::say::Say;
use crate::Failure;

/// How to get a My Key ID.
pub enum KeyChoice {
    /// Ask the platform for a candidate.
    Auto,
    /// Check this own choice.
    Own(String),
}

/// The questions of the resident flow. Each may print to `say`; an error
/// (e.g. the input ended) stops the flow.
pub trait Answers {
    /// The 4-digit PIN (`tries_left` as the card said, when it said).
    fn pin(
        &mut self,
        say: &mut Say,
        purpose: PinPurpose,
        tries_left: Option<u8>,
    ) -> Result<Zeroizing<String>, Failure>;

    /// Only one PIN try is left: spend it? (A mistake locks the card.)
    fn spend_last_try(&mut self, say: &mut Say) -> Result<bool, Failure>;

    fn key_choice(&mut self, say: &mut Say, own_allowed: bool) -> Result<KeyChoice, Failure>;

    /// Take this (not final) candidate, or ask for another?
    fn take_candidate(&mut self, say: &mut Say, candidate: &Candidate) -> Result<bool, Failure>;

    /// A typed field of the registration or payment screen.
    fn field(
        &mut self,
        say: &mut Say,
        field: Field,
        service: Option<&Service>,
    ) -> Result<Zeroizing<String>, Failure>;

    fn notifications(&mut self, say: &mut Say) -> Result<Notifications, Failure>;

    fn keyword(&mut self, say: &mut Say) -> Result<String, Failure>;

    /// An index into `found`, or `None` to search again.
    fn pick_service(
        &mut self,
        say: &mut Say,
        found: &[ServiceSummary],
    ) -> Result<Option<usize>, Failure>;

    fn accept_terms(&mut self, say: &mut Say, service: &Service) -> Result<bool, Failure>;

    /// Apply with this (the card signs next), or enter the details again?
    fn confirm_review(&mut self, say: &mut Say, review: &Review) -> Result<bool, Failure>;

    /// Which of the `open` point categories to apply for (more than one is
    /// open; all by default).
    fn categories(&mut self, say: &mut Say, open: &[Category]) -> Result<Vec<Category>, Failure>;

    /// The child's birth date (`YYYYMMDD`) for a legal representative's
    /// application (the core checks it: under 15, not in the future).
    fn child_birth_date(&mut self, say: &mut Say) -> Result<Zeroizing<String>, Failure>;

    /// The legal representative's 4-digit PIN (`tries_left` as their card said).
    fn representative_pin(
        &mut self,
        say: &mut Say,
        tries_left: Option<u8>,
    ) -> Result<Zeroizing<String>, Failure>;

    /// The typed confirmation of revoking `my_key_id` for good (the core
    /// accepts only the id itself).
    fn revocation_confirmation(
        &mut self,
        say: &mut Say,
        my_key_id: &str,
    ) -> Result<Zeroizing<String>, Failure>;
}
