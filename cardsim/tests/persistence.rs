//! The state file: lockouts survive a restart, municipal resets unlock, and
//! what is only power-session state is never persisted.

mod common;

use cardsim::{CardState, PinId, SimCard, SimError};
use common::*;

#[test]
fn a_lockout_survives_reopening_the_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.json");
    let mut c = card();
    c.persist_to(&path).unwrap();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0018);
    assert_eq!(verify(&mut c, "0000"), 0x63C2);
    // Saved before the response left: a fresh open sees 2 tries.
    assert_eq!(SimCard::open(&path).unwrap().tries_left(PinId::Auth), 2);
    assert_eq!(verify(&mut c, "0000"), 0x63C1);
    assert_eq!(verify(&mut c, "0000"), 0x63C0);
    drop(c);

    let mut again = SimCard::open(&path).unwrap();
    assert_eq!(again.tries_left(PinId::Auth), 0);
    sw(&mut again, SELECT_JPKI);
    select_ef(&mut again, 0x0018);
    assert_eq!(sw(&mut again, "00200080"), 0x63C0);
    assert_eq!(verify(&mut again, AUTH_PIN), 0x6984);
    assert!(
        !again.is_verified(PinId::Auth),
        "verified state is never persisted"
    );
}

#[test]
fn reset_pin_unlocks_with_a_new_pin_and_persists() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.json");
    let mut c = SimCard::create_file(&path, spec().keys_from(&template())).unwrap();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0018);
    for _ in 0..3 {
        verify(&mut c, "0000");
    }
    assert_eq!(verify(&mut c, AUTH_PIN), 0x6984);
    c.reset_pin(PinId::Auth, "4321").unwrap();
    assert_eq!(c.tries_left(PinId::Auth), 3);
    assert_eq!(verify(&mut c, AUTH_PIN), 0x63C2, "the old PIN is gone");
    drop(c);
    let mut again = SimCard::open(&path).unwrap();
    assert_eq!(again.tries_left(PinId::Auth), 2);
    sw(&mut again, SELECT_JPKI);
    select_ef(&mut again, 0x0018);
    assert_eq!(verify(&mut again, "4321"), 0x9000);
    assert_eq!(SimCard::open(&path).unwrap().tries_left(PinId::Auth), 3);

    for (pin, value) in [
        (PinId::Sign, "NEWPIN99"),
        (PinId::CardInfo, "0000"),
        (PinId::CodeB, "12345678901234"),
    ] {
        again.reset_pin(pin, value).unwrap();
        assert_eq!(
            SimCard::open(&path).unwrap().state().pins.get(pin).value,
            value
        );
    }
    assert!(matches!(
        again.reset_pin(PinId::Auth, "12"),
        Err(SimError::Spec(_))
    ));
    assert!(matches!(
        again.reset_pin(PinId::Sign, "short"),
        Err(SimError::Spec(_))
    ));
}

#[test]
fn create_file_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.json");
    std::fs::write(&path, "precious").unwrap();
    let err = SimCard::create_file(&path, spec().keys_from(&template())).unwrap_err();
    assert!(matches!(err, SimError::Exists(_)));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "precious");
    SimCard::create_file_replacing(&path, spec().keys_from(&template())).unwrap();
    assert!(SimCard::open(&path).is_ok());
}

#[test]
fn saves_are_atomic_and_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.json");
    let mut c = card();
    c.persist_to(&path).unwrap();
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0018);
    verify(&mut c, "0000");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["card.json"], "no temporary file left behind");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "owner-only: the file holds PINs and keys");
    }
}

#[test]
fn a_failed_save_answers_6581_and_the_try_still_counts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.json");
    let mut c = card();
    c.persist_to(&path).unwrap();
    drop(dir); // the directory disappears: saving fails
    sw(&mut c, SELECT_JPKI);
    select_ef(&mut c, 0x0018);
    assert_eq!(verify(&mut c, "0000"), 0x6581);
    assert_eq!(c.tries_left(PinId::Auth), 2);
    assert_eq!(sw(&mut c, "00200080"), 0x63C2);
}

#[test]
fn state_round_trips_through_json_and_is_checked() {
    let state = template();
    let json = state.to_json();
    assert_eq!(CardState::from_json(&json).unwrap(), state);
    assert!(!format!("{state:?}").contains(AUTH_PIN));
    assert!(!format!("{state:?}").contains(MY_NUMBER));

    let mut bad = state.clone();
    bad.pins.auth.tries_left = 4;
    assert!(CardState::from_json(&bad.to_json()).is_err());
    let mut bad = state.clone();
    bad.format = 99;
    assert!(CardState::from_json(&bad.to_json()).is_err());
    assert!(CardState::from_json("{}").is_err());

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk.json");
    std::fs::write(&path, "not json").unwrap();
    assert!(matches!(
        SimCard::open(&path),
        Err(SimError::BadState { .. })
    ));
    assert!(matches!(
        SimCard::open(dir.path().join("missing.json")),
        Err(SimError::Io { .. })
    ));
}

#[test]
fn a_reset_pin_from_another_process_applies_at_the_next_power_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.json");
    let mut attached = card();
    attached.persist_to(&path).unwrap();
    sw(&mut attached, SELECT_JPKI);
    select_ef(&mut attached, 0x0018);
    for _ in 0..3 {
        verify(&mut attached, "0000");
    }
    // `cardsim reset-pin` while the card stays attached.
    SimCard::open(&path)
        .unwrap()
        .reset_pin(PinId::Auth, "1357")
        .unwrap();
    attached.power_reset();
    assert_eq!(attached.tries_left(PinId::Auth), 3);
    sw(&mut attached, SELECT_JPKI);
    select_ef(&mut attached, 0x0018);
    assert_eq!(verify(&mut attached, "1357"), 0x9000);
    // A damaged file is ignored: the card keeps what it has.
    std::fs::write(&path, "garbage").unwrap();
    attached.power_reset();
    assert_eq!(attached.state().pins.auth.value, "1357");
}

#[test]
fn code_a_counter_survives_reopening_and_resets_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.json");
    let mut c = card();
    c.persist_to(&path).unwrap();
    sw(&mut c, SELECT_CARD_INFO);
    select_ef(&mut c, 0x0014);
    assert_eq!(verify(&mut c, CODE_B), 0x63C9);
    drop(c);
    let mut again = SimCard::open(&path).unwrap();
    assert_eq!(again.tries_left(PinId::CodeA), 9);
    assert!(matches!(
        again.reset_pin(PinId::CodeA, "111111111118"),
        Err(SimError::Spec(_))
    ));
    assert_eq!(SimCard::open(&path).unwrap().tries_left(PinId::CodeA), 9);
    again.reset_counter(PinId::CodeA).unwrap();
    let reopened = SimCard::open(&path).unwrap();
    assert_eq!(reopened.tries_left(PinId::CodeA), 10);
    assert_eq!(reopened.state().pins.code_a.value, MY_NUMBER);
}

/// The template as a format-1 file: no `pins.code_a`.
fn format_1_json(state: &CardState) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(&state.to_json()).unwrap();
    v["format"] = 1.into();
    v["pins"].as_object_mut().unwrap().remove("code_a");
    v
}

#[test]
fn a_format_1_state_file_is_migrated_keeping_its_counters() {
    let mut state = template();
    state.pins.code_b.tries_left = 7;
    state.pins.auth.tries_left = 1;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.json");
    std::fs::write(&path, format_1_json(&state).to_string()).unwrap();

    let mut c = SimCard::open(&path).unwrap();
    assert_eq!(c.state().format, cardsim::STATE_FORMAT);
    assert_eq!(
        c.tries_left(PinId::CodeB),
        7,
        "the 照合番号B counter is kept"
    );
    assert_eq!(c.tries_left(PinId::Auth), 1);
    assert_eq!(c.tries_left(PinId::CodeA), 10);
    assert_eq!(c.state().pins.code_a.value, MY_NUMBER);
    // The first change writes the new format.
    sw(&mut c, SELECT_CARD_INFO);
    select_ef(&mut c, 0x0015);
    assert_eq!(verify(&mut c, CODE_B), 0x9000);
    let on_disk: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(on_disk["format"], cardsim::STATE_FORMAT);
    assert_eq!(on_disk["pins"]["code_b"]["tries_left"], 10);
}

#[test]
fn unknown_formats_and_a_wrong_code_a_are_refused_clearly() {
    let mut v = format_1_json(&template());
    v["format"] = 3.into();
    let err = CardState::from_json(&v.to_string()).unwrap_err();
    assert!(err.contains("state format 3"), "{err}");
    assert!(err.contains("cardsim create --force"), "{err}");

    let mut v: serde_json::Value = serde_json::from_str(&template().to_json()).unwrap();
    v["pins"]["code_a"]["value"] = "111111111118".into();
    let err = CardState::from_json(&v.to_string()).unwrap_err();
    assert!(err.contains("照合番号A"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.json");
    let mut v = format_1_json(&template());
    v["format"] = 9.into();
    std::fs::write(&path, v.to_string()).unwrap();
    let err = SimCard::open(&path).unwrap_err().to_string();
    assert!(
        err.contains("not a cardsim state file") && err.contains("format 9"),
        "{err}"
    );
}
