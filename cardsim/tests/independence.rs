//! cardsim is an independent implementation of the card: nothing under
//! `cardsim/src` may use the product's core for anything but the
//! `CardTransport` trait family it implements. Its constants, APDU parser and
//! status words are its own, so a wrong belief in the core (such as the
//! 照合番号B key reference) cannot pass through the simulator unnoticed.

use std::path::{Path, PathBuf};

/// The only items of the core cardsim may name.
const ALLOWED: [&str; 3] = ["CardTransport", "ReaderCapabilities", "TransportError"];

fn cardsim_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every use of the core in `source` that is not one of [`ALLOWED`] under
/// `mynapoint_core::card::`, as `line: text`. Comment lines are skipped.
fn forbidden_uses(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let mut rest = code;
        while let Some(at) = rest.find("mynapoint_core") {
            let after = &rest[at + "mynapoint_core".len()..];
            if !allowed_path(after) {
                found.push(format!("{}: {}", n + 1, line.trim()));
                break;
            }
            rest = after;
        }
    }
    found
}

/// `after` follows `mynapoint_core`: it must be `::card::Item` or
/// `::card::{Item, …}` with only allowed items (no glob, no alias of the crate).
fn allowed_path(after: &str) -> bool {
    let Some(tail) = after.strip_prefix("::card::") else {
        return false;
    };
    let items: Vec<&str> = if let Some(group) = tail.strip_prefix('{') {
        let Some(end) = group.find('}') else {
            return false; // a group over several lines: spell it on one
        };
        group[..end].split(',').map(str::trim).collect()
    } else {
        let end = tail
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '*'))
            .unwrap_or(tail.len());
        vec![&tail[..end]]
    };
    items
        .iter()
        .filter(|item| !item.is_empty())
        .all(|item| ALLOWED.contains(item))
}

#[test]
fn the_checker_catches_what_it_must() {
    let bad = [
        "use mynapoint_core::card::StatusWord;",
        "use mynapoint_core::card::apdu::{ins, Command};",
        "use mynapoint_core::card::files::{card_info, jpki};",
        "use mynapoint_core::card::{CardTransport, Sex};",
        "use mynapoint_core::card::*;",
        "use mynapoint_core::pin::PinKind;",
        "use mynapoint_core as core;",
        "let x = mynapoint_core::card::files::card_info::CODE_B;",
        "use mynapoint_core::{card::StatusWord};",
    ];
    for line in bad {
        assert_eq!(forbidden_uses(line).len(), 1, "{line}");
    }
    let good = [
        "use mynapoint_core::card::{CardTransport, ReaderCapabilities, TransportError};",
        "use mynapoint_core::card::CardTransport;",
        "impl mynapoint_core::card::CardTransport for X {}",
        "//! cardsim uses nothing of `mynapoint_core::card::files`",
    ];
    for line in good {
        assert!(forbidden_uses(line).is_empty(), "{line}");
    }
}

#[test]
fn cardsim_sources_use_only_the_transport_traits_of_the_core() {
    let mut files = Vec::new();
    rust_files(&cardsim_dir().join("src"), &mut files);
    assert!(files.len() >= 10, "found the sources: {files:?}");
    let mut offences = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        for hit in forbidden_uses(&source) {
            offences.push(format!("{}:{hit}", file.display()));
        }
    }
    assert!(
        offences.is_empty(),
        "cardsim must not share the core's beliefs (constants, parser, status words, \
         types); use cardsim's own card_ids, command_apdu, Sw:\n{}",
        offences.join("\n")
    );
}

#[test]
fn the_core_is_a_plain_dependency_under_its_own_name() {
    // A renamed dependency (`core2 = { package = "mynapoint-core" }`) would
    // escape the source check above.
    let manifest = std::fs::read_to_string(cardsim_dir().join("Cargo.toml")).unwrap();
    let lines: Vec<&str> = manifest
        .lines()
        .map(str::trim)
        .filter(|l| l.contains("mynapoint"))
        .collect();
    assert_eq!(lines, ["mynapoint-core.workspace = true"], "{manifest}");
    assert!(!manifest.contains("package ="), "no renamed dependencies");
}
