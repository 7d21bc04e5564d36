//! The secrets and personal data every standard card holds (see
//! [`crate::cards::spec`]). Test values only: no real card has them.

/// The user-authentication PIN (4 digits) and the signature PIN's
/// counterpart for tests that need a PIN but not a particular one.
pub const PIN: &str = "1234";
/// A well-formed PIN that is not the card's.
pub const WRONG_PIN: &str = "9999";
/// The card-info AP's PIN (券面事項入力補助用暗証番号, 4 digits).
pub const CARD_INFO_PIN: &str = "5678";
/// 照合番号B (14 digits): birth date 1989-04-01 as Heisei 1 (`010401`),
/// expiry year 2031 (`2031`), security code `0042`.
pub const CODE_B: &str = "01040120310042";
/// The holder's name as the card-info AP stores it.
pub const NAME: &str = "番号 花子";
/// The holder's address.
pub const ADDRESS: &str = "東京都千代田区霞が関2-1-2";
/// The holder's birth date (`YYYYMMDD`, Gregorian).
pub const BIRTH_DATE: &str = "19890401";
