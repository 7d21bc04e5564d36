//! The command line, as clap sees it.
//!
//! Add a subcommand: a variant in [`Command`] (its doc comment is the help
//! text), an `Args` struct here, a module in `commands/`, and one arm in
//! [`crate::run`].

use clap::{Args, Parser, Subcommand};

use crate::readers::ReaderChoice;

/// mynapoint: My Number Card operations through a PC/SC card reader.
/// Every exit code of `mynapoint` (see `exit.rs`), for `--help`.
pub const EXIT_CODES_HELP: &str = "Exit codes: 0 ok, 2 usage, 3 no reader or no PC/SC service, \
    4 no card, 5 not a My Number Card, 6 wrong PIN, 7 PIN locked, 8 card removed (or lost \
    while the PIN was checked), 9 last PIN try refused (see --confirm-last-try), 10 other card \
    error, 11 bad input, 12 platform unreachable or refusing, 13 resident flow (or field step) not finished.\n\
    Failures: with --json, {\"error\": {\"code\", \"retry\", \"message\", \"exit_code\"}}; \
    the codes and retry hints are listed in core/failure-codes.txt. \
    Messages in Japanese: --lang ja or MYNAPOINT_LANG=ja.";

#[derive(Debug, Parser)]
#[command(name = "mynapoint", version, about, propagate_version = true)]
#[command(
    after_help = EXIT_CODES_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Language of the failure messages and the resident flows' field prompts:
    /// en (default) or ja. Without this
    /// option the environment variable MYNAPOINT_LANG (ja, en or a locale such
    /// as ja_JP.UTF-8) chooses. Codes (`error.code` in JSON) never change.
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    pub lang: Option<LangArg>,
}

/// The languages of `--lang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    /// 日本語
    Ja,
    /// English
    En,
}

impl From<LangArg> for mynapoint_core::failure::Lang {
    fn from(lang: LangArg) -> Self {
        match lang {
            LangArg::Ja => Self::Ja,
            LangArg::En => Self::En,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the card readers and whether a card is on each.
    Readers(ReadersArgs),
    /// Look at a My Number Card: certificate, PIN counter, PIN, signature, card-info.
    #[command(subcommand)]
    Card(CardCommand),
    /// The resident flow end to end on a simulated card against an in-process platform:
    /// no reader, no server, no setup. Exit 0 when the application is submitted.
    Demo(DemoArgs),
    /// Apply for My Number Points with a card: My Key ID, payment service, card signature.
    Resident(ResidentArgs),
    /// The field point-grant app for municipal staff: terminal login, roster sync,
    /// continuous tapping (offline), upload, results and the not-on-roster list.
    #[command(subcommand)]
    Field(FieldCommand),
}

/// `mynapoint card …`
#[derive(Debug, Subcommand)]
pub enum CardCommand {
    /// Certificate serial (issue number), validity, subject and issuer. Never the My Number.
    Info(CardCommon),
    /// Tries left of the user-authentication PIN, or locked. Spends no try.
    PinStatus(CardCommon),
    /// Verify the user-authentication PIN (prompted without echo, or --pin-stdin).
    Verify(PinArgs),
    /// Sign the SHA-256 of a file with the user-authentication key and check the signature.
    Sign(SignArgs),
    /// Name, address, birth date and sex, with the card-info PIN.
    BasicInfo(PinArgs),
    /// The card-face items (name, address, birth date, sex) with 照合番号B, for staff.
    Face(FaceArgs),
}

impl CardCommand {
    pub fn common(&self) -> &CardCommon {
        match self {
            CardCommand::Info(c) | CardCommand::PinStatus(c) => c,
            CardCommand::Verify(a) | CardCommand::BasicInfo(a) => &a.common,
            CardCommand::Sign(a) => &a.pin.common,
            CardCommand::Face(a) => &a.common,
        }
    }
}

/// Options of every `card` subcommand.
#[derive(Debug, Clone, Args)]
pub struct CardCommon {
    #[command(flatten)]
    pub reader: ReaderArgs,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Print the APDU trace to standard error (PIN bytes are always redacted).
    #[arg(long)]
    pub trace: bool,
}

/// Options of the subcommands that need a PIN.
#[derive(Debug, Clone, Args)]
pub struct PinArgs {
    #[command(flatten)]
    pub common: CardCommon,
    /// Read the PIN from the first line of standard input instead of prompting.
    #[arg(long)]
    pub pin_stdin: bool,
    /// Spend the very last PIN try (otherwise refused: the card would lock on a mistake).
    #[arg(long)]
    pub confirm_last_try: bool,
}

/// Options of `card sign`.
#[derive(Debug, Clone, Args)]
pub struct SignArgs {
    #[command(flatten)]
    pub pin: PinArgs,
    /// The file whose SHA-256 hash the card signs.
    #[arg(long = "in", value_name = "FILE")]
    pub input: std::path::PathBuf,
}

/// Options of `card face`.
#[derive(Debug, Clone, Args)]
pub struct FaceArgs {
    #[command(flatten)]
    pub common: CardCommon,
    /// Read 照合番号B (14 digits) from standard input instead of prompting.
    #[arg(long)]
    pub code_stdin: bool,
    /// Spend the very last 照合番号B try.
    #[arg(long)]
    pub confirm_last_try: bool,
}

/// Options of `mynapoint demo`.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Keep the simulated card in this state file (default: a temporary one).
    /// An existing file is used as it is (the demo types the PIN 1234).
    #[arg(long, value_name = "PATH")]
    pub state: Option<std::path::PathBuf>,
    /// Print the steps to standard error and a JSON summary to standard output.
    #[arg(long)]
    pub json: bool,
}

/// The order of the answers `mynapoint resident` reads when standard input is not a terminal.
pub const RESIDENT_INPUT_HELP: &str = "\
Answers: prompted on a terminal (PIN, password and security codes without echo).
When standard input is not a terminal, one answer per line, in this order (steps
that do not apply are skipped, e.g. the My Key ID part when the card's person has one):
   1. the PIN for card login (4 digits); when only 1 try is left, first a line `last try`
   2. My Key ID: empty or `auto` for auto-generation, or your own 8 characters
      (auto: after each candidate `y` or empty takes it, `n` asks for another; the 3rd is final)
   3. My Page password, then the same again
   4. e-mail (empty: none), then the same again (only when one was given)
   5. notifications (only with an e-mail): `all`, `none`, or a comma list of
      granted, expired, password, my-key-id
   6. base municipality: 6-digit code with its check digit (e.g. 131016)
   7. the point categories, only when more than one is open: their numbers separated by
      commas (e.g. `1,2`; empty: every open one). A person whose service is chosen
      already (their application's, or the 1st installment's) goes on at 10 with it.
   8. a search keyword (e.g. イオン), then the number of the service in the list shown
      (empty: search again)
   9. `y` to accept the terms (`n`: choose another service)
  10. payment ID, each security code of the service, last 4 phone digits (empty: none)
      (not asked on a service chosen already)
  11. `y` to apply after the review (`n`: enter the payment details again; on a service
      chosen already `n` ends the flow)
  12. the PIN again, for the card's signature (same last-try rule)
Each answer is checked as it is entered: a refused one prints one line
(`invalid_field (payment_id, wrong_length): ...`) and the next line answers that field
again; a second entry that does not match the first (password, e-mail) asks BOTH
again, the first entry on the next line. Input that ends early exits with 13.
The other resident flows: `resident change-key`, `resident revoke`, `resident child`
(each lists its own order in its --help).";

/// `mynapoint resident …`
#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true, after_help = RESIDENT_INPUT_HELP)]
pub struct ResidentArgs {
    #[command(subcommand)]
    pub command: Option<ResidentCommand>,
    #[command(flatten)]
    pub options: ResidentOptions,
}

impl ResidentArgs {
    pub fn options(&self) -> &ResidentOptions {
        match &self.command {
            Some(
                ResidentCommand::Status(o)
                | ResidentCommand::ChangeKey(o)
                | ResidentCommand::Revoke(o),
            ) => o,
            Some(ResidentCommand::Child(c)) => &c.options,
            None => &self.options,
        }
    }
}

/// The answers of `mynapoint resident change-key` from a non-terminal stdin.
pub const CHANGE_KEY_INPUT_HELP: &str = "\
Answers: prompted on a terminal (the PIN without echo). When standard input is not
a terminal, one answer per line, in this order:
   1. the PIN for card login (4 digits); when only 1 try is left, first a line `last try`
   2. the new My Key ID: empty or `auto` for auto-generation, or your own 8 characters
      (auto: after each candidate `y` or empty takes it, `n` asks for another; the 3rd
      is final; a taken or refused own choice asks again)
The old id is retired, never issued again. Input that ends early exits with 13.";

/// The answers of `mynapoint resident revoke` from a non-terminal stdin.
pub const REVOKE_INPUT_HELP: &str = "\
Answers: prompted on a terminal (the PIN without echo). When standard input is not
a terminal, one answer per line, in this order:
   1. the PIN for card login (4 digits); when only 1 try is left, first a line `last try`
   2. the confirmation: the My Key ID itself (anything else revokes nothing, exit 13)
Revocation cannot be undone: the id is never issued again.";

/// The answers of `mynapoint resident child` from a non-terminal stdin.
pub const CHILD_INPUT_HELP: &str = "\
Two cards: --reader is the CHILD's card (it logs in and signs first),
--representative-reader the legal representative's own card (read before the service
is chosen, signs last). Answers: prompted on a terminal; when standard input is not a
terminal, one answer per line, in this order (steps that do not apply are skipped):
   1. the child's PIN for card login (4 digits); when only 1 try is left, first `last try`
   2-6. the child's My Key ID and registration, as in `mynapoint resident --help`
      (only when the child has no My Key ID yet); then the child's point categories, only
      when more than one is open to the child (as in `mynapoint resident --help`)
   7. the child's birth date, YYYYMMDD (under 15 today)
   8. a search keyword, then the number of the service (empty: search again)
   9. `y` to accept the terms
  10. payment ID, each security code of the service, last 4 phone digits (empty: none)
  11. `y` to apply after the review (`n`: enter the payment details again)
  12. the child's PIN again, for the child's card's signature
  13. the legal representative's PIN, for their card's signature (same last-try rule)
A refused answer prints one line and the next line answers that field again.";

/// `mynapoint resident <subcommand>`
#[derive(Debug, Clone, Subcommand)]
pub enum ResidentCommand {
    /// Log in with the card (PIN) and show the application status. Without a terminal
    /// the PIN (and `last try` before it when one try is left) is read from standard input.
    Status(ResidentOptions),
    /// Change the My Key ID (card + PIN, then the same rules as issuing).
    #[command(after_help = CHANGE_KEY_INPUT_HELP)]
    ChangeKey(ResidentOptions),
    /// Revoke the My Key ID for good (card + PIN, then the id typed as confirmation).
    #[command(after_help = REVOKE_INPUT_HELP)]
    Revoke(ResidentOptions),
    /// A legal representative applies for a child under 15: both cards sign.
    #[command(after_help = CHILD_INPUT_HELP)]
    Child(ChildArgs),
}

/// Options of `mynapoint resident child`.
#[derive(Debug, Clone, Args)]
pub struct ChildArgs {
    /// The child's card is `--reader`; this is the legal representative's.
    #[command(flatten)]
    pub options: ResidentOptions,
    /// The legal representative's card: a reader index, name or `sim:PATH`
    /// (another card than the child's).
    #[arg(long, value_name = "INDEX|NAME|sim:PATH")]
    pub representative_reader: ReaderChoice,
}

impl ChildArgs {
    /// The representative's reader, with the child's reader settings.
    pub fn representative(&self) -> ReaderArgs {
        ReaderArgs {
            reader: Some(self.representative_reader.clone()),
            extended_length: self.options.reader.extended_length,
        }
    }
}

/// Options of `mynapoint resident` and `resident status`.
#[derive(Debug, Clone, Args)]
pub struct ResidentOptions {
    /// The platform's base URL (e.g. http://127.0.0.1:8787). Default: start the
    /// reference platform in this process, on a database in the user's data
    /// folder (or $MYNAPOINT_DATA_DIR; the path is printed).
    #[arg(long, value_name = "URL")]
    pub platform: Option<String>,
    #[command(flatten)]
    pub reader: ReaderArgs,
    /// Print the steps to standard error and a JSON summary to standard output.
    #[arg(long)]
    pub json: bool,
}

/// `mynapoint field …`
#[derive(Debug, Clone, Subcommand)]
// Parsed once per process: the size of a variant does not matter.
#[allow(clippy::large_enum_variant)]
pub enum FieldCommand {
    /// Log the terminal in (online): the first login registers this device; the
    /// project list is stored on the device.
    Login(FieldLogin),
    /// Log in and sync the roster of a project (or of every open project), repeatable.
    Sync(FieldSync),
    /// Continuous reading (offline): one verdict per card, one JSON line each with --json,
    /// until interrupted, --count taps, or the end of a sim: list.
    Tap(FieldTap),
    /// Log in and upload every stored tap; prints the platform's outcome per result.
    Upload(FieldOnline),
    /// The stored taps with their offline verdict and, once uploaded, their outcome (offline).
    Results(FieldResults),
    /// Log in and list the project's participants who tapped but are not on its roster.
    NotOnRoster(FieldProject),
    /// Log in and add a not-on-roster participant to the project's roster; their taps
    /// are granted. Office data: typed (--name …), from the participant master
    /// (--from-master), or read from the card face with 照合番号B (--reader).
    AddRegistration(FieldAddRegistration),
}

impl FieldCommand {
    /// The options every field command has.
    pub fn device(&self) -> &FieldDevice {
        match self {
            FieldCommand::Login(a) => &a.online.device,
            FieldCommand::Sync(a) => &a.online.device,
            FieldCommand::Tap(a) => &a.device,
            FieldCommand::Upload(a) => &a.device,
            FieldCommand::Results(a) => &a.device,
            FieldCommand::NotOnRoster(a) => &a.online.device,
            FieldCommand::AddRegistration(a) => &a.project.online.device,
        }
    }
}

/// The device: where its state lives, and output.
#[derive(Debug, Clone, Args)]
pub struct FieldDevice {
    /// The device state folder (store, keys, taps). Default: `field` in the user's
    /// data folder (or in $MYNAPOINT_DATA_DIR).
    #[arg(long, value_name = "DIR")]
    pub state: Option<std::path::PathBuf>,
    /// Print JSON to standard output (one line per tap for `tap`).
    #[arg(long)]
    pub json: bool,
}

/// Options of the field commands that log in.
#[derive(Debug, Clone, Args)]
pub struct FieldOnline {
    #[command(flatten)]
    pub device: FieldDevice,
    /// The platform's base URL. Default: the reference platform started in this
    /// process on its data folder (as `resident` does).
    #[arg(long, value_name = "URL")]
    pub platform: Option<String>,
    /// The terminal ID (8 digits). Default: the terminal of the last login on this device.
    #[arg(long, value_name = "ID")]
    pub terminal: Option<String>,
    /// Read the terminal password from the first line of standard input (otherwise
    /// prompted without echo; read from standard input when it is not a terminal).
    #[arg(long)]
    pub password_stdin: bool,
}

/// Options of `field login`.
#[derive(Debug, Clone, Args)]
pub struct FieldLogin {
    #[command(flatten)]
    pub online: FieldOnline,
}

/// Options of `field sync`.
#[derive(Debug, Clone, Args)]
pub struct FieldSync {
    #[command(flatten)]
    pub online: FieldOnline,
    /// The project ID (4 digits). Without it, every open project is synced.
    #[arg(long, value_name = "ID")]
    pub project: Option<String>,
}

/// Options of the field commands about one project.
#[derive(Debug, Clone, Args)]
pub struct FieldProject {
    #[command(flatten)]
    pub online: FieldOnline,
    /// The project ID (4 digits).
    #[arg(long, value_name = "ID")]
    pub project: String,
}

/// Options of `field tap`.
#[derive(Debug, Clone, Args)]
pub struct FieldTap {
    #[command(flatten)]
    pub device: FieldDevice,
    /// The project ID (4 digits); its roster must be synced.
    #[arg(long, value_name = "ID")]
    pub project: String,
    /// Confirm the points per person the project grants (asked on a terminal when
    /// absent; required otherwise). Another number than the project's is refused.
    #[arg(long, value_name = "N")]
    pub points: Option<u32>,
    /// The reader whose insertions are taps (default: the first reader), or
    /// sim:PATH[,PATH…]: simulated cards, one tap each, in order.
    #[arg(long, short = 'r', value_name = "INDEX|NAME|sim:PATH,…")]
    pub reader: Option<ReaderChoice>,
    /// The reader carries extended-length APDUs.
    #[arg(long)]
    pub extended_length: bool,
    /// Stop after this many taps.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
}

impl FieldTap {
    pub fn reader_args(&self) -> ReaderArgs {
        ReaderArgs {
            reader: self.reader.clone(),
            extended_length: self.extended_length,
        }
    }
}

/// Options of `field results`.
#[derive(Debug, Clone, Args)]
pub struct FieldResults {
    #[command(flatten)]
    pub device: FieldDevice,
    /// Only this project's taps.
    #[arg(long, value_name = "ID")]
    pub project: Option<String>,
}

/// Options of `field add-registration`.
#[derive(Debug, Clone, Args)]
pub struct FieldAddRegistration {
    #[command(flatten)]
    pub project: FieldProject,
    /// The participant's My Key ID (from `field not-on-roster`).
    #[arg(long, value_name = "ID")]
    pub my_key_id: String,
    /// Take the office data from the participant master as it is.
    #[arg(long, conflicts_with_all = ["name", "reader"])]
    pub from_master: bool,
    /// Read the card face (name, address, birth date, sex) from this reader with
    /// 照合番号B (asked without echo, or the line after the password on standard input).
    #[arg(
        long,
        short = 'r',
        value_name = "INDEX|NAME|sim:PATH",
        conflicts_with = "name"
    )]
    pub reader: Option<ReaderChoice>,
    /// Typed office data: name (with --address, --birth-date, --sex).
    #[arg(long, requires_all = ["address", "birth_date", "sex"])]
    pub name: Option<String>,
    #[arg(long)]
    pub address: Option<String>,
    /// YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub birth_date: Option<String>,
    /// 1 male, 2 female, 9 not applicable (as on the card face).
    #[arg(long, value_name = "1|2|9")]
    pub sex: Option<String>,
    #[arg(long, default_value = "")]
    pub phone: String,
    #[arg(long, default_value = "")]
    pub email: String,
    #[arg(long, default_value = "")]
    pub remarks: String,
    /// The participant's municipality code (default: the terminal's).
    #[arg(long, value_name = "CODE")]
    pub municipality: Option<String>,
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
    /// The reader to use: its index in `mynapoint readers`, its name, a unique
    /// part of its name, or `sim:PATH` (a simulated card's state file).
    /// Default: the first reader with a card.
    #[arg(long, short = 'r', value_name = "INDEX|NAME|sim:PATH")]
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
    fn help_lists_every_exit_code() {
        let help = Cli::command().render_long_help().to_string();
        for exit in crate::exit::Exit::ALL {
            let code = exit.code();
            let listed =
                help.contains(&format!(" {code} ")) || help.contains(&format!(": {code} "));
            assert!(
                listed,
                "exit code {code} ({exit:?}) is not in --help:\n{help}"
            );
        }
    }

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_readers() {
        let cli = Cli::try_parse_from(["mynapoint", "readers", "--json"]).unwrap();
        let Command::Readers(args) = cli.command else {
            panic!("not readers")
        };
        assert!(args.json);
    }

    #[test]
    fn parses_resident_and_its_status() {
        let cli = Cli::try_parse_from(["mynapoint", "resident", "--platform", "http://x"]).unwrap();
        let Command::Resident(args) = cli.command else {
            panic!("not resident")
        };
        assert!(args.command.is_none());
        assert_eq!(args.options().platform.as_deref(), Some("http://x"));
        let cli = Cli::try_parse_from([
            "mynapoint",
            "resident",
            "status",
            "--reader",
            "sim:c.json",
            "--json",
        ])
        .unwrap();
        let Command::Resident(args) = cli.command else {
            panic!("not resident")
        };
        assert!(matches!(args.command, Some(ResidentCommand::Status(_))));
        assert!(args.options().json);
        assert!(args.options().platform.is_none());
    }

    #[test]
    fn parses_the_other_resident_flows() {
        for name in ["change-key", "revoke"] {
            let cli = Cli::try_parse_from(["mynapoint", "resident", name, "--json"]).unwrap();
            let Command::Resident(args) = cli.command else {
                panic!("not resident")
            };
            assert!(args.options().json, "{name}");
        }
        let cli = Cli::try_parse_from([
            "mynapoint",
            "resident",
            "child",
            "--reader",
            "sim:child.json",
            "--representative-reader",
            "sim:parent.json",
        ])
        .unwrap();
        let Command::Resident(args) = cli.command else {
            panic!("not resident")
        };
        let Some(ResidentCommand::Child(child)) = &args.command else {
            panic!("not child")
        };
        assert_eq!(
            child.representative().choice(),
            ReaderChoice::Sim("parent.json".into())
        );
        assert_eq!(
            args.options().reader.choice(),
            ReaderChoice::Sim("child.json".into())
        );
        // The representative's card is required.
        assert!(
            Cli::try_parse_from(["mynapoint", "resident", "child", "--reader", "sim:c"]).is_err()
        );
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
