//! Exit codes of the `mynapoint` command.
//!
//! Scripts may rely on these numbers; never renumber one, only add new ones.
//!
//! | code | meaning |
//! |---:|---|
//! | 0 | success |
//! | 1 | not used (a crash, i.e. a Rust panic, exits with 101) |
//! | 2 | usage error: unknown subcommand, bad or missing option (clap's own code) |
//! | 3 | no card reader, reader not found, or the PC/SC service (pcscd) is not running |
//! | 4 | no card on the reader |
//! | 5 | the card is not a My Number Card |
//! | 6 | wrong PIN; the message says how many tries are left |
//! | 7 | the PIN is locked (must be reset at the municipal office) |
//! | 8 | the card was removed (or the tag was lost) during the operation |
//! | 9 | only one PIN try is left and the command refused to spend it without `--confirm-last-try` |
//! | 10 | any other card or transport error |
//! | 11 | bad input: PIN format, malformed argument value |
//! | 12 | the platform could not be reached, or refused the card or the request |
//! | 13 | the resident flow did not finish (input ended, declined, session ended) |

use std::fmt;

use mynapoint_core::failure::FailureCode;

/// One documented exit status of `mynapoint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Exit {
    /// 0: success.
    Ok,
    /// 2: usage error (unknown subcommand, bad or missing option).
    Usage,
    /// 3: no card reader, reader not found, or no PC/SC service.
    NoReader,
    /// 4: no card on the reader.
    NoCard,
    /// 5: the card is not a My Number Card.
    NotMyNumberCard,
    /// 6: wrong PIN (the message says how many tries are left).
    WrongPin,
    /// 7: the PIN is locked.
    PinLocked,
    /// 8: the card was removed or the tag was lost.
    CardRemoved,
    /// 9: the last PIN try was refused without `--confirm-last-try`.
    LastTryRefused,
    /// 10: any other card or transport error.
    CardError,
    /// 11: bad input (PIN format, malformed value).
    BadInput,
    /// 12: the platform could not be reached, or refused the card or the request.
    Platform,
    /// 13: the resident flow did not finish (input ended, declined, session ended).
    NotFinished,
}

impl Exit {
    /// Every exit status, in code order.
    pub const ALL: [Exit; 13] = [
        Exit::Ok,
        Exit::Usage,
        Exit::NoReader,
        Exit::NoCard,
        Exit::NotMyNumberCard,
        Exit::WrongPin,
        Exit::PinLocked,
        Exit::CardRemoved,
        Exit::LastTryRefused,
        Exit::CardError,
        Exit::BadInput,
        Exit::Platform,
        Exit::NotFinished,
    ];

    /// The process exit code.
    pub const fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Usage => 2,
            Exit::NoReader => 3,
            Exit::NoCard => 4,
            Exit::NotMyNumberCard => 5,
            Exit::WrongPin => 6,
            Exit::PinLocked => 7,
            Exit::CardRemoved => 8,
            Exit::LastTryRefused => 9,
            Exit::CardError => 10,
            Exit::BadInput => 11,
            Exit::Platform => 12,
            Exit::NotFinished => 13,
        }
    }

    /// A stable machine-readable name of the status (the failure itself
    /// carries its own code, `error.code` in `--json` output).
    pub const fn name(self) -> &'static str {
        match self {
            Exit::Ok => "ok",
            Exit::Usage => "usage",
            Exit::NoReader => "no_reader",
            Exit::NoCard => "no_card",
            Exit::NotMyNumberCard => "not_my_number_card",
            Exit::WrongPin => "wrong_pin",
            Exit::PinLocked => "pin_locked",
            Exit::CardRemoved => "card_removed",
            Exit::LastTryRefused => "last_try_refused",
            Exit::CardError => "card_error",
            Exit::BadInput => "bad_input",
            Exit::Platform => "platform",
            Exit::NotFinished => "not_finished",
        }
    }
}

impl Exit {
    /// The exit status of each core failure code: the one table.
    pub const fn for_code(code: FailureCode) -> Exit {
        use FailureCode as C;
        match code {
            C::NotMyNumberCard => Exit::NotMyNumberCard,
            C::WrongPin => Exit::WrongPin,
            C::PinLocked => Exit::PinLocked,
            C::CardRemoved | C::PinMaybeCounted => Exit::CardRemoved,
            C::LastTryRefused => Exit::LastTryRefused,
            C::PinFormat | C::PinNotEntered | C::TerminalIdFormat => Exit::BadInput,
            C::CardTimeout
            | C::CardReset
            | C::ReaderError
            | C::CardError
            | C::NotVerified
            | C::ReaderCannotCarrySignature
            | C::UnconfirmedKeyReference
            | C::PinCounterChanged => Exit::CardError,
            C::Network
            | C::PlatformTimeout
            | C::PlatformError
            | C::PlatformDecode
            | C::PlatformSessionExpired
            | C::PlatformMismatch
            | C::ChallengeRefused
            | C::CertificateUntrusted
            | C::CertificateExpired
            | C::CertificateNotYetValid
            | C::CertificateRevoked
            | C::SignatureInvalid
            | C::SubmissionUnconfirmed
            | C::MyKeyIdRevoked
            // The field app: the platform refused the terminal, the batch
            // or the registration.
            | C::TerminalUnknown
            | C::TerminalPasswordWrong
            | C::TerminalLocked
            | C::TerminalDeviceMismatch
            | C::ProjectOtherMunicipality
            | C::BatchSignatureRefused
            | C::ParticipantNotInMaster
            | C::AlreadyOnRoster
            | C::NotWaiting => Exit::Platform,
            // Every other refusal stops the resident flow before its end.
            _ => Exit::NotFinished,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code(), self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_distinct_and_documented() {
        let codes: HashSet<u8> = Exit::ALL.iter().map(|e| e.code()).collect();
        assert_eq!(codes.len(), Exit::ALL.len());
        assert_eq!(
            Exit::ALL.map(Exit::code),
            [0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
        );
        let names: HashSet<&str> = Exit::ALL.iter().map(|e| e.name()).collect();
        assert_eq!(names.len(), Exit::ALL.len());
    }

    #[test]
    fn every_failure_code_has_an_exit_status_other_than_success_and_usage() {
        for code in FailureCode::ALL {
            let exit = Exit::for_code(*code);
            assert!(!matches!(exit, Exit::Ok | Exit::Usage), "{code}");
        }
        assert_eq!(Exit::for_code(FailureCode::WrongPin).code(), 6);
        assert_eq!(Exit::for_code(FailureCode::CardRemoved).code(), 8);
        assert_eq!(Exit::for_code(FailureCode::Network).code(), 12);
        assert_eq!(Exit::for_code(FailureCode::InvalidField).code(), 13);
        assert_eq!(
            Exit::for_code(FailureCode::TerminalPasswordWrong).code(),
            12
        );
        assert_eq!(Exit::for_code(FailureCode::TerminalIdFormat).code(), 11);
        assert_eq!(Exit::for_code(FailureCode::PointsNotConfirmed).code(), 13);
    }

    #[test]
    fn usage_matches_clap() {
        // clap exits with 2 on a usage error; our code must agree.
        assert_eq!(Exit::Usage.code(), 2);
    }
}
