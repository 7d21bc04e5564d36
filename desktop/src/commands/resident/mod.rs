//! `mynapoint resident`: the resident flow at a terminal (or fed line by line
//! on standard input), and `mynapoint resident status`.
//!
//! The flow itself ([`flow::Flow`]) is shared with `mynapoint demo`, which
//! answers with a script instead of a person.

mod account_steps;
pub mod answers;
mod apply_steps;
pub mod category_steps;
pub mod child_steps;
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
use crate::platform_link::PlatformLink;
use crate::{block_on, open_card, print_json, Exit, Failure};

use flow::Flow;
use input::Input;
use say::Say;
use status::{KeyChange, Outcome, Revocation, Summary};
use terminal::Terminal;

/// The first line of each resident command.
fn title(command: Option<&ResidentCommand>) -> &'static str {
    match command {
        None => "mynapoint resident: apply for My Number Points with a My Number Card",
        Some(ResidentCommand::Status(_)) => {
            "mynapoint resident status: log in with the card and show the application"
        }
        Some(ResidentCommand::ChangeKey(_)) => {
            "mynapoint resident change-key: change the My Key ID (card and PIN first)"
        }
        Some(ResidentCommand::Revoke(_)) => {
            "mynapoint resident revoke: revoke the My Key ID for good (card and PIN first)"
        }
        Some(ResidentCommand::Child(_)) => {
            "mynapoint resident child: a legal representative applies for a child under 15"
        }
    }
}

/// Runs `resident` or one of its subcommands.
pub fn run(args: &ResidentArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let options = args.options();
    let command = args.command.as_ref();
    let representative = match command {
        Some(ResidentCommand::Child(child)) => Some(child.representative()),
        _ => None,
    };
    if let Some(r) = &representative {
        // One reader cannot hold both cards: refused before anything starts.
        if r.choice() == options.reader.choice() {
            return Err(Failure::new(
                Exit::BadInput,
                "same_reader",
                format!(
                    "--reader and --representative-reader name the same card ({}): the child's \
                     card and the legal representative's card are two cards",
                    r.choice()
                ),
            ));
        }
    }
    // Started outside the command's runtime: the embedded platform has its own.
    let link = PlatformLink::open(options.platform.as_deref())?;
    let outcome = {
        let mut stderr = std::io::stderr();
        let narration: &mut dyn Write = if options.json { &mut stderr } else { &mut *out };
        let mut say = Say::new(narration);
        say.plain(title(command))?;
        say.plain(format!("platform: {}", link.describe()))?;
        say.plain(format!("card: {}", options.reader.choice()))?;
        if let Some(r) = &representative {
            say.plain(format!("legal representative's card: {}", r.choice()))?;
        }
        let api = link.client()?;
        let taps = || -> Result<Arc<dyn CardTransport>, Failure> { open_card(&options.reader) };
        let representative_taps = || -> Result<Arc<dyn CardTransport>, Failure> {
            match &representative {
                Some(r) => open_card(r),
                None => open_card(&options.reader),
            }
        };
        let mut answers = Terminal::new(Input::stdin());
        block_on(async {
            let mut flow = Flow::new(ResidentSession::new(api), &taps, &mut answers, say);
            if representative.is_some() {
                flow = flow.for_child(&representative_taps);
            }
            match command {
                Some(ResidentCommand::Status(_)) => {
                    status::show(&mut flow).await.map(Outcome::Status)
                }
                Some(ResidentCommand::ChangeKey(_)) => {
                    let (previous, record) = flow.change_my_key_id().await?;
                    Ok(Outcome::KeyChange(KeyChange::new(previous, &record)))
                }
                Some(ResidentCommand::Revoke(_)) => {
                    let revoked = flow.revoke_my_key_id().await?;
                    Ok(Outcome::Revocation(Revocation::new(revoked)))
                }
                None | Some(ResidentCommand::Child(_)) => {
                    let app = flow.apply().await?;
                    flow.say
                        .plain(format!("\nthe card was tapped {} times", flow.taps()))?;
                    Ok(Outcome::Applied(Summary::new(
                        Some(&app),
                        flow.session.my_key_id(),
                    )))
                }
            }
        })
    };
    drop(link);
    let outcome = outcome?;
    if options.json {
        print_json(out, &outcome)?;
    }
    match outcome {
        Outcome::Applied(summary) if summary.application_status == "not_applied" => Err(
            Failure::of(mynapoint_core::failure::FailureCode::NotApplied),
        ),
        _ => Ok(()),
    }
}
