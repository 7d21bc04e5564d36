//! The `mynapoint` desktop command: My Number Card operations through PC/SC.
//!
//! The binary (`src/main.rs`) only parses the command line and calls [`run`].

mod card_errors;
pub mod cli;
pub mod commands;
pub mod exit;
pub mod pcsc_transport;
pub mod platform_link;
pub mod readers;
pub mod signature;

use std::io::Write;

use std::sync::Arc;

use mynapoint_core::card::{CardTransport, ReaderCapabilities, TransportError};
use serde::Serialize;

use crate::cli::{Cli, Command, ReaderArgs};
use crate::exit::Exit;
use crate::pcsc_transport::PcscTransport;
use crate::readers::{ReaderChoice, ReaderError};

/// Why a command failed: an exit status, a stable kind and one plain line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub exit: Exit,
    /// Stable machine-readable name (`error.kind` in `--json` output).
    pub kind: &'static str,
    /// One line of plain English saying what happened and what to do.
    pub message: String,
}

impl Failure {
    pub fn new(exit: Exit, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            exit,
            kind,
            message: message.into(),
        }
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
        Failure::new(e.exit(), e.kind(), e.to_string())
    }
}

impl From<TransportError> for Failure {
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::TagLost => Failure::new(
                Exit::CardRemoved,
                "card_removed",
                "the card was removed during the operation: place it on the reader again \
                 and retry",
            ),
            TransportError::Timeout => Failure::new(
                Exit::CardError,
                "timeout",
                "the card did not answer in time: check that it sits well on the reader \
                 and retry",
            ),
            TransportError::CardReset => Failure::new(
                Exit::CardError,
                "card_reset",
                "the card was reset by another program or by the reader before the command \
                 was sent (no PIN try was spent): retry",
            ),
            TransportError::Io(m) => Failure::new(
                Exit::CardError,
                "reader_error",
                format!("reader error: {m}"),
            ),
        }
    }
}

/// Writes `value` as pretty JSON and a newline.
pub fn print_json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> Result<(), Failure> {
    serde_json::to_writer_pretty(&mut *out, value)
        .map_err(|e| Failure::output(std::io::Error::other(e)))?;
    writeln!(out).map_err(Failure::output)
}

/// Reports a failure: a JSON object on stdout with `--json`, else one line on stderr.
pub fn report(failure: &Failure, json: bool) {
    if json {
        let value = serde_json::json!({
            "error": {
                "kind": failure.kind,
                "message": failure.message,
                "exit_code": failure.exit.code(),
            }
        });
        let mut out = std::io::stdout().lock();
        let _ = print_json(&mut out, &value);
    } else {
        eprintln!("mynapoint: {}", failure.message);
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
