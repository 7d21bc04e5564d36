//! Interoperability with a client nobody here wrote: OpenSC's JPKI driver
//! (`card-jpki.c`, `pkcs15-jpki.c`) against cardsim on the vpcd virtual
//! reader. If these fail while our own tests pass, cardsim answers something
//! the way no real card does (or OpenSC changed): run the failing command by
//! hand with `OPENSC_DEBUG=9` to see the APDUs.
//!
//! Needs OpenSC's tools (`pkcs15-tool`, `pkcs15-crypt`, `opensc-tool`) and
//! `openssl`; `scripts/test.sh` installs them.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use base64::Engine as _;
use mynapoint_core::card::CertificateInfo;
use mynapoint_e2e::VIRTUAL_READER;
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha2::{Digest, Sha256};
use support::*;

const R: &str = VIRTUAL_READER;
/// OpenSC's id of the "User Authentication Certificate" and of its key and
/// PIN (pkcs15-jpki.c).
const AUTH_ID: &str = "01";
/// How long one OpenSC or OpenSSL command may take.
const TOOL_TIMEOUT: Duration = Duration::from_secs(30);

/// OpenSC's tools for one test: the built-in defaults (a system opensc.conf
/// could switch drivers off) and no file cache (it would hide what the card
/// answers now), from a configuration in the test's temporary directory.
struct OpenSc {
    conf: PathBuf,
}

impl OpenSc {
    fn new(dir: &Path) -> Self {
        let conf = dir.join("opensc.conf");
        std::fs::write(
            &conf,
            "app default {\n    framework pkcs15 {\n        use_file_caching = no;\n    }\n}\n",
        )
        .expect("write the OpenSC configuration");
        OpenSc { conf }
    }

    /// Runs a tool, killed after [`TOOL_TIMEOUT`].
    fn run(&self, program: &str, args: &[&str]) -> Output {
        run_with(
            program,
            args,
            "",
            &[("OPENSC_CONF", path_str(&self.conf))],
            TOOL_TIMEOUT,
        )
    }

    /// Runs a tool that must succeed; returns its standard output.
    fn ok(&self, program: &str, args: &[&str]) -> String {
        let out = self.run(program, args);
        if !out.status.success() {
            panic!(
                "{program} {args:?} failed ({}); run it with OPENSC_DEBUG=9 to see the APDUs\n\
                 --- stdout ---\n{}\n--- stderr ---\n{}",
                out.status,
                stdout(&out),
                stderr(&out)
            );
        }
        stdout(&out)
    }

    fn list_pins(&self) -> String {
        self.ok("pkcs15-tool", &["--reader", R, "--list-pins"])
    }
}

/// Tries left per PIN label in `pkcs15-tool --list-pins` output.
fn tries_left(listing: &str, label: &str) -> u8 {
    let section = listing
        .split("PIN [")
        .find(|s| s.starts_with(&format!("{label}]")))
        .unwrap_or_else(|| panic!("no PIN [{label}] in:\n{listing}"));
    let line = section
        .lines()
        .find(|l| l.trim_start().starts_with("Tries left"))
        .unwrap_or_else(|| panic!("no tries left for {label}:\n{listing}"));
    line.rsplit(':')
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap_or_else(|e| panic!("{line:?}: {e}"))
}

fn pem_to_der(pem: &str) -> Vec<u8> {
    let body: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE-----"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END CERTIFICATE-----"))
        .collect();
    assert!(!body.is_empty(), "no PEM certificate in:\n{pem}");
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .expect("PEM base64")
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temporary path")
}

#[test]
fn opensc_reads_the_user_authentication_certificate() {
    let pcscd = pcscd();
    let dir = tempfile::tempdir().unwrap();
    let path = create_card(dir.path(), 0x0C00_0001);
    let _card = AttachedCard::insert(&pcscd, &path);
    let opensc = OpenSc::new(dir.path());

    let listing = opensc.ok("pkcs15-tool", &["--reader", R, "--list-certificates"]);
    let section = listing
        .split("X.509 Certificate [")
        .find(|s| s.starts_with("User Authentication Certificate]"))
        .unwrap_or_else(|| panic!("no user-authentication certificate:\n{listing}"));
    assert!(
        section.lines().any(|l| {
            let l = l.trim();
            l.starts_with("ID") && l.ends_with(&format!(": {AUTH_ID}"))
        }),
        "{section}"
    );
    assert!(section.contains("000a"), "path EF 000A: {section}");

    let pem = opensc.ok(
        "pkcs15-tool",
        &["--reader", R, "--read-certificate", AUTH_ID],
    );
    assert!(pem.contains("-----BEGIN CERTIFICATE-----"), "{pem}");
    assert_eq!(
        pem_to_der(&pem),
        load(&path).auth_cert,
        "OpenSC's certificate differs from the card's EF 000A"
    );
}

#[test]
fn opensc_sees_the_pin_counter_our_verify_spent() {
    let pcscd = pcscd();
    let dir = tempfile::tempdir().unwrap();
    let path = create_card(dir.path(), 0x0C00_0002);
    let _card = AttachedCard::insert(&pcscd, &path);
    let opensc = OpenSc::new(dir.path());

    let before = opensc.list_pins();
    assert_eq!(
        tries_left(&before, "User Authentication PIN"),
        3,
        "{before}"
    );
    assert_eq!(tries_left(&before, "Digital Signature PIN"), 5, "{before}");

    let out = mynapoint(
        &["card", "verify", "--pin-stdin", "--reader", R],
        &format!("{WRONG_PIN}\n"),
    );
    assert_exit(&out, 6);

    let after = opensc.list_pins();
    assert_eq!(tries_left(&after, "User Authentication PIN"), 2, "{after}");
    assert_eq!(tries_left(&after, "Digital Signature PIN"), 5, "{after}");
    // Asking OpenSC spent nothing.
    assert_eq!(auth_tries(&path), 2);
}

#[test]
fn opensc_tool_retry_counter_query_answers_63cx() {
    let pcscd = pcscd();
    let dir = tempfile::tempdir().unwrap();
    let path = create_card(dir.path(), 0x0C00_0003);
    let _card = AttachedCard::insert(&pcscd, &path);
    let opensc = OpenSc::new(dir.path());

    let query = |expect: &str| {
        let text = opensc.ok(
            "opensc-tool",
            &[
                "--reader",
                R,
                "-s",
                "00A4040C0AD392F000260100000001",
                "-s",
                "00A4020C020018",
                "-s",
                "00200080",
            ],
        );
        let answers: Vec<&str> = text.lines().filter(|l| l.starts_with("Received")).collect();
        assert_eq!(answers.len(), 3, "{text}");
        assert!(answers[0].contains("SW1=0x90, SW2=0x00"), "{text}");
        assert!(answers[1].contains("SW1=0x90, SW2=0x00"), "{text}");
        assert!(answers[2].contains(expect), "{text}");
    };
    query("SW1=0x63, SW2=0xC3");
    assert_eq!(auth_tries(&path), 3, "the query spent a try");

    let out = mynapoint(
        &["card", "verify", "--pin-stdin", "--reader", R],
        &format!("{WRONG_PIN}\n"),
    );
    assert_exit(&out, 6);
    query("SW1=0x63, SW2=0xC2");
}

#[test]
fn a_signature_made_by_opensc_verifies_with_the_certificate() {
    let pcscd = pcscd();
    let dir = tempfile::tempdir().unwrap();
    let path = create_card(dir.path(), 0x0C00_0004);
    let _card = AttachedCard::insert(&pcscd, &path);
    let opensc = OpenSc::new(dir.path());

    let data = b"signed by OpenSC through the JPKI driver\n";
    let data_file = dir.path().join("data.txt");
    std::fs::write(&data_file, data).unwrap();
    let digest: [u8; 32] = Sha256::digest(data).into();
    let digest_file = dir.path().join("digest.bin");
    std::fs::write(&digest_file, digest).unwrap();
    let sig_file = dir.path().join("sig.bin");

    opensc.ok(
        "pkcs15-crypt",
        &[
            "--reader",
            R,
            "--sign",
            "--sha-256",
            "--pkcs1",
            "--key",
            AUTH_ID,
            "--input",
            path_str(&digest_file),
            "--output",
            path_str(&sig_file),
            "--pin",
            PIN,
        ],
    );
    let signature = std::fs::read(&sig_file).unwrap();
    assert_eq!(signature.len(), 256, "RSA-2048 signature");

    // In Rust, against the card's certificate.
    let cert = CertificateInfo::parse(&load(&path).auth_cert).unwrap();
    let key = RsaPublicKey::from_public_key_der(&cert.public_key_der).unwrap();
    key.verify(Pkcs1v15Sign::new::<Sha256>(), &digest, &signature)
        .expect("OpenSC's signature verifies with the card's certificate");

    // And with openssl, against the certificate as OpenSC reads it.
    let pem = opensc.ok(
        "pkcs15-tool",
        &["--reader", R, "--read-certificate", AUTH_ID],
    );
    let cert_file = dir.path().join("cert.pem");
    std::fs::write(&cert_file, pem).unwrap();
    let pubkey = opensc.ok(
        "openssl",
        &["x509", "-in", path_str(&cert_file), "-pubkey", "-noout"],
    );
    let pubkey_file = dir.path().join("pub.pem");
    std::fs::write(&pubkey_file, pubkey).unwrap();
    let verified = opensc.ok(
        "openssl",
        &[
            "dgst",
            "-sha256",
            "-verify",
            path_str(&pubkey_file),
            "-signature",
            path_str(&sig_file),
            path_str(&data_file),
        ],
    );
    assert!(verified.contains("Verified OK"), "{verified}");
    // The same check fails for other data: openssl really checked.
    let other = dir.path().join("other.txt");
    std::fs::write(&other, b"something else").unwrap();
    let refused = opensc.run(
        "openssl",
        &[
            "dgst",
            "-sha256",
            "-verify",
            path_str(&pubkey_file),
            "-signature",
            path_str(&sig_file),
            path_str(&other),
        ],
    );
    assert!(!refused.status.success(), "{refused:?}");

    // The right PIN: the counter is full.
    assert_eq!(auth_tries(&path), 3);
}
