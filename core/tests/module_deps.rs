//! The arrows between core's modules point one way. A module that must not
//! know another may not name it anywhere in its source (a `use`, a path in
//! code or in a doc link): the card layer applies the PIN policy, the PIN
//! policy knows nothing of the card layer; the session frame serves every
//! flow and knows none of them; the card layer knows no flow and no frame.

use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `core/src/<module>` (or the file `<module>.rs`).
fn sources(module: &str) -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let file = src.join(format!("{module}.rs"));
    if file.is_file() {
        found.push(file);
    }
    let mut dirs = vec![src.join(module)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    assert!(!found.is_empty(), "no sources for core module `{module}`");
    found
}

/// Whether `text` at `i` is followed by a character that ends a name.
fn name_ends(text: &str, i: usize) -> bool {
    !text[i..]
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// Whether a `use crate::{…}` group in `compact` (the source without
/// whitespace) names `other` at its top level.
fn grouped_use_names(compact: &str, other: &str) -> bool {
    compact.match_indices("crate::{").any(|(i, opening)| {
        let mut depth = 0usize;
        let mut item_start = true;
        for (j, c) in compact[i + opening.len()..].char_indices() {
            let at = i + opening.len() + j;
            if item_start
                && depth == 0
                && compact[at..].starts_with(other)
                && name_ends(compact, at + other.len())
            {
                return true;
            }
            item_start = false;
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => return false,
                '}' => depth -= 1,
                ',' if depth == 0 => item_start = true,
                _ => {}
            }
        }
        false
    })
}

/// The places in `module`'s sources that name `other` (`crate::other`,
/// `super::other`, or `other` in a `use crate::{…}` group).
fn mentions(module: &str, other: &str) -> Vec<String> {
    let needles = [format!("crate::{other}"), format!("super::{other}")];
    let mut hits = Vec::new();
    for path in sources(module) {
        let text = fs::read_to_string(&path).expect("readable source");
        for (n, line) in text.lines().enumerate() {
            let names_it = needles.iter().any(|needle| {
                line.match_indices(needle.as_str())
                    .any(|(i, _)| name_ends(line, i + needle.len()))
            });
            if names_it {
                hits.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if grouped_use_names(&compact, other) {
            hits.push(format!(
                "{}: a `use crate::{{…}}` names {other}",
                path.display()
            ));
        }
    }
    hits
}

#[track_caller]
fn assert_independent(module: &str, of: &[&str]) {
    for other in of {
        let hits = mentions(module, other);
        assert!(
            hits.is_empty(),
            "core::{module} must not depend on core::{other}:\n{}",
            hits.join("\n")
        );
    }
}

#[test]
fn the_pin_policy_knows_nothing_of_the_card_layer() {
    assert_independent("pin", &["card", "session_frame", "resident", "platform"]);
}

#[test]
fn the_card_layer_knows_no_flow_and_no_frame() {
    assert_independent("card", &["session_frame", "resident", "platform"]);
}

#[test]
fn the_session_frame_knows_no_flow() {
    assert_independent("session_frame", &["resident", "platform"]);
}

#[test]
fn the_field_flow_and_the_resident_flow_know_nothing_of_each_other() {
    assert_independent("field", &["resident"]);
    assert_independent("resident", &["field"]);
    assert_independent("card", &["field", "secret_store"]);
    assert_independent("session_frame", &["field"]);
    assert_independent("platform", &["field"]);
}

#[test]
fn the_check_sees_a_dependency_when_there_is_one() {
    // The resident flow does use the card layer, the PIN policy and the frame:
    // a check that never finds anything would prove nothing above.
    for other in ["card", "pin", "session_frame"] {
        assert!(
            !mentions("resident", other).is_empty(),
            "core::resident names core::{other}"
        );
    }
    assert!(mentions("card", "pin")
        .iter()
        .any(|h| h.contains("session.rs")));
}
