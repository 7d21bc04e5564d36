//! Where a resident is in the flow: what a shell shows next.

use crate::session_frame::{FlowStep, FrameEnd};

/// Why the PIN is asked for (it is asked twice in the flow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PinPurpose {
    /// Card login to the platform (before the My Key ID).
    Login,
    /// The card signs the application.
    SignApplication,
}

/// Why a resident session ended. Every entered detail was wiped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndReason {
    /// Another card was tapped.
    CardChanged,
    /// Nothing happened for the idle timeout.
    IdleTimeout,
    /// The resident or staff ended it.
    Aborted,
    /// The My Key ID was revoked: nothing more can be done with it.
    Revoked,
}

impl From<FrameEnd> for EndReason {
    fn from(end: FrameEnd) -> Self {
        match end {
            FrameEnd::CardChanged => EndReason::CardChanged,
            FrameEnd::IdleTimeout => EndReason::IdleTimeout,
            FrameEnd::Aborted => EndReason::Aborted,
        }
    }
}

impl EndReason {
    pub fn code(self) -> &'static str {
        match self {
            EndReason::CardChanged => "card_changed",
            EndReason::IdleTimeout => "idle_timeout",
            EndReason::Aborted => "aborted",
            EndReason::Revoked => "my_key_id_revoked",
        }
    }
}

/// The screen a shell shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// Tap the card (it is read without a PIN; the PIN's retry counter is
    /// read in the same tap, spending no try).
    ReadCard,
    /// Type the 4-digit user-authentication PIN (showing
    /// `ResidentSession::pin_prompt`), then tap once: the card checks it
    /// and signs in that tap.
    EnterPin { purpose: PinPurpose },
    /// Get a My Key ID: ask for a candidate or check an own choice.
    /// `own_choice_allowed` turns false after 3 own choices were found taken
    /// (auto-generation only from then on). The 3rd candidate is final: it
    /// is chosen at once and the step moves on.
    ChooseMyKeyId { own_choice_allowed: bool },
    /// Password (twice), e-mail (twice, optional), notifications, base municipality.
    EnterRegistration,
    /// See each point category (eligibility, amount; what to do first for
    /// one not open yet) and choose those to apply for: all open ones by
    /// default ([`crate::resident::ResidentSession::choose_categories`]).
    /// A person whose service is fixed (their application's, or the 1st
    /// installment's) goes on to the review: the service is shown, not asked.
    ChooseCategories,
    /// Search and pick one payment service.
    ChooseService,
    /// Read and accept the chosen service's terms.
    AcceptTerms,
    /// Payment ID, security code(s), phone suffix.
    EnterPayment,
    /// Check the service and the masked payment ID before signing.
    Review,
    /// A child application: the child's card signed; the legal
    /// representative's card (the one read before) now checks its own PIN
    /// and signs the same digest, then the application is submitted.
    RepresentativeSign,
    /// The card signed, the platform's answer was lost: repeat the submission.
    SubmitPending,
    /// Applied: the status can be asked.
    Done,
    /// Over; every entered detail was wiped. A new session is needed.
    Ended { reason: EndReason },
}

impl FlowStep for Step {
    type EndReason = EndReason;

    fn ended(reason: EndReason) -> Self {
        Step::Ended { reason }
    }

    fn end_reason(self) -> Option<EndReason> {
        match self {
            Step::Ended { reason } => Some(reason),
            _ => None,
        }
    }
}
