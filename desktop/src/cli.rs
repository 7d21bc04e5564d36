//! The command line, as clap sees it.
//!
//! Add a subcommand: a variant in [`Command`] (its doc comment is the help
//! text), an `Args` struct here, a module in `commands/`, and one arm in
//! [`crate::run`].

use clap::{Args, Parser, Subcommand};

use crate::readers::ReaderChoice;

/// mynapoint: My Number Card operations through a PC/SC card reader.
#[derive(Debug, Parser)]
#[command(name = "mynapoint", version, about, propagate_version = true)]
#[command(
    after_help = "Exit codes: 0 ok, 2 usage, 3 no reader or no PC/SC service, \
    4 no card, 5 not a My Number Card, 6 wrong PIN, 7 PIN locked, 8 card removed, \
    9 last PIN try refused (see --confirm-last-try), 10 other card error, 11 bad input."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the card readers and whether a card is on each.
    Readers(ReadersArgs),
}

/// Options of `mynapoint readers`.
#[derive(Debug, Args)]
pub struct ReadersArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Options of every command that talks to a card (flatten it in).
#[derive(Debug, Clone, Args)]
pub struct ReaderArgs {
    /// The reader to use: its index in `mynapoint readers`, its name, or a
    /// unique part of its name. Default: the first reader with a card.
    #[arg(long, short = 'r', value_name = "INDEX|NAME")]
    pub reader: Option<ReaderChoice>,

    /// The reader carries extended-length APDUs (faster reads). Without it
    /// only short APDUs are sent, as a phone would.
    #[arg(long)]
    pub extended_length: bool,
}

impl ReaderArgs {
    /// The reader choice, defaulting to the first reader with a card.
    pub fn choice(&self) -> ReaderChoice {
        self.reader.clone().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_readers() {
        let cli = Cli::try_parse_from(["mynapoint", "readers", "--json"]).unwrap();
        let Command::Readers(args) = cli.command;
        assert!(args.json);
    }

    #[test]
    fn usage_error_is_exit_2() {
        let err = Cli::try_parse_from(["mynapoint", "nonsense"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn reader_args_parse_index_and_name() {
        #[derive(Debug, Parser)]
        struct T {
            #[command(flatten)]
            r: ReaderArgs,
        }
        let t = T::try_parse_from(["t", "--reader", "1", "--extended-length"]).unwrap();
        assert_eq!(t.r.choice(), ReaderChoice::Index(1));
        assert!(t.r.extended_length);
        let t = T::try_parse_from(["t", "-r", "RC-S380"]).unwrap();
        assert_eq!(t.r.choice(), ReaderChoice::Name("RC-S380".into()));
        let t = T::try_parse_from(["t"]).unwrap();
        assert_eq!(t.r.choice(), ReaderChoice::FirstWithCard);
    }
}
