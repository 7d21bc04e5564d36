//! What became of a PIN entry at the card: the PIN rules' refusals (nothing
//! sent) and the card's answers to VERIFY. The rules themselves are
//! [`crate::pin`]'s; this is where they meet the card's status words and
//! the card layer's errors.

use super::error::CardError;
use crate::pin::PinKind;

/// What became of a PIN entry. Every variant tells a shell what to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("no {} was entered", .0.label())]
    NoPinEntered(PinKind),
    #[error("wrong {}: {tries_left} {} left", kind.label(), if *tries_left == 1 { "try" } else { "tries" })]
    WrongPin { kind: PinKind, tries_left: u8 },
    #[error("only one try of the {} is left: confirm before trying, or have it reset at the municipal counter", .0.label())]
    LastTryNeedsConfirmation(PinKind),
    #[error("the {} is locked: reset it at the municipal counter", kind.label())]
    Locked { kind: PinKind, by_this_try: bool },
    /// The card shows fewer tries than the holder was shown when the PIN
    /// was typed (another app spent a try meanwhile, or locked it): no
    /// VERIFY was sent and the PIN was wiped. Ask again with `tries_left`
    /// (0: locked); one left needs the last-try confirmation first.
    #[error("{}", counter_changed_message(*.kind, *.shown, *.tries_left))]
    CounterChanged {
        kind: PinKind,
        /// The tries shown when the PIN was typed.
        shown: u8,
        /// The tries the card shows now (0: locked).
        tries_left: u8,
    },
    #[error("the card was lost while the {} was being checked: the try may have counted; tap the card again to see how many tries are left", kind.label())]
    MaybeCounted { kind: PinKind, tries_before: u8 },
    /// The card could not be asked; no VERIFY was sent and no try was spent.
    #[error(transparent)]
    Card(#[from] CardError),
}

impl PinError {
    /// Whether this error means a try may have been spent.
    pub fn may_have_spent_a_try(&self) -> bool {
        matches!(
            self,
            PinError::WrongPin { .. }
                | PinError::Locked {
                    by_this_try: true,
                    ..
                }
                | PinError::MaybeCounted { .. }
        )
    }
}

fn counter_changed_message(kind: PinKind, shown: u8, tries_left: u8) -> String {
    let label = kind.label();
    let tries = |n: u8| format!("{n} {}", if n == 1 { "try" } else { "tries" });
    let was = tries(shown);
    match tries_left {
        0 => format!(
            "the {label} was locked after the PIN was typed ({was} left were shown; \
             another app may have used it): nothing was sent to the card; reset it at \
             the municipal counter"
        ),
        n => format!(
            "the card now shows {} of the {label} left, not the {was} shown when the PIN \
             was typed (another app may have used it): nothing was sent to the card; \
             enter the PIN again",
            tries(n)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_counter_states_the_true_count() {
        let k = PinKind::UserAuth;
        let e = PinError::CounterChanged {
            kind: k,
            shown: 3,
            tries_left: 1,
        };
        let text = e.to_string();
        assert!(text.contains("1 try") && text.contains("3 tries"), "{text}");
        assert!(!e.may_have_spent_a_try());
        let text = PinError::CounterChanged {
            kind: k,
            shown: 2,
            tries_left: 0,
        }
        .to_string();
        assert!(
            text.contains("locked") && text.contains("2 tries"),
            "{text}"
        );
    }

    #[test]
    fn only_spending_errors_say_a_try_may_be_spent() {
        let k = PinKind::UserAuth;
        assert!(PinError::WrongPin {
            kind: k,
            tries_left: 2
        }
        .may_have_spent_a_try());
        assert!(PinError::MaybeCounted {
            kind: k,
            tries_before: 2
        }
        .may_have_spent_a_try());
        assert!(PinError::Locked {
            kind: k,
            by_this_try: true
        }
        .may_have_spent_a_try());
        assert!(!PinError::Locked {
            kind: k,
            by_this_try: false
        }
        .may_have_spent_a_try());
        assert!(!PinError::LastTryNeedsConfirmation(k).may_have_spent_a_try());
        assert!(!PinError::NoPinEntered(k).may_have_spent_a_try());
    }
}
