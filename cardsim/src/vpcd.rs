//! Attaches a simulated card to PC/SC through vsmartcard's virtual reader
//! (`vpcd`, a pcscd driver). cardsim connects as the card; every frame is a
//! 2-byte big-endian length and its payload. A 1-byte payload is a control
//! code (0 power off, 1 power on, 2 reset, 4 send the ATR); a longer one is a
//! command APDU, answered with the framed response. Closing the socket is
//! removing the card.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::card::SimCard;

/// vpcd's default port for the first virtual reader.
pub const DEFAULT_ADDR: &str = "127.0.0.1:35963";

const CTRL_OFF: u8 = 0;
const CTRL_ON: u8 = 1;
const CTRL_RESET: u8 = 2;
const CTRL_ATR: u8 = 4;

/// How often a blocked read looks at the stop flag.
const POLL: Duration = Duration::from_millis(200);

/// Why an attachment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachEnd {
    /// vpcd closed the connection (the reader went away).
    Closed,
    /// The stop flag was raised (SIGTERM, SIGINT, or the caller).
    Stopped,
}

/// Connects to vpcd at `addr`, retrying until `connect_timeout` passes,
/// then serves the card until vpcd closes the connection or `stop` is set.
/// `log` receives one line per event (never any command data).
pub fn attach(
    card: &mut SimCard,
    addr: &str,
    connect_timeout: Duration,
    stop: &AtomicBool,
    log: &mut dyn FnMut(&str),
) -> io::Result<AttachEnd> {
    let Some(stream) = connect(addr, connect_timeout, stop)? else {
        return Ok(AttachEnd::Stopped);
    };
    log(&format!("attached to vpcd at {addr}"));
    serve(stream, card, stop, log)
}

/// Connects with retries; `None` when stopped first.
fn connect(addr: &str, timeout: Duration, stop: &AtomicBool) -> io::Result<Option<TcpStream>> {
    let deadline = Instant::now() + timeout;
    let targets: Vec<SocketAddr> = addr.to_socket_addrs()?.collect();
    loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(None);
        }
        let mut last = io::Error::new(io::ErrorKind::NotFound, "no address to connect to");
        for target in &targets {
            match TcpStream::connect_timeout(target, Duration::from_secs(1)) {
                Ok(stream) => return Ok(Some(stream)),
                Err(e) => last = e,
            }
        }
        if Instant::now() >= deadline {
            return Err(io::Error::new(
                last.kind(),
                format!("vpcd at {addr} did not accept a connection: {last}"),
            ));
        }
        thread::sleep(POLL);
    }
}

/// Serves the card on a connected stream.
pub fn serve(
    mut stream: TcpStream,
    card: &mut SimCard,
    stop: &AtomicBool,
    log: &mut dyn FnMut(&str),
) -> io::Result<AttachEnd> {
    stream.set_read_timeout(Some(POLL))?;
    stream.set_nodelay(true)?;
    let mut frames = FrameReader::default();
    loop {
        let frame = match frames.next(&mut stream, stop)? {
            Next::Frame(frame) => frame,
            Next::Closed => {
                card.power_reset();
                log("vpcd closed the connection: card removed");
                return Ok(AttachEnd::Closed);
            }
            Next::Stopped => {
                card.power_reset();
                log("stopping");
                return Ok(AttachEnd::Stopped);
            }
        };
        match frame.as_slice() {
            [] => {}
            [CTRL_OFF] | [CTRL_ON] | [CTRL_RESET] => {
                card.power_reset();
                let what = ["power off", "power on", "reset"][usize::from(frame[0])];
                log(what);
            }
            [CTRL_ATR] => write_frame(&mut stream, card.atr())?,
            [other] => log(&format!("ignoring unknown control code {other}")),
            apdu => {
                let response = card.process(apdu);
                let n = response.len();
                log(&format!(
                    "APDU {:02X} {:02X} {:02X} {:02X} ({} bytes) -> SW {:02X}{:02X}, {} data bytes",
                    apdu[0],
                    apdu[1],
                    apdu.get(2).copied().unwrap_or(0),
                    apdu.get(3).copied().unwrap_or(0),
                    apdu.len(),
                    response[n - 2],
                    response[n - 1],
                    n - 2
                ));
                write_frame(&mut stream, &response)?;
            }
        }
    }
}

/// Writes one length-prefixed frame.
pub fn write_frame(stream: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let len = u16::try_from(payload.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame over 65535 bytes"))?;
    let mut out = Vec::with_capacity(payload.len() + 2);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    stream.write_all(&out)?;
    stream.flush()
}

enum Next {
    Frame(Vec<u8>),
    Closed,
    Stopped,
}

/// Collects frames from a stream read with a timeout, so the stop flag is
/// seen even while vpcd is silent.
#[derive(Default)]
struct FrameReader {
    buf: Vec<u8>,
}

impl FrameReader {
    fn take(&mut self) -> Option<Vec<u8>> {
        if self.buf.len() < 2 {
            return None;
        }
        let len = usize::from(u16::from_be_bytes([self.buf[0], self.buf[1]]));
        if self.buf.len() < 2 + len {
            return None;
        }
        let frame = self.buf[2..2 + len].to_vec();
        self.buf.drain(..2 + len);
        Some(frame)
    }

    fn next(&mut self, stream: &mut impl Read, stop: &AtomicBool) -> io::Result<Next> {
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(frame) = self.take() {
                return Ok(Next::Frame(frame));
            }
            if stop.load(Ordering::SeqCst) {
                return Ok(Next::Stopped);
            }
            match stream.read(&mut chunk) {
                Ok(0) => return Ok(Next::Closed),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                    ) => {}
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => return Ok(Next::Closed),
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_split_across_reads_are_joined() {
        let mut r = FrameReader::default();
        r.buf.extend_from_slice(&[0x00, 0x03, 0xAA]);
        assert!(r.take().is_none());
        r.buf.extend_from_slice(&[0xBB, 0xCC, 0x00, 0x01, 0x04]);
        assert_eq!(r.take(), Some(vec![0xAA, 0xBB, 0xCC]));
        assert_eq!(r.take(), Some(vec![0x04]));
        assert_eq!(r.take(), None);
    }

    #[test]
    fn frames_are_length_prefixed() {
        let mut out = Vec::new();
        write_frame(&mut out, &[0x90, 0x00]).unwrap();
        assert_eq!(out, [0x00, 0x02, 0x90, 0x00]);
    }
}
