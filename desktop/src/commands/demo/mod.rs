//! `mynapoint demo`: the resident flow end to end, with nothing to set up.
//! The reference platform runs in this process; a simulated My Number Card
//! is tapped on a simulated phone (short APDUs, a new tap for every card
//! step, the PIN typed before its tap); a script types what a resident
//! would. At the end it prints the taps and APDUs the flow took.
//!
//! The point categories (seeds 000/001): the first person registered the
//! card as a health insurance card and a public-fund receipt account, so
//! applies for all three (20,000 yen); a second person (a second card) can
//! apply only for (1) at first, registers the card as a health insurance
//! card, and adds (2) with the card and PIN again, on the same service.
//!
//! Then the field point-grant app ([`field`]): an administrator sets up a
//! grant project; staff tap the two persons' cards and a third card (one
//! tapped twice), upload, add the participant not on the roster, and the
//! grants are shown.

mod field;
mod script;

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use cardsim::{CardSpec, PinId, SharedCard, SimCard, SimTransport};
use mynapoint_core::card::{CardTransport, ReaderCapabilities};
use mynapoint_core::platform::{Application, EligibilityFacts, PersonEligibility};
use mynapoint_core::resident::ResidentSession;
use mynapoint_platform::rules::card_login::certificate::PresentedCertificate;
use serde::Serialize;

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
                summary.first.application_status
            ),
        ))
    }
}

/// `--json`: the first person's summary (top level), and the second
/// person's application after they added category (2).
#[derive(Serialize)]
struct DemoSummary {
    #[serde(flatten)]
    first: Summary,
    added_later: Summary,
    /// The field point-grant part.
    field: field::FieldSummary,
}

impl DemoSummary {
    fn is_submitted(&self) -> bool {
        self.first.is_submitted() && self.added_later.is_submitted()
    }
}

/// The person a card's certificate names (issuer, subject CN), with facts.
fn person(card: &SharedCard, facts: EligibilityFacts) -> Result<PersonEligibility, Failure> {
    let der = card
        .lock()
        .map(|c| c.auth_certificate_der().to_vec())
        .unwrap_or_default();
    let cert = PresentedCertificate::parse(&der).map_err(|_| {
        Failure::new(
            Exit::CardError,
            "demo_card",
            "the simulated card's certificate cannot be read",
        )
    })?;
    Ok(PersonEligibility {
        issuer: cert.issuer,
        subject_cn: cert.subject_cn,
        facts,
    })
}

/// Registered on 1 April 2024 (health insurance card, public-fund account).
fn registered(health: bool, fund: bool) -> EligibilityFacts {
    EligibilityFacts {
        first_installment: None,
        health_insurance_registered_on: health.then(|| "20240401".into()),
        public_fund_account_registered_on: fund.then(|| "20240401".into()),
    }
}

fn categories_line(app: &Application) -> String {
    let yen: u32 = app.categories.iter().map(|c| c.amount_yen).sum();
    let names: Vec<&str> = app.categories.iter().map(|c| c.category.as_str()).collect();
    format!("categories {} (up to {yen} yen)", names.join(", "))
}

fn narrate(args: &DemoArgs, mut say: Say<'_>) -> Result<DemoSummary, Failure> {
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

    link.set_eligibility(&person(&card, registered(true, true))?)?;
    say.plain(
        "this person registered the card as a health insurance card and a public-fund \
         receipt account: all three point categories are open",
    )?;
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
        let mut flow = Flow::new(ResidentSession::new(api.clone()), &taps, &mut script, say);
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
        flow.say.plain(categories_line(&app))?;
        Ok::<_, Failure>((summary, flow.say))
    });
    let (first, mut say) = summary?;

    // The second person: only (1) now, (2) added later.
    say.plain(
        "\nA second person (a second card): no health insurance card registration and no \
         public-fund account yet, so only category (1) is open.",
    )?;
    let started = Instant::now();
    let (second, _dir2, _) = make_card(&DemoArgs {
        state: None,
        ..args.clone()
    })?;
    say.plain(format!(
        "second card ready in {:.1} s",
        started.elapsed().as_secs_f32()
    ))?;
    let taps2 = || -> Result<Arc<dyn CardTransport>, Failure> {
        Ok(Arc::new(SimTransport::with_capabilities(
            second.clone(),
            ReaderCapabilities::SHORT_ONLY,
        )))
    };
    let mut script2 = script::Script::for_person(DEMO_PIN, 1);
    let (app, mut say) = block_on(async {
        let mut flow = Flow::new(ResidentSession::new(api.clone()), &taps2, &mut script2, say);
        let app = flow.apply().await?;
        Ok::<_, Failure>((app, flow.say))
    })?;
    say.plain(categories_line(&app))?;
    link.set_eligibility(&person(&second, registered(true, false))?)?;
    say.plain(
        "\nLater the second person registers the card as a health insurance card (at \
         Mynaportal or a medical institution's card reader): category (2) opens, and is added \
         to the same application, on the same service, with the card and PIN again.",
    )?;
    let mut script3 = script::Script::for_person(DEMO_PIN, 1);
    let (later, mut say) = block_on(async {
        let mut flow = Flow::new(ResidentSession::new(api), &taps2, &mut script3, say);
        let app = flow.apply().await?;
        let summary = Summary::new(Some(&app), flow.session.my_key_id());
        Ok::<_, Failure>((summary, flow.say))
    })?;
    say.plain(format!(
        "Done: the second person's application {}, service {}, {} categories.",
        later.application_status,
        later.service_id.as_deref().unwrap_or("-"),
        later.categories.len()
    ))?;

    // The field app: the two persons tap at a health class, with a third
    // participant who has no My Key ID.
    let started = Instant::now();
    let (third, _dir3, _) = make_card(&DemoArgs {
        state: None,
        ..args.clone()
    })?;
    say.plain(format!(
        "\na third participant's card (no My Key ID) ready in {:.1} s",
        started.elapsed().as_secs_f32()
    ))?;
    let missing = || {
        Failure::new(
            Exit::NotFinished,
            "demo_not_submitted",
            "the demo's residents have no My Key ID",
        )
    };
    let field = field::run(
        &link,
        &mut say,
        field::Participants {
            on_roster: (&card, first.my_key_id.as_deref().ok_or_else(missing)?),
            not_on_roster: (&second, later.my_key_id.as_deref().ok_or_else(missing)?),
            without_my_key_id: &third,
        },
    )?;
    drop(link);
    Ok(DemoSummary {
        first,
        added_later: later,
        field,
    })
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
