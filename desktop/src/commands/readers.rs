//! `mynapoint readers [--json]`

use std::io::Write;

use serde::Serialize;

use crate::cli::ReadersArgs;
use crate::readers::{self, ReaderError, ReaderInfo};
use crate::Failure;

#[derive(Serialize)]
struct Output<'a> {
    readers: &'a [ReaderInfo],
}

pub fn run(args: &ReadersArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let ctx = readers::establish()?;
    let list = readers::list(&ctx)?;
    if list.is_empty() {
        return Err(ReaderError::NoReader.into());
    }
    if args.json {
        crate::print_json(out, &Output { readers: &list })?;
    } else {
        write_table(out, &list).map_err(Failure::output)?;
    }
    Ok(())
}

fn write_table(out: &mut dyn Write, list: &[ReaderInfo]) -> std::io::Result<()> {
    writeln!(out, "{:<5} {:<4} NAME", "INDEX", "CARD")?;
    for r in list {
        let card = if r.card_present { "yes" } else { "no" };
        writeln!(out, "{:<5} {:<4} {}", r.index, card, r.name)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_layout() {
        let mut out = Vec::new();
        write_table(
            &mut out,
            &[
                ReaderInfo {
                    index: 0,
                    name: "Virtual PCD 00 00".into(),
                    card_present: false,
                },
                ReaderInfo {
                    index: 1,
                    name: "Virtual PCD 00 01".into(),
                    card_present: true,
                },
            ],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "INDEX CARD NAME\n\
             0     no   Virtual PCD 00 00\n\
             1     yes  Virtual PCD 00 01\n"
        );
    }

    #[test]
    fn json_layout() {
        let list = [ReaderInfo {
            index: 0,
            name: "Virtual PCD 00 00".into(),
            card_present: false,
        }];
        let v = serde_json::to_value(Output { readers: &list }).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"readers": [
                {"index": 0, "name": "Virtual PCD 00 00", "card_present": false}
            ]})
        );
    }
}
