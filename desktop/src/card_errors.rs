//! What each card-layer outcome means for a person at the desk: one plain
//! line and a documented exit code.

use mynapoint_core::card::CardError;
use mynapoint_core::pin::{PinError, PinFormatError};

use crate::exit::Exit;
use crate::Failure;

impl From<CardError> for Failure {
    fn from(e: CardError) -> Self {
        match e {
            CardError::Transport(t) => t.into(),
            CardError::NotMyNumberCard(app) => Failure::new(
                Exit::NotMyNumberCard,
                "not_my_number_card",
                format!("this card is not a My Number Card (it has no {app} application): place a My Number Card on the reader"),
            ),
            CardError::NotVerified(what) => Failure::new(
                Exit::CardError,
                "not_verified",
                format!("the card refused: the {what} was not verified"),
            ),
            e @ CardError::ReaderCannotCarrySignature { .. } => {
                Failure::new(Exit::CardError, "reader_cannot_carry_signature", e.to_string())
            }
            e @ CardError::UnconfirmedKeyReference { .. } => {
                Failure::new(Exit::CardError, "unconfirmed_key_reference", e.to_string())
            }
            other => Failure::new(Exit::CardError, "card_error", format!("card error: {other}")),
        }
    }
}

impl From<PinError> for Failure {
    fn from(e: PinError) -> Self {
        let message = e.to_string();
        match e {
            PinError::Card(c) => c.into(),
            PinError::WrongPin { .. } => Failure::new(Exit::WrongPin, "wrong_pin", message),
            PinError::Locked { .. } => Failure::new(Exit::PinLocked, "pin_locked", message),
            PinError::LastTryNeedsConfirmation(_) => Failure::new(
                Exit::LastTryRefused,
                "last_try_refused",
                format!("{message} (run again with --confirm-last-try if you are sure of it)"),
            ),
            PinError::MaybeCounted { .. } => {
                Failure::new(Exit::CardRemoved, "card_removed_during_verify", message)
            }
            PinError::NoPinEntered(_) => Failure::new(Exit::BadInput, "no_pin", message),
            // Nothing was sent: the count shown when the PIN was typed was higher.
            PinError::CounterChanged { tries_left, .. } => {
                let exit = match tries_left {
                    0 => Exit::PinLocked,
                    1 => Exit::LastTryRefused,
                    _ => Exit::CardError,
                };
                Failure::new(exit, "pin_counter_changed", message)
            }
        }
    }
}

impl From<PinFormatError> for Failure {
    fn from(e: PinFormatError) -> Self {
        Failure::new(Exit::BadInput, "pin_format", e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mynapoint_core::card::TransportError;
    use mynapoint_core::pin::PinKind;

    #[test]
    fn each_outcome_has_its_exit_code() {
        let k = PinKind::UserAuth;
        let cases: Vec<(Failure, Exit)> = vec![
            (
                PinError::WrongPin {
                    kind: k,
                    tries_left: 2,
                }
                .into(),
                Exit::WrongPin,
            ),
            (
                PinError::Locked {
                    kind: k,
                    by_this_try: false,
                }
                .into(),
                Exit::PinLocked,
            ),
            (
                PinError::LastTryNeedsConfirmation(k).into(),
                Exit::LastTryRefused,
            ),
            (
                PinError::MaybeCounted {
                    kind: k,
                    tries_before: 2,
                }
                .into(),
                Exit::CardRemoved,
            ),
            (
                PinError::CounterChanged {
                    kind: k,
                    shown: 3,
                    tries_left: 0,
                }
                .into(),
                Exit::PinLocked,
            ),
            (
                PinError::CounterChanged {
                    kind: k,
                    shown: 3,
                    tries_left: 1,
                }
                .into(),
                Exit::LastTryRefused,
            ),
            (
                PinError::Card(CardError::Transport(TransportError::TagLost)).into(),
                Exit::CardRemoved,
            ),
            (
                CardError::NotMyNumberCard("JPKI").into(),
                Exit::NotMyNumberCard,
            ),
            (
                mynapoint_core::pin::Pin::user_auth("12")
                    .unwrap_err()
                    .into(),
                Exit::BadInput,
            ),
        ];
        for (failure, exit) in cases {
            assert_eq!(failure.exit, exit, "{failure:?}");
        }
        let wrong: Failure = PinError::WrongPin {
            kind: k,
            tries_left: 1,
        }
        .into();
        assert!(wrong.message.contains("1 try left"), "{}", wrong.message);
        let locked: Failure = PinError::Locked {
            kind: k,
            by_this_try: true,
        }
        .into();
        assert!(
            locked.message.contains("municipal counter"),
            "{}",
            locked.message
        );
    }
}
