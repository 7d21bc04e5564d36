//! A grant event for the field commands' tests: the real platform in the
//! test process (set up through its administration API), seven simulated
//! cards' state files, and a device state folder.

use std::path::PathBuf;

use cardsim::{CardState, SimCard};
use mynapoint_testkit::cards::{card, Card};
use mynapoint_testkit::field::TERMINAL_PASSWORD;
use mynapoint_testkit::field_rig::FieldRig;

use super::{mynapoint, stdout};

pub struct Event {
    pub rt: tokio::runtime::Runtime,
    pub rig: FieldRig,
    /// Card state files: 0..4 on the roster, 4..6 with a My Key ID but not
    /// on it, 6 without a My Key ID.
    pub cards: Vec<PathBuf>,
    pub state: PathBuf,
    _dir: tempfile::TempDir,
}

pub fn my_key_id(i: usize) -> String {
    format!("CLI{i:05}")
}

impl Event {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let rt = tokio::runtime::Runtime::new().unwrap();
        let rig = rt.block_on(FieldRig::new(&dir.path().join("unused")));
        let mut cards = Vec::new();
        for i in 0..7 {
            let path = dir.path().join(format!("card{i}.json"));
            let spec = card(
                i % 4,
                0x7000 + i as u32,
                &format!("FIELD CLI PERSON {i:02}"),
            )
            .spec();
            SimCard::create_file(&path, spec).unwrap();
            if i < 6 {
                let c = Card::from_state(CardState::load(&path).unwrap());
                rig.seed_my_key_id(&c, &my_key_id(i));
            }
            cards.push(path);
        }
        let roster: Vec<String> = (0..4).map(my_key_id).collect();
        let roster: Vec<&str> = roster.iter().map(String::as_str).collect();
        rt.block_on(rig.admin.standard_setup(&roster)).unwrap();
        let state = dir.path().join("device");
        Event {
            rt,
            rig,
            cards,
            state,
            _dir: dir,
        }
    }

    pub fn url(&self) -> String {
        self.rig.platform.platform.base_url().to_owned()
    }

    /// `mynapoint field <args> --platform URL --state DIR` with the password on stdin.
    pub fn online(&self, args: &[&str]) -> std::process::Output {
        let url = self.url();
        let state = self.state.to_string_lossy().into_owned();
        let mut all: Vec<&str> = vec!["field"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--platform", &url, "--state", &state, "--json"]);
        mynapoint(&all, &format!("{TERMINAL_PASSWORD}\n"))
    }

    pub fn offline(&self, args: &[&str]) -> std::process::Output {
        let state = self.state.to_string_lossy().into_owned();
        let mut all: Vec<&str> = vec!["field"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--state", &state, "--json"]);
        mynapoint(&all, "")
    }

    pub fn sim(&self, order: &[usize]) -> String {
        let list: Vec<String> = order
            .iter()
            .map(|i| self.cards[*i].to_string_lossy().into_owned())
            .collect();
        format!("sim:{}", list.join(","))
    }

    pub fn grants(&self, i: usize) -> usize {
        self.rt
            .block_on(self.rig.admin.grants(&my_key_id(i)))
            .map(|h| h.grants.len())
            .unwrap_or(0)
    }
}

pub fn lines(out: &std::process::Output) -> Vec<serde_json::Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}
