//! One participant's tap: its own short frame, bound to that card, ended
//! and wiped once the verdict is recorded.

use std::sync::Arc;
use std::time::Duration;

use mynapoint_contract::grant::{person_digest, CardIdentity, OfflineVerdict, Tap, TapId};
use zeroize::Zeroize;

use super::{FieldSession, FieldStep};
use crate::card::{CardError, CardTransport, CertificateHead};
use crate::failure::Failure;
use crate::field::error::FieldError;
use crate::field::store::StoredTap;
use crate::field::verdict::{TapVerdict, VerdictKind};
use crate::session_frame::{CardBinding, FlowData, FlowStep, FrameEnd, FrameError, SessionFrame};

/// A tap frame ends on its own after this long (a card read takes well
/// under a second; the bound is for a stuck transport's caller).
const TAP_IDLE: Duration = Duration::from_secs(60);

/// The steps of one participant's tap frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TapStep {
    Reading,
    Ended(FrameEnd),
}

impl FlowStep for TapStep {
    type EndReason = FrameEnd;

    fn ended(reason: FrameEnd) -> Self {
        TapStep::Ended(reason)
    }

    fn end_reason(self) -> Option<FrameEnd> {
        match self {
            TapStep::Ended(r) => Some(r),
            TapStep::Reading => None,
        }
    }
}

/// What a tap frame holds: the participant's card identity.
#[derive(Default)]
pub struct TapData {
    identity: Option<CardIdentity>,
}

fn wipe_identity(card: &mut CardIdentity) {
    card.serial.zeroize();
    card.issuer.zeroize();
    card.subject_cn.zeroize();
}

impl FlowData for TapData {
    /// Whether a card identity or a card binding is held.
    type Report = bool;

    fn wipe(&mut self) {
        if let Some(card) = self.identity.as_mut() {
            wipe_identity(card);
        }
    }

    fn report(&self, card: &CardBinding) -> bool {
        self.identity.is_some() || card.holds_card()
    }
}

async fn read_head(
    frame: &mut SessionFrame<TapStep, TapData>,
    transport: Arc<dyn CardTransport>,
) -> Result<CertificateHead, CardError> {
    let mut tap = frame.tap(transport).await.map_err(|e| match e {
        FrameError::Card(c) => c,
        // A fresh frame bound to no card refuses nothing else.
        other => CardError::Malformed(other.to_string()),
    })?;
    tap.certificate_head().await
}

/// The verdict of a card that could not be used: nothing recorded.
fn unusable(error: &CardError) -> TapVerdict {
    let kind = match error {
        CardError::NotMyNumberCard(_) => VerdictKind::NotMyNumberCard,
        _ => VerdictKind::CardUnreadable,
    };
    TapVerdict {
        kind,
        tap_id: None,
        points: None,
        failure: Some(Failure::from(error)),
    }
}

impl FieldSession {
    /// One participant's tap (offline): reads the head of the card's
    /// user-authentication certificate (no PIN; at most 4 short APDUs),
    /// decides the verdict from the synced roster and this device's taps,
    /// records the tap durably, and only then returns the verdict.
    ///
    /// A card that cannot be read or is not a My Number Card is a verdict
    /// ([`VerdictKind::CardUnreadable`], [`VerdictKind::NotMyNumberCard`])
    /// and records nothing. Errors: not tapping ([`FieldStep::Tapping`]
    /// needs a chosen project with its points confirmed), the device store
    /// failing (nothing shown as recorded).
    pub async fn tap(&self, transport: Arc<dyn CardTransport>) -> Result<TapVerdict, FieldError> {
        let mut inner = self.inner.lock().await;
        inner.frame.begin(|s| s == FieldStep::Tapping)?;
        let chosen = match inner.frame.data().chosen.clone() {
            Some(c) if c.confirmed => c,
            Some(c) => {
                return Err(FieldError::PointsNotConfirmed {
                    expected: c.points_per_grant,
                })
            }
            None => return Err(FieldError::ProjectUnknown(String::new())),
        };
        let project_id = chosen.project_id;
        let salt = inner
            .store
            .salt(&project_id)?
            .ok_or_else(|| FieldError::RosterNotSynced(project_id.clone()))?;

        let mut frame =
            SessionFrame::<TapStep, TapData>::new(TapStep::Reading, TAP_IDLE, self.clock.clone());
        let head = match read_head(&mut frame, transport).await {
            Ok(head) => head,
            Err(e) => {
                frame.abort();
                return Ok(unusable(&e));
            }
        };
        let now = self.clock.unix_now();
        frame.card_mut().bind(head.serial.clone());
        let identity = frame.data_mut().identity.insert(CardIdentity {
            serial: head.serial.to_hex(),
            issuer: head.issuer.clone(),
            subject_cn: head.subject_cn.clone(),
            not_before: head.not_before,
            not_after: head.not_after,
        });
        let digest = person_digest(&salt, &identity.issuer, &identity.subject_cn);
        drop(head);

        let mut points = None;
        let verdict = if now > identity.not_after {
            OfflineVerdict::CertificateExpired
        } else if inner.store.has_tapped(&project_id, &digest)? {
            OfflineVerdict::Duplicate
        } else if let Some(hit) = inner.store.roster_lookup(&project_id, &digest)? {
            points = Some(hit.points);
            OfflineVerdict::OnRoster
        } else {
            OfflineVerdict::NotOnRoster
        };
        let mut tap = Tap {
            tap_id: TapId::new(),
            project_id,
            tapped_at: now,
            card: identity.clone(),
            offline_verdict: verdict,
        };
        let recorded = inner.store.record_tap(StoredTap {
            tap: &tap,
            person_digest: &digest,
        });
        wipe_identity(&mut tap.card);
        // The participant's frame ends here, recorded or not: wiped.
        frame.abort();
        recorded?;
        Ok(TapVerdict {
            kind: match verdict {
                OfflineVerdict::OnRoster => VerdictKind::OnRoster,
                OfflineVerdict::NotOnRoster => VerdictKind::NotOnRoster,
                OfflineVerdict::Duplicate => VerdictKind::Duplicate,
                OfflineVerdict::CertificateExpired => VerdictKind::CertificateExpired,
            },
            tap_id: Some(tap.tap_id.as_str().to_owned()),
            points,
            failure: None,
        })
    }
}
