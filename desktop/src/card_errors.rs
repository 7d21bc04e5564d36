//! The core's errors as failures of a command: the core decides the code,
//! the retry hint and the message ([`mynapoint_core::failure`]); the exit
//! status follows the code ([`Exit::for_code`]).

use mynapoint_core::card::{CardError, PinError, TransportError};
use mynapoint_core::failure::{Failure as CoreFailure, FailureCode, Lang};
use mynapoint_core::pin::PinFormatError;
use mynapoint_core::resident::ResidentError;

use crate::Failure;

macro_rules! from_core {
    ($($t:ty),*) => {$(
        impl From<$t> for Failure {
            fn from(e: $t) -> Self {
                Failure::core(&CoreFailure::from(&e))
            }
        }
    )*};
}

from_core!(TransportError, CardError, PinFormatError, ResidentError);

impl From<PinError> for Failure {
    /// A `card` command spends the last try only with `--confirm-last-try`:
    /// the refusal says so.
    fn from(e: PinError) -> Self {
        let mut failure = Failure::core(&CoreFailure::from(&e));
        if failure.code == FailureCode::LastTryRefused.as_str() {
            failure.message.push_str(match crate::lang() {
                Lang::En => " (run again with --confirm-last-try if you are sure of it)",
                Lang::Ja => "（確かな場合は --confirm-last-try を付けて実行してください）",
            });
        }
        failure
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::Exit;
    use mynapoint_core::failure::RetryHint;
    use mynapoint_core::pin::PinKind;
    use mynapoint_core::platform::ErrorCode;

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
                Exit::CardError,
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
            (ResidentError::Network.into(), Exit::Platform),
            (ResidentError::CardChanged.into(), Exit::NotFinished),
            (
                ResidentError::Platform {
                    status: 500,
                    code: ErrorCode::Other("x".into()),
                }
                .into(),
                Exit::Platform,
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
        assert_eq!(locked.retry, RetryHint::MunicipalCounter);
        let last: Failure = PinError::LastTryNeedsConfirmation(k).into();
        assert!(
            last.message.contains("--confirm-last-try"),
            "{}",
            last.message
        );
    }

    #[test]
    fn the_card_commands_and_the_resident_flow_use_one_code() {
        let lost = || CardError::Transport(TransportError::TagLost);
        let wrong = || PinError::WrongPin {
            kind: PinKind::UserAuth,
            tries_left: 2,
        };
        let card: Failure = lost().into();
        let resident: Failure = ResidentError::Card(lost()).into();
        assert_eq!((card.code, resident.code), ("card_removed", "card_removed"));
        let card: Failure = wrong().into();
        let resident: Failure = ResidentError::Pin(wrong()).into();
        assert_eq!((card.code, resident.code), ("wrong_pin", "wrong_pin"));
        assert_eq!(card.exit, resident.exit);
        assert_eq!(card.message, resident.message);
    }
}
