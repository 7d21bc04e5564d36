//! `mynapoint resident`: the resident flow at a terminal (or fed line by line
//! on standard input), and `mynapoint resident status`.
//!
//! The flow itself ([`flow::Flow`]) is shared with `mynapoint demo`, which
//! answers with a script instead of a person.

pub mod answers;
mod apply_steps;
pub mod explain;
pub mod flow;
pub mod input;
mod key_steps;
pub mod say;
pub mod status;
pub mod terminal;

use std::io::Write;
use std::sync::Arc;

use mynapoint_core::card::CardTransport;
use mynapoint_core::resident::ResidentSession;

use crate::cli::{ResidentArgs, ResidentCommand};
use crate::exit::Exit;
use crate::platform_link::PlatformLink;
use crate::{block_on, open_card, print_json, Failure};

use flow::Flow;
use input::Input;
use say::Say;
use status::Summary;
use terminal::Terminal;

/// Runs `resident` or `resident status`.
pub fn run(args: &ResidentArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let options = args.options();
    let status_only = matches!(args.command, Some(ResidentCommand::Status(_)));
    // Started outside the command's runtime: the embedded platform has its own.
    let link = PlatformLink::open(options.platform.as_deref())?;
    let summary = {
        let mut stderr = std::io::stderr();
        let narration: &mut dyn Write = if options.json { &mut stderr } else { &mut *out };
        let mut say = Say::new(narration);
        say.plain(if status_only {
            "mynapoint resident status: log in with the card and show the application"
        } else {
            "mynapoint resident: apply for My Number Points with a My Number Card"
        })?;
        say.plain(format!("platform: {}", link.describe()))?;
        say.plain(format!("card: {}", options.reader.choice()))?;
        let api = link.client()?;
        let taps = || -> Result<Arc<dyn CardTransport>, Failure> { open_card(&options.reader) };
        let mut answers = Terminal::new(Input::stdin());
        block_on(async {
            let mut flow = Flow::new(ResidentSession::new(api), &taps, &mut answers, say);
            if status_only {
                return status::show(&mut flow).await;
            }
            let app = flow.apply().await?;
            flow.say
                .plain(format!("\nthe card was tapped {} times", flow.taps()))?;
            Ok(Summary::new(Some(&app), flow.session.my_key_id()))
        })
    };
    drop(link);
    let summary = summary?;
    if options.json {
        print_json(out, &summary)?;
    }
    if status_only || summary.application_status != "not_applied" {
        Ok(())
    } else {
        Err(Failure::new(
            Exit::NotFinished,
            "not_applied",
            "the flow ended without an application",
        ))
    }
}
