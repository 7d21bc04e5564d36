//! The status words the card answers with, each with the public source of its
//! meaning. Meanings follow ISO/IEC 7816-4 §5.6 and JICSAP v1.1 Table 25 as
//! quoted by soltia48/myna-card:src/apdu.rs (`StatusWord::description`).

use std::fmt;

/// SW1 SW2 of a response APDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sw(pub u16);

impl Sw {
    /// `9000`: normal end.
    pub const OK: Sw = Sw(0x9000);
    /// `6581`: memory failure (JICSAP: "writing to the memory failed").
    /// cardsim answers it when a counter change cannot be saved.
    pub const MEMORY_FAILURE: Sw = Sw(0x6581);
    /// `6700`: wrong length (Lc/Le). A real card answers it to the 5-byte
    /// retry query `00 20 00 80 00` (lulitech-dev/jpki-signer-android, via
    /// `shared/card-protocol.md`).
    pub const WRONG_LENGTH: Sw = Sw(0x6700);
    /// `6982`: security status not satisfied: READ BINARY of EF 0001 of JPKI
    /// before the signature PIN (OpenSC/OpenSC issue 3169).
    pub const SECURITY_NOT_SATISFIED: Sw = Sw(0x6982);
    /// `6984`: referenced data (the key) blocked; every VERIFY after the
    /// counter reached 0, and every VERIFY of key reference 0012 of the
    /// card-info AP (soltia48/myna-card:src/ap/text.rs `BLOCKED_0012`,
    /// README "Retry counters").
    pub const REF_DATA_BLOCKED: Sw = Sw(0x6984);
    /// `6985`: conditions of use not satisfied.
    pub const CONDITIONS_NOT_SATISFIED: Sw = Sw(0x6985);
    /// `6986`: command not allowed, no current EF (JICSAP Table 25).
    pub const NO_CURRENT_EF: Sw = Sw(0x6986);
    /// `6A82`: file or application not found (soltia48/myna-card:src/card.rs:
    /// `3F00` by id answers it).
    pub const NOT_FOUND: Sw = Sw(0x6A82);
    /// `6A86`: wrong P1 P2 (soltia48/myna-card:src/card.rs: `00 A4 00 00`
    /// right after reset).
    pub const WRONG_P1P2: Sw = Sw(0x6A86);
    /// `6A88`: referenced data (key) not found (ISO/IEC 7816-4; JICSAP
    /// "referenced key not correctly set").
    pub const REF_DATA_NOT_FOUND: Sw = Sw(0x6A88);
    /// `6B00`: offset beyond the end of the EF (JICSAP Table 25: "offset
    /// specified out of the EF range").
    pub const OFFSET_BEYOND_END: Sw = Sw(0x6B00);
    /// `6D00`: INS not supported.
    pub const INS_NOT_SUPPORTED: Sw = Sw(0x6D00);
    /// `6E00`: CLA not supported.
    pub const CLA_NOT_SUPPORTED: Sw = Sw(0x6E00);
    /// `6F00`: no precise diagnosis (an internal failure).
    pub const NO_DIAGNOSIS: Sw = Sw(0x6F00);

    /// `63Cx`: a wrong VERIFY with `x` tries left (`63C0`: this try blocked
    /// the key), or the answer to the retry query `00 20 00 80` (JICSAP
    /// 5.2.2 and 6.4.9 (5), via soltia48/myna-card:src/apdu.rs
    /// `retries_remaining` and src/card.rs `Retries`).
    pub fn tries_left(n: u8) -> Sw {
        Sw(0x63C0 | u16::from(n.min(15)))
    }

    pub fn to_bytes(self) -> [u8; 2] {
        self.0.to_be_bytes()
    }
}

impl fmt::Display for Sw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tries_left_is_63cx() {
        assert_eq!(Sw::tries_left(0), Sw(0x63C0));
        assert_eq!(Sw::tries_left(10), Sw(0x63CA));
        assert_eq!(Sw::tries_left(3).to_bytes(), [0x63, 0xC3]);
        assert_eq!(Sw::OK.to_string(), "9000");
    }
}
