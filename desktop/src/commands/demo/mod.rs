//! `mynapoint demo`: the resident flow end to end, with nothing to set up.
//! The reference platform runs in this process; a simulated My Number Card
//! is tapped on a simulated phone (short APDUs, a new tap for every card
//! step, the PIN typed before its tap); a script types what a resident
//! would. At the end it prints the taps and APDUs the flow took.

mod script;

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use cardsim::{CardSpec, PinId, SharedCard, SimCard, SimTransport};
use mynapoint_core::card::{CardTransport, ReaderCapabilities};
use mynapoint_core::resident::ResidentSession;

use crate::cli::DemoArgs;
use crate::commands::resident::flow::Flow;
use crate::commands::resident::say::Say;
use crate::commands::resident::status::Summary;
use crate::exit::Exit;
use crate::platform_link::PlatformLink;
use crate::{block_on, print_json, Failure};

const DEMO_PIN: &str = "1234";

pub fn run(args: &DemoArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let summary = {
        let mut stderr = std::io::stderr();
        let narration: &mut dyn Write = if args.json { &mut stderr } else { &mut *out };
        narrate(args, Say::new(narration))?
    };
    if args.json {
        print_json(out, &summary)?;
    }
    if summary.is_submitted() {
        Ok(())
    } else {
        Err(Failure::new(
            Exit::NotFinished,
            "demo_not_submitted",
            format!(
                "the demo ended with the application {}, not submitted",
                summary.application_status
            ),
        ))
    }
}

fn narrate(args: &DemoArgs, mut say: Say<'_>) -> Result<Summary, Failure> {
    say.plain(
        "mynapoint demo: a resident applies for My Number Points, end to end.\n\
         A simulated My Number Card is tapped on a simulated phone (short APDUs; every card \
         step is a new tap, the PIN typed before it), against the reference platform running \
         in this process.",
    )?;
    say.plain("\nstarting the embedded platform ...")?;
    let link = PlatformLink::start_embedded()?;
    say.plain(format!("platform: {}", link.describe()))?;
    say.plain(format!(
        "making the card (RSA-2048 keys, a certificate from the test CA, PIN {DEMO_PIN}) ..."
    ))?;
    let started = Instant::now();
    let (card, _dir, path) = make_card(args)?;
    say.plain(format!(
        "card ready in {:.1} s: {}",
        started.elapsed().as_secs_f32(),
        path.display()
    ))?;

    let api = link.client()?;
    let made: Mutex<Vec<Arc<SimTransport>>> = Mutex::new(Vec::new());
    let taps = || -> Result<Arc<dyn CardTransport>, Failure> {
        let transport = Arc::new(SimTransport::with_capabilities(
            card.clone(),
            ReaderCapabilities::SHORT_ONLY,
        ));
        if let Ok(mut made) = made.lock() {
            made.push(transport.clone());
        }
        Ok(transport)
    };
    let mut script = script::Script::new(DEMO_PIN);
    let summary = block_on(async {
        let mut flow = Flow::new(ResidentSession::new(api), &taps, &mut script, say);
        let app = flow.apply().await?;
        let summary = Summary::new(Some(&app), flow.session.my_key_id());
        let tries = card.lock().map(|c| c.tries_left(PinId::Auth)).unwrap_or(0);
        flow.say.plain(format!(
            "\nDone: application {}, My Key ID {}, service {}; {tries} PIN tries left on the card.",
            summary.application_status,
            summary.my_key_id.as_deref().unwrap_or("-"),
            summary.service_id.as_deref().unwrap_or("-"),
        ))?;
        let apdus: usize = made
            .lock()
            .map(|m| m.iter().map(|t| t.exchanges()).sum())
            .unwrap_or(0);
        flow.say.plain(format!(
            "The card was tapped {} times ({apdus} APDUs): card read with the PIN retry \
             counter; PIN + card login; PIN + the application's signature.",
            flow.taps()
        ))?;
        Ok::<_, Failure>(summary)
    });
    drop(link);
    summary
}

/// The demo card: `--state PATH` (made there when missing) or a temporary file.
fn make_card(
    args: &DemoArgs,
) -> Result<(SharedCard, Option<tempfile::TempDir>, std::path::PathBuf), Failure> {
    let failed = |e: cardsim::SimError| {
        Failure::new(
            Exit::CardError,
            "demo_card",
            format!("cannot make the simulated card: {e}"),
        )
    };
    let spec = CardSpec::new().auth_pin(DEMO_PIN);
    let open_or_create = |path: &Path| {
        if path.exists() {
            SimCard::open(path).map_err(failed)
        } else {
            SimCard::create_file(path, spec.clone()).map_err(failed)
        }
    };
    match &args.state {
        Some(path) => Ok((open_or_create(path)?.shared(), None, path.clone())),
        None => {
            let dir = tempfile::tempdir().map_err(|e| {
                Failure::new(
                    Exit::CardError,
                    "demo_card",
                    format!("no temporary directory: {e}"),
                )
            })?;
            let path = dir.path().join("card.json");
            Ok((open_or_create(&path)?.shared(), Some(dir), path))
        }
    }
}
