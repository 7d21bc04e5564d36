//! The `mynapoint` desktop command: My Number Card operations through PC/SC.
//!
//! The binary (`src/main.rs`) only parses the command line and calls [`run`].

mod card_errors;
pub mod card_feed;
pub mod cli;
pub mod commands;
pub mod exit;
pub mod pcsc_transport;
pub mod platform_link;
pub mod readers;
pub mod signature;

use std::io::Write;

use std::sync::Arc;

use std::sync::OnceLock;

use mynapoint_core::card::{CardTransport, ReaderCapabilities};
use mynapoint_core::failure::{Failure as CoreFailure, FailureCode, Lang, RetryHint};
use serde::Serialize;

use crate::cli::{Cli, Command, ReaderArgs};
use crate::exit::Exit;
use crate::pcsc_transport::PcscTransport;
use crate::readers::{ReaderChoice, ReaderError};

/// Why a command failed: an exit status, a stable code, a retry hint and
/// one plain line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub exit: Exit,
    /// Stable machine-readable code (`error.code` in `--json` output): the
    /// core's [`FailureCode`] for card, PIN, platform and flow failures (see
    /// `core/failure-codes.txt`); the desktop's own for its surroundings
    /// (reader selection, files, standard input, output).
    pub code: &'static str,
    /// What the person can do next (`error.retry` in `--json` output).
    pub retry: RetryHint,
    /// One line saying what happened and what to do, in the chosen language
    /// (the core's message for the core's failures).
    pub message: String,
}

impl Failure {
    /// A failure of the desktop's own surroundings (not the card, the PIN,
    /// the platform or the flow): no retry hint unless one is given.
    pub fn new(exit: Exit, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            exit,
            code,
            retry: RetryHint::NoRetry,
            message: message.into(),
        }
    }

    /// The same failure with another retry hint.
    pub fn with_retry(mut self, retry: RetryHint) -> Self {
        self.retry = retry;
        self
    }

    /// The core's failure: its code, hint and message (in [`lang`]), and
    /// the exit status of its code ([`Exit::for_code`]).
    pub fn core(failure: &CoreFailure) -> Self {
        Self {
            exit: Exit::for_code(failure.code),
            code: failure.code.as_str(),
            retry: failure.retry(),
            message: failure.message(lang()),
        }
    }

    /// A core failure that carries no details.
    pub fn of(code: FailureCode) -> Self {
        Self::core(&CoreFailure::new(code))
    }

    /// Writing the output failed (closed pipe, full disk).
    pub fn output(e: std::io::Error) -> Self {
        Self::new(
            Exit::CardError,
            "output_error",
            format!("could not write the output: {e}"),
        )
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<ReaderError> for Failure {
    fn from(e: ReaderError) -> Self {
        let retry = match e {
            ReaderError::NoCard { .. } => RetryHint::TapAgain,
            _ => RetryHint::RetryStep,
        };
        Failure::new(e.exit(), e.kind(), e.to_string()).with_retry(retry)
    }
}

static LANG: OnceLock<Lang> = OnceLock::new();

/// The language of messages: `--lang`, else `MYNAPOINT_LANG` (`ja`, `en`,
/// or a locale such as `ja_JP.UTF-8`), else English.
pub fn lang() -> Lang {
    *LANG.get_or_init(|| {
        std::env::var("MYNAPOINT_LANG")
            .ok()
            .and_then(|v| Lang::parse(&v))
            .unwrap_or_default()
    })
}

/// Writes `value` as pretty JSON and a newline.
pub fn print_json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> Result<(), Failure> {
    serde_json::to_writer_pretty(&mut *out, value)
        .map_err(|e| Failure::output(std::io::Error::other(e)))?;
    writeln!(out).map_err(Failure::output)
}

/// Reports a failure: with `--json` one object on stdout,
/// `{"error": {"code", "retry", "message", "exit_code"}}`; else one line on stderr.
pub fn report(failure: &Failure, json: bool) {
    if json {
        let value = serde_json::json!({
            "error": {
                "code": failure.code,
                "retry": failure.retry.as_str(),
                "message": failure.message,
                "exit_code": failure.exit.code(),
            }
        });
        let mut out = std::io::stdout().lock();
        let _ = print_json(&mut out, &value);
    } else {
        // A closed stderr (`… 2>&1 | head -1`) must not turn into a panic.
        let _ = writeln!(std::io::stderr(), "mynapoint: {}", failure.message);
    }
}

/// Connects to the card the reader options choose.
pub fn connect(args: &ReaderArgs) -> Result<PcscTransport, ReaderError> {
    let (ctx, reader) = readers::pick(&args.choice())?;
    PcscTransport::connect(&ctx, &reader.name, args.extended_length)
}

/// Opens the card the reader options choose: a PC/SC reader, or the
/// simulated card of `--reader sim:PATH` (its state file keeps PIN counters).
pub fn open_card(args: &ReaderArgs) -> Result<Arc<dyn CardTransport>, Failure> {
    match args.choice() {
        ReaderChoice::Sim(path) => {
            let card = cardsim::SimCard::open(&path).map_err(|e| {
                Failure::new(
                    Exit::NoReader,
                    "no_simulated_card",
                    format!(
                        "cannot open the simulated card {}: {e} (create one with `cardsim create --state {}`)",
                        path.display(),
                        path.display()
                    ),
                )
            })?;
            let caps = if args.extended_length {
                ReaderCapabilities::EXTENDED
            } else {
                ReaderCapabilities::SHORT_ONLY
            };
            Ok(Arc::new(cardsim::SimTransport::with_capabilities(
                card.shared(),
                caps,
            )))
        }
        _ => Ok(Arc::new(connect(args)?)),
    }
}

/// Runs a future to completion on a single-threaded runtime (card operations
/// are sequential; PC/SC calls and prompts block inside it, which is fine
/// here: an embedded platform runs on its own runtime).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("cannot start the async runtime")
        .block_on(future)
}

/// Runs one parsed command line and returns its exit status.
pub fn run(cli: Cli) -> Exit {
    if let Some(lang) = cli.lang {
        // The first call wins: `--lang` before anything asks for the language.
        let _ = LANG.set(lang.into());
    }
    let mut stdout = std::io::stdout().lock();
    let (result, json) = match &cli.command {
        Command::Readers(args) => (commands::readers::run(args, &mut stdout), args.json),
        Command::Card(command) => (
            block_on(commands::card::run(command, &mut stdout)),
            command.common().json,
        ),
        Command::Demo(args) => (commands::demo::run(args, &mut stdout), args.json),
        Command::Resident(args) => (
            commands::resident::run(args, &mut stdout),
            args.options().json,
        ),
        Command::Field(command) => (
            commands::field::run(command, &mut stdout),
            command.device().json,
        ),
    };
    drop(stdout);
    match result {
        Ok(()) => Exit::Ok,
        Err(failure) => {
            report(&failure, json);
            failure.exit
        }
    }
}
