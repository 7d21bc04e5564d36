//! The English messages: what happened, then what to do.

use super::words::{child_birth_date, field_name, pin_name, pin_short, problem};
use super::{Failure, FailureCode as C, Lang};

const L: Lang = Lang::En;

fn tries(n: u8) -> String {
    format!("{n} {}", if n == 1 { "try" } else { "tries" })
}

fn with_detail(text: &str, f: &Failure) -> String {
    match &f.detail {
        Some(d) => format!("{text} ({d})"),
        None => text.to_owned(),
    }
}

pub(super) fn message(f: &Failure) -> String {
    let pin = pin_name(f.pin, L);
    let field = || match f.field {
        Some(field) => field_name(field, L),
        None => "the entry".into(),
    };
    match f.code {
        C::CardRemoved => {
            "the card was removed during the operation: place it on the reader (or hold it to the phone) again and retry"
                .into()
        }
        C::CardTimeout => {
            "the card did not answer in time: check that it sits well on the reader and retry"
                .into()
        }
        C::CardReset => {
            "the card was reset by another program or by the reader before the command was sent (no PIN try was spent): retry"
                .into()
        }
        C::ReaderError => with_detail("the reader reported an error: tap the card again", f),
        C::NotMyNumberCard => with_detail(
            "this card is not a My Number Card: place a My Number Card on the reader",
            f,
        ),
        C::CardError => with_detail("the card could not be read: tap it again", f),
        C::NotVerified => with_detail("the card refused: the PIN was not verified in this tap", f),
        C::ReaderCannotCarrySignature => {
            "this reader cannot carry the card's signature: use another phone or reader (no PIN try was spent)"
                .into()
        }
        C::UnconfirmedKeyReference => with_detail(
            "this operation is not supported: nothing was sent to the card",
            f,
        ),
        C::PinNotEntered => format!("no PIN was entered: enter {pin}"),
        C::PinFormat => match f.problem {
            Some(p) => problem(pin, p, L),
            None => format!("the PIN is not in the right form: enter {pin}"),
        },
        C::WrongPin => {
            let name = pin_short(f.pin, L);
            match f.tries_left {
                Some(n) => format!("wrong {name}: {} left; enter it again", tries(n)),
                None => format!("wrong {name}: enter it again"),
            }
        }
        C::LastTryRefused => {
            "only 1 PIN try is left: a wrong PIN locks the card; confirm before trying, or have the PIN reset at the municipal counter"
                .into()
        }
        C::PinLocked => format!(
            "the {} is locked: have it reset at the municipal counter (bring the card)",
            pin_short(f.pin, L)
        ),
        C::PinMaybeCounted => {
            "the card was removed while the PIN was checked: the try may have counted; tap the card again to see how many tries are left"
                .into()
        }
        C::PinCounterChanged => match f.tries_left {
            Some(n) => format!(
                "the card now shows {} left (another app may have used the PIN): nothing was sent to the card; enter the PIN again",
                tries(n)
            ),
            None => "the PIN's try counter changed: nothing was sent; enter the PIN again".into(),
        },
        C::CardChanged => {
            "another card was tapped: the session ended and everything entered was wiped; start again with one card"
                .into()
        }
        C::IdleTimeout => {
            "nothing happened for too long: the session ended and everything entered was wiped; start again"
                .into()
        }
        C::SessionEnded => "the session has ended: start again".into(),
        C::WrongStep => with_detail("this is not possible at this step: start again", f),
        C::TooManyAttempts => "this step did not succeed after several attempts: start again".into(),
        C::SubmissionUnconfirmed => {
            "the application was signed but the platform did not confirm it: check the status later to see whether it arrived"
                .into()
        }
        C::InvalidField => match f.problem {
            Some(p) => problem(&field(), p, L),
            None => format!("{} was refused: enter it again", field()),
        },
        C::InvalidChildBirthDate => match f.problem {
            Some(p) => problem(child_birth_date(L), p, L),
            None => format!("{} was refused: enter it again", child_birth_date(L)),
        },
        C::CertificateUntrusted => {
            "the platform refused the card's certificate: it is not from a trusted issuer".into()
        }
        C::CertificateExpired => {
            "the card's certificate has expired: renew it at the municipal counter".into()
        }
        C::CertificateNotYetValid => {
            "the card's certificate is not valid yet: check the device's date, or ask at the municipal counter"
                .into()
        }
        C::CertificateRevoked => {
            "the card's certificate was revoked: ask at the municipal counter".into()
        }
        C::SignatureInvalid => {
            "the platform did not accept the card's signature: try the step again".into()
        }
        C::ChallengeRefused => "the login expired: log in with the card again".into(),
        C::PlatformSessionExpired => {
            "the platform session expired: start again and log in with the card".into()
        }
        C::PlatformMismatch => {
            "the platform's answer does not match this card or these details: stopped for safety; start again"
                .into()
        }
        C::NoMoreCandidates => {
            "all 3 candidates were given; the 3rd is the one registered".into()
        }
        C::CandidateNotOffered => {
            "that My Key ID was not offered in this session: choose one that was".into()
        }
        C::OwnChoiceExhausted => {
            "3 own choices were taken: continue with an auto-generated My Key ID".into()
        }
        C::MyKeyIdTaken => "that My Key ID is taken: choose another".into(),
        C::MyKeyIdAlreadyIssued => "this person already has a My Key ID: it is used".into(),
        C::MyKeyIdRevoked => {
            "this person's My Key ID was revoked: it cannot be used here; ask at the municipal counter"
                .into()
        }
        C::MyKeyIdRequired => "a My Key ID is needed first: start again to get one".into(),
        C::MyKeyIdUnchanged => "that is already this person's My Key ID: choose another".into(),
        C::FreshLoginRequired => {
            "a My Key ID was set in this session: tap the card and enter the PIN again to change it"
                .into()
        }
        C::RevocationNotConfirmed => {
            "not confirmed (the My Key ID was not typed): nothing was revoked".into()
        }
        C::RepresentativeSignatureNeeded => {
            "the child's card signed: the legal representative's card signs next".into()
        }
        C::RepresentativeIsApplicant => {
            "this is the child's card: tap the legal representative's own card".into()
        }
        C::RepresentativeCardMismatch => {
            "this is not the legal representative's card read before (nothing was signed): tap that card"
                .into()
        }
        C::RepresentativeNotRead => "read the legal representative's card first".into(),
        C::RepresentativeCertificateUntrusted => {
            "the platform refused the legal representative's certificate: it is not from a trusted issuer"
                .into()
        }
        C::RepresentativeCertificateExpired => {
            "the legal representative's certificate has expired: renew it at the municipal counter"
                .into()
        }
        C::RepresentativeCertificateNotYetValid => {
            "the legal representative's certificate is not valid yet: ask at the municipal counter"
                .into()
        }
        C::RepresentativeCertificateRevoked => {
            "the legal representative's certificate was revoked: ask at the municipal counter"
                .into()
        }
        C::RepresentativeSignatureInvalid => {
            "the platform did not accept the legal representative's signature: try the step again"
                .into()
        }
        C::PaymentAccountInUse => {
            "this payment account is used by another person's application: enter another".into()
        }
        C::ServiceUnknown => {
            "the platform does not know this payment service: choose another".into()
        }
        C::TermsVersionMismatch => {
            "the service's terms changed: read and accept them again".into()
        }
        C::AlreadyApplied => {
            "an application already exists for this person and cannot be changed".into()
        }
        C::NotApplied => "there is no application yet".into(),
        C::TerminalIdFormat => "the terminal ID must be 8 half-width digits: enter it again".into(),
        C::TerminalUnknown => {
            "the platform knows no terminal with this ID: check the terminal ID".into()
        }
        C::TerminalPasswordWrong => match f.tries_left {
            Some(n) => format!(
                "wrong terminal password: {} left before the terminal is locked; enter it again",
                tries(n)
            ),
            None => "wrong terminal password: enter it again".into(),
        },
        C::TerminalLocked => with_detail(
            "the terminal is locked after repeated wrong passwords: wait until the lock ends or ask the administrator",
            f,
        ),
        C::TerminalDeviceMismatch => {
            "this terminal is registered to another device: ask the administrator to re-register it"
                .into()
        }
        C::TerminalLoginRequired => {
            "log the terminal in first (this needs the network)".into()
        }
        C::ProjectUnknown => {
            "this grant project is not on the terminal's list: log in again to refresh the list"
                .into()
        }
        C::ProjectClosed => "this grant project is closed: it takes no taps".into(),
        C::ProjectOtherMunicipality => {
            "this grant project belongs to another municipality".into()
        }
        C::RosterNotSynced => {
            "the project's roster is not on this device yet: sync it (online) first".into()
        }
        C::PointsNotConfirmed => {
            "confirm the points per person shown for the project before tapping".into()
        }
        C::BatchSignatureRefused => {
            "the platform refused this device's signature of the taps: ask the administrator to re-register the terminal"
                .into()
        }
        C::ParticipantNotInMaster => {
            "the participant master has no row for this My Key ID: type the office data".into()
        }
        C::AlreadyOnRoster => "this participant is on the project's roster already".into(),
        C::NotWaiting => {
            "this My Key ID has no taps waiting for the project".into()
        }
        C::DeviceStore => with_detail(
            "the device's storage failed (nothing was recorded): retry; if it keeps failing, free storage space",
            f,
        ),
        C::SecretStore => with_detail(
            "the device's key store failed: restart the app; if it keeps failing, reinstall it",
            f,
        ),
        C::NoCategoryChosen => "choose at least one point category to apply for".into(),
        C::HealthInsuranceNotRegistered => {
            "this category needs the card registered as a health insurance card: register it at Mynaportal (the government portal) or at a medical institution's card reader, then apply for it with the card and PIN again"
                .into()
        }
        C::PublicFundAccountNotRegistered => {
            "this category needs a public-fund receipt account: register one at Mynaportal (the government portal), then apply for it with the card and PIN again"
                .into()
        }
        C::CategoryNotAvailable => {
            "this category is not open to you: 1st-installment applicants keep earning their 5,000 yen on their service without applying; see each category's state"
                .into()
        }
        C::CategoryAlreadyApplied => {
            "your application already covers this category: nothing more to apply for".into()
        }
        C::ServiceCannotChange => {
            "your payment service was chosen before and cannot be changed: new categories are applied for on it"
                .into()
        }
        C::Network => {
            "the platform could not be reached: check the network (and the platform's URL), then retry"
                .into()
        }
        C::PlatformTimeout => "the platform did not answer in time: retry".into(),
        C::PlatformError => match (f.http_status, &f.detail) {
            (Some(status), Some(code)) => {
                format!("the platform answered {status} {code}: retry later")
            }
            _ => "the platform refused the request: retry later".into(),
        },
        C::PlatformDecode => "the platform's answer could not be read: retry later".into(),
    }
}
