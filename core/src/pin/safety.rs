//! The rules that keep a holder from locking the card by accident:
//! what the retry counter means, when a VERIFY may be sent, and what to do
//! after a VERIFY whose answer never arrived.

use crate::card::{CardError, StatusKind, StatusWord};

use super::PinKind;

/// What the card says about a secret before any try is spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinStatus {
    /// Tries left before the secret locks (1 ..= max).
    TriesLeft(u8),
    /// Locked: only the municipal counter can reset it.
    Locked,
    /// Already verified in this power session.
    Verified,
}

impl PinStatus {
    /// Reads the answer to the 4-byte retry-counter query.
    pub fn from_query(sw: StatusWord) -> Result<Self, CardError> {
        match sw.kind() {
            StatusKind::TriesLeft(0) | StatusKind::Locked => Ok(PinStatus::Locked),
            StatusKind::TriesLeft(n) => Ok(PinStatus::TriesLeft(n)),
            StatusKind::Ok => Ok(PinStatus::Verified),
            _ => Err(CardError::Refused {
                command: "retry counter query",
                sw,
            }),
        }
    }
}

/// Whether the holder has explicitly agreed to spend the very last try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastTry {
    /// Refuse to send a VERIFY when one try is left (the default).
    Refuse,
    /// The holder was warned and confirmed.
    Confirmed,
}

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

/// The counter re-read after a VERIFY whose answer was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recheck {
    pub kind: PinKind,
    pub status: PinStatus,
    /// Whether the lost try counted, when the counter tells.
    pub try_counted: Option<bool>,
}

/// Per-secret memory across taps: a VERIFY in flight, and the last count seen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct PinGuard {
    /// A VERIFY was sent and no answer arrived: the counter must be read
    /// before anything else, and no VERIFY may be sent until it is.
    in_doubt: Option<u8>,
}

/// What the rules allow for a VERIFY, given the counter just read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    Send { tries_left: u8 },
    AlreadyVerified,
    Refuse(Refusal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    Locked,
    LastTry,
}

impl PinGuard {
    pub fn in_doubt(&self) -> bool {
        self.in_doubt.is_some()
    }

    /// Decides whether a VERIFY may go out. Never when in doubt: the counter
    /// must be re-read first (`resolve`).
    pub fn decide(&self, status: PinStatus, last_try: LastTry) -> Decision {
        debug_assert!(
            self.in_doubt.is_none(),
            "decide() before the counter was re-read"
        );
        match status {
            PinStatus::Verified => Decision::AlreadyVerified,
            PinStatus::Locked | PinStatus::TriesLeft(0) => Decision::Refuse(Refusal::Locked),
            PinStatus::TriesLeft(1) if last_try == LastTry::Refuse => {
                Decision::Refuse(Refusal::LastTry)
            }
            PinStatus::TriesLeft(n) => Decision::Send { tries_left: n },
        }
    }

    /// Records that a VERIFY is about to leave, with `tries_left` before it.
    pub fn sending(&mut self, tries_left: u8) {
        self.in_doubt = Some(tries_left);
    }

    /// Records that the card answered the VERIFY.
    pub fn answered(&mut self) {
        self.in_doubt = None;
    }

    /// Settles a doubt with a fresh counter reading.
    pub fn resolve(&mut self, kind: PinKind, status: PinStatus) -> Option<Recheck> {
        let before = self.in_doubt.take()?;
        let try_counted = match status {
            PinStatus::TriesLeft(n) => Some(n < before),
            PinStatus::Locked => Some(true),
            // Verified means the VERIFY succeeded; a success resets the counter.
            PinStatus::Verified => None,
        };
        Some(Recheck {
            kind,
            status,
            try_counted,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_answers_map_to_statuses() {
        assert_eq!(
            PinStatus::from_query(StatusWord(0x63C3)).unwrap(),
            PinStatus::TriesLeft(3)
        );
        assert_eq!(
            PinStatus::from_query(StatusWord(0x63C1)).unwrap(),
            PinStatus::TriesLeft(1)
        );
        assert_eq!(
            PinStatus::from_query(StatusWord(0x63C0)).unwrap(),
            PinStatus::Locked
        );
        assert_eq!(
            PinStatus::from_query(StatusWord(0x6984)).unwrap(),
            PinStatus::Locked
        );
        assert_eq!(
            PinStatus::from_query(StatusWord(0x6983)).unwrap(),
            PinStatus::Locked
        );
        assert_eq!(
            PinStatus::from_query(StatusWord(0x9000)).unwrap(),
            PinStatus::Verified
        );
        assert!(PinStatus::from_query(StatusWord(0x6700)).is_err());
    }

    #[test]
    fn decisions_for_every_counter_value() {
        let g = PinGuard::default();
        for n in 2..=15 {
            assert_eq!(
                g.decide(PinStatus::TriesLeft(n), LastTry::Refuse),
                Decision::Send { tries_left: n }
            );
        }
        assert_eq!(
            g.decide(PinStatus::TriesLeft(1), LastTry::Refuse),
            Decision::Refuse(Refusal::LastTry)
        );
        assert_eq!(
            g.decide(PinStatus::TriesLeft(1), LastTry::Confirmed),
            Decision::Send { tries_left: 1 }
        );
        assert_eq!(
            g.decide(PinStatus::TriesLeft(0), LastTry::Confirmed),
            Decision::Refuse(Refusal::Locked)
        );
        assert_eq!(
            g.decide(PinStatus::Locked, LastTry::Confirmed),
            Decision::Refuse(Refusal::Locked)
        );
        assert_eq!(
            g.decide(PinStatus::Verified, LastTry::Refuse),
            Decision::AlreadyVerified
        );
    }

    #[test]
    fn a_lost_answer_is_resolved_by_the_next_counter_reading() {
        let mut g = PinGuard::default();
        g.sending(3);
        assert!(g.in_doubt());
        let r = g
            .resolve(PinKind::UserAuth, PinStatus::TriesLeft(2))
            .unwrap();
        assert_eq!(r.try_counted, Some(true));
        assert!(!g.in_doubt());
        assert_eq!(g.resolve(PinKind::UserAuth, PinStatus::TriesLeft(2)), None);

        g.sending(2);
        let r = g
            .resolve(PinKind::UserAuth, PinStatus::TriesLeft(2))
            .unwrap();
        assert_eq!(
            r.try_counted,
            Some(false),
            "the VERIFY never reached the card"
        );

        g.sending(1);
        let r = g.resolve(PinKind::UserAuth, PinStatus::Locked).unwrap();
        assert_eq!(r.try_counted, Some(true));
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
