//! One tap's connection to the card: exchanges with tracing, and the
//! selection the card is in (so no SELECT is sent twice). File reads, which
//! may be retried, are in [`super::read`].
//!
//! `exchange` sends a command exactly once: nothing here re-sends a command
//! on its own, so a VERIFY can never be sent twice. Only the read paths of
//! [`super::read`] retry, and only idempotent commands (SELECT, READ BINARY).

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::apdu::{ins, ApduError, Command, Response};
use super::error::CardError;
use super::status::{StatusKind, StatusWord};
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

/// What the card layer learnt about a reader and card, kept across the taps
/// of one [`super::CardSession`] (each tap has its own [`CardLink`]).
#[derive(Debug, Default)]
pub struct ReaderMemory {
    /// The card (`6700`) or the reader's driver (a transport error, e.g.
    /// `SCARD_E_NOT_TRANSACTED`) refused an extended-length APDU: short
    /// APDUs only from now on.
    extended_refused: AtomicBool,
}

impl ReaderMemory {
    /// Whether extended-length APDUs were refused on this reader.
    pub fn extended_refused(&self) -> bool {
        self.extended_refused.load(Ordering::Relaxed)
    }

    pub(crate) fn refuse_extended(&self) {
        self.extended_refused.store(true, Ordering::Relaxed);
    }
}

/// The application and file a read targets, to select them again after the
/// card lost its selection (reset, transport error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileRef {
    pub aid: [u8; 10],
    pub name: &'static str,
    pub ef: u16,
}

/// A connection to the card for the time it stays in the field.
pub struct CardLink {
    transport: Arc<dyn CardTransport>,
    caps: ReaderCapabilities,
    trace: Trace,
    selected_ap: Option<([u8; 10], &'static str)>,
    selected_ef: Option<u16>,
    /// The file last selected, kept when the card's selection is lost.
    pub(crate) current_file: Option<FileRef>,
    /// Secrets verified in this power session, as the card sees it.
    verified: BTreeSet<PinKind>,
    memory: Arc<ReaderMemory>,
}

impl CardLink {
    pub fn new(transport: Arc<dyn CardTransport>) -> Self {
        Self::with_memory(transport, Arc::default())
    }

    /// A link that shares what earlier taps learnt about the reader.
    pub fn with_memory(transport: Arc<dyn CardTransport>, memory: Arc<ReaderMemory>) -> Self {
        let caps = transport.capabilities();
        Self {
            transport,
            caps,
            trace: Trace::default(),
            selected_ap: None,
            selected_ef: None,
            current_file: None,
            verified: BTreeSet::new(),
            memory,
        }
    }

    pub(crate) fn memory(&self) -> &ReaderMemory {
        &self.memory
    }

    pub fn capabilities(&self) -> ReaderCapabilities {
        self.caps
    }

    pub fn read_strategy(&self) -> ReadStrategy {
        if self.caps.extended_length
            && self.caps.max_response_data() > 256
            && !self.memory.extended_refused()
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

    /// Sends one command once; handles `61xx` (GET RESPONSE: the card
    /// chains a long answer) and `6Cxx` (the card refused the command without
    /// acting on it and names the exact Le) the way T=0 readers need. Every
    /// exchange is traced. A transport error is returned as it is: this
    /// never re-sends the command.
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
                // Whatever the card was doing (or after a reset), its
                // selection and security status are unknown now.
                self.selected_ap = None;
                self.selected_ef = None;
                self.verified.clear();
                Err(e.into())
            }
        }
    }

    /// Selects an application by AID unless it is already selected:
    /// `00 A4 04 0C 0A <AID>` (P1 `04` select by DF name, P2 `0C` no response
    /// data, no Le; `OpenSC/OpenSC:src/libopensc/card-jpki.c` `jpki_select_ap`,
    /// `soltia48/myna-card:src/card.rs` `select_df`). `6A82` means the card is
    /// not what the caller expects. The MF is never selected: it answers
    /// differently before and after an application (card-protocol.md).
    pub async fn select_application(
        &mut self,
        aid: &[u8; 10],
        name: &'static str,
    ) -> Result<(), CardError> {
        if self.selected_ap.is_some_and(|(a, _)| a == *aid) {
            return Ok(());
        }
        let cmd = Command::new(0x00, ins::SELECT, 0x04, 0x0C).with_data(aid.to_vec());
        let r = self.exchange(&cmd).await?;
        match r.sw.kind() {
            StatusKind::Ok => {
                self.selected_ap = Some((*aid, name));
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

    /// Selects an elementary file of the current application:
    /// `00 A4 02 0C 02 <EF id>` (P1 `02` select EF under the current DF, P2
    /// `0C` no response data; `soltia48/myna-card:src/card.rs` `select_ef`,
    /// OpenSC's JPKI driver selects its EFs the same way).
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
        if let Some((aid, name)) = self.selected_ap {
            self.current_file = Some(FileRef { aid, name, ef });
        }
        Ok(())
    }

    /// Selects `file` again if the card's selection was lost since.
    pub(crate) async fn reselect(&mut self, file: FileRef) -> Result<(), CardError> {
        self.select_application(&file.aid, file.name).await?;
        self.select_file(file.ef).await
    }

    /// Selects the key reference of a secret, refusing one that no public
    /// source confirms (before anything is sent).
    pub(crate) async fn select_key_reference(&mut self, kind: PinKind) -> Result<(), CardError> {
        let key = kind.key_reference();
        if !key.is_confirmed() {
            return Err(CardError::UnconfirmedKeyReference { ef: key.ef });
        }
        self.select_application(&key.aid, kind.application_name())
            .await?;
        self.select_file(key.ef).await
    }

    /// Retry-counter query: the 4-byte `00 20 00 80` (VERIFY without data) on
    /// the selected key reference. Never spends a try; answers `63Cx` (x tries
    /// left), `9000` when already verified, `6984` when locked. The 5-byte form
    /// with an Le got `6700` from a real card. Sources:
    /// `lulitech-dev/jpki-signer-android` (the 4-byte form), `soltia48/myna-card:src/card.rs`
    /// (`pin_retries`), ISO/IEC 7816-4 (VERIFY with an absent data field).
    pub async fn query_retry_counter(&mut self) -> Result<StatusWord, CardError> {
        let cmd = Command::new(0x00, ins::VERIFY, 0x00, 0x80);
        Ok(self.exchange(&cmd).await?.sw)
    }
}
