//! Starting, finding and stopping pcscd; waiting for readers and cards.

use std::ffi::CString;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use pcsc::{Context, ReaderState, Scope, State};

use crate::lock::ReaderLock;
use crate::VIRTUAL_READER;

/// pcsc-lite's client socket (Debian's build).
pub const PCSCD_SOCKET: &str = "/run/pcscd/pcscd.comm";
const PCSCD_PID_FILE: &str = "/run/pcscd/pcscd.pid";

/// How long pcscd may take to come up with the virtual reader.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How long pcscd may take to exit after SIGTERM before it gets SIGKILL.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(50);
/// How long a card left on the virtual reader may take to go.
const EMPTY_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the harness could not provide what a test needs.
#[derive(Debug)]
pub enum HarnessError {
    /// No pcscd runs and this process may not start one.
    NotRoot,
    /// The `pcscd` program is not installed.
    PcscdMissing,
    /// Starting pcscd failed, or it exited early; `log` is the end of its output.
    PcscdFailed { reason: String, log: String },
    /// A reader or card state did not come in time.
    Timeout { waiting_for: String, log: String },
    /// Any other I/O failure (lock file, log file).
    Io(std::io::Error),
}

impl std::fmt::Display for HarnessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HarnessError::NotRoot => f.write_str(
                "pcscd is not running and starting it needs root: run the tests as root \
                 (scripts/test.sh) or start pcscd first (`sudo systemctl start pcscd`)",
            ),
            HarnessError::PcscdMissing => f.write_str(
                "pcscd is not installed: apt-get install pcscd vsmartcard-vpcd \
                 (or run scripts/test.sh, which installs them)",
            ),
            HarnessError::PcscdFailed { reason, log } => {
                write!(f, "pcscd failed: {reason}")?;
                if !log.is_empty() {
                    write!(f, "\n--- pcscd log (end) ---\n{log}")?;
                }
                Ok(())
            }
            HarnessError::Timeout { waiting_for, log } => {
                write!(f, "timed out waiting for {waiting_for}")?;
                if !log.is_empty() {
                    write!(f, "\n--- pcscd log (end) ---\n{log}")?;
                }
                Ok(())
            }
            HarnessError::Io(e) => write!(f, "harness I/O error: {e}"),
        }
    }
}

impl std::error::Error for HarnessError {}

impl From<std::io::Error> for HarnessError {
    fn from(e: std::io::Error) -> Self {
        HarnessError::Io(e)
    }
}

/// A running pcscd with the vpcd virtual reader, and exclusive use of it.
///
/// If no pcscd was running, [`Pcscd::start`] started one (`pcscd -f -a`, its
/// output in [`Pcscd::log_path`]) and dropping the guard stops it with
/// SIGTERM (SIGKILL after 5 s). A pcscd that was already running is reused
/// and left running.
#[derive(Debug)]
pub struct Pcscd {
    /// The pcscd we started, until it is reaped.
    child: Mutex<Option<Child>>,
    started: bool,
    log: Option<PathBuf>,
    // Dropped last (fields drop after `Drop::drop` has stopped pcscd).
    _lock: ReaderLock,
}

impl Pcscd {
    /// Takes the reader lock, makes sure pcscd runs and waits (up to 20 s)
    /// until [`VIRTUAL_READER`] is listed, and (up to 10 s) until no card is
    /// on it.
    pub fn start() -> Result<Self, HarnessError> {
        let lock = ReaderLock::acquire()?;
        let mut this = Pcscd {
            child: Mutex::new(None),
            started: false,
            log: None,
            _lock: lock,
        };
        if !pcscd_running() {
            this.spawn()?;
        }
        match this.wait_for_reader(VIRTUAL_READER, START_TIMEOUT) {
            Err(HarnessError::Timeout { waiting_for, log }) if !this.started => {
                return Err(HarnessError::Timeout {
                    waiting_for: format!(
                        "{waiting_for} on the pcscd that was already running: restart it \
                         so it loads vpcd (`systemctl restart pcscd`), or stop it and let \
                         the tests start their own"
                    ),
                    log,
                });
            }
            Err(e) => return Err(e),
            Ok(()) => {}
        }
        // A reused pcscd may still show the card an earlier test took off
        // (pcscd polls vpcd), or a card someone attached by hand.
        match this.wait_for_no_card(VIRTUAL_READER, EMPTY_TIMEOUT) {
            Err(HarnessError::Timeout { waiting_for, log }) => Err(HarnessError::Timeout {
                waiting_for: format!(
                    "{waiting_for}: a card is still on the virtual reader (is a \
                     `cardsim attach` running?)"
                ),
                log,
            }),
            Err(e) => Err(e),
            Ok(()) => Ok(this),
        }
    }

    fn spawn(&mut self) -> Result<(), HarnessError> {
        // SAFETY: geteuid has no preconditions and cannot fail.
        if unsafe { libc::geteuid() } != 0 {
            return Err(HarnessError::NotRoot);
        }
        let program = find_pcscd().ok_or(HarnessError::PcscdMissing)?;
        remove_stale_socket();
        let log = std::env::temp_dir().join(format!(
            "mynapoint-pcscd-{}-{}.log",
            std::process::id(),
            unique()
        ));
        let out = File::create(&log)?;
        let err = out.try_clone()?;
        let child = Command::new(&program)
            // foreground, log APDUs (handy when a test fails)
            .args(["-f", "-a"])
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| HarnessError::PcscdFailed {
                reason: format!("cannot run {}: {e}", program.display()),
                log: String::new(),
            })?;
        *self.child.get_mut().unwrap_or_else(|e| e.into_inner()) = Some(child);
        self.started = true;
        self.log = Some(log);
        // Wait for the service to answer.
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            self.check_alive()?;
            if pcscd_running() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(HarnessError::Timeout {
                    waiting_for: "pcscd to accept connections".into(),
                    log: self.log_tail(),
                });
            }
            std::thread::sleep(POLL);
        }
    }

    /// Whether this guard started pcscd (and will stop it).
    pub fn started_here(&self) -> bool {
        self.started
    }

    /// The pid of the pcscd this guard started, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.lock_child().as_ref().map(Child::id)
    }

    fn lock_child(&self) -> std::sync::MutexGuard<'_, Option<Child>> {
        self.child.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Where the output of the pcscd this guard started goes.
    pub fn log_path(&self) -> Option<&Path> {
        self.log.as_deref()
    }

    /// The last lines of the pcscd log (empty for a reused pcscd).
    pub fn log_tail(&self) -> String {
        let Some(path) = &self.log else {
            return String::new();
        };
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// A fresh PC/SC context.
    pub fn context(&self) -> Result<Context, pcsc::Error> {
        Context::establish(Scope::User)
    }

    /// Waits until `reader` is listed.
    pub fn wait_for_reader(&self, reader: &str, timeout: Duration) -> Result<(), HarnessError> {
        self.wait(&format!("reader \"{reader}\""), timeout, || {
            Ok(reader_names().iter().any(|n| n == reader))
        })
    }

    /// Waits until a card is present on `reader`.
    pub fn wait_for_card(&self, reader: &str, timeout: Duration) -> Result<(), HarnessError> {
        self.wait(&format!("a card on \"{reader}\""), timeout, || {
            Ok(card_present(reader) == Some(true))
        })
    }

    /// Waits until no card is present on `reader`.
    pub fn wait_for_no_card(&self, reader: &str, timeout: Duration) -> Result<(), HarnessError> {
        self.wait(&format!("no card on \"{reader}\""), timeout, || {
            Ok(card_present(reader) == Some(false))
        })
    }

    /// Waits until pcscd has seen the card leave `reader` since it counted
    /// `events` insertions and removals there (see [`card_event_count`]).
    ///
    /// Stricter than [`Pcscd::wait_for_no_card`] after a card vanished in the
    /// middle of a command: pcscd then marks the reader empty at once, before
    /// its event thread has noticed the removal, and a card attached again in
    /// that gap is taken for the old one and never shows as present.
    pub fn wait_for_removal_since(
        &self,
        reader: &str,
        events: u32,
        timeout: Duration,
    ) -> Result<(), HarnessError> {
        self.wait(
            &format!("pcscd to see the card leave \"{reader}\""),
            timeout,
            || {
                Ok(card_present(reader) == Some(false)
                    && card_event_count(reader).is_some_and(|n| n != events))
            },
        )
    }

    fn wait(
        &self,
        what: &str,
        timeout: Duration,
        mut done: impl FnMut() -> Result<bool, HarnessError>,
    ) -> Result<(), HarnessError> {
        let deadline = Instant::now() + timeout;
        loop {
            self.check_alive()?;
            if done()? {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(HarnessError::Timeout {
                    waiting_for: what.to_owned(),
                    log: self.log_tail(),
                });
            }
            std::thread::sleep(POLL);
        }
    }

    /// Fails if the pcscd we started has exited.
    fn check_alive(&self) -> Result<(), HarnessError> {
        if !self.started {
            return Ok(());
        }
        let mut child = self.lock_child();
        let status = match child.as_mut().map(Child::try_wait) {
            Some(Ok(None)) => return Ok(()),
            Some(Ok(Some(status))) => status.to_string(),
            Some(Err(e)) => e.to_string(),
            None => "already reaped".to_owned(),
        };
        // Reaped: never signal that pid again.
        *child = None;
        drop(child);
        Err(HarnessError::PcscdFailed {
            reason: format!("pcscd exited ({status})"),
            log: self.log_tail(),
        })
    }
}

impl Drop for Pcscd {
    fn drop(&mut self) {
        let Some(mut child) = self
            .child
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        else {
            return;
        };
        // SAFETY: sending a signal to our own child process.
        unsafe {
            libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
        }
        let deadline = Instant::now() + STOP_TIMEOUT;
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                Err(_) => break,
                Ok(None) if Instant::now() > deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
                Ok(None) => std::thread::sleep(POLL),
            }
        }
        if let Some(log) = &self.log {
            if std::thread::panicking() {
                eprintln!("pcscd log kept at {}", log.display());
            } else {
                let _ = std::fs::remove_file(log);
            }
        }
    }
}

fn unique() -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    u128::from(N.fetch_add(1, Ordering::Relaxed))
}

/// Whether a PC/SC service answers.
pub fn pcscd_running() -> bool {
    Context::establish(Scope::User).is_ok()
}

/// The readers pcscd lists now (empty if none, or if pcscd is not running).
pub fn reader_names() -> Vec<String> {
    let Ok(ctx) = Context::establish(Scope::User) else {
        return Vec::new();
    };
    ctx.list_readers_owned()
        .unwrap_or_default()
        .into_iter()
        .map(|n| n.to_string_lossy().into_owned())
        .collect()
}

/// Whether a card is on `reader`: `None` if the reader (or pcscd) is not there.
pub fn card_present(reader: &str) -> Option<bool> {
    let ctx = Context::establish(Scope::User).ok()?;
    let name = CString::new(reader).ok()?;
    let mut states = [ReaderState::new(name, State::UNAWARE)];
    ctx.get_status_change(Duration::from_secs(1), &mut states)
        .ok()?;
    let state = states[0].event_state();
    if state.intersects(State::UNKNOWN | State::UNAVAILABLE) {
        return None;
    }
    Some(state.contains(State::PRESENT))
}

/// How many card insertions and removals pcscd has counted on `reader`
/// (16 bits, wrapping); `None` if the reader (or pcscd) is not there.
pub fn card_event_count(reader: &str) -> Option<u32> {
    let ctx = Context::establish(Scope::User).ok()?;
    let name = CString::new(reader).ok()?;
    let mut states = [ReaderState::new(name, State::UNAWARE)];
    ctx.get_status_change(Duration::from_secs(1), &mut states)
        .ok()?;
    if states[0]
        .event_state()
        .intersects(State::UNKNOWN | State::UNAVAILABLE)
    {
        return None;
    }
    Some(states[0].event_count())
}

/// Waits until `reader` is listed (without a guard: for a pcscd run elsewhere).
pub fn wait_for_reader(reader: &str, timeout: Duration) -> bool {
    poll_until(timeout, || reader_names().iter().any(|n| n == reader))
}

/// Waits until a card is on `reader`.
pub fn wait_for_card(reader: &str, timeout: Duration) -> bool {
    poll_until(timeout, || card_present(reader) == Some(true))
}

/// Waits until no card is on `reader`.
pub fn wait_for_no_card(reader: &str, timeout: Duration) -> bool {
    poll_until(timeout, || card_present(reader) == Some(false))
}

fn poll_until(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if done() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(POLL);
    }
}

/// `$MYNAPOINT_PCSCD`, else `pcscd` on PATH, else the sbin paths (a non-login
/// root shell may lack /usr/sbin on PATH).
fn find_pcscd() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MYNAPOINT_PCSCD") {
        return Some(PathBuf::from(p));
    }
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain(["/usr/sbin".into(), "/usr/local/sbin".into(), "/sbin".into()])
        .map(|d: PathBuf| d.join("pcscd"))
        .find(|p| p.is_file())
}

/// pcscd refuses to start when its socket exists without a live owner
/// ("file /run/pcscd/pcscd.comm already exists"), e.g. after a SIGKILL.
/// Only called when no service answers on that socket.
fn remove_stale_socket() {
    if Path::new(PCSCD_SOCKET).exists() {
        let _ = std::fs::remove_file(PCSCD_SOCKET);
        let _ = std::fs::remove_file(PCSCD_PID_FILE);
    }
}
