//! The field platform double: an in-memory [`FieldApi`] with the contract's
//! rules the field session relies on — terminal passwords with a lock after
//! repeated wrong ones, device registration on the first login and refusal
//! of another device, projects (one open, one closed), rosters with versions
//! and person digests under a per-project salt, signed batches checked with
//! the registered device key, one grant per person and project, re-sent taps
//! answering the same outcome (granted becomes already granted), the
//! not-on-roster list and add-registration. Upload faults can be planned: the
//! request lost before it arrives, or the answer lost after processing.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;

use async_trait::async_trait;
use base64::Engine as _;
use mynapoint_contract::grant::*;
use mynapoint_contract::SessionToken;
use mynapoint_core::platform::{ErrorCode, FieldApi, PlatformError};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};

use super::Fault;
use crate::cards::Card;

/// The terminal every fake field platform knows.
pub const TERMINAL_ID: &str = "00000001";
/// Its password.
pub const TERMINAL_PASSWORD: &str = "field-pass-0001";
/// Wrong passwords in a row that lock the terminal.
pub const MAX_WRONG_PASSWORDS: u32 = 5;
/// The open project.
pub const PROJECT_ID: &str = "0001";
/// Its points per grant.
pub const POINTS: u32 = 100;
/// A closed project.
pub const CLOSED_PROJECT_ID: &str = "0002";
/// The municipality (千代田区).
pub const MUNICIPALITY_CODE: &str = "131016";

fn err(status: u16, code: ErrorCode, message: String) -> PlatformError {
    PlatformError::Http {
        status,
        code,
        message,
        field: None,
    }
}

struct Terminal {
    password: String,
    wrong: u32,
    locked: bool,
    /// (public key, fingerprint) of the registered device.
    device: Option<(Vec<u8>, String)>,
}

#[derive(Clone)]
struct RosterRow {
    digest: Vec<u8>,
    points: u32,
    removed: bool,
    /// The roster version of its last change.
    changed: u64,
}

struct Roster {
    salt: [u8; ROSTER_SALT_LEN],
    version: u64,
    rows: BTreeMap<String, RosterRow>,
}

/// A project's waiting taps: My Key ID (None: none) → (taps, first tap time).
type Waiting = BTreeMap<Option<String>, (Vec<TapId>, u64)>;

#[derive(Default)]
struct State {
    terminals: HashMap<String, Terminal>,
    tokens: HashMap<String, String>,
    projects: Vec<GrantProject>,
    rosters: HashMap<String, Roster>,
    /// (issuer, subject CN) → My Key ID (None: the person has none).
    persons: HashMap<(String, String), Option<String>>,
    master: HashMap<String, Participant>,
    /// (project, My Key ID) granted.
    granted: HashMap<(String, String), u32>,
    /// Tap ID → its first outcome.
    taps: HashMap<String, TapOutcome>,
    /// Project → My Key ID (None: no My Key ID) → waiting taps.
    waiting: HashMap<String, Waiting>,
    batches_seen: Vec<String>,
    batch_sizes: Vec<usize>,
    upload_faults: VecDeque<Fault>,
    roster_since: Vec<u64>,
    counter: u64,
}

/// The field platform double. See the module docs.
pub struct FakeField {
    state: Mutex<State>,
}

impl Default for FakeField {
    fn default() -> Self {
        Self::new()
    }
}

fn project(id: &str, open: bool) -> GrantProject {
    GrantProject {
        project_id: id.into(),
        point_id: "13101001".into(),
        name: format!("健康教室 {id}"),
        department: "健康推進課".into(),
        points_per_grant: POINTS,
        remarks: String::new(),
        open,
    }
}

fn municipality() -> Municipality {
    Municipality {
        code: MUNICIPALITY_CODE.into(),
        name: "千代田区".into(),
        point_name: "ちよだ健康ポイント".into(),
        expiry_days: 60,
    }
}

impl FakeField {
    /// One terminal ([`TERMINAL_ID`]), an open and a closed project with
    /// empty rosters, nobody known.
    pub fn new() -> Self {
        let mut st = State::default();
        st.terminals.insert(
            TERMINAL_ID.into(),
            Terminal {
                password: TERMINAL_PASSWORD.into(),
                wrong: 0,
                locked: false,
                device: None,
            },
        );
        st.projects = vec![project(PROJECT_ID, true), project(CLOSED_PROJECT_ID, false)];
        for (i, p) in st.projects.iter().enumerate() {
            st.rosters.insert(
                p.project_id.clone(),
                Roster {
                    salt: [i as u8 + 1; ROSTER_SALT_LEN],
                    version: 0,
                    rows: BTreeMap::new(),
                },
            );
        }
        Self {
            state: Mutex::new(st),
        }
    }

    fn st(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The platform knows `card`'s person, with `my_key_id` (or none).
    pub fn add_person(&self, card: &Card, my_key_id: Option<&str>) {
        self.st()
            .persons
            .insert(card.person(), my_key_id.map(str::to_owned));
    }

    /// Puts `my_key_id` (a known person's) on `project`'s roster.
    pub fn add_to_roster(&self, project: &str, my_key_id: &str) {
        let mut st = self.st();
        let identity = st
            .persons
            .iter()
            .find(|(_, m)| m.as_deref() == Some(my_key_id))
            .map(|(p, _)| p.clone())
            .expect("a known person");
        let roster = st.rosters.get_mut(project).expect("a project");
        roster.version += 1;
        let digest = person_digest(&roster.salt, &identity.0, &identity.1).to_vec();
        let changed = roster.version;
        roster.rows.insert(
            my_key_id.into(),
            RosterRow {
                digest,
                points: POINTS,
                removed: false,
                changed,
            },
        );
    }

    /// Puts `n` made-up participants on `project`'s roster (bulk, for
    /// benchmarks of the sync).
    pub fn add_synthetic_roster(&self, project: &str, n: usize) {
        let mut st = self.st();
        let roster = st.rosters.get_mut(project).expect("a project");
        roster.version += 1;
        let changed = roster.version;
        for i in 0..n {
            let id = format!("SYN{i:09}");
            let digest = person_digest(&roster.salt, "CN=Synthetic", &id).to_vec();
            roster.rows.insert(
                id,
                RosterRow {
                    digest,
                    points: POINTS,
                    removed: false,
                    changed,
                },
            );
        }
    }

    /// Takes `my_key_id` off `project`'s roster.
    pub fn remove_from_roster(&self, project: &str, my_key_id: &str) {
        let mut st = self.st();
        let roster = st.rosters.get_mut(project).expect("a project");
        roster.version += 1;
        let version = roster.version;
        if let Some(row) = roster.rows.get_mut(my_key_id) {
            row.removed = true;
            row.changed = version;
        }
    }

    /// A participant master row.
    pub fn add_master(&self, participant: Participant) {
        self.st()
            .master
            .insert(participant.my_key_id.clone(), participant);
    }

    /// The next upload meets `fault`.
    pub fn plan_upload_fault(&self, fault: Fault) {
        self.st().upload_faults.push_back(fault);
    }

    /// Grants of `project` to `my_key_id` (0 or 1).
    pub fn grants(&self, project: &str, my_key_id: &str) -> u32 {
        self.st()
            .granted
            .get(&(project.to_owned(), my_key_id.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    /// Every batch ID received, in order (re-sends included).
    pub fn batches_seen(&self) -> Vec<String> {
        self.st().batches_seen.clone()
    }

    /// The number of taps of every batch received, in order.
    pub fn batch_sizes(&self) -> Vec<usize> {
        self.st().batch_sizes.clone()
    }

    /// The `since` of every roster request, in order.
    pub fn roster_requests(&self) -> Vec<u64> {
        self.st().roster_since.clone()
    }

    /// The administrator re-registers the terminal (forgets the device,
    /// unlocks).
    pub fn re_register(&self, terminal_id: &str) {
        let mut st = self.st();
        let t = st.terminals.get_mut(terminal_id).expect("a terminal");
        t.device = None;
        t.wrong = 0;
        t.locked = false;
    }

    fn check_token(st: &State, token: &SessionToken) -> Result<String, PlatformError> {
        st.tokens.get(token.expose()).cloned().ok_or_else(|| {
            err(
                401,
                ErrorCode::Unauthenticated,
                "fake: unknown token".into(),
            )
        })
    }

    fn project_of(st: &State, project_id: &str) -> Result<GrantProject, PlatformError> {
        st.projects
            .iter()
            .find(|p| p.project_id == project_id)
            .cloned()
            .ok_or_else(|| err(404, ErrorCode::ProjectUnknown, "fake: no project".into()))
    }

    fn grant(st: &mut State, project: &str, my_key_id: &str, tap_id: &TapId) -> TapOutcome {
        let key = (project.to_owned(), my_key_id.to_owned());
        let points = st
            .rosters
            .get(project)
            .and_then(|r| r.rows.get(my_key_id))
            .map_or(POINTS, |r| r.points);
        let result = match st.granted.entry(key) {
            std::collections::hash_map::Entry::Occupied(_) => TapResult::AlreadyGranted,
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(1);
                TapResult::Granted
            }
        };
        TapOutcome {
            tap_id: tap_id.clone(),
            result,
            reason: None,
            my_key_id: Some(my_key_id.to_owned()),
            points: Some(points),
        }
    }

    fn outcome(st: &mut State, tap: &Tap) -> TapOutcome {
        let refused = |reason| TapOutcome {
            tap_id: tap.tap_id.clone(),
            result: TapResult::Refused,
            reason: Some(reason),
            my_key_id: None,
            points: None,
        };
        let Some(project) = st
            .projects
            .iter()
            .find(|p| p.project_id == tap.project_id)
            .cloned()
        else {
            return refused(TapRefusal::UnknownProject);
        };
        if !project.open {
            return refused(TapRefusal::ProjectClosed);
        }
        if tap.card.not_after < tap.tapped_at {
            return refused(TapRefusal::CertificateExpired);
        }
        let identity = (tap.card.issuer.clone(), tap.card.subject_cn.clone());
        let Some(person) = st.persons.get(&identity).cloned() else {
            return refused(TapRefusal::UnknownCard);
        };
        let on_roster = person.as_ref().is_some_and(|m| {
            st.rosters[&tap.project_id]
                .rows
                .get(m)
                .is_some_and(|r| !r.removed)
        });
        if on_roster {
            let m = person.expect("on the roster");
            return Self::grant(st, &tap.project_id, &m, &tap.tap_id);
        }
        let entry = st
            .waiting
            .entry(tap.project_id.clone())
            .or_default()
            .entry(person.clone())
            .or_insert_with(|| (Vec::new(), tap.tapped_at));
        entry.0.push(tap.tap_id.clone());
        TapOutcome {
            tap_id: tap.tap_id.clone(),
            result: if person.is_some() {
                TapResult::NotOnRoster
            } else {
                TapResult::NoMyKeyId
            },
            reason: None,
            my_key_id: person,
            points: None,
        }
    }
}

#[async_trait]
impl FieldApi for FakeField {
    async fn terminal_login(
        &self,
        request: &TerminalLoginRequest,
    ) -> Result<TerminalLoginResponse, PlatformError> {
        let mut st = self.st();
        st.counter += 1;
        let token = format!("field-token-{}", st.counter);
        let Some(t) = st.terminals.get_mut(&request.terminal_id) else {
            return Err(err(
                401,
                ErrorCode::TerminalUnknown,
                "fake: no terminal".into(),
            ));
        };
        if t.locked {
            return Err(err(
                423,
                ErrorCode::TerminalLocked,
                "fake: locked until 1800000000".into(),
            ));
        }
        if request.password.expose() != t.password {
            t.wrong += 1;
            if t.wrong >= MAX_WRONG_PASSWORDS {
                t.locked = true;
                return Err(err(423, ErrorCode::TerminalLocked, "fake: locked".into()));
            }
            return Err(err(
                401,
                ErrorCode::TerminalPasswordWrong,
                format!(
                    "{} tries left before the lock",
                    MAX_WRONG_PASSWORDS - t.wrong
                ),
            ));
        }
        let device = (
            request.device_public_key.clone(),
            request.device_fingerprint.clone(),
        );
        let registered = match &t.device {
            None => {
                t.device = Some(device);
                true
            }
            Some(d) if *d == device => false,
            Some(_) => {
                return Err(err(
                    409,
                    ErrorCode::TerminalDeviceMismatch,
                    "fake: another device".into(),
                ))
            }
        };
        t.wrong = 0;
        st.tokens.insert(token.clone(), request.terminal_id.clone());
        Ok(TerminalLoginResponse {
            token: SessionToken::new(token),
            expires_at: 4_000_000_000,
            terminal_id: request.terminal_id.clone(),
            device_registered: registered,
            municipality: municipality(),
            projects: st.projects.clone(),
        })
    }

    async fn projects(&self, token: &SessionToken) -> Result<ProjectList, PlatformError> {
        let st = self.st();
        Self::check_token(&st, token)?;
        Ok(ProjectList {
            municipality: municipality(),
            projects: st.projects.clone(),
        })
    }

    async fn roster(
        &self,
        token: &SessionToken,
        project_id: &str,
        since: u64,
    ) -> Result<RosterSync, PlatformError> {
        let mut st = self.st();
        Self::check_token(&st, token)?;
        Self::project_of(&st, project_id)?;
        st.roster_since.push(since);
        let roster = &st.rosters[project_id];
        let full = since == 0;
        let entries = roster
            .rows
            .iter()
            .filter(|(_, r)| if full { !r.removed } else { r.changed > since })
            .map(|(id, r)| RosterEntry {
                my_key_id: id.clone(),
                person_digest: r.digest.clone(),
                points: r.points,
                removed: r.removed,
            })
            .collect();
        Ok(RosterSync {
            project_id: project_id.into(),
            version: roster.version,
            full,
            salt: roster.salt.to_vec(),
            entries,
        })
    }

    async fn upload_taps(
        &self,
        token: &SessionToken,
        body: &[u8],
        signature: &str,
    ) -> Result<UploadResponse, PlatformError> {
        let mut st = self.st();
        if let Some(Fault::LostBefore) = st.upload_faults.front() {
            st.upload_faults.pop_front();
            return Err(PlatformError::Network("fake: connection reset".into()));
        }
        let terminal = Self::check_token(&st, token)?;
        let (key, _) = st.terminals[&terminal]
            .device
            .clone()
            .expect("a registered device");
        let verifies = base64::engine::general_purpose::STANDARD
            .decode(signature)
            .ok()
            .and_then(|der| Signature::from_der(&der).ok())
            .zip(VerifyingKey::from_sec1_bytes(&key).ok())
            .is_some_and(|(sig, key)| key.verify(body, &sig).is_ok());
        if !verifies {
            return Err(err(
                401,
                ErrorCode::BatchSignatureInvalid,
                "fake: bad signature".into(),
            ));
        }
        let batch: TapBatch = serde_json::from_slice(body)
            .map_err(|e| err(400, ErrorCode::BatchFormat, e.to_string()))?;
        if batch.taps.is_empty() || batch.taps.len() > MAX_TAPS_PER_BATCH {
            return Err(err(400, ErrorCode::BatchFormat, "fake: batch size".into()));
        }
        st.batches_seen.push(batch.batch_id.clone());
        st.batch_sizes.push(batch.taps.len());
        let outcomes = batch
            .taps
            .iter()
            .map(|tap| match st.taps.get(tap.tap_id.as_str()) {
                Some(first) => {
                    let mut again = first.clone();
                    if again.result == TapResult::Granted {
                        again.result = TapResult::AlreadyGranted;
                    }
                    again
                }
                None => {
                    let outcome = Self::outcome(&mut st, tap);
                    st.taps
                        .insert(tap.tap_id.as_str().to_owned(), outcome.clone());
                    outcome
                }
            })
            .collect();
        if let Some(Fault::LostAfter) = st.upload_faults.front() {
            st.upload_faults.pop_front();
            return Err(PlatformError::Network("fake: connection reset".into()));
        }
        Ok(UploadResponse {
            batch_id: batch.batch_id,
            outcomes,
        })
    }

    async fn not_on_roster(
        &self,
        token: &SessionToken,
        project_id: &str,
    ) -> Result<NotOnRosterList, PlatformError> {
        let st = self.st();
        Self::check_token(&st, token)?;
        Self::project_of(&st, project_id)?;
        let entries = st
            .waiting
            .get(project_id)
            .map(|w| {
                w.iter()
                    .map(|(m, (taps, first))| NotOnRosterEntry {
                        my_key_id: m.clone(),
                        tap_ids: taps.clone(),
                        first_tapped_at: *first,
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(NotOnRosterList {
            project_id: project_id.into(),
            entries,
        })
    }

    async fn add_registration(
        &self,
        token: &SessionToken,
        project_id: &str,
        request: &AddRegistrationRequest,
    ) -> Result<AddRegistrationResponse, PlatformError> {
        let mut st = self.st();
        Self::check_token(&st, token)?;
        Self::project_of(&st, project_id)?;
        let participant = match (request.source, &request.participant) {
            (ParticipantSource::Master, _) => {
                st.master.get(&request.my_key_id).cloned().ok_or_else(|| {
                    err(
                        404,
                        ErrorCode::ParticipantNotInMaster,
                        "fake: no master row".into(),
                    )
                })?
            }
            (_, Some(p)) if p.my_key_id == request.my_key_id => p.clone(),
            _ => {
                return Err(err(
                    400,
                    ErrorCode::ParticipantFormat,
                    "fake: participant".into(),
                ))
            }
        };
        let on_roster = st.rosters[project_id]
            .rows
            .get(&request.my_key_id)
            .is_some_and(|r| !r.removed);
        if on_roster {
            return Err(err(
                409,
                ErrorCode::AlreadyOnRoster,
                "fake: on roster".into(),
            ));
        }
        let key = Some(request.my_key_id.clone());
        let Some((taps, _)) = st.waiting.get_mut(project_id).and_then(|w| w.remove(&key)) else {
            return Err(err(404, ErrorCode::NotWaiting, "fake: not waiting".into()));
        };
        st.master.insert(participant.my_key_id.clone(), participant);
        let identity = st
            .persons
            .iter()
            .find(|(_, m)| m.as_deref() == Some(request.my_key_id.as_str()))
            .map(|(p, _)| p.clone())
            .expect("a waiting person is known");
        let roster = st.rosters.get_mut(project_id).expect("a project");
        roster.version += 1;
        let changed = roster.version;
        let digest = person_digest(&roster.salt, &identity.0, &identity.1).to_vec();
        roster.rows.insert(
            request.my_key_id.clone(),
            RosterRow {
                digest,
                points: POINTS,
                removed: false,
                changed,
            },
        );
        let version = roster.version;
        let outcomes = taps
            .iter()
            .map(|t| {
                let o = Self::grant(&mut st, project_id, &request.my_key_id, t);
                st.taps.insert(t.as_str().to_owned(), o.clone());
                o
            })
            .collect();
        Ok(AddRegistrationResponse {
            project_id: project_id.into(),
            my_key_id: request.my_key_id.clone(),
            roster_version: version,
            outcomes,
        })
    }
}
