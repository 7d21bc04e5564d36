//! The sentence a shell shows while it waits for a card (the iOS reader
//! sheet's message), from the core's `tap_prompt`.

use mynapoint_core::failure::Lang;
pub use mynapoint_core::tap_prompt::TapPurpose;

/// The waiting message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TapPrompt {
    pub ja: String,
    pub en: String,
}

/// What to show while waiting for the card of `purpose`.
#[uniffi::export]
pub fn tap_prompt(purpose: TapPurpose) -> TapPrompt {
    TapPrompt {
        ja: purpose.prompt(Lang::Ja).to_owned(),
        en: purpose.prompt(Lang::En).to_owned(),
    }
}
