//! Without a terminal to type a PIN at and without `--pin-stdin`, a card
//! command says how to give the PIN before it touches the card.

use std::process::{Command, Stdio};

use cardsim::{CardSpec, PinId, SimCard};

#[test]
fn without_a_terminal_the_pin_options_are_named_and_the_card_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let card = dir.path().join("card.json");
    SimCard::create_file(&card, CardSpec::new().auth_pin("1234")).unwrap();
    let reader = format!("sim:{}", card.display());
    for (args, option) in [
        (vec!["card", "verify"], "--pin-stdin"),
        (vec!["card", "face"], "--code-stdin"),
    ] {
        // setsid: a new session with no controlling terminal.
        let out = Command::new("setsid")
            .arg(env!("CARGO_BIN_EXE_mynapoint"))
            .args(&args)
            .args(["--reader", &reader])
            .stdin(Stdio::null())
            .output()
            .expect("setsid(1) from util-linux");
        assert_eq!(out.status.code(), Some(11), "{out:?}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains("no terminal") && said.contains(option),
            "{said}"
        );
        let state = SimCard::open(&card).unwrap();
        assert_eq!(state.tries_left(PinId::Auth), 3);
        assert_eq!(state.tries_left(PinId::CodeB), 10);
    }
}
