//! A card holder's session with one card, across taps.
//!
//! The session binds to the card first read (its certificate serial); a
//! different card on a later tap discards the entered PIN and every verified
//! state. The entered PIN lives in a zeroizing buffer and is cleared on
//! success, on any answer to VERIFY, on abort and on card change. A VERIFY
//! whose answer was lost puts the PIN in doubt: the next tap reads the retry
//! counter before anything else, and a VERIFY is never re-sent on its own.
//!
//! PIN first: a shell asks for the PIN before the tap that uses it, showing
//! [`CardSession::prompt`] (the last counter read of this card in this
//! session), then opens the NFC session and runs the step: one tap per PIN
//! step, and no card transaction held across a prompt. The tap reads the
//! counter again before VERIFY; fewer tries than were shown, and nothing is
//! sent ([`PinError::CounterChanged`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::apdu::{ins, Command};
use super::card_info::BasicFour;
use super::cert_head::CertificateHead;
use super::certificate::{CertSerial, CertificateInfo};
use super::error::CardError;
use super::link::{CardLink, ReaderMemory};
use super::pin_error::PinError;
use super::status::{StatusKind, StatusWord};
use super::transport::CardTransport;
use crate::pin::{
    Decision, LastTry, Pin, PinGuard, PinKind, PinPrompt, PinStatus, Recheck, Refusal,
};

/// What a tap found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TapReport {
    /// The serial of the card's user-authentication certificate.
    pub serial: CertSerial,
    /// The session was bound to another card: the entered PIN and every
    /// verified state were discarded.
    pub card_changed: bool,
    /// The retry counter re-read after a VERIFY whose answer was lost.
    pub recheck: Option<Recheck>,
}

/// A PIN typed for the next VERIFY, with the count shown when it was typed.
struct Entered {
    pin: Pin,
    /// The last known counter of its secret when it was typed (what the
    /// prompt showed); `None` when none was known.
    shown: Option<PinStatus>,
}

/// A holder's session: binding, entered PIN, per-secret guards, and the last
/// retry counters read from the bound card.
#[derive(Default)]
pub struct CardSession {
    bound: Option<CertSerial>,
    entered: Option<Entered>,
    guards: BTreeMap<PinKind, PinGuard>,
    /// The last counter read (or answered by a VERIFY) of each secret of
    /// the bound card, across taps. Only for prompts: a VERIFY always
    /// follows a reading in its own tap.
    known: BTreeMap<PinKind, PinStatus>,
    /// What the taps learnt about the reader (extended length refused).
    reader: Arc<ReaderMemory>,
}

impl CardSession {
    pub fn new() -> Self {
        Self::default()
    }

    /// The card this session is bound to, once a tap has read it.
    pub fn bound_card(&self) -> Option<&CertSerial> {
        self.bound.as_ref()
    }

    /// Keeps a PIN for the next VERIFY (replacing, and wiping, any other),
    /// with the count [`Self::prompt`] shows now: the one the holder was
    /// shown. The VERIFY is refused when the card shows fewer.
    pub fn enter_pin(&mut self, pin: Pin) {
        let shown = self.known_status(pin.kind());
        self.entered = Some(Entered { pin, shown });
    }

    pub fn has_pin(&self, kind: PinKind) -> bool {
        self.entered.as_ref().is_some_and(|e| e.pin.kind() == kind)
    }

    /// The last retry counter of `kind` read from the bound card in this
    /// session (a successful VERIFY counts as a reset to the maximum);
    /// `None` when never read, or when a VERIFY's answer was lost since.
    pub fn known_status(&self, kind: PinKind) -> Option<PinStatus> {
        if self.pin_in_doubt(kind) {
            return None;
        }
        self.known.get(&kind).copied()
    }

    /// What to show when asking for the PIN of `kind` before the tap that
    /// uses it.
    pub fn prompt(&self, kind: PinKind) -> PinPrompt {
        PinPrompt::from_known(self.known_status(kind))
    }

    /// Records a counter of the bound card (a `Verified` answer says nothing
    /// about the count and is not kept).
    fn note(&mut self, kind: PinKind, status: PinStatus) {
        if status != PinStatus::Verified {
            self.known.insert(kind, status);
        }
    }

    /// Wipes the entered PIN.
    pub fn clear_pin(&mut self) {
        self.entered = None;
    }

    /// Whether a VERIFY of `kind` is in doubt (its answer was lost).
    pub fn pin_in_doubt(&self, kind: PinKind) -> bool {
        self.guards.get(&kind).is_some_and(PinGuard::in_doubt)
    }

    /// Ends the session: wipes the PIN, forgets the card and every doubt.
    /// What was learnt about the reader is kept.
    pub fn abort(&mut self) {
        let reader = Arc::clone(&self.reader);
        *self = Self {
            reader,
            ..Self::default()
        };
    }

    /// What the taps of this session learnt about the reader.
    pub fn reader_memory(&self) -> &ReaderMemory {
        &self.reader
    }

    /// Starts a tap on `transport`: settles any PIN in doubt by reading its
    /// retry counter first, then reads which card this is and checks it
    /// against the one the session is bound to.
    pub async fn tap(&mut self, transport: Arc<dyn CardTransport>) -> Result<Tap<'_>, CardError> {
        let mut link = CardLink::with_memory(transport, Arc::clone(&self.reader));
        let mut statuses = BTreeMap::new();
        let mut recheck = None;
        let doubtful: Vec<PinKind> = self
            .guards
            .iter()
            .filter(|(_, g)| g.in_doubt())
            .map(|(k, _)| *k)
            .collect();
        for kind in doubtful {
            let status = read_status(&mut link, kind).await?;
            statuses.insert(kind, status);
            if let Some(guard) = self.guards.get_mut(&kind) {
                recheck = guard.resolve(kind, status).or(recheck);
            }
        }

        link.select_auth_certificate().await?;
        let first_chunk = link.read_first_chunk().await?;
        let serial = CertSerial::from_certificate_prefix(&first_chunk)?;

        let card_changed = self.bound.as_ref().is_some_and(|b| *b != serial);
        if card_changed {
            tracing::info!(
                "a different card was tapped: the entered PIN and verified state are discarded"
            );
            self.abort();
            recheck = None;
        }
        self.bound = Some(serial.clone());
        for (kind, status) in &statuses {
            self.note(*kind, *status);
        }
        Ok(Tap {
            session: self,
            link,
            report: TapReport {
                serial,
                card_changed,
                recheck,
            },
            cert_chunk: Some(first_chunk),
            statuses,
        })
    }
}

/// Selects the secret's key reference and asks its retry counter (no try spent).
async fn read_status(link: &mut CardLink, kind: PinKind) -> Result<PinStatus, CardError> {
    link.select_key_reference(kind).await?;
    let sw = link.query_retry_counter().await?;
    pin_status_from_query(sw)
}

/// Reads the answer to the 4-byte retry-counter query (`63Cx`: x tries
/// left; `63C0`, `6983`, `6984`: locked; `9000`: verified in this power
/// session). Sources of the status words: `super::status`.
fn pin_status_from_query(sw: StatusWord) -> Result<PinStatus, CardError> {
    match sw.kind() {
        StatusKind::TriesLeft(0) | StatusKind::Locked => Ok(PinStatus::Locked),
        StatusKind::TriesLeft(n) => Ok(PinStatus::TriesLeft(n)),
        StatusKind::Ok => Ok(PinStatus::Verified),
        _ => Err(CardError::Refused {
            command: "retry counter query",
            sw,
        }),
    }
}

/// One tap of the bound card: the operations a flow performs while the card
/// stays in the field.
pub struct Tap<'s> {
    session: &'s mut CardSession,
    link: CardLink,
    report: TapReport,
    cert_chunk: Option<Vec<u8>>,
    /// Retry counters known in this tap (from a query or a VERIFY answer).
    statuses: BTreeMap<PinKind, PinStatus>,
}

impl Tap<'_> {
    pub fn report(&self) -> &TapReport {
        &self.report
    }

    /// Ends the holder's session from within this tap (a flow bound to
    /// another card refuses this one): as [`CardSession::abort`], and the
    /// tap is over.
    pub fn end_session(self) {
        self.session.abort();
    }

    /// Keeps a PIN typed while the card stays in the field.
    pub fn enter_pin(&mut self, pin: Pin) {
        self.session.enter_pin(pin);
    }

    pub fn has_pin(&self, kind: PinKind) -> bool {
        self.session.has_pin(kind)
    }

    /// The exchanges of this tap, for diagnostics.
    pub fn link(&self) -> &CardLink {
        &self.link
    }

    /// Reads the rest of the user-authentication certificate and parses it.
    pub async fn certificate(&mut self) -> Result<CertificateInfo, CardError> {
        self.link.select_auth_certificate().await?;
        let first = match self.cert_chunk.take() {
            Some(chunk) => chunk,
            None => self.link.read_first_chunk().await?,
        };
        let der = self.link.read_rest(first).await?;
        self.cert_chunk = Some(der.clone());
        Ok(CertificateInfo::parse(&der)?)
    }

    /// The head of the user-authentication certificate (serial, issuer,
    /// validity, subject CN; no PIN), from the chunk this tap read already
    /// and as few more short reads as the subject needs.
    pub async fn certificate_head(&mut self) -> Result<CertificateHead, CardError> {
        let first = self.cert_chunk.clone().unwrap_or_default();
        self.link.read_certificate_head(first).await
    }

    /// The retry counter of `kind`, without spending a try.
    pub async fn pin_status(&mut self, kind: PinKind) -> Result<PinStatus, CardError> {
        if self.link.is_verified(kind) {
            return Ok(PinStatus::Verified);
        }
        if let Some(status) = self.statuses.get(&kind) {
            if !self.session.pin_in_doubt(kind) {
                return Ok(*status);
            }
        }
        let status = read_status(&mut self.link, kind).await?;
        self.statuses.insert(kind, status);
        self.session.note(kind, status);
        if let Some(recheck) = self
            .session
            .guards
            .entry(kind)
            .or_default()
            .resolve(kind, status)
        {
            self.report.recheck = Some(recheck);
        }
        Ok(status)
    }

    /// Verifies the entered PIN of `kind` under the safety rules: counter
    /// first (read in this tap); nothing sent when locked, on the last try
    /// unless confirmed, or when the card shows fewer tries than were shown
    /// when the PIN was typed (the PIN is then wiped).
    pub async fn verify(&mut self, kind: PinKind, last_try: LastTry) -> Result<(), PinError> {
        if !self.session.has_pin(kind) {
            return Err(PinError::NoPinEntered(kind));
        }
        if kind == PinKind::UserAuth {
            // The user-authentication PIN is verified only to sign: a reader
            // that cannot return the signature must not cost a try.
            self.link.check_signature_fits()?;
        }
        let status = self.pin_status(kind).await?;
        let shown = self.session.entered.as_ref().and_then(|e| e.shown);
        let guard = self.session.guards.entry(kind).or_default();
        let tries_left = match guard.decide(status, last_try, shown) {
            Decision::AlreadyVerified => {
                self.session.clear_pin();
                self.link.mark_verified(kind);
                return Ok(());
            }
            Decision::Refuse(Refusal::Locked) => {
                self.session.clear_pin();
                return Err(PinError::Locked {
                    kind,
                    by_this_try: false,
                });
            }
            Decision::Refuse(Refusal::LastTry) => {
                // Nothing was sent: the PIN stays for the tap the holder
                // confirms (wiped by that tap, the idle timeout or abort).
                return Err(PinError::LastTryNeedsConfirmation(kind));
            }
            Decision::Refuse(Refusal::FewerThanShown { shown, tries_left }) => {
                self.session.clear_pin();
                return Err(PinError::CounterChanged {
                    kind,
                    shown,
                    tries_left,
                });
            }
            Decision::Send { tries_left } => tries_left,
        };
        // VERIFY goes to the selected key reference (P2 = 80): select it
        // again when this tap selected something else since its counter was
        // read (a tap that settled a lost VERIFY, then read the certificate).
        // No APDU when it is still selected.
        self.link.select_key_reference(kind).await?;
        // From here on the PIN is used once and wiped whatever happens.
        let Some(Entered { pin, .. }) = self.session.entered.take() else {
            return Err(PinError::NoPinEntered(kind));
        };
        guard.sending(tries_left);
        self.statuses.remove(&kind);
        let cmd = Command::new(0x00, ins::VERIFY, 0x00, 0x80).with_data(pin.expose().to_vec());
        drop(pin);
        let response = match self.link.exchange(&cmd).await {
            Ok(r) => r,
            // Known not to have reached the card: no try was spent. The PIN
            // is wiped all the same (it is used once); the holder types it again.
            Err(e @ CardError::Apdu(_)) => {
                guard.answered();
                return Err(PinError::Card(e));
            }
            Err(CardError::Transport(t)) if !t.may_have_reached_card() => {
                guard.answered();
                return Err(PinError::Card(CardError::Transport(t)));
            }
            Err(_) => {
                return Err(PinError::MaybeCounted {
                    kind,
                    tries_before: tries_left,
                })
            }
        };
        guard.answered();
        match response.sw.kind() {
            StatusKind::Ok => {
                self.link.mark_verified(kind);
                self.statuses.insert(kind, PinStatus::Verified);
                // A correct PIN resets the counter ("three wrong entries in
                // a row" lock it: ../shared/domain.md, The card).
                self.session
                    .note(kind, PinStatus::TriesLeft(kind.max_tries()));
                Ok(())
            }
            StatusKind::TriesLeft(0) | StatusKind::Locked => {
                self.statuses.insert(kind, PinStatus::Locked);
                self.session.note(kind, PinStatus::Locked);
                Err(PinError::Locked {
                    kind,
                    by_this_try: response.sw.kind() != StatusKind::Locked,
                })
            }
            StatusKind::TriesLeft(n) => {
                self.statuses.insert(kind, PinStatus::TriesLeft(n));
                self.session.note(kind, PinStatus::TriesLeft(n));
                Err(PinError::WrongPin {
                    kind,
                    tries_left: n,
                })
            }
            _ => Err(PinError::Card(CardError::Refused {
                command: "VERIFY",
                sw: response.sw,
            })),
        }
    }

    /// Signs a SHA-256 hash with the user-authentication key (PKCS#1 v1.5,
    /// 256 bytes). The user-authentication PIN must be verified in this tap.
    pub async fn sign(&mut self, digest: &[u8; 32]) -> Result<Vec<u8>, CardError> {
        self.link.check_signature_fits()?;
        if !self.link.is_verified(PinKind::UserAuth) {
            return Err(CardError::NotVerified(PinKind::UserAuth.label()));
        }
        self.link.sign_with_auth_key(digest).await
    }

    /// Reads the basic four items after the card-info PIN or 照合番号B.
    pub async fn basic_four(&mut self) -> Result<BasicFour, CardError> {
        if !self.link.is_verified(PinKind::CardInfo)
            && !self.link.is_verified(PinKind::CardInfoCodeB)
        {
            return Err(CardError::NotVerified("card-info PIN or 照合番号B"));
        }
        self.link.read_basic_four().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_answers_map_to_statuses() {
        assert_eq!(
            pin_status_from_query(StatusWord(0x63C3)).unwrap(),
            PinStatus::TriesLeft(3)
        );
        assert_eq!(
            pin_status_from_query(StatusWord(0x63C1)).unwrap(),
            PinStatus::TriesLeft(1)
        );
        assert_eq!(
            pin_status_from_query(StatusWord(0x63C0)).unwrap(),
            PinStatus::Locked
        );
        assert_eq!(
            pin_status_from_query(StatusWord(0x6984)).unwrap(),
            PinStatus::Locked
        );
        assert_eq!(
            pin_status_from_query(StatusWord(0x6983)).unwrap(),
            PinStatus::Locked
        );
        assert_eq!(
            pin_status_from_query(StatusWord(0x9000)).unwrap(),
            PinStatus::Verified
        );
        assert!(pin_status_from_query(StatusWord(0x6700)).is_err());
    }
}
