//! The platform's layers point one way: `http` (routes, extraction,
//! answers) over `rules` (the domain's rules, no HTTP library, no SQL) over
//! `store` (the tables, on transactions), with `clock`, `config` and
//! `crypto` under all three; `server` wires them. A module may name
//! (`crate::x`, or `x` in a `use crate::{…}` group) only its own layer and
//! those below it.

use std::fs;
use std::path::{Path, PathBuf};

/// The layer of each top-level module of `platform/src`, lowest first.
const LAYERS: &[(&str, u8)] = &[
    ("clock", 0),
    ("config", 0),
    ("crypto", 0),
    ("store", 1),
    ("rules", 2),
    ("http", 3),
    ("server", 4),
    ("cli", 4),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// Every `.rs` file under `src`, with the top-level module it belongs to
/// (`None` for the crate roots `lib.rs` and `main.rs`).
fn sources() -> Vec<(Option<String>, PathBuf)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).expect("readable source folder") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(&src).expect("under src");
                let first = relative
                    .components()
                    .next()
                    .expect("a component")
                    .as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_owned();
                let module = (first != "lib" && first != "main").then_some(first);
                found.push((module, path));
            }
        }
    }
    found
}

/// The top-level modules a source text names through `crate::`.
fn named_modules(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `use crate::{a, b::c, …}` on one line (rustfmt splits long
                // groups; the multi-line form is caught below).
                let inner = group.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    push_name(&mut names, item.trim());
                }
            } else {
                push_name(&mut names, rest);
            }
        }
    }
    // Multi-line groups: `use crate::{` then one item per line.
    let compact: String = text.split_whitespace().collect();
    for (i, _) in compact.match_indices("usecrate::{") {
        let inner = compact[i + "usecrate::{".len()..]
            .split(';')
            .next()
            .unwrap_or("");
        let mut depth = 0usize;
        let mut start = true;
        for (j, c) in inner.char_indices() {
            if start && depth == 0 {
                push_name(&mut names, &inner[j..]);
            }
            start = false;
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => start = true,
                _ => {}
            }
        }
    }
    names
}

fn push_name(names: &mut Vec<String>, text: &str) {
    let name: String = text
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if !name.is_empty() && !names.contains(&name) {
        names.push(name);
    }
}

#[test]
fn the_scanner_sees_every_form_of_naming() {
    let text = "use crate::store::Store;\nuse crate::{clock, http::AppState};\n\
                fn f() -> crate::rules::Platform {}\nuse crate::{\n    config::Config,\n    crypto,\n};\n\
                // crate::server in a comment is no arrow\n";
    let mut names = named_modules(text);
    names.sort();
    assert_eq!(
        names,
        ["clock", "config", "crypto", "http", "rules", "store"]
    );
}

#[test]
fn every_module_has_a_layer() {
    for (module, path) in sources() {
        if let Some(module) = module {
            assert!(
                layer(&module).is_some(),
                "{}: module `{module}` has no layer in tests/layers.rs",
                path.display()
            );
        }
    }
}

#[test]
fn no_module_names_a_higher_layer() {
    let mut wrong = Vec::new();
    for (module, path) in sources() {
        let Some(module) = module else { continue };
        let own = layer(&module).expect("every module has a layer");
        let text = fs::read_to_string(&path).expect("readable source");
        for named in named_modules(&text) {
            match layer(&named) {
                Some(l) if l > own => wrong.push(format!(
                    "{} ({module}, layer {own}) names `{named}` (layer {l})",
                    path.display()
                )),
                _ => {}
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "arrows pointing up:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_rules_know_no_http_library_and_no_sql() {
    let mut wrong = Vec::new();
    for (module, path) in sources() {
        let forbidden: &[&str] = match module.as_deref() {
            Some("rules") => &["axum", "tower", "rusqlite"],
            Some("store") => &["axum", "tower"],
            _ => continue,
        };
        let text = fs::read_to_string(&path).expect("readable source");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in forbidden {
                if code.contains(word) {
                    wrong.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
