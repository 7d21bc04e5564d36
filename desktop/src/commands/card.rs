//! `mynapoint card …`: what a QA person needs to look at a card.

use std::io::{BufRead, Write};
use std::sync::Arc;

use mynapoint_core::card::{CardSession, CardTransport, CertificateInfo, Sex, Tap};
use mynapoint_core::pin::{LastTry, Pin, PinError, PinKind, PinStatus};
use serde::Serialize;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::cli::{CardCommand, CardCommon, FaceArgs, SignArgs};
use crate::exit::Exit;
use crate::{open_card, print_json, Failure};

/// Runs one `card` subcommand.
pub async fn run(command: &CardCommand, out: &mut dyn Write) -> Result<(), Failure> {
    let common = command.common();
    // A PIN from standard input is read and checked before the card is touched.
    let early = match command {
        CardCommand::Verify(a) => early_secret(PinKind::UserAuth, a.pin_stdin)?,
        CardCommand::BasicInfo(a) => early_secret(PinKind::CardInfo, a.pin_stdin)?,
        CardCommand::Sign(a) => early_secret(PinKind::UserAuth, a.pin.pin_stdin)?,
        CardCommand::Face(a) => early_secret(PinKind::CardInfoCodeB, a.code_stdin)?,
        _ => None,
    };
    let mut session = CardSession::new();
    // A PIN typed at the terminal is asked BEFORE the tap that uses it: a
    // first tap reads the counter and ends, so no card transaction is held
    // across the prompt (PC/SC on Windows resets a card left idle in one).
    let early = match (secret_of(command), early) {
        (Some((kind, confirm)), None) => {
            prompt_before_tap(&mut session, &common.reader, kind, confirm).await?
        }
        (_, early) => early,
    };
    let transport: Arc<dyn CardTransport> = open_card(&common.reader)?;
    let mut tap = session.tap(transport).await?;
    let result = match command {
        CardCommand::Info(c) => info(&mut tap, c, out).await,
        CardCommand::PinStatus(c) => pin_status(&mut tap, c, out).await,
        CardCommand::Verify(a) => {
            verify(&mut tap, PinKind::UserAuth, early, a.confirm_last_try).await?;
            emit(
                out,
                common.json,
                &Verified { verified: true },
                "PIN verified.",
            )
        }
        CardCommand::Sign(a) => sign(&mut tap, a, early, out).await,
        CardCommand::BasicInfo(a) => {
            verify(&mut tap, PinKind::CardInfo, early, a.confirm_last_try).await?;
            basic_four(&mut tap, &a.common, out).await
        }
        CardCommand::Face(a) => face(&mut tap, a, early, out).await,
    };
    if common.trace {
        for entry in tap.link().trace().entries() {
            eprintln!("{entry}");
        }
    }
    result
}

/// The secret a subcommand presents, and whether its last try is confirmed.
fn secret_of(command: &CardCommand) -> Option<(PinKind, bool)> {
    match command {
        CardCommand::Verify(a) => Some((PinKind::UserAuth, a.confirm_last_try)),
        CardCommand::BasicInfo(a) => Some((PinKind::CardInfo, a.confirm_last_try)),
        CardCommand::Sign(a) => Some((PinKind::UserAuth, a.pin.confirm_last_try)),
        CardCommand::Face(a) => Some((PinKind::CardInfoCodeB, a.confirm_last_try)),
        CardCommand::Info(_) | CardCommand::PinStatus(_) => None,
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

fn early_secret(kind: PinKind, from_stdin: bool) -> Result<Option<Pin>, Failure> {
    if !from_stdin {
        return Ok(None);
    }
    let mut line = Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        Failure::new(
            Exit::BadInput,
            "stdin",
            format!("could not read standard input: {e}"),
        )
    })?;
    let text = line.trim_end_matches(['\r', '\n']);
    Ok(Some(Pin::new(kind, text)?))
}

/// Reads the counter in a tap of its own (closed again at once), refuses a
/// locked PIN or an unconfirmed last try, then asks for the PIN with the
/// tries left. `None`: the card says it is verified already.
async fn prompt_before_tap(
    session: &mut CardSession,
    reader: &crate::cli::ReaderArgs,
    kind: PinKind,
    confirm: bool,
) -> Result<Option<Pin>, Failure> {
    let status = {
        let mut tap = session.tap(open_card(reader)?).await?;
        tap.pin_status(kind).await?
    };
    let tries = match status {
        PinStatus::Verified => return Ok(None),
        PinStatus::Locked => {
            return Err(PinError::Locked {
                kind,
                by_this_try: false,
            }
            .into());
        }
        PinStatus::TriesLeft(1) if !confirm => {
            return Err(PinError::LastTryNeedsConfirmation(kind).into());
        }
        PinStatus::TriesLeft(n) => n,
    };
    Ok(Some(prompt_secret(kind, tries)?))
}

/// Counter first (read again in this tap: fewer tries than the prompt
/// showed and nothing is sent); refuses locked and unconfirmed last tries.
/// The PIN was typed before this tap.
async fn verify(
    tap: &mut Tap<'_>,
    kind: PinKind,
    early: Option<Pin>,
    confirm: bool,
) -> Result<(), Failure> {
    if let Some(pin) = early {
        // Kept with the count shown at its prompt (none for --pin-stdin).
        tap.enter_pin(pin);
    }
    let status = tap.pin_status(kind).await?;
    let last = if confirm {
        LastTry::Confirmed
    } else {
        LastTry::Refuse
    };
    match status {
        PinStatus::Verified => return Ok(()),
        PinStatus::Locked => {
            return Err(PinError::Locked {
                kind,
                by_this_try: false,
            }
            .into());
        }
        PinStatus::TriesLeft(1) if !confirm => {
            return Err(PinError::LastTryNeedsConfirmation(kind).into());
        }
        PinStatus::TriesLeft(_) => {}
    };
    tap.verify(kind, last).await?;
    Ok(())
}

fn prompt_secret(kind: PinKind, tries: u8) -> Result<Pin, Failure> {
    let prompt = format!(
        "{} ({} digits, {tries} {} left): ",
        kind.label(),
        kind.digits(),
        if tries == 1 { "try" } else { "tries" }
    );
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
    not_before: u64,
    not_after: u64,
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
            not_before: c.not_before_unix(),
            not_after: c.not_after_unix(),
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
        utc_date(view.not_before),
        utc_date(view.not_after),
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
    early: Option<Pin>,
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
    verify(tap, PinKind::UserAuth, early, a.pin.confirm_last_try).await?;
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
    let view = BasicFourView {
        name: four.name,
        address: four.address,
        birth_date: four.birth_date,
        sex: sex_label(four.sex),
    };
    let plain = format!(
        "name:       {}\naddress:    {}\nbirth date: {}\nsex:        {}",
        view.name, view.address, view.birth_date, view.sex
    );
    emit(out, c.json, &view, &plain)
}

async fn face(
    tap: &mut Tap<'_>,
    a: &FaceArgs,
    early: Option<Pin>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    verify(tap, PinKind::CardInfoCodeB, early, a.confirm_last_try).await?;
    basic_four(tap, &a.common, out).await
}

/// `YYYY-MM-DD` of a Unix time (civil-from-days, proleptic Gregorian).
pub fn utc_date(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::utc_date;

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
        assert_eq!(utc_date(1_798_675_200), "2026-12-31");
    }
}
