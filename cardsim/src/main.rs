//! `cardsim`: create, inspect, administer and attach a software My Number Card.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cardsim::{card_ids, vpcd, App, CardSpec, PinId, Sex, SimCard, TestCa};
use clap::{Parser, Subcommand};
use der::Decode;
use x509_cert::Certificate;

#[derive(Parser)]
#[command(
    name = "cardsim",
    version,
    about = "A software My Number Card for tests and demonstrations"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Create a new card (fresh keys, certificates from the test CA) in a state file.
    Create(Box<CreateArgs>),
    /// Show a card: certificate serial, subject, validity, tries left (no PINs, no My Number).
    Show {
        #[arg(long)]
        state: PathBuf,
    },
    /// Municipal-counter reset: a full retry counter and (except code-a) a new value.
    ResetPin {
        #[arg(long)]
        state: PathBuf,
        /// auth, sign, card-info, code-a (照合番号A) or code-b (照合番号B)
        #[arg(long)]
        kind: PinId,
        /// The new value; required except for code-a (the My Number, which
        /// cannot be set) and optional for code-b (omitted: the value stays).
        #[arg(long)]
        new_pin: Option<String>,
    },
    /// Attach the card to PC/SC through vsmartcard's vpcd (runs until vpcd closes or SIGTERM).
    Attach {
        #[arg(long)]
        state: PathBuf,
        /// Address of vpcd.
        #[arg(long, default_value = vpcd::DEFAULT_ADDR)]
        vpcd: String,
        /// Refuse extended-length APDUs (6700), like a card behind a short-only reader.
        #[arg(long)]
        short_only: bool,
        /// Seconds to keep trying to reach vpcd.
        #[arg(long, default_value_t = 10)]
        connect_timeout: u64,
        /// Log only errors.
        #[arg(long)]
        quiet: bool,
    },
    /// Print the stable test CA certificate (PEM) that every default card chains to.
    CaCert,
    /// Generate a NEW stable test CA into DIR (maintainers only: servers trust the old one).
    #[command(hide = true)]
    GenerateTestCa {
        #[arg(long)]
        out_dir: PathBuf,
        #[arg(long)]
        force: bool,
    },
}

#[derive(clap::Args)]
struct CreateArgs {
    #[arg(long)]
    state: PathBuf,
    /// User-authentication PIN (4 digits).
    #[arg(long, default_value = "1234")]
    pin: String,
    /// Signature PIN (6–16 of A–Z0–9).
    #[arg(long, default_value = "ABC123")]
    sign_pin: String,
    /// Card-info PIN (4 digits).
    #[arg(long, default_value = "1234")]
    card_info_pin: String,
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    address: Option<String>,
    /// YYYYMMDD
    #[arg(long)]
    birth_date: Option<String>,
    /// 1 male, 2 female, 9 not applicable.
    #[arg(long, value_parser = parse_sex)]
    sex: Option<Sex>,
    /// 12 digits (default: random with a valid check digit).
    #[arg(long)]
    my_number: Option<String>,
    /// User-authentication certificate serial (default: random).
    #[arg(long)]
    serial: Option<u32>,
    /// Last 4 digits of 照合番号B (default: random).
    #[arg(long)]
    security_code: Option<String>,
    /// Card expiry year, the middle of 照合番号B (default: this year + 10).
    #[arg(long)]
    expiry_year: Option<u32>,
    /// All 14 digits of 照合番号B (overrides --security-code and --expiry-year).
    #[arg(long)]
    code_b: Option<String>,
    /// Certificate validity start: YYYY-MM-DD, YYYYMMDD, or +Nd / -Nd from now.
    #[arg(long, allow_hyphen_values = true, value_parser = parse_time)]
    not_before: Option<SystemTime>,
    /// Certificate validity end: YYYY-MM-DD, YYYYMMDD, or +Nd / -Nd from now.
    #[arg(long, allow_hyphen_values = true, value_parser = parse_time)]
    not_after: Option<SystemTime>,
    /// The card refuses extended-length APDUs.
    #[arg(long)]
    no_extended_length: bool,
    /// Replace an existing state file.
    #[arg(long)]
    force: bool,
}

fn main() -> ExitCode {
    // `cardsim show … | head` ends quietly, as Unix tools do, instead of a
    // panic on the closed pipe (Rust ignores SIGPIPE by default; the vpcd
    // socket is a std TcpStream, which sends with MSG_NOSIGNAL).
    #[cfg(unix)]
    // SAFETY: called first in main, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("cardsim: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Cmd) -> Result<(), String> {
    match command {
        Cmd::Create(args) => create(*args),
        Cmd::Show { state } => show(&state),
        Cmd::ResetPin {
            state,
            kind,
            new_pin,
        } => reset_pin(&state, kind, new_pin.as_deref()),
        Cmd::Attach {
            state,
            vpcd: addr,
            short_only,
            connect_timeout,
            quiet,
        } => attach(&state, &addr, short_only, connect_timeout, quiet),
        Cmd::CaCert => {
            print!("{}", cardsim::test_ca_certificate_pem());
            Ok(())
        }
        Cmd::GenerateTestCa { out_dir, force } => generate_test_ca(&out_dir, force),
    }
}

fn create(a: CreateArgs) -> Result<(), String> {
    let mut spec = CardSpec::new()
        .auth_pin(&a.pin)
        .sign_pin(&a.sign_pin)
        .card_info_pin(&a.card_info_pin)
        .extended_length(!a.no_extended_length);
    if let Some(v) = &a.name {
        spec = spec.name(v);
    }
    if let Some(v) = &a.address {
        spec = spec.address(v);
    }
    if let Some(v) = &a.birth_date {
        spec = spec.birth_date(v);
    }
    if let Some(v) = a.sex {
        spec = spec.sex(v);
    }
    if let Some(v) = &a.my_number {
        spec = spec.my_number(v);
    }
    if let Some(v) = a.serial {
        spec = spec.serial(v);
    }
    if let Some(v) = &a.security_code {
        spec = spec.security_code(v);
    }
    if let Some(v) = a.expiry_year {
        spec = spec.expiry_year(v);
    }
    if let Some(v) = &a.code_b {
        spec = spec.code_b(v);
    }
    if let Some(v) = a.not_before {
        spec = spec.not_before(v);
    }
    if let Some(v) = a.not_after {
        spec = spec.not_after(v);
    }
    let card = if a.force {
        SimCard::create_file_replacing(&a.state, spec)
    } else {
        SimCard::create_file(&a.state, spec)
    }
    .map_err(|e| e.to_string())?;
    println!("created {}", a.state.display());
    print_card(&card)
}

fn reset_pin(path: &Path, kind: PinId, new_pin: Option<&str>) -> Result<(), String> {
    // Check the arguments before opening the card: bad input changes nothing.
    match (kind, new_pin) {
        (PinId::CodeA, Some(_)) => {
            return Err(format!(
                "the {kind} is the card's My Number and cannot be set: omit --new-pin"
            ))
        }
        (PinId::CodeA | PinId::CodeB, None) | (_, Some(_)) => {}
        (_, None) => return Err(format!("--new-pin is required to reset the {kind}")),
    }
    let mut card = SimCard::open(path).map_err(|e| e.to_string())?;
    match new_pin {
        Some(value) => card.reset_pin(kind, value),
        None => card.reset_counter(kind),
    }
    .map_err(|e| e.to_string())?;
    println!("{kind} reset: {} tries", kind.max_tries());
    Ok(())
}

fn show(path: &Path) -> Result<(), String> {
    let card = SimCard::open(path).map_err(|e| e.to_string())?;
    print_card(&card)
}

fn print_card(card: &SimCard) -> Result<(), String> {
    let state = card.state();
    let cert = Certificate::from_der(&state.auth_cert).map_err(|e| e.to_string())?;
    let tbs = &cert.tbs_certificate;
    let serial = tbs.serial_number.as_bytes();
    let start = serial.iter().position(|b| *b != 0).unwrap_or(serial.len());
    let serial = &serial[start..];
    let hex: String = serial.iter().map(|b| format!("{b:02X}")).collect();
    let decimal = serial
        .iter()
        .fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
    let not_before = tbs.validity.not_before.to_system_time();
    let not_after = tbs.validity.not_after.to_system_time();
    let now = SystemTime::now();
    let status = if now < not_before {
        "not yet valid"
    } else if now > not_after {
        "expired"
    } else {
        "valid now"
    };
    let ca = if state.ca_cert == cardsim::test_ca_certificate_der() {
        "the stable test CA"
    } else {
        "another CA (not the stable test CA)"
    };
    println!("user-authentication certificate");
    println!("  serial:     {hex} ({decimal})");
    println!("  subject:    {}", tbs.subject);
    println!("  issuer:     {} — {ca}", tbs.issuer);
    println!("  not before: {}", tbs.validity.not_before);
    println!("  not after:  {} ({status})", tbs.validity.not_after);
    println!("card expiry year: {}", state.card_expiry_year);
    println!(
        "extended length: {}",
        if state.extended_length { "on" } else { "off" }
    );
    println!("tries left (key reference)");
    for pin in PinId::ALL {
        let left = card.tries_left(pin);
        let lock = if left == 0 { " (LOCKED)" } else { "" };
        let tries = format!("{left}/{}{lock}", pin.max_tries());
        let key = format!("{} {:04X}", pin.app().as_str(), pin.ef());
        println!("  {:<10} {tries:<14} {key}", pin.as_str());
    }
    let blocked = format!(
        "{} {:04X}",
        App::CardInfo.as_str(),
        card_ids::card_info::BLOCKED
    );
    println!("  {:<10} {:<14} {blocked}", "blocked", "0 (as issued)");
    Ok(())
}

fn attach(
    path: &Path,
    addr: &str,
    short_only: bool,
    connect_timeout: u64,
    quiet: bool,
) -> Result<(), String> {
    let mut card = SimCard::open(path).map_err(|e| e.to_string())?;
    if short_only {
        card.set_extended_length(false);
    }
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(signal, Arc::clone(&stop)).map_err(|e| e.to_string())?;
    }
    let mut log = |line: &str| {
        if !quiet {
            eprintln!("cardsim: {line}");
        }
    };
    let end = vpcd::attach(
        &mut card,
        addr,
        Duration::from_secs(connect_timeout),
        &stop,
        &mut log,
    )
    .map_err(|e| e.to_string())?;
    log(&format!("detached ({end:?})"));
    Ok(())
}

fn generate_test_ca(dir: &Path, force: bool) -> Result<(), String> {
    let key_path = dir.join("test-ca.key.pem");
    let cert_path = dir.join("test-ca.cert.pem");
    let occupied = |p: &Path| p.metadata().is_ok_and(|m| m.len() > 0);
    if !force && (occupied(&key_path) || occupied(&cert_path)) {
        return Err(format!(
            "{} already holds a test CA (use --force to replace it)",
            dir.display()
        ));
    }
    let ca = TestCa::generate_fixture().map_err(|e| e.to_string())?;
    let key = ca.private_key_pem().map_err(|e| e.to_string())?;
    std::fs::write(&key_path, key.as_bytes()).map_err(|e| e.to_string())?;
    std::fs::write(&cert_path, ca.certificate_pem()).map_err(|e| e.to_string())?;
    println!("wrote {} and {}", key_path.display(), cert_path.display());
    Ok(())
}

fn parse_sex(s: &str) -> Result<Sex, String> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Sex::from_code(c),
        _ => None,
    }
    .ok_or_else(|| "use 1 (male), 2 (female) or 9 (n/a)".into())
}

/// `YYYY-MM-DD`, `YYYYMMDD` (midnight UTC) or `+Nd` / `-Nd` days from now.
fn parse_time(s: &str) -> Result<SystemTime, String> {
    if let Some(days) = s.strip_suffix('d') {
        let (sign, n) = match days.as_bytes().first() {
            Some(b'+') => (1, &days[1..]),
            Some(b'-') => (-1, &days[1..]),
            _ => (0, ""),
        };
        if sign != 0 {
            let n: u64 = n
                .parse()
                .map_err(|_| format!("{s:?}: expected +Nd or -Nd"))?;
            let span = Duration::from_secs(n * 86_400);
            let now = SystemTime::now();
            return Ok(if sign > 0 { now + span } else { now - span });
        }
    }
    let digits: String = s.chars().filter(|c| *c != '-').collect();
    let (y, m, d) = cardsim::personal::parse_date(&digits)
        .map_err(|_| format!("{s:?}: expected YYYY-MM-DD, YYYYMMDD, +Nd or -Nd"))?;
    let year = u16::try_from(y).map_err(|e| e.to_string())?;
    der::DateTime::new(year, m as u8, d as u8, 0, 0, 0)
        .map(|t| t.to_system_time())
        .map_err(|e| format!("{s:?}: {e}"))
}
