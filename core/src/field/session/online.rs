//! The field session's online actions: roster sync, upload, the
//! not-on-roster list and add-registration (with the card face read by
//! 照合番号B).

use std::collections::BTreeSet;
use std::sync::Arc;

use mynapoint_contract::grant::{
    AddRegistrationRequest, AddRegistrationResponse, NotOnRosterList, Participant, TapBatch,
    TapResult, MAX_TAPS_PER_BATCH, PERSON_DIGEST_LEN, ROSTER_SALT_LEN,
};
use zeroize::Zeroizing;

use super::tap::{TapData, TapStep};
use super::FieldSession;
use crate::card::{BasicFour, CardError, CardTransport};
use crate::field::error::FieldError;
use crate::pin::{LastTry, Pin, PinKind};
use crate::session_frame::{FrameError, SessionFrame};

/// What a roster sync did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterSummary {
    pub project_id: String,
    /// The roster version now held.
    pub version: u64,
    /// Whether the whole roster was replaced.
    pub full: bool,
    /// Entries added, changed or removed by this sync.
    pub changes: u64,
    /// Participants on the roster now.
    pub participants: u64,
}

/// What an upload did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UploadSummary {
    /// Batches answered in this call.
    pub batches: u32,
    /// Taps answered in this call, by the platform's result.
    pub granted: u32,
    pub already_granted: u32,
    pub not_on_roster: u32,
    pub no_my_key_id: u32,
    pub refused: u32,
}

/// The basic four items of a card face, as add-registration's office data
/// needs them. Personal data: `Debug` prints none of it.
#[derive(Clone, PartialEq, Eq)]
pub struct CardFace {
    pub name: String,
    pub address: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// `"1"`, `"2"` or `"9"` (JIS X 0303), as on the card.
    pub sex: String,
}

impl std::fmt::Debug for CardFace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CardFace(<personal data>)")
    }
}

impl CardFace {
    fn from_basic_four(b: &BasicFour) -> Self {
        let d = &b.birth_date;
        let birth_date = if d.len() == 8 && d.is_ascii() {
            format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..])
        } else {
            d.clone()
        };
        Self {
            name: b.name.clone(),
            address: b.address.clone(),
            birth_date,
            sex: b.sex.code().to_string(),
        }
    }

    /// The office data of an add-registration from this card face.
    pub fn participant(&self, my_key_id: &str, municipality_code: &str) -> Participant {
        Participant {
            my_key_id: my_key_id.to_owned(),
            municipality_code: municipality_code.to_owned(),
            name: self.name.clone(),
            birth_date: self.birth_date.clone(),
            address: self.address.clone(),
            sex: self.sex.clone(),
            phone: String::new(),
            email: String::new(),
            remarks: String::new(),
        }
    }
}

impl FieldSession {
    /// Syncs a project's roster (online): the changes since the version
    /// held (everything the first time), applied in one transaction.
    /// Repeatable; a sync that fails changes nothing.
    pub async fn sync_roster(&self, project_id: &str) -> Result<RosterSummary, FieldError> {
        let mut inner = self.inner.lock().await;
        inner.frame.begin(|_| true)?;
        let token = inner.token()?;
        let held = inner
            .store
            .project(project_id)?
            .ok_or_else(|| FieldError::ProjectUnknown(project_id.to_owned()))?;
        let since = match inner.store.salt(project_id)? {
            Some(_) => held.roster_version,
            None => 0,
        };
        let mut sync = self.api.roster(&token, project_id, since).await?;
        let bad = |what: &str| Err(FieldError::PlatformMismatch(what.to_owned()));
        if sync.project_id != project_id {
            return bad("a roster of another project");
        }
        if sync.salt.len() != ROSTER_SALT_LEN {
            return bad("a roster salt of another length");
        }
        if sync
            .entries
            .iter()
            .any(|e| !e.removed && e.person_digest.len() != PERSON_DIGEST_LEN)
        {
            return bad("a person digest of another length");
        }
        if since == 0 {
            sync.full = true;
        }
        inner.store.apply_roster(&sync)?;
        let participants = inner.store.project(project_id)?.map_or(0, |p| p.roster_len);
        Ok(RosterSummary {
            project_id: sync.project_id,
            version: sync.version,
            full: sync.full,
            changes: sync.entries.len() as u64,
            participants,
        })
    }

    /// Uploads every tap not yet answered (online), in signed batches of at
    /// most 1000. A batch made earlier and not answered (a cut connection)
    /// is sent again first, with the same batch ID and taps: the platform
    /// never grants twice. Each answered batch's outcomes are stored before
    /// the next is sent; an error stops the upload, and the next call
    /// resumes it.
    pub async fn upload(&self) -> Result<UploadSummary, FieldError> {
        let mut inner = self.inner.lock().await;
        inner.frame.begin(|_| true)?;
        let token = inner.token()?;
        let mut summary = UploadSummary::default();
        while let Some((batch_id, taps)) = inner
            .store
            .next_batch(MAX_TAPS_PER_BATCH, self.clock.unix_now())?
        {
            let sent: BTreeSet<String> =
                taps.iter().map(|t| t.tap_id.as_str().to_owned()).collect();
            let batch = TapBatch { batch_id, taps };
            let body = Zeroizing::new(
                serde_json::to_vec(&batch)
                    .map_err(|e| FieldError::PlatformMismatch(e.to_string()))?,
            );
            let signature = inner.device.sign(&body);
            let answer = self.api.upload_taps(&token, &body, &signature).await?;
            drop(body);
            if answer.batch_id != batch.batch_id
                || answer
                    .outcomes
                    .iter()
                    .any(|o| !sent.contains(o.tap_id.as_str()))
            {
                return Err(FieldError::PlatformMismatch(
                    "the upload answered about other taps".into(),
                ));
            }
            inner
                .store
                .record_outcomes(&batch.batch_id, &answer.outcomes)?;
            summary.batches += 1;
            for o in &answer.outcomes {
                match o.result {
                    TapResult::Granted => summary.granted += 1,
                    TapResult::AlreadyGranted => summary.already_granted += 1,
                    TapResult::NotOnRoster => summary.not_on_roster += 1,
                    TapResult::NoMyKeyId => summary.no_my_key_id += 1,
                    TapResult::Refused => summary.refused += 1,
                }
            }
        }
        Ok(summary)
    }

    /// The project's not-on-roster list (online, screen 78).
    pub async fn not_on_roster(&self, project_id: &str) -> Result<NotOnRosterList, FieldError> {
        let mut inner = self.inner.lock().await;
        inner.frame.begin(|_| true)?;
        let token = inner.token()?;
        Ok(self.api.not_on_roster(&token, project_id).await?)
    }

    /// Adds a not-on-roster participant to the project's roster (online,
    /// screen 79); their waiting taps get their outcome, stored for the
    /// taps of this device. The office data is sent, never stored here.
    pub async fn add_registration(
        &self,
        project_id: &str,
        request: &AddRegistrationRequest,
    ) -> Result<AddRegistrationResponse, FieldError> {
        let mut inner = self.inner.lock().await;
        inner.frame.begin(|_| true)?;
        let token = inner.token()?;
        let answer = self
            .api
            .add_registration(&token, project_id, request)
            .await?;
        inner.store.update_outcomes(&answer.outcomes)?;
        Ok(answer)
    }

    /// Reads a card face (name, address, birth date, sex) for an
    /// add-registration, with 照合番号B (the card's date of birth, expiry
    /// year and security code, 14 digits). Its own short card frame, wiped
    /// at the end. The last try of 照合番号B is never spent: a card with one
    /// try left is refused before anything is sent.
    pub async fn read_card_face(
        &self,
        transport: Arc<dyn CardTransport>,
        code_b: &str,
    ) -> Result<CardFace, FieldError> {
        let pin = Pin::code_b(code_b)?;
        {
            let mut inner = self.inner.lock().await;
            inner.frame.begin(|_| true)?;
        }
        let mut frame = SessionFrame::<TapStep, TapData>::new(
            TapStep::Reading,
            std::time::Duration::from_secs(60),
            self.clock.clone(),
        );
        let result = async {
            let mut tap = frame.tap(transport).await.map_err(|e| match e {
                FrameError::Card(c) => FieldError::Card(c),
                other => FieldError::Card(CardError::Malformed(other.to_string())),
            })?;
            tap.enter_pin(pin);
            tap.verify(PinKind::CardInfoCodeB, LastTry::Refuse).await?;
            let four = tap.basic_four().await?;
            Ok(CardFace::from_basic_four(&four))
        }
        .await;
        frame.abort();
        result
    }
}
