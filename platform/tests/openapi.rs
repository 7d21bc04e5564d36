//! `openapi.yaml` is the source of truth: its (method, path) set must be the
//! server's route table, and its error codes the server's.

use std::collections::BTreeSet;

use mynapoint_platform::{ErrorCode, OPENAPI_YAML, ROUTES};
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
