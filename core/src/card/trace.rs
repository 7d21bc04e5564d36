//! A diagnostic record of every exchange with the card.
//!
//! VERIFY (and other PIN-carrying) data bytes are never stored: the trace keeps
//! only their count. Response data is summarised by its length, because files
//! such as the basic four items hold personal data.

use std::collections::VecDeque;
use std::fmt;

use super::apdu::{carries_secret, Command};
use super::status::StatusWord;

/// How one exchange ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceOutcome {
    Answered { response_len: usize, sw: StatusWord },
    Failed(String),
}

/// One exchange, safe to show, log or attach to a bug report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceEntry {
    pub header: [u8; 4],
    /// Command data, or `None` when it was a secret and was redacted.
    pub data: Option<Vec<u8>>,
    pub data_len: usize,
    pub le: Option<usize>,
    /// Bytes on the wire in each direction.
    pub sent_bytes: usize,
    pub outcome: TraceOutcome,
}

impl TraceEntry {
    pub fn new(cmd: &Command, sent_bytes: usize, outcome: TraceOutcome) -> Self {
        let redact = carries_secret(cmd.ins) && !cmd.data.is_empty();
        Self {
            header: [cmd.cla, cmd.ins, cmd.p1, cmd.p2],
            data: (!redact).then(|| cmd.data.to_vec()),
            data_len: cmd.data.len(),
            le: cmd.le,
            sent_bytes,
            outcome,
        }
    }

    pub fn received_bytes(&self) -> usize {
        match &self.outcome {
            TraceOutcome::Answered { response_len, .. } => *response_len + 2,
            TraceOutcome::Failed(_) => 0,
        }
    }
}

impl fmt::Display for TraceEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [cla, ins, p1, p2] = self.header;
        write!(f, "> {cla:02X} {ins:02X} {p1:02X} {p2:02X}")?;
        match &self.data {
            Some(data) if !data.is_empty() => {
                write!(f, " [{}]", data.len())?;
                for b in data {
                    write!(f, " {b:02X}")?;
                }
            }
            Some(_) => {}
            None => write!(f, " [{}] <redacted>", self.data_len)?,
        }
        if let Some(le) = self.le {
            write!(f, " Le={le}")?;
        }
        match &self.outcome {
            TraceOutcome::Answered { response_len, sw } => {
                write!(f, "  < {response_len} bytes, {sw}")
            }
            TraceOutcome::Failed(why) => write!(f, "  < failed: {why}"),
        }
    }
}

/// Totals over a trace: what the benchmark reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TraceTotals {
    pub apdus: usize,
    pub bytes_sent: usize,
    pub bytes_received: usize,
}

/// A bounded ring of the latest exchanges.
#[derive(Debug, Clone)]
pub struct Trace {
    entries: VecDeque<TraceEntry>,
    capacity: usize,
    total: TraceTotals,
}

impl Default for Trace {
    fn default() -> Self {
        Self::with_capacity(256)
    }
}

impl Trace {
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: VecDeque::with_capacity(capacity.min(64)),
            capacity: capacity.max(1),
            total: TraceTotals::default(),
        }
    }

    pub fn push(&mut self, entry: TraceEntry) {
        self.total.apdus += 1;
        self.total.bytes_sent += entry.sent_bytes;
        self.total.bytes_received += entry.received_bytes();
        tracing::debug!(target: "mynapoint::apdu", "{entry}");
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// The retained entries, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = &TraceEntry> {
        self.entries.iter()
    }

    /// Totals since the trace was created (not limited by capacity).
    pub fn totals(&self) -> TraceTotals {
        self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::apdu::ins;

    #[test]
    fn verify_data_never_enters_the_trace() {
        let verify = Command::new(0x00, ins::VERIFY, 0x00, 0x80).with_data(b"4321".to_vec());
        let mut trace = Trace::default();
        trace.push(TraceEntry::new(
            &verify,
            9,
            TraceOutcome::Answered {
                response_len: 0,
                sw: StatusWord(0x63C2),
            },
        ));
        let entry = trace.entries().next().unwrap();
        assert_eq!(entry.data, None);
        assert_eq!(entry.data_len, 4);
        let text = entry.to_string();
        assert!(text.contains("<redacted>"), "{text}");
        assert!(!text.contains("34 33 32 31"), "{text}");
        assert!(!format!("{entry:?}").contains("52, 51"), "{entry:?}");
    }

    #[test]
    fn other_commands_keep_their_data_and_totals_add_up() {
        let select = Command::new(0x00, ins::SELECT, 0x02, 0x0C).with_data(vec![0x00, 0x0A]);
        let mut trace = Trace::with_capacity(1);
        for _ in 0..3 {
            trace.push(TraceEntry::new(
                &select,
                7,
                TraceOutcome::Answered {
                    response_len: 10,
                    sw: StatusWord::OK,
                },
            ));
        }
        assert_eq!(trace.entries().count(), 1, "bounded by capacity");
        assert_eq!(
            trace.entries().next().unwrap().data.as_deref(),
            Some(&[0x00, 0x0A][..])
        );
        assert_eq!(
            trace.totals(),
            TraceTotals {
                apdus: 3,
                bytes_sent: 21,
                bytes_received: 36
            }
        );
    }
}
