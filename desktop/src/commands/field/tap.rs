//! `field tap`: continuous reading. One line per card, printed only after
//! the core has stored the tap durably; nothing of one participant appears
//! in the next one's line.

use std::io::{IsTerminal, Write};

use mynapoint_core::field::TapVerdict;
use serde_json::json;

use super::{failure, open_offline, read_stdin_line};
use crate::card_feed::CardFeed;
use crate::cli::FieldTap;
use crate::exit::Exit;
use crate::{block_on, lang, Failure};

/// `field tap`.
pub fn run(args: &FieldTap, out: &mut dyn Write) -> Result<(), Failure> {
    let device = open_offline(&args.device)?;
    let session = &device.session;
    let project = block_on(session.choose_project(&args.project)).map_err(|e| failure(&e))?;
    let points = match args.points {
        Some(p) => p,
        None => ask_points(&project.project.name, project.project.points_per_grant)?,
    };
    block_on(session.confirm_points(points)).map_err(|e| failure(&e))?;
    let mut feed = CardFeed::open(&args.reader_args())?;
    eprintln!(
        "project {} {}: {points} points per person (roster: {} entries, version {}). \
         Hold one card after another to the reader; Ctrl-C stops (every tap shown is stored).",
        project.project.project_id,
        project.project.name,
        project.roster_len,
        project.roster_version
    );
    let mut taps = 0u64;
    while args.count.is_none_or(|c| taps < c) {
        let Some(arrival) = feed.next_card()? else {
            break;
        };
        let verdict = block_on(session.tap(arrival.transport)).map_err(|e| failure(&e))?;
        taps += 1;
        print_verdict(out, taps, &verdict, args.device.json)?;
    }
    block_on(session.stop()).map_err(|e| failure(&e))?;
    let pending = block_on(session.pending_taps()).map_err(|e| failure(&e))?;
    eprintln!("{taps} tap(s) read; {pending} stored tap(s) to upload (`mynapoint field upload`)");
    Ok(())
}

/// One tap's line (a JSON object per line with `--json`), flushed at once.
fn print_verdict(
    out: &mut dyn Write,
    n: u64,
    verdict: &TapVerdict,
    json: bool,
) -> Result<(), Failure> {
    let message = verdict.message(lang());
    if json {
        let error = verdict.failure.as_ref().map(|f| {
            json!({"code": f.code.as_str(), "retry": f.retry().as_str(), "message": f.message(lang())})
        });
        let line = json!({
            "tap": n,
            "verdict": verdict.kind.as_str(),
            "recorded": verdict.kind.recorded(),
            "tap_id": verdict.tap_id,
            "points": verdict.points,
            "message": message,
            "error": error,
        });
        writeln!(out, "{line}").map_err(Failure::output)?;
    } else {
        writeln!(out, "tap {n}: {message}").map_err(Failure::output)?;
    }
    out.flush().map_err(Failure::output)
}

/// Staff confirm the points per person by typing the number shown.
fn ask_points(project: &str, points: u32) -> Result<u32, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::new(
            Exit::BadInput,
            "points_not_confirmed",
            format!(
                "confirm the points per person of {project} with --points {points} (asked on \
                 a terminal)"
            ),
        ));
    }
    eprint!("{project}: {points} points per person. Type {points} to confirm: ");
    let _ = std::io::stderr().flush();
    let typed = read_stdin_line("the points per person")?;
    typed.trim().parse::<u32>().map_err(|_| {
        Failure::new(
            Exit::BadInput,
            "points_not_confirmed",
            format!(
                "{:?} is not a number: type {points} to confirm",
                typed.trim()
            ),
        )
    })
}
