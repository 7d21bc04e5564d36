//! A card holder's session with one card, across taps.
//!
//! The session binds to the card first read (its certificate serial); a
//! different card on a later tap discards the entered PIN and every verified
//! state. The entered PIN lives in a zeroizing buffer and is cleared on
//! success, on any answer to VERIFY, on abort and on card change. A VERIFY
//! whose answer was lost puts the PIN in doubt: the next tap reads the retry
//! counter before anything else, and a VERIFY is never re-sent on its own.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::apdu::{ins, Command};
use super::card_info::BasicFour;
use super::certificate::{CertSerial, CertificateInfo};
use super::error::CardError;
use super::link::{CardLink, ReaderMemory};
use super::status::StatusKind;
use super::transport::CardTransport;
use crate::pin::{
    Decision, LastTry, Pin, PinError, PinGuard, PinKind, PinStatus, Recheck, Refusal,
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

/// A holder's session: binding, entered PIN, and per-secret guards.
#[derive(Default)]
pub struct CardSession {
    bound: Option<CertSerial>,
    entered: Option<Pin>,
    guards: BTreeMap<PinKind, PinGuard>,
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

    /// Keeps a PIN for the next VERIFY (replacing, and wiping, any other).
    pub fn enter_pin(&mut self, pin: Pin) {
        self.entered = Some(pin);
    }

    pub fn has_pin(&self, kind: PinKind) -> bool {
        self.entered.as_ref().is_some_and(|p| p.kind() == kind)
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
    PinStatus::from_query(sw)
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
    /// first; nothing sent when locked, or on the last try unless confirmed.
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
        let guard = self.session.guards.entry(kind).or_default();
        let tries_left = match guard.decide(status, last_try) {
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
                return Err(PinError::LastTryNeedsConfirmation(kind))
            }
            Decision::Send { tries_left } => tries_left,
        };
        // From here on the PIN is used once and wiped whatever happens.
        let Some(pin) = self.session.entered.take() else {
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
                Ok(())
            }
            StatusKind::TriesLeft(0) | StatusKind::Locked => {
                self.statuses.insert(kind, PinStatus::Locked);
                Err(PinError::Locked {
                    kind,
                    by_this_try: response.sw.kind() != StatusKind::Locked,
                })
            }
            StatusKind::TriesLeft(n) => {
                self.statuses.insert(kind, PinStatus::TriesLeft(n));
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
