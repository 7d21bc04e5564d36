//! The stable failure codes and the retry hint of each: one list, written
//! once. `core/failure-codes.txt` holds the same list for the Kotlin and
//! Swift shells' tests (a test keeps the two equal).

/// What a shell offers after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum RetryHint {
    /// Do the same step again (same screen, same answers).
    RetryStep,
    /// Type the refused entry again (the field or the PIN).
    ReenterField,
    /// Hold the card to the phone (or place it on the reader) again.
    TapAgain,
    /// Nothing the app can do: the person goes to the municipal counter
    /// (a locked PIN, an expired or revoked certificate or My Key ID).
    MunicipalCounter,
    /// The session is over: start again from the card.
    StartOver,
    /// Nothing to retry: the outcome stands (the message says what it means).
    NoRetry,
}

impl RetryHint {
    /// Every hint, in declaration order.
    pub const ALL: [RetryHint; 6] = [
        RetryHint::RetryStep,
        RetryHint::ReenterField,
        RetryHint::TapAgain,
        RetryHint::MunicipalCounter,
        RetryHint::StartOver,
        RetryHint::NoRetry,
    ];

    /// The stable snake_case name (`retry` in JSON, the list file's 2nd column).
    pub const fn as_str(self) -> &'static str {
        match self {
            RetryHint::RetryStep => "retry_step",
            RetryHint::ReenterField => "reenter_field",
            RetryHint::TapAgain => "tap_again",
            RetryHint::MunicipalCounter => "municipal_counter",
            RetryHint::StartOver => "start_over",
            RetryHint::NoRetry => "no_retry",
        }
    }
}

impl std::fmt::Display for RetryHint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Defines [`FailureCode`], its wire names and its retry hints from one table.
macro_rules! failure_codes {
    ($( $(#[$doc:meta])* $variant:ident = $text:literal => $hint:ident, )*) => {
        /// One situation a person meets, whichever layer found it (card,
        /// PIN, platform, flow). Never renamed; new ones are only added.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum FailureCode {
            $( $(#[$doc])* $variant, )*
        }

        impl FailureCode {
            /// Every code, in the order of `core/failure-codes.txt`.
            pub const ALL: &'static [FailureCode] = &[ $( FailureCode::$variant, )* ];

            /// The stable snake_case code.
            pub const fn as_str(self) -> &'static str {
                match self { $( FailureCode::$variant => $text, )* }
            }

            /// What a shell offers after it.
            pub const fn retry(self) -> RetryHint {
                match self { $( FailureCode::$variant => RetryHint::$hint, )* }
            }

            /// The code with this name, if there is one.
            pub fn from_code(text: &str) -> Option<FailureCode> {
                Self::ALL.iter().copied().find(|c| c.as_str() == text)
            }
        }
    };
}

failure_codes! {
    // The card and the reader.
    /// The card left the field or the reader during the operation.
    CardRemoved = "card_removed" => TapAgain,
    /// The card did not answer in time.
    CardTimeout = "card_timeout" => TapAgain,
    /// The card was reset before the command was sent (no PIN try spent).
    CardReset = "card_reset" => TapAgain,
    /// The reader (or the phone's NFC) reported an error.
    ReaderError = "reader_error" => TapAgain,
    /// The card has no application a My Number Card has.
    NotMyNumberCard = "not_my_number_card" => TapAgain,
    /// The card refused a command or sent data that does not parse.
    CardError = "card_error" => TapAgain,
    /// An operation needed a PIN not verified in this tap.
    NotVerified = "not_verified" => RetryStep,
    /// The reader returns too few bytes per answer for a signature (no try spent).
    ReaderCannotCarrySignature = "reader_cannot_carry_signature" => NoRetry,
    /// A key reference without a public source: nothing was sent.
    UnconfirmedKeyReference = "unconfirmed_key_reference" => NoRetry,

    // The PIN.
    /// No PIN was typed.
    PinNotEntered = "pin_not_entered" => ReenterField,
    /// The typed PIN breaks its format (nothing reached the card).
    PinFormat = "pin_format" => ReenterField,
    /// The card refused the PIN; tries are left.
    WrongPin = "wrong_pin" => ReenterField,
    /// One try is left: it is spent only after an explicit confirmation.
    LastTryRefused = "last_try_refused" => RetryStep,
    /// The PIN is locked: only the municipal counter resets it.
    PinLocked = "pin_locked" => MunicipalCounter,
    /// The card left during the PIN check: the try may have counted.
    PinMaybeCounted = "pin_maybe_counted" => TapAgain,
    /// Another app spent tries after the PIN was typed: nothing was sent;
    /// ask again with the tries left (one left: with the last-try confirmation).
    PinCounterChanged = "pin_counter_changed" => ReenterField,

    // The session and the flow.
    /// Another card was tapped: the session ended and was wiped.
    CardChanged = "card_changed" => StartOver,
    /// Nothing happened for too long: the session ended and was wiped.
    IdleTimeout = "idle_timeout" => StartOver,
    /// The session was ended (aborted) earlier.
    SessionEnded = "session_ended" => StartOver,
    /// The action does not belong to the current step.
    WrongStep = "wrong_step" => StartOver,
    /// Too many PIN entries or taps in one step without success.
    TooManyAttempts = "too_many_attempts" => StartOver,
    /// The signed application was sent, but the platform never confirmed it.
    SubmissionUnconfirmed = "submission_unconfirmed" => RetryStep,
    /// A typed field breaks its rule (or the platform refused it).
    InvalidField = "invalid_field" => ReenterField,
    /// The child's birth date breaks its rule.
    InvalidChildBirthDate = "invalid_child_birth_date" => ReenterField,

    // The platform about the card.
    CertificateUntrusted = "certificate_untrusted" => MunicipalCounter,
    CertificateExpired = "certificate_expired" => MunicipalCounter,
    CertificateNotYetValid = "certificate_not_yet_valid" => MunicipalCounter,
    CertificateRevoked = "certificate_revoked" => MunicipalCounter,
    /// The platform did not accept the card's signature.
    SignatureInvalid = "signature_invalid" => RetryStep,
    /// The platform's login challenge expired or was used: log in again.
    ChallengeRefused = "challenge_refused" => RetryStep,
    /// The platform session expired: log in with the card again.
    PlatformSessionExpired = "platform_session_expired" => StartOver,
    /// The platform answered about another card or other content.
    PlatformMismatch = "platform_mismatch" => StartOver,

    // The My Key ID.
    /// All 3 candidates were given; the 3rd is registered.
    NoMoreCandidates = "no_more_candidates" => NoRetry,
    CandidateNotOffered = "candidate_not_offered" => RetryStep,
    /// 3 own choices were taken: auto-generation only.
    OwnChoiceExhausted = "own_choice_exhausted" => RetryStep,
    MyKeyIdTaken = "my_key_id_taken" => ReenterField,
    MyKeyIdAlreadyIssued = "my_key_id_already_issued" => NoRetry,
    MyKeyIdRevoked = "my_key_id_revoked" => MunicipalCounter,
    MyKeyIdRequired = "my_key_id_required" => StartOver,
    MyKeyIdUnchanged = "my_key_id_unchanged" => ReenterField,
    FreshLoginRequired = "fresh_login_required" => StartOver,
    /// A revocation's typed confirmation was not the My Key ID: nothing revoked.
    RevocationNotConfirmed = "revocation_not_confirmed" => RetryStep,

    // A child's application.
    /// Not a failure: the legal representative's card signs next.
    RepresentativeSignatureNeeded = "representative_signature_needed" => TapAgain,
    RepresentativeIsApplicant = "representative_is_applicant" => TapAgain,
    RepresentativeCardMismatch = "representative_card_mismatch" => TapAgain,
    RepresentativeNotRead = "representative_not_read" => RetryStep,
    RepresentativeCertificateUntrusted = "representative_certificate_untrusted" => MunicipalCounter,
    RepresentativeCertificateExpired = "representative_certificate_expired" => MunicipalCounter,
    RepresentativeCertificateNotYetValid = "representative_certificate_not_yet_valid" => MunicipalCounter,
    RepresentativeCertificateRevoked = "representative_certificate_revoked" => MunicipalCounter,
    RepresentativeSignatureInvalid = "representative_signature_invalid" => RetryStep,

    // The application.
    /// Another person's application uses this payment account.
    PaymentAccountInUse = "payment_account_in_use" => ReenterField,
    ServiceUnknown = "service_unknown" => RetryStep,
    /// The terms changed: read and accept them again.
    TermsVersionMismatch = "terms_version_mismatch" => RetryStep,
    AlreadyApplied = "already_applied" => NoRetry,
    /// No point category chosen: choose at least one.
    NoCategoryChosen = "no_category_chosen" => RetryStep,
    /// Category (2): register the card as a health insurance card first.
    HealthInsuranceNotRegistered = "health_insurance_not_registered" => NoRetry,
    /// Category (3): register a public-fund receipt account first.
    PublicFundAccountNotRegistered = "public_fund_account_not_registered" => NoRetry,
    /// A category not open to the person otherwise (category (1) of a
    /// 1st-installment applicant: they keep earning without applying).
    CategoryNotAvailable = "category_not_available" => NoRetry,
    CategoryAlreadyApplied = "category_already_applied" => NoRetry,
    /// The service is the application's or the 1st installment's, for good.
    ServiceCannotChange = "service_cannot_change" => NoRetry,
    NotApplied = "not_applied" => NoRetry,

    // The field point-grant app.
    /// The terminal ID is not 8 digits (nothing was sent).
    TerminalIdFormat = "terminal_id_format" => ReenterField,
    /// The platform knows no terminal with this ID.
    TerminalUnknown = "terminal_unknown" => ReenterField,
    /// Wrong terminal password; `tries_left` before the lock when known.
    TerminalPasswordWrong = "terminal_password_wrong" => ReenterField,
    /// The terminal is locked after repeated wrong passwords (for a period).
    TerminalLocked = "terminal_locked" => RetryStep,
    /// The terminal is registered to another device: the administrator
    /// must re-register it.
    TerminalDeviceMismatch = "terminal_device_mismatch" => NoRetry,
    /// The action needs the platform: log the terminal in (online) first.
    TerminalLoginRequired = "terminal_login_required" => StartOver,
    /// No such grant project on this terminal's list.
    ProjectUnknown = "project_unknown" => RetryStep,
    /// The grant project is closed: it takes no taps.
    ProjectClosed = "project_closed" => NoRetry,
    /// The project belongs to another municipality than the terminal's.
    ProjectOtherMunicipality = "project_other_municipality" => NoRetry,
    /// The project's roster was never synced to this device.
    RosterNotSynced = "roster_not_synced" => RetryStep,
    /// Tapping needs the points per person confirmed (as shown) first.
    PointsNotConfirmed = "points_not_confirmed" => RetryStep,
    /// The platform refused the device's signature of a tap batch.
    BatchSignatureRefused = "batch_signature_refused" => NoRetry,
    /// No participant master row for this My Key ID: type the office data.
    ParticipantNotInMaster = "participant_not_in_master" => ReenterField,
    /// The participant is on the project's roster already.
    AlreadyOnRoster = "already_on_roster" => NoRetry,
    /// The My Key ID has no taps waiting in the not-on-roster list.
    NotWaiting = "not_waiting" => NoRetry,
    /// The device store could not be read or written (nothing was shown as done).
    DeviceStore = "device_store" => RetryStep,
    /// The shell's secret store (Keystore, Keychain) failed.
    SecretStore = "secret_store" => NoRetry,

    // Reaching the platform.
    /// No answer (connection refused, DNS, TLS).
    Network = "network" => RetryStep,
    /// The platform did not answer in time.
    PlatformTimeout = "platform_timeout" => RetryStep,
    /// Any other platform answer (its status and contract code are details).
    PlatformError = "platform_error" => RetryStep,
    /// The platform's answer does not have the contract's shape.
    PlatformDecode = "platform_decode" => RetryStep,
}

impl std::fmt::Display for FailureCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
