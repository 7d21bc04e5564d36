//! `mynapoint card …`: what a QA person needs to look at a card.

use std::io::{BufRead, Write};
use std::sync::Arc;

use mynapoint_core::card::{CardSession, CardTransport, CertificateInfo, PinError, Sex, Tap};
use mynapoint_core::pin::{LastTry, Pin, PinKind, PinStatus};
use serde::Serialize;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::cli::{CardCommand, CardCommon, FaceArgs, SignArgs};
use crate::exit::Exit;
use crate::{open_card, print_json, Failure};

/// The secret a command presents, and whether its last try is confirmed.
fn secret_of(command: &CardCommand) -> Option<(PinKind, bool, bool)> {
    match command {
        CardCommand::Verify(a) => Some((PinKind::UserAuth, a.pin_stdin, a.confirm_last_try)),
        CardCommand::BasicInfo(a) => Some((PinKind::CardInfo, a.pin_stdin, a.confirm_last_try)),
        CardCommand::Sign(a) => Some((PinKind::UserAuth, a.pin.pin_stdin, a.pin.confirm_last_try)),
        CardCommand::Face(a) => Some((PinKind::CardInfoCodeB, a.code_stdin, a.confirm_last_try)),
        _ => None,
    }
}

/// Runs one `card` subcommand.
///
/// A secret is always known before the connection that presents it: read
/// from standard input before the card is touched, or typed at a prompt that
/// shows the tries left, read in a first connection that ends before the
/// prompt. No PC/SC transaction is held while a person types (WinSCard resets
/// a card whose transaction stays idle for about 5 seconds), and the card is
/// on the reader only for the exchanges themselves.
pub async fn run(command: &CardCommand, out: &mut dyn Write) -> Result<(), Failure> {
    let common = command.common();
    let mut session = CardSession::new();
    let secret = match secret_of(command) {
        Some((kind, true, _)) => Some(stdin_secret(kind)?),
        Some((kind, false, confirm)) => {
            // Nowhere to type the secret: say so before the card is touched.
            no_terminal_check(kind)?;
            let transport: Arc<dyn CardTransport> = open_card(&common.reader)?;
            let mut tap = session.tap(transport).await?;
            let tries = tries_before_prompt(&mut tap, kind, confirm).await;
            print_trace(common.trace, &tap);
            drop(tap); // the connection (and its transaction) ends here
            Some(prompt_secret(kind, tries?)?)
        }
        None => None,
    };
    let transport: Arc<dyn CardTransport> = open_card(&common.reader)?;
    let mut tap = session.tap(transport).await?;
    let result = match command {
        CardCommand::Info(c) => info(&mut tap, c, out).await,
        CardCommand::PinStatus(c) => pin_status(&mut tap, c, out).await,
        CardCommand::Verify(a) => {
            verify(&mut tap, PinKind::UserAuth, secret, a.confirm_last_try).await?;
            emit(
                out,
                common.json,
                &Verified { verified: true },
                "PIN verified.",
            )
        }
        CardCommand::Sign(a) => sign(&mut tap, a, secret, out).await,
        CardCommand::BasicInfo(a) => {
            verify(&mut tap, PinKind::CardInfo, secret, a.confirm_last_try).await?;
            basic_four(&mut tap, &a.common, out).await
        }
        CardCommand::Face(a) => face(&mut tap, a, secret, out).await,
    };
    print_trace(common.trace, &tap);
    result
}

fn print_trace(on: bool, tap: &Tap<'_>) {
    if on {
        for entry in tap.link().trace().entries() {
            let _ = writeln!(std::io::stderr(), "{entry}");
        }
    }
}

/// Prints JSON with `--json`, else the plain line.
fn emit<T: Serialize>(
    out: &mut dyn Write,
    json: bool,
    value: &T,
    plain: &str,
) -> Result<(), Failure> {
    if json {
        print_json(out, value)
    } else {
        writeln!(out, "{plain}").map_err(Failure::output)
    }
}

fn stdin_secret(kind: PinKind) -> Result<Pin, Failure> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        Failure::new(
            Exit::BadInput,
            "stdin",
            format!("could not read standard input: {e}"),
        )
    })?;
    let text = line.trim_end_matches(['\r', '\n']);
    Ok(Pin::new(kind, text)?)
}

/// The tries left to show at the prompt; refuses (before anyone types) a
/// locked secret and an unconfirmed last try. `None`: already verified.
async fn tries_before_prompt(
    tap: &mut Tap<'_>,
    kind: PinKind,
    confirm: bool,
) -> Result<Option<u8>, Failure> {
    match tap.pin_status(kind).await? {
        PinStatus::Verified => Ok(None),
        PinStatus::Locked => Err(PinError::Locked {
            kind,
            by_this_try: false,
        }
        .into()),
        PinStatus::TriesLeft(1) if !confirm => Err(PinError::LastTryNeedsConfirmation(kind).into()),
        PinStatus::TriesLeft(n) => Ok(Some(n)),
    }
}

/// Presents `secret` under the core's rules, which read the counter again in
/// this connection first: nothing is sent when locked, or on an unconfirmed
/// last try.
async fn verify(
    tap: &mut Tap<'_>,
    kind: PinKind,
    secret: Option<Pin>,
    confirm: bool,
) -> Result<(), Failure> {
    let last = if confirm {
        LastTry::Confirmed
    } else {
        LastTry::Refuse
    };
    if let Some(pin) = secret {
        tap.enter_pin(pin);
    }
    tap.verify(kind, last).await?;
    Ok(())
}

/// A prompt needs a terminal (rpassword reads `/dev/tty`, not standard input).
fn no_terminal_check(kind: PinKind) -> Result<(), Failure> {
    #[cfg(unix)]
    if std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_err()
    {
        let option = if kind == PinKind::CardInfoCodeB {
            "--code-stdin"
        } else {
            "--pin-stdin"
        };
        return Err(Failure::new(
            Exit::BadInput,
            "no_terminal",
            format!(
                "there is no terminal to type the {} at: give it on the first line of standard \
                 input with {option}",
                kind.label()
            ),
        ));
    }
    #[cfg(not(unix))]
    let _ = kind;
    Ok(())
}

fn prompt_secret(kind: PinKind, tries: Option<u8>) -> Result<Pin, Failure> {
    let left = match tries {
        Some(1) => ", 1 try left".to_string(),
        Some(n) => format!(", {n} tries left"),
        None => String::new(),
    };
    let prompt = format!("{} ({} digits{left}): ", kind.label(), kind.digits());
    let typed = Zeroizing::new(rpassword::prompt_password(prompt).map_err(|e| {
        Failure::new(
            Exit::BadInput,
            "prompt",
            format!("could not read the PIN: {e}"),
        )
    })?);
    Ok(Pin::new(kind, &typed)?)
}

#[derive(Serialize)]
struct Verified {
    verified: bool,
}

#[derive(Serialize)]
struct CertificateView {
    serial_hex: String,
    serial_decimal: Option<String>,
    subject: String,
    issuer: String,
    /// RFC 3339, UTC (`2026-12-31T14:59:59Z`).
    not_before: String,
    /// RFC 3339, UTC.
    not_after: String,
    valid_now: bool,
    key_bits: usize,
}

impl From<&CertificateInfo> for CertificateView {
    fn from(c: &CertificateInfo) -> Self {
        Self {
            serial_hex: c.serial.to_hex(),
            serial_decimal: c.serial.to_decimal().map(|d| d.to_string()),
            subject: c.subject.clone(),
            issuer: c.issuer.clone(),
            not_before: rfc3339_utc(c.not_before_unix()),
            not_after: rfc3339_utc(c.not_after_unix()),
            valid_now: c.is_valid_at(std::time::SystemTime::now()),
            key_bits: c.rsa_public_key.bits(),
        }
    }
}

async fn info(tap: &mut Tap<'_>, c: &CardCommon, out: &mut dyn Write) -> Result<(), Failure> {
    let cert = tap.certificate().await?;
    let view = CertificateView::from(&cert);
    let plain = format!(
        "certificate serial (issue number): {} (decimal {})\nsubject:   {}\nissuer:    {}\nvalid:     {} .. {} (UTC){}\nkey:       RSA-{}",
        view.serial_hex,
        view.serial_decimal.as_deref().unwrap_or("-"),
        view.subject,
        view.issuer,
        utc_date(cert.not_before_unix()),
        utc_date(cert.not_after_unix()),
        if view.valid_now { "" } else { "  NOT VALID NOW" },
        view.key_bits,
    );
    emit(out, c.json, &view, &plain)
}

#[derive(Serialize)]
struct PinStatusView {
    pin: &'static str,
    tries_left: Option<u8>,
    locked: bool,
}

async fn pin_status(tap: &mut Tap<'_>, c: &CardCommon, out: &mut dyn Write) -> Result<(), Failure> {
    let (tries_left, plain) = match tap.pin_status(PinKind::UserAuth).await? {
        PinStatus::TriesLeft(n) => (
            Some(n),
            format!(
                "{n} of 3 tries left{}",
                if n == 1 {
                    ": the next wrong PIN locks the card"
                } else {
                    ""
                }
            ),
        ),
        PinStatus::Verified => (None, "already verified in this session".to_string()),
        // One message (and one JSON document, the error) for a locked PIN.
        PinStatus::Locked => {
            return Err(PinError::Locked {
                kind: PinKind::UserAuth,
                by_this_try: false,
            }
            .into());
        }
    };
    let view = PinStatusView {
        pin: "user-authentication",
        tries_left,
        locked: false,
    };
    emit(out, c.json, &view, &plain)
}

#[derive(Serialize)]
struct SignatureView {
    sha256_hex: String,
    signature_base64: String,
    verified_with_certificate: bool,
    certificate_serial_hex: String,
}

async fn sign(
    tap: &mut Tap<'_>,
    a: &SignArgs,
    secret: Option<Pin>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let data = std::fs::read(&a.input).map_err(|e| {
        Failure::new(
            Exit::BadInput,
            "input_file",
            format!("cannot read {}: {e}", a.input.display()),
        )
    })?;
    let digest: [u8; 32] = Sha256::digest(&data).into();
    let cert = tap.certificate().await?;
    verify(tap, PinKind::UserAuth, secret, a.pin.confirm_last_try).await?;
    let signature = tap.sign(&digest).await?;
    let verified = crate::signature::verifies(&cert, &digest, &signature);
    use base64::Engine as _;
    let view = SignatureView {
        sha256_hex: hex::encode(digest),
        signature_base64: base64::engine::general_purpose::STANDARD.encode(&signature),
        verified_with_certificate: verified,
        certificate_serial_hex: cert.serial.to_hex(),
    };
    let plain = format!(
        "{}\n{}",
        view.signature_base64,
        if verified {
            "signature verifies with the card's certificate"
        } else {
            "SIGNATURE DOES NOT VERIFY"
        }
    );
    emit(out, a.pin.common.json, &view, &plain)?;
    if !verified {
        return Err(Failure::new(
            Exit::CardError,
            "bad_signature",
            "the card's signature does not verify with its own certificate",
        ));
    }
    Ok(())
}

#[derive(Serialize)]
struct BasicFourView {
    name: String,
    address: String,
    /// ISO 8601 (`YYYY-MM-DD`) when the card's text is a date; as on the card otherwise.
    birth_date: String,
    sex: &'static str,
}

fn sex_label(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "male",
        Sex::Female => "female",
        Sex::NotApplicable => "not applicable",
    }
}

async fn basic_four(tap: &mut Tap<'_>, c: &CardCommon, out: &mut dyn Write) -> Result<(), Failure> {
    let four = tap.basic_four().await?;
    let birth_date = crate::commands::resident::child_steps::iso_date(&four.birth_date);
    let plain = format!(
        "name:       {}\naddress:    {}\nbirth date: {}\nsex:        {}",
        four.name,
        four.address,
        birth_date,
        sex_label(four.sex)
    );
    let view = BasicFourView {
        birth_date,
        name: four.name,
        address: four.address,
        sex: sex_label(four.sex),
    };
    emit(out, c.json, &view, &plain)
}

async fn face(
    tap: &mut Tap<'_>,
    a: &FaceArgs,
    secret: Option<Pin>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    verify(tap, PinKind::CardInfoCodeB, secret, a.confirm_last_try).await?;
    basic_four(tap, &a.common, out).await
}

/// `YYYY-MM-DD` (UTC) of a Unix time (up to 9999-12-31): the contract's calendar.
pub fn utc_date(unix: u64) -> String {
    let secs = unix.min(253_402_300_799) as i64;
    mynapoint_core::resident::CivilDate::utc_at(secs).to_iso()
}

/// RFC 3339 in UTC, stated with `Z` (`2026-12-31T14:59:59Z`), of a Unix
/// time in seconds (up to 9999-12-31T23:59:59Z): what JSON output shows.
pub fn rfc3339_utc(unix: u64) -> String {
    let secs = unix.min(253_402_300_799);
    let time = secs % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        utc_date(secs),
        time / 3600,
        time / 60 % 60,
        time % 60
    )
}

#[cfg(test)]
mod tests {
    use super::{rfc3339_utc, utc_date};

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(951_868_799), "2000-02-29T23:59:59Z");
        assert_eq!(rfc3339_utc(1_798_729_199), "2026-12-31T14:59:59Z");
    }

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
        assert_eq!(utc_date(1_798_675_200), "2026-12-31");
    }
}
