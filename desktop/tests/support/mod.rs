//! Shared by the tests that put a simulated My Number Card (cardsim) on the
//! vpcd virtual reader of a real pcscd and run programs against it.
//!
//! The card runs in this process: a thread serves cardsim's `vpcd::attach`
//! (exactly what `cardsim attach` runs) over a card opened from its state
//! file, so every PIN counter change is in that file before the card answers.
//! Stopping the thread closes the vpcd socket: the card leaves the reader.

#![allow(dead_code, unused_imports)]

pub mod field_event;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use cardsim::vpcd::{self, AttachEnd};
use cardsim::{CardState, PinId, SimCard};
use mynapoint_e2e::{card_event_count, card_present, Pcscd, VIRTUAL_READER};

pub use mynapoint_testkit::cards::spec;
pub use mynapoint_testkit::secrets::*;

/// How long a card or reader state change may take to show.
pub const WAIT: Duration = Duration::from_secs(10);
/// How long one run of a command may take before the test fails.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// Takes the reader harness (pcscd with the virtual reader, exclusive use).
pub fn pcscd() -> Pcscd {
    Pcscd::start().unwrap_or_else(|e| panic!("{e}"))
}

/// A new card's state file in `dir` (fresh keys from the test CA).
pub fn create_card(dir: &Path, serial: u32) -> PathBuf {
    let path = dir.join(format!("card-{serial:08X}.json"));
    SimCard::create_file(&path, spec(serial)).expect("create the card's state file");
    path
}

/// The card as its state file holds it now.
pub fn load(path: &Path) -> CardState {
    CardState::load(path).expect("read the card's state file")
}

/// Tries left of the user-authentication PIN, from the state file.
pub fn auth_tries(path: &Path) -> u8 {
    load(path).pins.get(PinId::Auth).tries_left
}

/// A cardsim card attached to vpcd (on [`VIRTUAL_READER`]) by a thread of
/// this process. Dropping it (or [`AttachedCard::remove`]) takes it off.
pub struct AttachedCard {
    /// pcscd's insertion/removal count with the card on the reader.
    events: u32,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<std::io::Result<AttachEnd>>>,
    log: Arc<Mutex<Vec<String>>>,
}

impl AttachedCard {
    /// Opens the card from `state` and puts it on the reader; returns once
    /// pcscd sees it.
    pub fn insert(pcscd: &Pcscd, state: &Path) -> Self {
        Self::insert_with(pcscd, state, |_| {})
    }

    /// Like [`AttachedCard::insert`], with a change to the card first (say,
    /// switching extended length off).
    pub fn insert_with(pcscd: &Pcscd, state: &Path, setup: impl FnOnce(&mut SimCard)) -> Self {
        let mut card = SimCard::open(state).expect("open the card's state file");
        setup(&mut card);
        let stop = Arc::new(AtomicBool::new(false));
        let log: Arc<Mutex<Vec<String>>> = Arc::default();
        let thread = {
            let stop = Arc::clone(&stop);
            let log = Arc::clone(&log);
            std::thread::Builder::new()
                .name("cardsim-vpcd".into())
                .spawn(move || {
                    vpcd::attach(&mut card, vpcd::DEFAULT_ADDR, WAIT, &stop, &mut |line| {
                        log.lock().unwrap().push(line.to_owned())
                    })
                })
                .expect("start the card thread")
        };
        let mut attached = AttachedCard {
            events: 0,
            stop,
            thread: Some(thread),
            log,
        };
        if let Err(e) = pcscd.wait_for_card(VIRTUAL_READER, WAIT) {
            panic!(
                "the card did not show up: {e}\ncard log: {:?}",
                attached.log()
            );
        }
        attached.events = card_event_count(VIRTUAL_READER).expect("the reader's event count");
        attached
    }

    /// What the card logged so far: one line per event and per APDU
    /// (`APDU 00 20 00 80 (9 bytes) -> SW 9000, 0 data bytes`).
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// The headers and lengths of the APDUs the card received so far,
    /// as cardsim logs them (`00 20 00 80 (9 bytes)`).
    pub fn apdus(&self) -> Vec<String> {
        self.log()
            .iter()
            .filter_map(|l| l.strip_prefix("APDU "))
            .map(|l| l.split(" -> ").next().unwrap_or(l).to_owned())
            .collect()
    }

    /// Forgets the log (to look only at what comes next).
    pub fn clear_log(&self) {
        self.log.lock().unwrap().clear();
    }

    /// Takes the card off the reader and waits until pcscd sees it gone.
    pub fn remove(mut self, pcscd: &Pcscd) {
        let end = self.take_off().expect("the card thread ended cleanly");
        assert_eq!(end, Some(AttachEnd::Stopped));
        pcscd
            .wait_for_removal_since(VIRTUAL_READER, self.events, WAIT)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    fn take_off(&mut self) -> std::io::Result<Option<AttachEnd>> {
        self.stop.store(true, Ordering::SeqCst);
        match self.thread.take() {
            Some(t) => t
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the card thread panicked")))
                .map(Some),
            None => Ok(None),
        }
    }
}

impl Drop for AttachedCard {
    /// Takes the card off and waits (bounded) until pcscd has seen it go,
    /// so the next test (maybe on the same, reused pcscd) starts clean.
    fn drop(&mut self) {
        let attached = self.thread.is_some();
        let _ = self.take_off();
        if attached {
            let deadline = Instant::now() + WAIT;
            while Instant::now() < deadline
                && !(card_present(VIRTUAL_READER) != Some(true)
                    && card_event_count(VIRTUAL_READER) != Some(self.events))
            {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        if std::thread::panicking() {
            eprintln!("--- card log ---");
            for line in self.log.lock().unwrap().iter() {
                eprintln!("{line}");
            }
        }
    }
}

/// Runs a program with `stdin` as its input; fails the test if it does not
/// end within [`COMMAND_TIMEOUT`] (it is killed then).
pub fn run(program: impl AsRef<std::ffi::OsStr>, args: &[&str], stdin: &str) -> Output {
    run_with(program, args, stdin, &[], COMMAND_TIMEOUT)
}

/// [`run`] with extra environment variables and another time limit.
pub fn run_with(
    program: impl AsRef<std::ffi::OsStr>,
    args: &[&str],
    stdin: &str,
    env: &[(&str, &str)],
    timeout: Duration,
) -> Output {
    let program = program.as_ref().to_owned();
    let mut child = Command::new(&program)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program:?}: {e}"));
    // Readers on their own threads: a full pipe must not stall the child.
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    {
        let mut input = child.stdin.take().unwrap();
        let _ = input.write_all(stdin.as_bytes());
        // Dropped here: the child sees the end of its input.
    }
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{program:?} {args:?} did not finish within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// Runs `mynapoint` (the binary under test).
pub fn mynapoint(args: &[&str], stdin: &str) -> Output {
    run(env!("CARGO_BIN_EXE_mynapoint"), args, stdin)
}

/// The exit code, with the whole output in the message when it is not `want`.
#[track_caller]
pub fn assert_exit(out: &Output, want: i32) {
    assert_eq!(
        out.status.code(),
        Some(want),
        "exit status {:?}, expected {want}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Standard output as JSON.
#[track_caller]
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\n--- stderr ---\n{}",
            stdout(out),
            stderr(out)
        )
    })
}
