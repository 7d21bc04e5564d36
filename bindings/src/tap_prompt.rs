//! The sentence a shell shows while it waits for a card (the iOS reader
//! sheet's message), from the core's `tap_prompt`.

use mynapoint_core::failure::Lang;
use mynapoint_core::tap_prompt as core;

/// Why the card is held to the phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TapPurpose {
    /// The resident's first tap: certificate and PIN retry counter, no PIN.
    ReadCard,
    /// Only the PIN retry counter (after a lost VERIFY answer).
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

impl From<TapPurpose> for core::TapPurpose {
    fn from(p: TapPurpose) -> Self {
        use core::TapPurpose as C;
        match p {
            TapPurpose::ReadCard => C::ReadCard,
            TapPurpose::CheckPinCounter => C::CheckPinCounter,
            TapPurpose::LogIn => C::LogIn,
            TapPurpose::SignApplication => C::SignApplication,
            TapPurpose::ReadRepresentativeCard => C::ReadRepresentativeCard,
            TapPurpose::RepresentativeSigns => C::RepresentativeSigns,
            TapPurpose::Participant => C::Participant,
            TapPurpose::CardFace => C::CardFace,
        }
    }
}

/// The waiting message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TapPrompt {
    pub ja: String,
    pub en: String,
}

/// What to show while waiting for the card of `purpose`.
#[uniffi::export]
pub fn tap_prompt(purpose: TapPurpose) -> TapPrompt {
    let purpose: core::TapPurpose = purpose.into();
    TapPrompt {
        ja: purpose.prompt(Lang::Ja).to_owned(),
        en: purpose.prompt(Lang::En).to_owned(),
    }
}
