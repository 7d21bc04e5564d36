//! A scripted virtual card for vpcd: enough to test a PC/SC transport
//! (presence, exchanges, removal) without the full card simulator.
//!
//! vpcd protocol (the card side connects to vpcd): each frame is a 2-byte
//! big-endian length and a payload. A 1-byte payload is a control code
//! (0 power off, 1 power on, 2 reset, 4 = send the ATR); a longer one is a
//! command APDU, answered with the response APDU. Closing the socket removes
//! the card.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread::JoinHandle;

use crate::VPCD_ADDR;

/// A T=1 ATR with no historical bytes: `3B 80 80 01 01`.
pub const T1_ATR: &[u8] = &[0x3B, 0x80, 0x80, 0x01, 0x01];

const CTRL_ATR: u8 = 4;

/// A card on the virtual reader, answering APDUs with a closure.
/// Dropping it (or [`ScriptedCard::remove`]) takes the card away.
pub struct ScriptedCard {
    stream: TcpStream,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl ScriptedCard {
    /// Connects to vpcd at [`VPCD_ADDR`] (the first virtual reader) and serves
    /// `respond(command) -> response` until removed.
    ///
    /// Wait for presence afterwards (`Pcscd::wait_for_card`): pcscd polls.
    pub fn insert<F>(atr: &[u8], mut respond: F) -> io::Result<Self>
    where
        F: FnMut(&[u8]) -> Vec<u8> + Send + 'static,
    {
        Self::insert_until(atr, move |command| Some(respond(command)))
    }

    /// Like [`ScriptedCard::insert`], but `respond` returning `None` takes
    /// the card off the reader at once, without answering that command: a
    /// card pulled out (or a tag lost) in the middle of an operation.
    pub fn insert_until<F>(atr: &[u8], respond: F) -> io::Result<Self>
    where
        F: FnMut(&[u8]) -> Option<Vec<u8>> + Send + 'static,
    {
        let stream = TcpStream::connect(VPCD_ADDR)?;
        stream.set_nodelay(true)?;
        let reader = stream.try_clone()?;
        let atr = atr.to_vec();
        let thread = std::thread::Builder::new()
            .name("scripted-card".into())
            .spawn(move || serve(reader, atr, respond))?;
        Ok(Self {
            stream,
            thread: Some(thread),
        })
    }

    /// Takes the card off the reader; returns how the card's thread ended.
    pub fn remove(mut self) -> io::Result<()> {
        self.take_off()
    }

    fn take_off(&mut self) -> io::Result<()> {
        let _ = self.stream.shutdown(Shutdown::Both);
        match self.thread.take() {
            Some(t) => t
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the card thread panicked"))),
            None => Ok(()),
        }
    }
}

impl Drop for ScriptedCard {
    fn drop(&mut self) {
        let _ = self.take_off();
    }
}

fn serve<F>(mut stream: TcpStream, atr: Vec<u8>, mut respond: F) -> io::Result<()>
where
    F: FnMut(&[u8]) -> Option<Vec<u8>>,
{
    loop {
        let mut len = [0u8; 2];
        match stream.read_exact(&mut len) {
            Ok(()) => {}
            // Removed (our shutdown) or vpcd went away.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::UnexpectedEof
                        | io::ErrorKind::ConnectionReset
                        | io::ErrorKind::ConnectionAborted
                ) =>
            {
                return Ok(())
            }
            Err(e) => return Err(e),
        }
        let mut payload = vec![0u8; usize::from(u16::from_be_bytes(len))];
        stream.read_exact(&mut payload)?;
        let answer = match payload.as_slice() {
            [CTRL_ATR] => atr.clone(),
            [_] => continue, // power on / off / reset: no answer
            [] => continue,
            command => match respond(command) {
                Some(answer) => answer,
                None => {
                    // Pulled out mid-exchange: vpcd sees the socket close.
                    let _ = stream.shutdown(Shutdown::Both);
                    return Ok(());
                }
            },
        };
        let n = u16::try_from(answer.len()).map_err(|_| io::Error::other("answer too long"))?;
        let mut frame = Vec::with_capacity(answer.len() + 2);
        frame.extend_from_slice(&n.to_be_bytes());
        frame.extend_from_slice(&answer);
        match stream.write_all(&frame) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}
