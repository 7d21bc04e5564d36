//! The card-info input support application: the basic four items (name,
//! address, birth date, sex). The My Number file is never read.

use std::fmt;

use super::error::CardError;
use super::files::{card_info, CARD_INFO_AID};
use super::link::CardLink;
use super::tlv;

/// Sex as the card records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
    NotApplicable,
}

impl Sex {
    pub fn from_code(code: &[u8]) -> Option<Self> {
        match code {
            b"1" => Some(Sex::Male),
            b"2" => Some(Sex::Female),
            b"9" => Some(Sex::NotApplicable),
            _ => None,
        }
    }

    pub fn code(self) -> char {
        match self {
            Sex::Male => '1',
            Sex::Female => '2',
            Sex::NotApplicable => '9',
        }
    }
}

/// The basic four items (基本4情報).
#[derive(Clone, PartialEq, Eq)]
pub struct BasicFour {
    pub name: String,
    pub address: String,
    /// `YYYYMMDD`.
    pub birth_date: String,
    pub sex: Sex,
}

impl fmt::Debug for BasicFour {
    // Personal data: keep it out of logs that print Debug.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BasicFour(<personal data>)")
    }
}

impl BasicFour {
    /// Parses EF 0002: `FF 20 <len>` { DF21 offsets, DF22 name, DF23 address,
    /// DF24 birth date, DF25 sex }, then `00`/`FF` filler. Sources:
    /// `soltia48/myna-card:src/ap/text.rs` (`Attributes`, tested on real cards),
    /// `AokiApp/jsapdu:packages/mynacard/src/schema.ts`.
    pub fn parse(file: &[u8]) -> Result<Self, CardError> {
        let outer = tlv::read_header(file)?;
        if outer.tag != 0xFF20 {
            return Err(CardError::Malformed(format!(
                "basic four items start with tag {:X}",
                outer.tag
            )));
        }
        let body = file
            .get(outer.header_len..outer.total_len())
            .ok_or_else(|| CardError::Malformed("basic four items are truncated".into()))?;
        let (mut name, mut address, mut birth, mut sex) = (None, None, None, None);
        for item in tlv::iter(body) {
            let (tag, value) = item?;
            match tag {
                0xDF22 => name = Some(utf8(value, "name")?),
                0xDF23 => address = Some(utf8(value, "address")?),
                0xDF24 => birth = Some(utf8(value, "birth date")?),
                0xDF25 => {
                    sex = Some(
                        Sex::from_code(value)
                            .ok_or_else(|| CardError::Malformed("sex code".into()))?,
                    )
                }
                _ => {}
            }
        }
        let missing = |what: &str| CardError::Malformed(format!("the {what} is missing"));
        let birth_date = birth.ok_or_else(|| missing("birth date"))?;
        if birth_date.len() != 8 || !birth_date.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CardError::Malformed("birth date is not YYYYMMDD".into()));
        }
        Ok(Self {
            name: name.ok_or_else(|| missing("name"))?,
            address: address.ok_or_else(|| missing("address"))?,
            birth_date,
            sex: sex.ok_or_else(|| missing("sex"))?,
        })
    }
}

fn utf8(value: &[u8], what: &str) -> Result<String, CardError> {
    String::from_utf8(value.to_vec())
        .map_err(|_| CardError::Malformed(format!("the {what} is not UTF-8")))
}

impl CardLink {
    pub async fn select_card_info(&mut self) -> Result<(), CardError> {
        self.select_application(&CARD_INFO_AID, "card-info input support")
            .await
    }

    /// Reads the basic four items; the card-info PIN or 照合番号B was verified.
    pub(crate) async fn read_basic_four(&mut self) -> Result<BasicFour, CardError> {
        self.select_card_info().await?;
        self.select_file(card_info::BASIC_FOUR).await?;
        let file = self.read_tlv_file().await?;
        BasicFour::parse(&file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(items: &[(u16, &[u8])]) -> Vec<u8> {
        let mut body = Vec::new();
        for (tag, value) in items {
            body.extend_from_slice(&tag.to_be_bytes());
            body.push(value.len() as u8);
            body.extend_from_slice(value);
        }
        let mut file = vec![0xFF, 0x20, 0x81, body.len() as u8];
        file.extend(body);
        file.extend([0xFF; 7]); // filler after the record
        file
    }

    #[test]
    fn parses_the_four_items() {
        let file = record(&[
            (0xDF21, &[0, 1, 2]),
            (0xDF22, "番号 花子".as_bytes()),
            (0xDF23, "東京都千代田区永田町1-1".as_bytes()),
            (0xDF24, b"19900401"),
            (0xDF25, b"2"),
        ]);
        let four = BasicFour::parse(&file).unwrap();
        assert_eq!(four.name, "番号 花子");
        assert_eq!(four.birth_date, "19900401");
        assert_eq!(four.sex, Sex::Female);
        assert!(!format!("{four:?}").contains("花子"));
    }

    #[test]
    fn rejects_missing_or_bad_items() {
        let no_sex = record(&[(0xDF22, b"A"), (0xDF23, b"B"), (0xDF24, b"19900401")]);
        assert!(
            matches!(BasicFour::parse(&no_sex), Err(CardError::Malformed(m)) if m.contains("sex"))
        );
        let bad_birth = record(&[
            (0xDF22, b"A"),
            (0xDF23, b"B"),
            (0xDF24, b"1990041"),
            (0xDF25, b"1"),
        ]);
        assert!(BasicFour::parse(&bad_birth).is_err());
        assert!(BasicFour::parse(&[0x30, 0x00]).is_err());
    }
}
