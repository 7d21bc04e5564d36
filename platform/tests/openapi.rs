//! `openapi.yaml` is the source of truth: its (method, path) set must be the
//! server's route table, and its error codes the server's.

use std::collections::{BTreeMap, BTreeSet};

use mynapoint_platform::{ErrorCode, OPENAPI_YAML, ROUTES, ROUTE_TABLE};
use serde_yaml::Value;

fn doc() -> Value {
    serde_yaml::from_str(OPENAPI_YAML).expect("openapi.yaml parses")
}

#[test]
fn the_document_is_openapi_3_1() {
    let doc = doc();
    assert_eq!(doc["openapi"].as_str(), Some("3.1.0"));
}

#[test]
fn paths_equal_the_route_table() {
    let doc = doc();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_mapping().unwrap() {
        for (method, _) in item.as_mapping().unwrap() {
            let method = method.as_str().unwrap();
            if ["get", "post", "put", "delete", "patch"].contains(&method) {
                documented.insert((method.to_uppercase(), path.as_str().unwrap().to_owned()));
            }
        }
    }
    let served: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, served);
}

#[test]
fn error_codes_equal_the_servers() {
    let doc = doc();
    let documented: BTreeSet<String> = doc["components"]["schemas"]["ErrorCode"]["enum"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    let served: BTreeSet<String> = ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    assert_eq!(documented, served);
    // Each code is described with its status.
    let description = doc["components"]["schemas"]["ErrorCode"]["description"]
        .as_str()
        .unwrap()
        .replace('\n', " ");
    for code in ErrorCode::ALL {
        let expected = format!("{} {}", code.as_str(), code.http_status());
        assert!(description.contains(&expected), "{expected}");
    }
}

#[test]
fn every_reference_resolves() {
    fn walk(v: &Value, refs: &mut Vec<String>) {
        match v {
            Value::Mapping(m) => {
                for (k, v) in m {
                    if k.as_str() == Some("$ref") {
                        refs.push(v.as_str().unwrap().to_owned());
                    } else {
                        walk(v, refs);
                    }
                }
            }
            Value::Sequence(s) => s.iter().for_each(|v| walk(v, refs)),
            _ => {}
        }
    }
    let doc = doc();
    let mut refs = Vec::new();
    walk(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        let mut node = &doc;
        for part in r.trim_start_matches("#/").split('/') {
            node = &node[part];
        }
        assert!(!node.is_null(), "{r} does not resolve");
    }
}

/// Each operation's documented statuses are its success and the statuses of
/// the errors its route declares (`ROUTE_TABLE`, which a debug build
/// enforces on every answer), and each error status names its codes.
#[test]
fn each_operation_documents_exactly_the_statuses_its_route_answers() {
    let doc = doc();
    let mut problems = Vec::new();
    for route in ROUTE_TABLE {
        let op = &doc["paths"][route.path][route.method.to_lowercase()];
        let responses = op["responses"].as_mapping().expect("responses");
        let documented: BTreeSet<u16> = responses
            .keys()
            .map(|k| k.as_str().unwrap().parse().expect("a numeric status"))
            .collect();
        let mut answered: BTreeMap<u16, BTreeSet<&str>> = BTreeMap::new();
        answered.entry(route.success).or_default();
        for r in route.errors() {
            answered
                .entry(r.status)
                .or_default()
                .insert(r.code.as_str());
        }
        let expected: BTreeSet<u16> = answered.keys().copied().collect();
        if documented != expected {
            problems.push(format!(
                "{} {}: documents {documented:?}, answers {expected:?}",
                route.method, route.path
            ));
            continue;
        }
        for (status, codes) in &answered {
            let response = resolve(&doc, &responses[status.to_string().as_str()]);
            let text = response["description"].as_str().unwrap_or_default();
            for code in codes {
                if !text.contains(&format!("`{code}`")) {
                    problems.push(format!(
                        "{} {} {status}: the description does not name `{code}`",
                        route.method, route.path
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A `$ref` followed to its target (one level).
fn resolve<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    match node["$ref"].as_str() {
        Some(r) => {
            let mut target = doc;
            for part in r.trim_start_matches("#/").split('/') {
                target = &target[part];
            }
            target
        }
        None => node,
    }
}
