//! Command and response APDUs (ISO/IEC 7816-4), short and extended length.

use zeroize::Zeroizing;

use super::status::StatusWord;

/// Instruction bytes the card layer uses (ISO/IEC 7816-4 interindustry
/// commands; COMPUTE DIGITAL SIGNATURE is sent with CLA `80` on this card:
/// `OpenSC/OpenSC:src/libopensc/card-jpki.c`, `soltia48/myna-card:src/card.rs`).
pub mod ins {
    pub const SELECT: u8 = 0xA4;
    pub const READ_BINARY: u8 = 0xB0;
    pub const VERIFY: u8 = 0x20;
    pub const CHANGE_REFERENCE_DATA: u8 = 0x24;
    pub const RESET_RETRY_COUNTER: u8 = 0x2C;
    pub const COMPUTE_DIGITAL_SIGNATURE: u8 = 0x2A;
    pub const GET_RESPONSE: u8 = 0xC0;
}

/// Whether an instruction carries secrets (PINs) in its data field.
/// Such data is zeroized after use and never traced or logged.
pub fn carries_secret(ins: u8) -> bool {
    matches!(
        ins,
        ins::VERIFY | ins::CHANGE_REFERENCE_DATA | ins::RESET_RETRY_COUNTER
    )
}

/// Why a command cannot be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApduError {
    #[error("command data of {0} bytes does not fit an APDU")]
    DataTooLong(usize),
    #[error("expected length {0} is out of range (1..=65536)")]
    BadLe(usize),
    #[error("a command of {len} bytes is longer than the reader's {max}")]
    TooLongForReader { len: usize, max: usize },
    #[error("a response needs at least the two status bytes, got {0} bytes")]
    ResponseTooShort(usize),
}

/// A command APDU. The data field lives in a zeroizing buffer because VERIFY
/// carries the PIN in it.
#[derive(Clone, PartialEq, Eq)]
pub struct Command {
    pub cla: u8,
    pub ins: u8,
    pub p1: u8,
    pub p2: u8,
    pub data: Zeroizing<Vec<u8>>,
    /// Expected response length: `None` for no Le, `Some(n)` with 1 ≤ n ≤ 65536;
    /// 256 is encoded as short `00`, 65536 as extended `00 00`.
    pub le: Option<usize>,
}

impl Command {
    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Self {
        Self {
            cla,
            ins,
            p1,
            p2,
            data: Zeroizing::new(Vec::new()),
            le: None,
        }
    }

    pub fn with_data(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.data = Zeroizing::new(data.into());
        self
    }

    pub fn with_le(mut self, le: usize) -> Self {
        self.le = Some(le);
        self
    }

    /// Whether the encoding needs extended length fields.
    pub fn is_extended(&self) -> bool {
        self.data.len() > 255 || self.le.is_some_and(|le| le > 256)
    }

    /// Encodes the command. Short form whenever it fits, extended otherwise.
    /// The result is zeroized on drop: it may hold a PIN.
    pub fn encode(&self) -> Result<Zeroizing<Vec<u8>>, ApduError> {
        let nc = self.data.len();
        if nc > 65_535 {
            return Err(ApduError::DataTooLong(nc));
        }
        if let Some(le) = self.le {
            if le == 0 || le > 65_536 {
                return Err(ApduError::BadLe(le));
            }
        }
        let mut out = Zeroizing::new(Vec::with_capacity(4 + 3 + nc + 3));
        out.extend_from_slice(&[self.cla, self.ins, self.p1, self.p2]);
        if self.is_extended() {
            if nc > 0 {
                out.push(0x00);
                out.extend_from_slice(&(nc as u16).to_be_bytes());
                out.extend_from_slice(&self.data);
            }
            if let Some(le) = self.le {
                if nc == 0 {
                    out.push(0x00);
                }
                out.extend_from_slice(&((le % 65_536) as u16).to_be_bytes());
            }
        } else {
            if nc > 0 {
                out.push(nc as u8);
                out.extend_from_slice(&self.data);
            }
            if let Some(le) = self.le {
                out.push((le % 256) as u8);
            }
        }
        Ok(out)
    }
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Command({:02X} {:02X} {:02X} {:02X}, ",
            self.cla, self.ins, self.p1, self.p2
        )?;
        if carries_secret(self.ins) && !self.data.is_empty() {
            write!(f, "<{} redacted bytes>", self.data.len())?;
        } else {
            write!(f, "{} data bytes", self.data.len())?;
        }
        write!(f, ", le {:?})", self.le)
    }
}

/// A response APDU: data and status word.
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    pub data: Vec<u8>,
    pub sw: StatusWord,
}

impl Response {
    pub fn parse(bytes: &[u8]) -> Result<Self, ApduError> {
        let n = bytes.len();
        if n < 2 {
            return Err(ApduError::ResponseTooShort(n));
        }
        Ok(Self {
            data: bytes[..n - 2].to_vec(),
            sw: StatusWord::from_bytes(bytes[n - 2], bytes[n - 1]),
        })
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len() + 2);
        out.extend_from_slice(&self.data);
        out.extend_from_slice(&self.sw.to_bytes());
        out
    }

    pub fn status(sw: StatusWord) -> Self {
        Self {
            data: Vec::new(),
            sw,
        }
    }
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Response({} data bytes, {:?})", self.data.len(), self.sw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02X}")).collect()
    }

    #[test]
    fn encodes_the_commands_of_the_card_protocol() {
        let select = Command::new(0x00, ins::SELECT, 0x04, 0x0C).with_data(vec![
            0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01,
        ]);
        assert_eq!(
            hex(&select.encode().unwrap()),
            "00A4040C0AD392F000260100000001"
        );

        let query = Command::new(0x00, ins::VERIFY, 0x00, 0x80);
        assert_eq!(hex(&query.encode().unwrap()), "00200080");

        let read = Command::new(0x00, ins::READ_BINARY, 0x01, 0x00).with_le(256);
        assert_eq!(hex(&read.encode().unwrap()), "00B0010000");

        let ext = Command::new(0x00, ins::READ_BINARY, 0x00, 0x00).with_le(4096);
        assert!(ext.is_extended());
        assert_eq!(hex(&ext.encode().unwrap()), "00B00000001000");

        let sign = Command::new(0x80, ins::COMPUTE_DIGITAL_SIGNATURE, 0x00, 0x80)
            .with_data(vec![0xAA; 51])
            .with_le(256);
        let bytes = sign.encode().unwrap();
        assert_eq!(bytes.len(), 5 + 51 + 1);
        assert_eq!(bytes[4], 51);
        assert_eq!(*bytes.last().unwrap(), 0x00);
    }

    #[test]
    fn rejects_what_cannot_be_encoded() {
        let big = Command::new(0, 0xB0, 0, 0).with_data(vec![0; 70_000]);
        assert_eq!(big.encode(), Err(ApduError::DataTooLong(70_000)));
        let zero_le = Command::new(0, 0xB0, 0, 0).with_le(0);
        assert_eq!(zero_le.encode(), Err(ApduError::BadLe(0)));
        assert_eq!(
            Response::parse(&[0x90]),
            Err(ApduError::ResponseTooShort(1))
        );
    }

    #[test]
    fn debug_output_never_shows_verify_data() {
        let verify = Command::new(0x00, ins::VERIFY, 0x00, 0x80).with_data(b"1234".to_vec());
        let shown = format!("{verify:?}");
        assert!(!shown.contains("31"), "{shown}");
        assert!(!shown.contains("1234"), "{shown}");
        assert!(shown.contains("redacted"));
    }

    proptest! {
        #[test]
        fn response_round_trips(data in proptest::collection::vec(any::<u8>(), 0..300), sw in any::<u16>()) {
            let r = Response { data, sw: StatusWord(sw) };
            prop_assert_eq!(Response::parse(&r.encode()).unwrap(), r);
        }
    }
}
