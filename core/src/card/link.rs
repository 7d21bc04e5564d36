//! One tap's connection to the card: exchanges with tracing, the selection the
//! card is in (so no SELECT is sent twice), and file reads sized from their
//! TLV header.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::apdu::{ins, ApduError, Command, Response};
use super::error::CardError;
use super::status::{StatusKind, StatusWord};
use super::tlv;
use super::trace::{Trace, TraceEntry, TraceOutcome};
use super::transport::{CardTransport, ReaderCapabilities};
use crate::pin::PinKind;

/// How the reader reads files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadStrategy {
    /// Short READ BINARY only (Le ≤ 256): every phone can do it.
    Short,
    /// One extended READ BINARY for the whole file when the reader allows it.
    Extended,
}

/// A connection to the card for the time it stays in the field.
pub struct CardLink {
    transport: Arc<dyn CardTransport>,
    caps: ReaderCapabilities,
    trace: Trace,
    selected_ap: Option<[u8; 10]>,
    selected_ef: Option<u16>,
    /// Secrets verified in this power session, as the card sees it.
    verified: BTreeSet<PinKind>,
    /// The card answered `6700` to an extended read: short reads from now on.
    extended_refused: bool,
}

impl CardLink {
    pub fn new(transport: Arc<dyn CardTransport>) -> Self {
        let caps = transport.capabilities();
        Self {
            transport,
            caps,
            trace: Trace::default(),
            selected_ap: None,
            selected_ef: None,
            verified: BTreeSet::new(),
            extended_refused: false,
        }
    }

    pub fn capabilities(&self) -> ReaderCapabilities {
        self.caps
    }

    pub fn read_strategy(&self) -> ReadStrategy {
        if self.caps.extended_length
            && self.caps.max_response_data() > 256
            && !self.extended_refused
        {
            ReadStrategy::Extended
        } else {
            ReadStrategy::Short
        }
    }

    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    pub(crate) fn is_verified(&self, kind: PinKind) -> bool {
        self.verified.contains(&kind)
    }

    pub(crate) fn mark_verified(&mut self, kind: PinKind) {
        self.verified.insert(kind);
    }

    /// Sends one command; handles `61xx` (GET RESPONSE) and `6Cxx` (re-send
    /// with the exact Le) the way T=0 readers need. Every exchange is traced.
    pub async fn exchange(&mut self, cmd: &Command) -> Result<Response, CardError> {
        let mut response = self.exchange_once(cmd).await?;
        if let StatusKind::WrongLe(n) = response.sw.kind() {
            if cmd.le.is_some() {
                let again = cmd.clone().with_le(if n == 0 { 256 } else { n as usize });
                response = self.exchange_once(&again).await?;
            }
        }
        let mut guard = 0;
        while let StatusKind::MoreData(n) = response.sw.kind() {
            guard += 1;
            if guard > 256 {
                return Err(CardError::Malformed("endless GET RESPONSE chain".into()));
            }
            let get = Command::new(0x00, ins::GET_RESPONSE, 0, 0).with_le(if n == 0 {
                256
            } else {
                n as usize
            });
            let more = self.exchange_once(&get).await?;
            response.data.extend_from_slice(&more.data);
            response.sw = more.sw;
        }
        Ok(response)
    }

    async fn exchange_once(&mut self, cmd: &Command) -> Result<Response, CardError> {
        let bytes = cmd.encode()?;
        if bytes.len() > self.caps.max_command_len {
            return Err(ApduError::TooLongForReader {
                len: bytes.len(),
                max: self.caps.max_command_len,
            }
            .into());
        }
        match self.transport.transceive(&bytes).await {
            Ok(raw) => {
                let parsed = Response::parse(&raw);
                let outcome = match &parsed {
                    Ok(r) => TraceOutcome::Answered {
                        response_len: r.data.len(),
                        sw: r.sw,
                    },
                    Err(e) => TraceOutcome::Failed(e.to_string()),
                };
                self.trace.push(TraceEntry::new(cmd, bytes.len(), outcome));
                // The command reached the card: a broken answer is not a
                // pre-send error (a VERIFY may have counted).
                parsed.map_err(|e| CardError::Malformed(e.to_string()))
            }
            Err(e) => {
                self.trace.push(TraceEntry::new(
                    cmd,
                    bytes.len(),
                    TraceOutcome::Failed(e.to_string()),
                ));
                // Whatever the card was doing, its selection is unknown now.
                self.selected_ap = None;
                self.selected_ef = None;
                self.verified.clear();
                Err(e.into())
            }
        }
    }

    /// Selects an application by AID unless it is already selected.
    /// `6A82` means the card is not what the caller expects.
    pub async fn select_application(
        &mut self,
        aid: &[u8; 10],
        name: &'static str,
    ) -> Result<(), CardError> {
        if self.selected_ap.as_ref() == Some(aid) {
            return Ok(());
        }
        let cmd = Command::new(0x00, ins::SELECT, 0x04, 0x0C).with_data(aid.to_vec());
        let r = self.exchange(&cmd).await?;
        match r.sw.kind() {
            StatusKind::Ok => {
                self.selected_ap = Some(*aid);
                self.selected_ef = None;
                // The card drops the security status of the application it left.
                self.verified.clear();
                Ok(())
            }
            StatusKind::NotFound => Err(CardError::NotMyNumberCard(name)),
            _ => Err(CardError::Refused {
                command: "SELECT application",
                sw: r.sw,
            }),
        }
    }

    /// Selects an elementary file of the current application.
    pub async fn select_file(&mut self, ef: u16) -> Result<(), CardError> {
        if self.selected_ef == Some(ef) {
            return Ok(());
        }
        let cmd = Command::new(0x00, ins::SELECT, 0x02, 0x0C).with_data(ef.to_be_bytes().to_vec());
        let r = self.exchange(&cmd).await?;
        if !r.sw.is_ok() {
            return Err(CardError::Refused {
                command: "SELECT file",
                sw: r.sw,
            });
        }
        self.selected_ef = Some(ef);
        Ok(())
    }

    /// One READ BINARY of the selected file.
    pub async fn read_binary(&mut self, offset: usize, le: usize) -> Result<Vec<u8>, CardError> {
        if offset > 0x7FFF {
            return Err(CardError::Malformed(format!(
                "offset {offset} beyond READ BINARY's 15 bits"
            )));
        }
        let cmd =
            Command::new(0x00, ins::READ_BINARY, (offset >> 8) as u8, offset as u8).with_le(le);
        let r = self.exchange(&cmd).await?;
        match r.sw.kind() {
            StatusKind::Ok => Ok(r.data),
            StatusKind::SecurityNotSatisfied => Err(CardError::NotVerified("PIN")),
            _ => Err(CardError::Refused {
                command: "READ BINARY",
                sw: r.sw,
            }),
        }
    }

    /// The largest Le for one read with this reader.
    pub fn max_read(&self) -> usize {
        match self.read_strategy() {
            ReadStrategy::Short => self.caps.max_response_data().min(256),
            ReadStrategy::Extended => self.caps.max_response_data(),
        }
    }

    /// Reads the first chunk of the selected file: as much as one READ BINARY
    /// carries. With extended length that is usually the whole file.
    /// A card that refuses extended length (`6700`) is read with short reads.
    pub async fn read_first_chunk(&mut self) -> Result<Vec<u8>, CardError> {
        let le = self.max_read();
        match self.read_binary(0, le).await {
            Err(CardError::Refused { sw, .. }) if le > 256 && sw == StatusWord::WRONG_LENGTH => {
                self.extended_refused = true;
                let le = self.max_read();
                self.read_binary(0, le).await
            }
            other => other,
        }
    }

    /// Completes a TLV-sized file whose first bytes were read already: reads
    /// exactly what the header says is missing, never past the end.
    pub async fn read_rest(&mut self, mut data: Vec<u8>) -> Result<Vec<u8>, CardError> {
        let total = tlv::read_header(&data)?.total_len();
        let step = self.max_read();
        while data.len() < total {
            let want = (total - data.len()).min(step);
            let chunk = self.read_binary(data.len(), want).await?;
            if chunk.is_empty() {
                return Err(CardError::Malformed(format!(
                    "file ends at {} bytes, its header says {total}",
                    data.len()
                )));
            }
            data.extend_from_slice(&chunk);
        }
        data.truncate(total);
        Ok(data)
    }

    /// Reads a whole TLV-sized file that is already selected.
    pub async fn read_tlv_file(&mut self) -> Result<Vec<u8>, CardError> {
        let first = self.read_first_chunk().await?;
        self.read_rest(first).await
    }

    /// Retry-counter query: the 4-byte `00 20 00 80` on the selected PIN file.
    /// Never spends a try.
    pub async fn query_retry_counter(&mut self) -> Result<StatusWord, CardError> {
        let cmd = Command::new(0x00, ins::VERIFY, 0x00, 0x80);
        Ok(self.exchange(&cmd).await?.sw)
    }
}
