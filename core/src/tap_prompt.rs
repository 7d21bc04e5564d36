//! What the phone says while it waits for a card (the iOS reader sheet's
//! message, an Android hint): one sentence per kind of tap, in Japanese and
//! English, so that every shell words the same tap the same way.

use crate::failure::Lang;

/// Why the card is held to the phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum TapPurpose {
    /// The resident's first tap: certificate and PIN retry counter, no PIN.
    ReadCard,
    /// A tap that only reads the PIN retry counter (after a lost VERIFY answer).
    CheckPinCounter,
    /// Card login with the PIN typed before.
    LogIn,
    /// The card signs the application with the PIN typed before.
    SignApplication,
    /// The legal representative's card is read (no PIN).
    ReadRepresentativeCard,
    /// The legal representative's card signs with their PIN.
    RepresentativeSigns,
    /// Field app: the next participant's card, in continuous reading.
    Participant,
    /// Field app: a participant's card face, with 照合番号B typed before.
    CardFace,
}

impl TapPurpose {
    pub const ALL: [TapPurpose; 8] = [
        TapPurpose::ReadCard,
        TapPurpose::CheckPinCounter,
        TapPurpose::LogIn,
        TapPurpose::SignApplication,
        TapPurpose::ReadRepresentativeCard,
        TapPurpose::RepresentativeSigns,
        TapPurpose::Participant,
        TapPurpose::CardFace,
    ];

    /// The sentence to show while waiting for the card.
    pub fn prompt(self, lang: Lang) -> &'static str {
        use TapPurpose as T;
        match (self, lang) {
            (T::ReadCard, Lang::Ja) => {
                "マイナンバーカードをかざしてください（暗証番号は使いません）"
            }
            (T::ReadCard, Lang::En) => "Hold your My Number Card to the phone (no PIN is used)",
            (T::CheckPinCounter, Lang::Ja) => {
                "暗証番号の残り回数を確かめます。カードをもう一度かざしてください"
            }
            (T::CheckPinCounter, Lang::En) => {
                "Hold the card to the phone again to check the PIN tries left"
            }
            (T::LogIn, Lang::Ja) => "ログインします。カードをかざしたまま動かさないでください",
            (T::LogIn, Lang::En) => "Logging in: hold the card still against the phone",
            (T::SignApplication, Lang::Ja) => {
                "申込みに署名します。カードをかざしたまま動かさないでください"
            }
            (T::SignApplication, Lang::En) => {
                "Signing the application: hold the card still against the phone"
            }
            (T::ReadRepresentativeCard, Lang::Ja) => {
                "法定代理人のマイナンバーカードをかざしてください（暗証番号は使いません）"
            }
            (T::ReadRepresentativeCard, Lang::En) => {
                "Hold the legal representative's My Number Card to the phone (no PIN is used)"
            }
            (T::RepresentativeSigns, Lang::Ja) => {
                "法定代理人のカードで署名します。かざしたまま動かさないでください"
            }
            (T::RepresentativeSigns, Lang::En) => {
                "Signing with the legal representative's card: hold it still against the phone"
            }
            (T::Participant, Lang::Ja) => "参加者のマイナンバーカードをかざしてください",
            (T::Participant, Lang::En) => "Hold the participant's My Number Card to the device",
            (T::CardFace, Lang::Ja) => {
                "券面を読み取ります。参加者のカードをかざしたまま動かさないでください"
            }
            (T::CardFace, Lang::En) => {
                "Reading the card face: hold the participant's card still against the device"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tap_has_its_own_words_in_both_languages() {
        let mut seen = std::collections::HashSet::new();
        for purpose in TapPurpose::ALL {
            let (ja, en) = (purpose.prompt(Lang::Ja), purpose.prompt(Lang::En));
            assert!(!ja.is_ascii(), "{purpose:?}: Japanese");
            assert!(en.is_ascii(), "{purpose:?}: English");
            assert!(
                seen.insert(ja) && seen.insert(en),
                "{purpose:?}: its own words"
            );
        }
    }
}
