//! `mynapoint field …`: the field point-grant app on a desktop, for QA and
//! for staff with a USB reader. The core's [`FieldSession`] decides
//! everything; this module opens the device state, asks for the terminal
//! password, and prints.
//!
//! Each command is one process: the terminal login lives only as long as
//! the command, so the online commands (login, sync, upload,
//! not-on-roster, add-registration) log in first; `tap` and `results` work
//! offline on what the device holds.

mod offline;
mod online;
mod tap;

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use mynapoint_contract::grant::{
    AddRegistrationRequest, AddRegistrationResponse, NotOnRosterList, ProjectList, RosterSync,
    TerminalLoginRequest, TerminalLoginResponse, UploadResponse,
};
use mynapoint_contract::SessionToken;
use mynapoint_core::clock::SystemClock;
use mynapoint_core::field::{DeviceStore, FieldError, FieldSession, DEFAULT_IDLE_TIMEOUT};
use mynapoint_core::platform::{FieldApi, HttpPlatform, PlatformError};
use mynapoint_core::secret_store::FileSecretStore;
use zeroize::Zeroizing;

use crate::cli::{FieldCommand, FieldDevice, FieldOnline};
use crate::exit::Exit;
use crate::platform_link::{data_dir, PlatformLink};
use crate::{block_on, Failure};

/// Runs one `field` subcommand.
pub fn run(command: &FieldCommand, out: &mut dyn Write) -> Result<(), Failure> {
    match command {
        FieldCommand::Login(a) => online::login(&a.online, out),
        FieldCommand::Sync(a) => online::sync(a, out),
        FieldCommand::Tap(a) => tap::run(a, out),
        FieldCommand::Upload(a) => online::upload(a, out),
        FieldCommand::Results(a) => offline::results(a, out),
        FieldCommand::NotOnRoster(a) => online::not_on_roster(a, out),
        FieldCommand::AddRegistration(a) => online::add_registration(a, out),
    }
}

/// A core field failure as the desktop reports it.
pub(crate) fn failure(e: &FieldError) -> Failure {
    Failure::core(&e.into())
}

/// The device state folder: `--state`, else `field` in the data folder.
fn state_dir(device: &FieldDevice) -> Result<PathBuf, Failure> {
    let dir = match &device.state {
        Some(dir) => dir.clone(),
        None => data_dir()?.join("field"),
    };
    if dir.exists() && !dir.is_dir() {
        return Err(Failure::new(
            Exit::BadInput,
            "field_state_dir",
            format!(
                "--state {}: not a folder (give the device state folder)",
                dir.display()
            ),
        ));
    }
    std::fs::create_dir_all(&dir).map_err(|e| {
        Failure::new(
            Exit::BadInput,
            "field_state_dir",
            format!(
                "cannot create the device state folder {}: {e}",
                dir.display()
            ),
        )
    })?;
    Ok(dir)
}

/// The device: its store (with the terminal of its last login) and a field
/// session over it.
pub(crate) struct Device {
    pub session: FieldSession,
    /// The terminal of the last login on this device, if any.
    pub terminal: Option<String>,
}

/// Opens the device state in `device`'s folder, talking to `api`.
fn open_device(device: &FieldDevice, api: Arc<dyn FieldApi>) -> Result<Device, Failure> {
    let dir = state_dir(device)?;
    let secrets =
        FileSecretStore::new(dir.join("secrets")).map_err(|e| failure(&FieldError::Secrets(e)))?;
    let store = DeviceStore::open(&dir.join("device.sqlite3"), &secrets)
        .map_err(|e| failure(&FieldError::Store(e)))?;
    let terminal = store
        .terminal_id()
        .map_err(|e| failure(&FieldError::Store(e)))?;
    let session = FieldSession::new(
        store,
        &secrets,
        api,
        Arc::new(SystemClock),
        DEFAULT_IDLE_TIMEOUT,
    )
    .map_err(|e| failure(&e))?;
    Ok(Device { session, terminal })
}

/// The platform of the online commands, the device, and a logged-in
/// session. The embedded platform (if any) stops when this is dropped.
pub(crate) struct Online {
    pub device: Device,
    /// Kept for the command's length: an embedded platform stops when it drops.
    _link: PlatformLink,
}

impl Online {
    /// Opens the platform and the device, asks for the password, logs in.
    fn open(options: &FieldOnline) -> Result<(Self, mynapoint_core::field::LoginSummary), Failure> {
        let link = PlatformLink::open(options.platform.as_deref())?;
        eprintln!("platform: {}", link.describe());
        let api = HttpPlatform::new(link.base_url()).map_err(|e| {
            Failure::new(
                Exit::BadInput,
                "platform_url",
                format!("cannot use the platform URL {}: {e}", link.base_url()),
            )
        })?;
        let device = open_device(&options.device, Arc::new(api))?;
        let terminal = match (&options.terminal, &device.terminal) {
            (Some(t), _) => t.clone(),
            (None, Some(t)) => t.clone(),
            (None, None) => {
                return Err(Failure::new(
                    Exit::BadInput,
                    "terminal_missing",
                    "this device has never logged in: give the terminal ID with --terminal \
                     (8 digits)",
                ))
            }
        };
        let password = read_password(&terminal, options.password_stdin)?;
        let summary =
            block_on(device.session.login(&terminal, &password)).map_err(|e| failure(&e))?;
        Ok((
            Self {
                device,
                _link: link,
            },
            summary,
        ))
    }
}

/// The terminal password: the first line of standard input with
/// `--password-stdin` or when standard input is not a terminal, else a
/// prompt without echo.
fn read_password(terminal: &str, from_stdin: bool) -> Result<Zeroizing<String>, Failure> {
    if from_stdin || !std::io::stdin().is_terminal() {
        return read_stdin_line("the terminal password");
    }
    eprint!("password of terminal {terminal}: ");
    let _ = std::io::stderr().flush();
    rpassword::read_password().map(Zeroizing::new).map_err(|e| {
        Failure::new(
            Exit::BadInput,
            "prompt",
            format!("could not read the password: {e}"),
        )
    })
}

/// One line of standard input (without its line end); `what` names it in
/// the refusal of an empty input.
pub(crate) fn read_stdin_line(what: &str) -> Result<Zeroizing<String>, Failure> {
    let mut line = Zeroizing::new(String::new());
    let n = std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        Failure::new(
            Exit::BadInput,
            "prompt",
            format!("could not read {what}: {e}"),
        )
    })?;
    if n == 0 {
        return Err(Failure::new(
            Exit::NotFinished,
            "input_ended",
            format!("standard input ended before {what}"),
        ));
    }
    let trimmed = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned());
    Ok(trimmed)
}

/// The platform of the offline commands: nothing is sent.
struct Offline;

fn offline() -> PlatformError {
    PlatformError::Network("this command works offline and sends nothing".into())
}

#[async_trait]
impl FieldApi for Offline {
    async fn terminal_login(
        &self,
        _: &TerminalLoginRequest,
    ) -> Result<TerminalLoginResponse, PlatformError> {
        Err(offline())
    }
    async fn projects(&self, _: &SessionToken) -> Result<ProjectList, PlatformError> {
        Err(offline())
    }
    async fn roster(&self, _: &SessionToken, _: &str, _: u64) -> Result<RosterSync, PlatformError> {
        Err(offline())
    }
    async fn upload_taps(
        &self,
        _: &SessionToken,
        _: &[u8],
        _: &str,
    ) -> Result<UploadResponse, PlatformError> {
        Err(offline())
    }
    async fn not_on_roster(
        &self,
        _: &SessionToken,
        _: &str,
    ) -> Result<NotOnRosterList, PlatformError> {
        Err(offline())
    }
    async fn add_registration(
        &self,
        _: &SessionToken,
        _: &str,
        _: &AddRegistrationRequest,
    ) -> Result<AddRegistrationResponse, PlatformError> {
        Err(offline())
    }
}

/// Opens the device for an offline command.
fn open_offline(device: &FieldDevice) -> Result<Device, Failure> {
    open_device(device, Arc::new(Offline))
}
