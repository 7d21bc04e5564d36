//! Reading files: sized from their TLV header, short or extended, and retried
//! when a read fails in a way that leaves nothing changed on the card.
//!
//! READ BINARY and SELECT are idempotent, so a read that fails transiently —
//! a timeout, a card reset before the command, a reader error, a status word
//! of the execution-error family in the middle of a file, an empty answer
//! where the file's header says more bytes exist — is sent again, at most
//! [`READ_RETRIES`] times, after selecting the application and file again if
//! the card lost its selection. A lost tag is not retried (the card is gone).
//! Nothing here sends a VERIFY: retries are a property of the read paths
//! only (`CardLink::exchange` never re-sends).
//!
//! An extended-length read that the card refuses with `6700` or the reader's
//! driver refuses with a transport error (`SCARD_E_NOT_TRANSACTED` on some USB
//! readers) falls back to short reads, and the session's [`ReaderMemory`]
//! keeps that for every later tap.
//!
//! [`ReaderMemory`]: super::link::ReaderMemory

use super::apdu::{ins, Command};
use super::error::CardError;
use super::link::CardLink;
use super::status::{StatusKind, StatusWord};
use super::tlv;
use super::transport::TransportError;

/// How many times a failed read is sent again after the first attempt.
pub const READ_RETRIES: usize = 2;

/// What a failed read means for the next attempt.
enum Next {
    /// Send the read again (counts against [`READ_RETRIES`]).
    Retry,
    /// Extended length was refused: read short from now on.
    GoShort,
    /// Give up with this error.
    Fail,
}

fn classify(error: &CardError, extended: bool) -> Next {
    match error {
        CardError::Refused { sw, .. } if extended && *sw == StatusWord::WRONG_LENGTH => {
            Next::GoShort
        }
        CardError::Transport(TransportError::Io(_)) if extended => Next::GoShort,
        CardError::Transport(TransportError::TagLost) => Next::Fail,
        CardError::Transport(_) => Next::Retry,
        CardError::Refused { sw, .. } if sw.is_transient() => Next::Retry,
        _ => Next::Fail,
    }
}

impl CardLink {
    /// One READ BINARY of the selected file at `offset` (15 bits), sent once.
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
            super::ReadStrategy::Short => self.capabilities().max_response_data().min(256),
            super::ReadStrategy::Extended => self.capabilities().max_response_data(),
        }
    }

    /// Reads up to `want` bytes (as many as one READ BINARY carries when
    /// `None`) of the current file at `offset`, with the retries and the
    /// extended-length fallback described in the module docs. An empty
    /// answer is an error: callers only ask for bytes the file has.
    pub(super) async fn read_chunk(
        &mut self,
        offset: usize,
        want: Option<usize>,
    ) -> Result<Vec<u8>, CardError> {
        let file = self.current_file;
        let mut retries_left = READ_RETRIES;
        loop {
            let le = want.map_or(self.max_read(), |w| w.min(self.max_read()));
            let attempt = async {
                if let Some(file) = file {
                    self.reselect(file).await?;
                }
                self.read_binary(offset, le).await
            };
            let error = match attempt.await {
                Ok(data) if !data.is_empty() => return Ok(data),
                Ok(_) => CardError::Malformed(format!(
                    "the card answered no data at offset {offset} of a file that has more"
                )),
                Err(e) => e,
            };
            let next = match error {
                CardError::Malformed(_) => Next::Retry,
                ref e => classify(e, le > 256),
            };
            match next {
                Next::GoShort => {
                    tracing::info!(
                        "extended-length read refused ({error}): short reads from now on"
                    );
                    self.memory().refuse_extended();
                }
                Next::Retry if retries_left > 0 => {
                    retries_left -= 1;
                    tracing::info!("read at offset {offset} failed ({error}): reading it again");
                }
                _ => return Err(error),
            }
        }
    }

    /// Reads the first chunk of the selected file: as much as one READ BINARY
    /// carries. With extended length that is usually the whole file.
    pub async fn read_first_chunk(&mut self) -> Result<Vec<u8>, CardError> {
        self.read_chunk(0, None).await
    }

    /// Completes a TLV-sized file whose first bytes were read already: reads
    /// exactly what the header says is missing, never past the end. A short
    /// answer is continued from where it ended.
    pub async fn read_rest(&mut self, mut data: Vec<u8>) -> Result<Vec<u8>, CardError> {
        let total = tlv::read_header(&data)?.total_len();
        while data.len() < total {
            let chunk = self
                .read_chunk(data.len(), Some(total - data.len()))
                .await
                .map_err(|e| match e {
                    CardError::Malformed(_) => CardError::Malformed(format!(
                        "file ends at {} bytes, its header says {total}",
                        data.len()
                    )),
                    other => other,
                })?;
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
}
