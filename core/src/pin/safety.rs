//! The rules that keep a holder from locking the card by accident:
//! what the retry counter means, what to show when the PIN is asked before
//! the tap that uses it, when a VERIFY may be sent, and what to do after a
//! VERIFY whose answer never arrived.

use super::PinKind;

/// What the card says about a secret before any try is spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PinStatus {
    /// Tries left before the secret locks (1 ..= max).
    TriesLeft(u8),
    /// Locked: only the municipal counter can reset it.
    Locked,
    /// Already verified in this power session.
    Verified,
}

/// What a shell shows when it asks for a PIN before the tap that uses it
/// ("PIN first": ask, then open the NFC session, then run the step). It comes
/// from the last retry-counter reading of this card in this session; the tap
/// reads the counter again before any VERIFY, so safety never rests on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PinPrompt {
    /// Ask for the PIN and show `tries_left` (2 or more).
    Ask { tries_left: u8 },
    /// One try left: ask only after the holder explicitly agrees to spend it
    /// (a mistake locks the card), then pass [`LastTry::Confirmed`].
    ConfirmLastTry,
    /// Locked: do not ask; only the municipal counter can reset it.
    Locked,
    /// Not known: no reading of this card yet in this session, or a VERIFY's
    /// answer was lost since. Tap once to read the counter before asking.
    ReadFirst,
}

impl PinPrompt {
    /// The prompt for the last known counter (`None`: unknown).
    pub fn from_known(known: Option<PinStatus>) -> Self {
        match known {
            None | Some(PinStatus::Verified) => PinPrompt::ReadFirst,
            Some(PinStatus::Locked) | Some(PinStatus::TriesLeft(0)) => PinPrompt::Locked,
            Some(PinStatus::TriesLeft(1)) => PinPrompt::ConfirmLastTry,
            Some(PinStatus::TriesLeft(n)) => PinPrompt::Ask { tries_left: n },
        }
    }

    /// The tries shown at this prompt (0 when locked; `None` when unknown).
    pub fn tries_left(self) -> Option<u8> {
        match self {
            PinPrompt::Ask { tries_left } => Some(tries_left),
            PinPrompt::ConfirmLastTry => Some(1),
            PinPrompt::Locked => Some(0),
            PinPrompt::ReadFirst => None,
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

/// The counter re-read after a VERIFY whose answer was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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
    /// The card shows fewer tries (`tries_left`, 0 = locked) than the
    /// `shown` ones the PIN was typed with.
    FewerThanShown {
        shown: u8,
        tries_left: u8,
    },
}

impl PinGuard {
    pub fn in_doubt(&self) -> bool {
        self.in_doubt.is_some()
    }

    /// Decides whether a VERIFY may go out, given the counter just read
    /// (`status`) and the one shown when the PIN was typed (`shown`, when
    /// it was shown). Never when in doubt: the counter must be re-read first
    /// (`resolve`). Fewer tries than shown: refused whatever the holder
    /// confirmed (the confirmation was given for another count).
    pub fn decide(
        &self,
        status: PinStatus,
        last_try: LastTry,
        shown: Option<PinStatus>,
    ) -> Decision {
        debug_assert!(
            self.in_doubt.is_none(),
            "decide() before the counter was re-read"
        );
        let now = match status {
            PinStatus::TriesLeft(n) => Some(n),
            PinStatus::Locked => Some(0),
            PinStatus::Verified => None,
        };
        if let (Some(PinStatus::TriesLeft(shown)), Some(tries_left)) = (shown, now) {
            if tries_left < shown {
                return Decision::Refuse(Refusal::FewerThanShown { shown, tries_left });
            }
        }
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
    fn decisions_for_every_counter_value() {
        let g = PinGuard::default();
        for n in 2..=15 {
            assert_eq!(
                g.decide(PinStatus::TriesLeft(n), LastTry::Refuse, None),
                Decision::Send { tries_left: n }
            );
        }
        assert_eq!(
            g.decide(PinStatus::TriesLeft(1), LastTry::Refuse, None),
            Decision::Refuse(Refusal::LastTry)
        );
        assert_eq!(
            g.decide(PinStatus::TriesLeft(1), LastTry::Confirmed, None),
            Decision::Send { tries_left: 1 }
        );
        assert_eq!(
            g.decide(PinStatus::TriesLeft(0), LastTry::Confirmed, None),
            Decision::Refuse(Refusal::Locked)
        );
        assert_eq!(
            g.decide(PinStatus::Locked, LastTry::Confirmed, None),
            Decision::Refuse(Refusal::Locked)
        );
        assert_eq!(
            g.decide(PinStatus::Verified, LastTry::Refuse, None),
            Decision::AlreadyVerified
        );
    }

    #[test]
    fn fewer_tries_than_shown_are_refused_whatever_was_confirmed() {
        let g = PinGuard::default();
        let shown = |n| Some(PinStatus::TriesLeft(n));
        // Another app spent a try meanwhile.
        assert_eq!(
            g.decide(PinStatus::TriesLeft(2), LastTry::Refuse, shown(3)),
            Decision::Refuse(Refusal::FewerThanShown {
                shown: 3,
                tries_left: 2
            })
        );
        // The last try was reached elsewhere: a confirmation given for 2 does not count.
        for last_try in [LastTry::Refuse, LastTry::Confirmed] {
            assert_eq!(
                g.decide(PinStatus::TriesLeft(1), last_try, shown(2)),
                Decision::Refuse(Refusal::FewerThanShown {
                    shown: 2,
                    tries_left: 1
                })
            );
        }
        // Locked elsewhere.
        assert_eq!(
            g.decide(PinStatus::Locked, LastTry::Confirmed, shown(1)),
            Decision::Refuse(Refusal::FewerThanShown {
                shown: 1,
                tries_left: 0
            })
        );
        // The same count, or more (reset at the counter): the usual rules.
        assert_eq!(
            g.decide(PinStatus::TriesLeft(3), LastTry::Refuse, shown(3)),
            Decision::Send { tries_left: 3 }
        );
        assert_eq!(
            g.decide(PinStatus::TriesLeft(3), LastTry::Refuse, shown(1)),
            Decision::Send { tries_left: 3 }
        );
        assert_eq!(
            g.decide(PinStatus::TriesLeft(1), LastTry::Refuse, shown(1)),
            Decision::Refuse(Refusal::LastTry)
        );
        assert_eq!(
            g.decide(PinStatus::TriesLeft(1), LastTry::Confirmed, shown(1)),
            Decision::Send { tries_left: 1 }
        );
        assert_eq!(
            g.decide(PinStatus::Verified, LastTry::Refuse, shown(3)),
            Decision::AlreadyVerified
        );
    }

    #[test]
    fn prompts_follow_the_last_known_count() {
        assert_eq!(PinPrompt::from_known(None), PinPrompt::ReadFirst);
        assert_eq!(
            PinPrompt::from_known(Some(PinStatus::Verified)),
            PinPrompt::ReadFirst
        );
        assert_eq!(
            PinPrompt::from_known(Some(PinStatus::TriesLeft(3))),
            PinPrompt::Ask { tries_left: 3 }
        );
        assert_eq!(
            PinPrompt::from_known(Some(PinStatus::TriesLeft(1))),
            PinPrompt::ConfirmLastTry
        );
        assert_eq!(
            PinPrompt::from_known(Some(PinStatus::Locked)),
            PinPrompt::Locked
        );
        assert_eq!(PinPrompt::Locked.tries_left(), Some(0));
        assert_eq!(PinPrompt::ReadFirst.tries_left(), None);
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
}
