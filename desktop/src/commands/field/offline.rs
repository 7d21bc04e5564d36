//! `field results`: the stored taps (offline).

use std::io::Write;

use serde_json::json;

use super::{failure, open_offline};
use crate::cli::FieldResults;
use crate::commands::card::rfc3339_utc;
use crate::{block_on, print_json, Failure};

/// `field results`.
pub fn results(args: &FieldResults, out: &mut dyn Write) -> Result<(), Failure> {
    let device = open_offline(&args.device)?;
    let records =
        block_on(device.session.results(args.project.as_deref())).map_err(|e| failure(&e))?;
    if args.device.json {
        let taps: Vec<_> = records
            .iter()
            .map(|r| {
                json!({
                    "tap_id": r.tap_id.as_str(),
                    "project_id": r.project_id,
                    "tapped_at": rfc3339_utc(r.tapped_at),
                    "offline_verdict": r.offline_verdict.as_str(),
                    "uploaded": r.outcome.is_some(),
                    "result": r.outcome.as_ref().map(|o| o.result.as_str()),
                    "reason": r.outcome.as_ref().and_then(|o| o.reason).map(|r| r.as_str()),
                    "my_key_id": r.outcome.as_ref().and_then(|o| o.my_key_id.clone()),
                    "points": r.outcome.as_ref().and_then(|o| o.points),
                })
            })
            .collect();
        return print_json(out, &json!({ "taps": taps }));
    }
    if records.is_empty() {
        writeln!(out, "no taps stored on this device").map_err(Failure::output)?;
        return Ok(());
    }
    for r in &records {
        let outcome = match &r.outcome {
            None => "not uploaded yet".to_owned(),
            Some(o) => {
                let mut text = o.result.as_str().replace('_', " ");
                if let Some(reason) = o.reason {
                    text.push_str(&format!(" ({})", reason.as_str().replace('_', " ")));
                }
                if let Some(p) = o.points {
                    text.push_str(&format!(", {p} points"));
                }
                text
            }
        };
        writeln!(
            out,
            "{}  project {}  {}  at the tap: {}  platform: {outcome}",
            r.tap_id.as_str(),
            r.project_id,
            rfc3339_utc(r.tapped_at),
            r.offline_verdict.as_str().replace('_', " "),
        )
        .map_err(Failure::output)?;
    }
    Ok(())
}
