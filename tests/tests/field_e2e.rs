//! The field point-grant app end to end: the core's field session through
//! the real card layer (cardsim cards) against the real platform in
//! process, set up through the administration API.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use mynapoint_contract::grant::{
    AddRegistrationRequest, AddRegistrationResponse, NotOnRosterList, ParticipantSource,
    ProjectList, RosterSync, TapResult, TerminalLoginRequest, TerminalLoginResponse,
    UploadResponse,
};
use mynapoint_contract::SessionToken;
use mynapoint_core::field::{FieldSession, VerdictKind};
use mynapoint_core::platform::{FieldApi, PlatformError};
use mynapoint_testkit::cards::{card, Card};
use mynapoint_testkit::field::{participant, POINTS, PROJECT, TERMINAL, TERMINAL_PASSWORD};
use mynapoint_testkit::field_rig::FieldRig;

fn my_key_id(n: usize) -> String {
    format!("FLD{n:05}")
}

/// `n` distinct cards (pooled keys, distinct serials and names).
fn cards(n: usize) -> Vec<Card> {
    (0..n)
        .map(|i| {
            card(
                i % 4,
                0x5000 + i as u32,
                &format!("FIELD PARTICIPANT {i:03}"),
            )
            .build()
        })
        .collect()
}

async fn ready(rig: &FieldRig, session: &FieldSession) {
    session
        .login(TERMINAL, TERMINAL_PASSWORD)
        .await
        .expect("login");
    session.sync_roster(PROJECT).await.expect("sync");
    session.choose_project(PROJECT).await.expect("choose");
    session.confirm_points(POINTS).await.expect("confirm");
    let _ = rig;
}

/// 20 participants: 0..10 with a My Key ID on the roster, 10..15 with a
/// My Key ID but not on it, 15..20 without a My Key ID.
async fn event(dir: &std::path::Path) -> (FieldRig, Vec<Card>) {
    let rig = FieldRig::new(dir).await;
    let people = cards(20);
    for (i, c) in people.iter().enumerate().take(15) {
        rig.seed_my_key_id(c, &my_key_id(i));
    }
    let roster: Vec<String> = (0..10).map(my_key_id).collect();
    let roster: Vec<&str> = roster.iter().map(String::as_str).collect();
    rig.admin.standard_setup(&roster).await.expect("setup");
    (rig, people)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_taps_are_granted_once_per_person_and_the_rest_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let (rig, people) = event(dir.path()).await;
    let session = rig.session();
    ready(&rig, &session).await;

    // 200 taps: every participant ten times, interleaved.
    let mut verdicts: HashMap<&'static str, usize> = HashMap::new();
    for n in 0..200 {
        let c = &people[n % people.len()];
        let v = session.tap(c.t()).await.expect("tap");
        let expected = match (n < people.len(), n % people.len()) {
            (false, _) => VerdictKind::Duplicate,
            (true, i) if i < 10 => VerdictKind::OnRoster,
            (true, _) => VerdictKind::NotOnRoster,
        };
        assert_eq!(v.kind, expected, "tap {n}");
        assert!(v.tap_id.is_some(), "tap {n} recorded");
        *verdicts.entry(v.kind.as_str()).or_default() += 1;
    }
    assert_eq!(verdicts["on_roster"], 10);
    assert_eq!(verdicts["not_on_roster"], 10);
    assert_eq!(verdicts["duplicate"], 180);
    session.stop().await.unwrap();

    let up = session.upload().await.expect("upload");
    assert_eq!(up.granted, 10, "{up:?}");
    assert_eq!(up.already_granted, 90, "{up:?}");
    assert_eq!(up.not_on_roster, 50, "{up:?}");
    assert_eq!(up.no_my_key_id, 50, "{up:?}");
    assert_eq!(up.refused, 0, "{up:?}");
    assert_eq!(session.pending_taps().await.unwrap(), 0);

    // Results on the device: every tap answered.
    let results = session.results(Some(PROJECT)).await.unwrap();
    assert_eq!(results.len(), 200);
    assert!(results.iter().all(|r| r.outcome.is_some()));

    // Grant history: one grant of the project's points per roster person.
    for i in 0..10 {
        let h = rig.admin.grants(&my_key_id(i)).await.expect("history");
        assert_eq!(h.grants.len(), 1, "{i}: {h:?}");
        assert_eq!(h.grants[0].points, POINTS);
        assert_eq!(h.balances[0].points, u64::from(POINTS));
    }

    // Not on the roster: five My Key IDs, and the people without one.
    let list = session.not_on_roster(PROJECT).await.expect("list");
    let waiting: Vec<_> = list
        .entries
        .iter()
        .filter_map(|e| e.my_key_id.clone())
        .collect();
    for i in 10..15 {
        assert!(waiting.contains(&my_key_id(i)), "{i} in {list:?}");
    }
    assert!(list.entries.iter().any(|e| e.my_key_id.is_none()));

    // Add one of them (typed office data): exactly one grant from ten taps.
    let added = session
        .add_registration(
            PROJECT,
            &AddRegistrationRequest {
                my_key_id: my_key_id(10),
                source: ParticipantSource::Typed,
                participant: Some(participant(&my_key_id(10))),
            },
        )
        .await
        .expect("add-registration");
    let granted = added
        .outcomes
        .iter()
        .filter(|o| o.result == TapResult::Granted)
        .count();
    assert_eq!(granted, 1, "{added:?}");
    let h = rig.admin.grants(&my_key_id(10)).await.unwrap();
    assert_eq!(h.grants.len(), 1);

    // Uploading again sends nothing and grants nothing.
    let again = session.upload().await.expect("upload again");
    assert_eq!(again.granted + again.already_granted, 0, "{again:?}");
    for i in 0..11 {
        assert_eq!(
            rig.admin.grants(&my_key_id(i)).await.unwrap().grants.len(),
            1
        );
    }
}

/// Forwards to the real platform; the answers of chosen upload calls are
/// lost (the platform did the work, the device hears nothing).
struct LosesAnswers {
    inner: Arc<dyn FieldApi>,
    uploads: AtomicUsize,
    lose: Vec<usize>,
}

#[async_trait]
impl FieldApi for LosesAnswers {
    async fn terminal_login(
        &self,
        r: &TerminalLoginRequest,
    ) -> Result<TerminalLoginResponse, PlatformError> {
        self.inner.terminal_login(r).await
    }
    async fn projects(&self, t: &SessionToken) -> Result<ProjectList, PlatformError> {
        self.inner.projects(t).await
    }
    async fn roster(&self, t: &SessionToken, p: &str, s: u64) -> Result<RosterSync, PlatformError> {
        self.inner.roster(t, p, s).await
    }
    async fn upload_taps(
        &self,
        t: &SessionToken,
        body: &[u8],
        signature: &str,
    ) -> Result<UploadResponse, PlatformError> {
        let n = self.uploads.fetch_add(1, Ordering::SeqCst);
        let answer = self.inner.upload_taps(t, body, signature).await;
        if self.lose.contains(&n) {
            return Err(PlatformError::Network("connection reset".into()));
        }
        answer
    }
    async fn not_on_roster(
        &self,
        t: &SessionToken,
        p: &str,
    ) -> Result<NotOnRosterList, PlatformError> {
        self.inner.not_on_roster(t, p).await
    }
    async fn add_registration(
        &self,
        t: &SessionToken,
        p: &str,
        r: &AddRegistrationRequest,
    ) -> Result<AddRegistrationResponse, PlatformError> {
        self.inner.add_registration(t, p, r).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_whose_answer_was_lost_is_sent_again_and_grants_once() {
    let dir = tempfile::tempdir().unwrap();
    let (rig, people) = event(dir.path()).await;
    let api = Arc::new(LosesAnswers {
        inner: rig.platform.api.clone(),
        uploads: AtomicUsize::new(0),
        lose: vec![0],
    });
    let session = rig.session_with(api.clone());
    ready(&rig, &session).await;
    for c in &people[..10] {
        session.tap(c.t()).await.unwrap();
    }
    assert!(session.upload().await.is_err(), "the answer was lost");
    assert_eq!(session.pending_taps().await.unwrap(), 10);
    // The same batch again: the platform had granted; now it says so.
    let up = session.upload().await.expect("upload again");
    assert_eq!(up.granted + up.already_granted, 10, "{up:?}");
    assert_eq!(session.pending_taps().await.unwrap(), 0);
    for i in 0..10 {
        let h = rig.admin.grants(&my_key_id(i)).await.unwrap();
        assert_eq!(h.grants.len(), 1, "{i}: {h:?}");
    }
    assert_eq!(api.uploads.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_cut_halfway_and_resumed_after_a_restart_grants_each_tap_once() {
    let dir = tempfile::tempdir().unwrap();
    let (rig, people) = event(dir.path()).await;
    // 2,100 taps of the 10 roster cards make 3 batches of at most 1,000.
    {
        let session = rig.session();
        ready(&rig, &session).await;
        for n in 0..2100 {
            session.tap(people[n % 10].t()).await.unwrap();
        }
    }
    // The second batch's answer is lost, and the upload stops there.
    {
        let api = Arc::new(LosesAnswers {
            inner: rig.platform.api.clone(),
            uploads: AtomicUsize::new(0),
            lose: vec![1],
        });
        let session = rig.session_with(api);
        session.login(TERMINAL, TERMINAL_PASSWORD).await.unwrap();
        assert!(session.upload().await.is_err());
        let pending = session.pending_taps().await.unwrap();
        assert!(pending > 0 && pending < 2100, "{pending}");
    }
    // A new process resumes: every tap answered, each person granted once.
    let session = rig.session();
    session.login(TERMINAL, TERMINAL_PASSWORD).await.unwrap();
    session.upload().await.expect("resumed upload");
    assert_eq!(session.pending_taps().await.unwrap(), 0);
    let results = session.results(Some(PROJECT)).await.unwrap();
    assert_eq!(results.len(), 2100);
    let granted = results
        .iter()
        .filter(|r| r.outcome.as_ref().map(|o| o.result) == Some(TapResult::Granted))
        .count();
    assert_eq!(granted, 10);
    for i in 0..10 {
        let h = rig.admin.grants(&my_key_id(i)).await.unwrap();
        assert_eq!(h.grants.len(), 1, "{i}: {h:?}");
    }
}
