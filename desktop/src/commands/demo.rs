//! `mynapoint demo`: the card layer end to end on a simulated card, with no
//! reader and no setup. Each step says what it does and what the card said.

use std::io::Write;
use std::sync::Arc;

use cardsim::{CardSpec, SharedCard, SimCard, SimTransport};
use mynapoint_core::card::{CardSession, CardTransport, ReaderCapabilities, TraceTotals};
use mynapoint_core::pin::{LastTry, Pin, PinError, PinKind, PinStatus};
use sha2::{Digest, Sha256};

use crate::cli::DemoArgs;
use crate::commands::card::utc_date;
use crate::exit::Exit;
use crate::Failure;

const DEMO_PIN: &str = "1234";
const STEPS: usize = 6;

pub async fn run(args: &DemoArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let mut say = |line: String| writeln!(out, "{line}").map_err(Failure::output);
    say(
        "mynapoint demo: the My Number Card layer on a simulated card (short APDUs, as on a phone)"
            .into(),
    )?;

    say(format!("[1/{STEPS}] Making a simulated card: RSA-2048 keys, certificate from the test CA, PIN {DEMO_PIN} ..."))?;
    let (card, _dir) = make_card(args)?;
    let phone = || -> Arc<dyn CardTransport> {
        Arc::new(SimTransport::with_capabilities(
            card.clone(),
            ReaderCapabilities::SHORT_ONLY,
        ))
    };
    let mut totals = TraceTotals::default();
    let mut session = CardSession::new();

    say(format!(
        "[2/{STEPS}] Tap: reading the user-authentication certificate (no PIN needed)"
    ))?;
    let mut tap = session.tap(phone()).await?;
    let cert = tap.certificate().await?;
    say(format!(
        "      serial (issue number) {}  subject {}",
        cert.serial, cert.subject
    ))?;
    say(format!(
        "      issuer {}  valid until {}",
        cert.issuer,
        utc_date(cert.not_after_unix())
    ))?;

    say(format!(
        "[3/{STEPS}] Reading the PIN retry counter (spends no try)"
    ))?;
    let status = tap.pin_status(PinKind::UserAuth).await?;
    say(format!("      {}", describe(status)))?;
    add(&mut totals, tap.link().trace().totals());
    drop(tap);

    say(format!(
        "[4/{STEPS}] A mistyped PIN: the card counts it, the app says how many tries are left"
    ))?;
    let mut tap = session.tap(phone()).await?;
    tap.enter_pin(Pin::user_auth("0000")?);
    match tap.verify(PinKind::UserAuth, LastTry::Refuse).await {
        Err(e @ PinError::WrongPin { .. }) => say(format!("      {e}"))?,
        other => return Err(unexpected(format!("a wrong PIN gave {other:?}"))),
    }
    add(&mut totals, tap.link().trace().totals());
    drop(tap);

    say(format!(
        "[5/{STEPS}] The right PIN: verified, and the counter is back to 3"
    ))?;
    let mut tap = session.tap(phone()).await?;
    tap.enter_pin(Pin::user_auth(DEMO_PIN)?);
    tap.verify(PinKind::UserAuth, LastTry::Refuse).await?;
    say("      PIN verified (the PIN itself is wiped from memory)".into())?;

    say(format!(
        "[6/{STEPS}] The card signs a challenge with its user-authentication key"
    ))?;
    let digest: [u8; 32] = Sha256::digest(b"mynapoint demo challenge").into();
    let signature = tap.sign(&digest).await?;
    let ok = crate::signature::verifies(&cert, &digest, &signature);
    say(format!(
        "      {}-byte signature; {}",
        signature.len(),
        if ok {
            "it verifies with the card's certificate"
        } else {
            "IT DOES NOT VERIFY"
        }
    ))?;
    add(&mut totals, tap.link().trace().totals());
    drop(tap);
    if !ok {
        return Err(unexpected("the signature does not verify".into()));
    }
    let left = card
        .lock()
        .map(|c| c.tries_left(cardsim::PinId::Auth))
        .unwrap_or(0);
    say(format!(
        "Done: {} APDUs, {} bytes sent, {} bytes received; {left} PIN tries left on the card.",
        totals.apdus, totals.bytes_sent, totals.bytes_received
    ))?;
    Ok(())
}

fn make_card(args: &DemoArgs) -> Result<(SharedCard, Option<tempfile::TempDir>), Failure> {
    let failed = |e: cardsim::SimError| unexpected(format!("cannot make the simulated card: {e}"));
    let spec = CardSpec::new().auth_pin(DEMO_PIN);
    match &args.state {
        Some(path) if path.exists() => Ok((SimCard::open(path).map_err(failed)?.shared(), None)),
        Some(path) => Ok((
            SimCard::create_file(path, spec).map_err(failed)?.shared(),
            None,
        )),
        None => {
            let dir = tempfile::tempdir()
                .map_err(|e| unexpected(format!("no temporary directory: {e}")))?;
            let card = SimCard::create_file(dir.path().join("card.json"), spec).map_err(failed)?;
            Ok((card.shared(), Some(dir)))
        }
    }
}

fn describe(status: PinStatus) -> String {
    match status {
        PinStatus::TriesLeft(n) => format!("{n} tries left"),
        PinStatus::Locked => "locked: reset at the municipal counter".into(),
        PinStatus::Verified => "already verified".into(),
    }
}

fn add(total: &mut TraceTotals, more: TraceTotals) {
    total.apdus += more.apdus;
    total.bytes_sent += more.bytes_sent;
    total.bytes_received += more.bytes_received;
}

fn unexpected(message: String) -> Failure {
    Failure::new(Exit::CardError, "demo_failed", message)
}
