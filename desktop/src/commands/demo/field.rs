//! The demo's field part: an administrator sets up a municipality, a grant
//! project, a terminal and a roster through the administration API; the
//! terminal logs in, syncs, and three participants tap (one on the roster,
//! one not, one without a My Key ID, and the first again); the taps are
//! uploaded, the participant not on the roster is added, and the grants
//! are shown.

use std::sync::Arc;

use cardsim::{SharedCard, SimTransport};
use mynapoint_contract::grant::admin::{
    GrantHistory, NewMunicipality, NewProject, NewTerminal, RosterRow, RosterRows,
};
use mynapoint_contract::grant::{
    AddRegistrationRequest, Participant, ParticipantSource, TapResult,
};
use mynapoint_contract::Secret;
use mynapoint_core::card::ReaderCapabilities;
use mynapoint_core::clock::SystemClock;
use mynapoint_core::field::{DeviceStore, FieldSession, DEFAULT_IDLE_TIMEOUT};
use mynapoint_core::platform::HttpPlatform;
use mynapoint_core::secret_store::FileSecretStore;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::commands::field::failure;
use crate::commands::resident::say::Say;
use crate::exit::Exit;
use crate::platform_link::PlatformLink;
use crate::{block_on, lang, Failure};

const MUNICIPALITY: &str = "131016";
const PROJECT: &str = "0001";
const POINTS: u32 = 100;
const TERMINAL: &str = "00000001";
/// The demo terminal's password (a demo value, typed by the demo).
const TERMINAL_PASSWORD: &str = "demo-terminal-01";

/// What the field part did (`--json`: `field`).
#[derive(Serialize)]
pub struct FieldSummary {
    /// The verdict of each tap, in order.
    pub verdicts: Vec<&'static str>,
    /// Taps granted at the upload.
    pub granted_at_upload: u32,
    /// My Key IDs in the not-on-roster list after the upload.
    pub not_on_roster: Vec<String>,
    /// Entries of people without a My Key ID waiting in that list.
    pub waiting_without_my_key_id: usize,
    /// Grants made when the participant was added.
    pub granted_at_registration: usize,
    /// Unexpired points per My Key ID at the end.
    pub balances: Vec<(String, u64)>,
}

/// The administrator's client of the embedded platform.
struct Admin {
    base: String,
    token: String,
    http: reqwest::blocking::Client,
}

impl Admin {
    fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, Failure> {
        let fail = |why: String| {
            Failure::new(
                Exit::Platform,
                "demo_admin",
                format!("the demo's administration call {path} failed: {why}"),
            )
        };
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().map_err(|e| fail(e.to_string()))?;
        let status = response.status();
        let text = response.text().map_err(|e| fail(e.to_string()))?;
        if !status.is_success() {
            return Err(fail(format!("{status}: {text}")));
        }
        serde_json::from_str(&text).map_err(|e| fail(e.to_string()))
    }

    fn post<B: Serialize>(&self, path: &str, body: &B) -> Result<serde_json::Value, Failure> {
        self.call(reqwest::Method::POST, path, Some(body))
    }

    fn grants(&self, my_key_id: &str) -> Result<GrantHistory, Failure> {
        self.call::<(), _>(
            reqwest::Method::GET,
            &format!("/v1/admin/grants/{my_key_id}"),
            None,
        )
    }
}

fn tap_of(card: &SharedCard) -> Arc<SimTransport> {
    Arc::new(SimTransport::with_capabilities(
        card.clone(),
        ReaderCapabilities::SHORT_ONLY,
    ))
}

/// The participants: `(card, My Key ID)` of one on the roster and one not,
/// and a card whose person has no My Key ID.
pub struct Participants<'a> {
    pub on_roster: (&'a SharedCard, &'a str),
    pub not_on_roster: (&'a SharedCard, &'a str),
    pub without_my_key_id: &'a SharedCard,
}

pub fn run(
    link: &PlatformLink,
    say: &mut Say<'_>,
    people: Participants<'_>,
) -> Result<FieldSummary, Failure> {
    let admin = Admin {
        base: link.base_url().to_owned(),
        token: link
            .admin_token()
            .ok_or_else(|| {
                Failure::new(
                    Exit::Platform,
                    "demo_admin",
                    "the embedded platform has no administrator token",
                )
            })?
            .to_owned(),
        http: reqwest::blocking::Client::new(),
    };
    say.plain(
        "\nThe field point-grant app. An administrator at the office PC sets up, through the \
         administration API: municipality 131016 (千代田区, ちよだ健康ポイント, 60 days), grant \
         project 0001 (健康教室, 100 points per person), terminal 00000001, and the roster: \
         the first person's My Key ID.",
    )?;
    admin.post(
        "/v1/admin/municipalities",
        &NewMunicipality {
            code: MUNICIPALITY.into(),
            name: "千代田区".into(),
            point_name: "ちよだ健康ポイント".into(),
            expiry_days: 60,
        },
    )?;
    admin.post(
        "/v1/admin/projects",
        &NewProject {
            municipality_code: MUNICIPALITY.into(),
            project_id: PROJECT.into(),
            point_id: "13101001".into(),
            name: "健康教室".into(),
            department: "健康推進課".into(),
            points_per_grant: POINTS,
            remarks: String::new(),
        },
    )?;
    admin.post(
        "/v1/admin/terminals",
        &NewTerminal {
            terminal_id: TERMINAL.into(),
            municipality_code: MUNICIPALITY.into(),
            password: Secret::new(TERMINAL_PASSWORD),
        },
    )?;
    admin.post(
        &format!("/v1/admin/projects/{PROJECT}/roster"),
        &RosterRows {
            rows: vec![RosterRow {
                my_key_id: people.on_roster.1.to_owned(),
                points: None,
            }],
        },
    )?;

    let device = tempfile::tempdir().map_err(|e| {
        Failure::new(
            Exit::CardError,
            "demo_device",
            format!("no temporary directory: {e}"),
        )
    })?;
    let secrets =
        FileSecretStore::new(device.path().join("secrets")).map_err(|e| failure(&e.into()))?;
    let store = DeviceStore::open(&device.path().join("device.sqlite3"), &secrets)
        .map_err(|e| failure(&e.into()))?;
    let api = HttpPlatform::new(link.base_url()).map_err(|e| failure(&e.into()))?;
    let session = FieldSession::new(
        store,
        &secrets,
        Arc::new(api),
        Arc::new(SystemClock),
        DEFAULT_IDLE_TIMEOUT,
    )
    .map_err(|e| failure(&e))?;
    let f = |e: mynapoint_core::field::FieldError| failure(&e);

    let login = block_on(session.login(TERMINAL, TERMINAL_PASSWORD)).map_err(f)?;
    say.plain(format!(
        "terminal {} logs in (online; this first login registers the phone): {} projects",
        login.terminal_id,
        login.projects.len()
    ))?;
    let sync = block_on(session.sync_roster(PROJECT)).map_err(f)?;
    say.plain(format!(
        "roster of project {PROJECT} synced: {} participant(s), version {} (only salted digests \
         and My Key IDs on the phone, no names)",
        sync.participants, sync.version
    ))?;
    block_on(session.choose_project(PROJECT)).map_err(f)?;
    block_on(session.confirm_points(POINTS)).map_err(f)?;
    say.plain(format!(
        "staff confirm {POINTS} points per person; continuous reading starts (offline from here):"
    ))?;
    let order = [
        people.on_roster.0,
        people.not_on_roster.0,
        people.without_my_key_id,
        people.on_roster.0,
    ];
    let mut verdicts = Vec::new();
    for (n, card) in order.iter().enumerate() {
        let v = block_on(session.tap(tap_of(card))).map_err(f)?;
        say.plain(format!("  tap {}: {}", n + 1, v.message(lang())))?;
        verdicts.push(v.kind.as_str());
    }
    block_on(session.stop()).map_err(f)?;

    let up = block_on(session.upload()).map_err(f)?;
    say.plain(format!(
        "upload (online): {} granted, {} already granted, {} not on the roster, {} without a \
         My Key ID",
        up.granted, up.already_granted, up.not_on_roster, up.no_my_key_id
    ))?;
    let list = block_on(session.not_on_roster(PROJECT)).map_err(f)?;
    let not_on_roster: Vec<String> = list
        .entries
        .iter()
        .filter_map(|e| e.my_key_id.clone())
        .collect();
    let waiting_without_my_key_id = list
        .entries
        .iter()
        .filter(|e| e.my_key_id.is_none())
        .count();
    say.plain(format!(
        "not on the roster (screen 78): My Key ID(s) {}; {waiting_without_my_key_id} \
         participant(s) without a My Key ID (they need one first)",
        not_on_roster.join(", ")
    ))?;

    let added = block_on(session.add_registration(
        PROJECT,
        &AddRegistrationRequest {
            my_key_id: people.not_on_roster.1.to_owned(),
            source: ParticipantSource::Typed,
            participant: Some(Participant {
                my_key_id: people.not_on_roster.1.to_owned(),
                municipality_code: MUNICIPALITY.into(),
                name: "番号 次郎".into(),
                birth_date: "1985-06-15".into(),
                address: "東京都千代田区千代田1-1".into(),
                sex: "1".into(),
                phone: String::new(),
                email: String::new(),
                remarks: "デモ".into(),
            }),
        },
    ))
    .map_err(f)?;
    let granted_at_registration = added
        .outcomes
        .iter()
        .filter(|o| o.result == TapResult::Granted)
        .count();
    say.plain(format!(
        "staff add {} to the roster (screen 79, office data typed): {granted_at_registration} \
         grant(s) from the waiting tap(s)",
        people.not_on_roster.1
    ))?;

    let mut balances = Vec::new();
    for id in [people.on_roster.1, people.not_on_roster.1] {
        let h = admin.grants(id)?;
        let points: u64 = h.balances.iter().map(|b| b.points).sum();
        say.plain(format!(
            "grants of {id}: {} grant(s), balance {points} {}",
            h.grants.len(),
            h.balances
                .first()
                .map(|b| b.point_name.as_str())
                .unwrap_or("points")
        ))?;
        balances.push((id.to_owned(), points));
    }
    Ok(FieldSummary {
        verdicts,
        granted_at_upload: up.granted,
        not_on_roster,
        waiting_without_my_key_id,
        granted_at_registration,
        balances,
    })
}
