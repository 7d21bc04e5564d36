//! Shared helpers: one card template per test binary (RSA key generation is
//! the slow part), and APDU shorthands.
#![allow(dead_code)]

use std::sync::OnceLock;

use cardsim::{CardSpec, CardState, SimCard};

pub const AUTH_PIN: &str = "1234";
pub const SIGN_PIN: &str = "ABC123";
pub const CARD_INFO_PIN: &str = "5678";
/// Birth date 1990-04-01 = Heisei 2 → 020401; expiry 2035; security code 0042.
pub const CODE_B: &str = "02040120350042";
pub const MY_NUMBER: &str = "123456789018";
pub const NAME: &str = "番号 花子";
pub const ADDRESS: &str = "東京都千代田区永田町1-1-1";

pub const SELECT_JPKI: &str = "00A4040C0AD392F000260100000001";
pub const SELECT_CARD_INFO: &str = "00A4040C0AD3921000310001010408";
pub const SELECT_CARD_FACE: &str = "00A4040C0AD3921000310001010402";

pub fn spec() -> CardSpec {
    CardSpec::new()
        .auth_pin(AUTH_PIN)
        .sign_pin(SIGN_PIN)
        .card_info_pin(CARD_INFO_PIN)
        .name(NAME)
        .address(ADDRESS)
        .birth_date("19900401")
        .expiry_year(2035)
        .security_code("0042")
        .my_number(MY_NUMBER)
        .serial(0x0102_0304)
}

/// The state every test card starts from (built once).
pub fn template() -> CardState {
    static TEMPLATE: OnceLock<CardState> = OnceLock::new();
    TEMPLATE.get_or_init(|| spec().build().unwrap()).clone()
}

pub fn card() -> SimCard {
    SimCard::from_state(template()).unwrap()
}

/// Reuses the template's keys so a test can build a card without key generation.
pub trait KeysFrom {
    fn keys_from(self, state: &CardState) -> Self;
}

impl KeysFrom for CardSpec {
    fn keys_from(self, state: &CardState) -> Self {
        self.keys_of(state).unwrap()
    }
}

/// Sends a hex APDU; returns (data, SW as u16).
pub fn send(card: &mut SimCard, apdu_hex: &str) -> (Vec<u8>, u16) {
    let bytes = hex::decode(apdu_hex.replace(' ', "")).expect("test APDU is hex");
    send_bytes(card, &bytes)
}

pub fn send_bytes(card: &mut SimCard, apdu: &[u8]) -> (Vec<u8>, u16) {
    let r = card.process(apdu);
    assert!(r.len() >= 2, "a response has at least SW1 SW2");
    let n = r.len();
    (
        r[..n - 2].to_vec(),
        u16::from_be_bytes([r[n - 2], r[n - 1]]),
    )
}

/// Just the status word.
pub fn sw(card: &mut SimCard, apdu_hex: &str) -> u16 {
    send(card, apdu_hex).1
}

/// `00 20 00 80 Lc <pin>`.
pub fn verify_apdu(p2: u8, pin: &str) -> Vec<u8> {
    let mut v = vec![0x00, 0x20, 0x00, p2, pin.len() as u8];
    v.extend_from_slice(pin.as_bytes());
    v
}

pub fn verify(card: &mut SimCard, pin: &str) -> u16 {
    send_bytes(card, &verify_apdu(0x80, pin)).1
}

pub fn select_ef(card: &mut SimCard, ef: u16) -> u16 {
    sw(card, &format!("00A4020C02{ef:04X}"))
}

/// Reads a whole file with short reads of `step` bytes.
pub fn read_all(card: &mut SimCard, step: usize) -> Result<Vec<u8>, u16> {
    let mut out = Vec::new();
    loop {
        let le = if step == 256 { 0 } else { step as u8 };
        let apdu = [0x00, 0xB0, (out.len() >> 8) as u8, out.len() as u8, le];
        match send_bytes(card, &apdu) {
            (data, 0x9000) => {
                let short = data.len() < step;
                out.extend(data);
                if short {
                    return Ok(out);
                }
            }
            (_, 0x6B00) if !out.is_empty() => return Ok(out),
            (_, sw) => return Err(sw),
        }
    }
}

/// The values of DF22–DF25 (name, address, birth date, sex) of a basic-four
/// file, read with the layout of soltia48/myna-card:src/ap/text.rs.
pub fn basic_four_items(file: &[u8]) -> Vec<Vec<u8>> {
    fn tlv(file: &[u8], at: usize) -> (u16, usize, usize) {
        let tag = u16::from_be_bytes([file[at], file[at + 1]]);
        let (len, header) = match file[at + 2] {
            0x81 => (usize::from(file[at + 3]), 4),
            0x82 => (
                usize::from(u16::from_be_bytes([file[at + 3], file[at + 4]])),
                5,
            ),
            n => (usize::from(n), 3),
        };
        (tag, at + header, len)
    }
    let (tag, start, len) = tlv(file, 0);
    assert_eq!(tag, 0xFF20, "basic four file tag");
    let mut at = start;
    let mut items = Vec::new();
    while at < start + len {
        let (tag, value, len) = tlv(file, at);
        if tag != 0xDF21 {
            items.push(file[value..value + len].to_vec());
        }
        at = value + len;
    }
    items
}
