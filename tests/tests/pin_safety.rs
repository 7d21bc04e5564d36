//! The PIN safety rules against the simulated card: every counter value,
//! lockout, the last try, a lost tag at every step, and a card swap — first
//! as worked examples, then as a property over random sequences.

mod support;

use std::sync::Arc;

use cardsim::SimTransport;
use mynapoint_core::card::{apdu::ins, files, CardError, CardSession, PinError, TransportError};
use mynapoint_core::pin::{LastTry, Pin, PinKind, PinPrompt, PinStatus};
use proptest::prelude::*;
use support::*;

const AUTH: PinKind = PinKind::UserAuth;

fn pin(text: &str) -> Pin {
    Pin::user_auth(text).unwrap()
}

async fn verify_once(
    session: &mut CardSession,
    t: &Arc<SimTransport>,
    text: &str,
    last: LastTry,
) -> Result<(), PinError> {
    session.enter_pin(pin(text));
    let mut tap = session.tap(dyn_transport(t)).await.unwrap();
    tap.verify(AUTH, last).await
}

#[tokio::test]
async fn counts_down_refuses_the_last_try_and_sends_nothing_once_locked() {
    let card = card_a();
    let mut session = CardSession::new();

    let t = phone_tap(&card);
    let e = verify_once(&mut session, &t, WRONG_PIN, LastTry::Refuse)
        .await
        .unwrap_err();
    assert_eq!(
        e,
        PinError::WrongPin {
            kind: AUTH,
            tries_left: 2
        }
    );
    assert!(!session.has_pin(AUTH), "a wrong PIN is wiped");

    let t = phone_tap(&card);
    let e = verify_once(&mut session, &t, WRONG_PIN, LastTry::Refuse)
        .await
        .unwrap_err();
    assert_eq!(
        e,
        PinError::WrongPin {
            kind: AUTH,
            tries_left: 1
        }
    );

    // One try left: without confirmation nothing reaches the card, the PIN stays.
    let t = phone_tap(&card);
    let e = verify_once(&mut session, &t, PIN, LastTry::Refuse)
        .await
        .unwrap_err();
    assert_eq!(e, PinError::LastTryNeedsConfirmation(AUTH));
    assert_eq!(t.verifies_reached_card(), 0);
    assert!(session.has_pin(AUTH));
    assert_eq!(tries_left(&card), 1);

    // Confirmed, and wrong: this try locks it.
    let t = phone_tap(&card);
    let e = verify_once(&mut session, &t, WRONG_PIN, LastTry::Confirmed)
        .await
        .unwrap_err();
    assert_eq!(
        e,
        PinError::Locked {
            kind: AUTH,
            by_this_try: true
        }
    );
    assert_eq!(tries_left(&card), 0);

    // Locked: even the right PIN, even confirmed, sends nothing.
    let t = phone_tap(&card);
    let e = verify_once(&mut session, &t, PIN, LastTry::Confirmed)
        .await
        .unwrap_err();
    assert_eq!(
        e,
        PinError::Locked {
            kind: AUTH,
            by_this_try: false
        }
    );
    assert_eq!(t.verifies_reached_card(), 0);
    assert!(!session.has_pin(AUTH));
    let t = phone_tap(&card);
    let mut tap = session.tap(dyn_transport(&t)).await.unwrap();
    assert_eq!(tap.pin_status(AUTH).await.unwrap(), PinStatus::Locked);
}

#[tokio::test]
async fn the_right_pin_restores_the_counter() {
    let card = card_a();
    let mut session = CardSession::new();
    let t = phone_tap(&card);
    verify_once(&mut session, &t, WRONG_PIN, LastTry::Refuse)
        .await
        .unwrap_err();
    let t = phone_tap(&card);
    verify_once(&mut session, &t, PIN, LastTry::Refuse)
        .await
        .unwrap();
    assert_eq!(tries_left(&card), 3);
    let t = phone_tap(&card);
    let mut tap = session.tap(dyn_transport(&t)).await.unwrap();
    assert_eq!(tap.pin_status(AUTH).await.unwrap(), PinStatus::TriesLeft(3));
}

// ---- PIN first: typed before the tap, checked against a fresh count ----------

/// A first tap reads the count (3); the PIN is typed with it shown; then
/// another app spends `spent` tries; the PIN tap must send nothing.
async fn typed_then_spent_elsewhere(spent: usize, last: LastTry) -> (PinError, Card) {
    let card = card_a();
    let mut session = CardSession::new();
    {
        let mut tap = session.tap(dyn_transport(&phone_tap(&card))).await.unwrap();
        assert_eq!(tap.pin_status(AUTH).await.unwrap(), PinStatus::TriesLeft(3));
    }
    assert_eq!(session.prompt(AUTH), PinPrompt::Ask { tries_left: 3 });
    session.enter_pin(pin(PIN));
    another_app_spends(&card, spent).await;
    let before = tries_left(&card);
    let t = phone_tap(&card);
    let mut tap = session.tap(dyn_transport(&t)).await.unwrap();
    let e = tap.verify(AUTH, last).await.unwrap_err();
    drop(tap);
    assert_eq!(t.verifies_reached_card(), 0, "no VERIFY was sent");
    assert_eq!(tries_left(&card), before);
    assert!(!session.has_pin(AUTH), "the PIN was wiped");
    assert_eq!(session.known_status(AUTH), Some(status_of(before)));
    (e, card)
}

fn status_of(tries: u8) -> PinStatus {
    if tries == 0 {
        PinStatus::Locked
    } else {
        PinStatus::TriesLeft(tries)
    }
}

#[tokio::test]
async fn a_try_spent_by_another_app_after_the_prompt_sends_nothing() {
    let (e, card) = typed_then_spent_elsewhere(1, LastTry::Refuse).await;
    assert_eq!(
        e,
        PinError::CounterChanged {
            kind: AUTH,
            shown: 3,
            tries_left: 2
        }
    );
    assert!(e.to_string().contains("2 tries"), "{e}");
    assert!(!e.may_have_spent_a_try());
    assert_eq!(tries_left(&card), 2);
}

#[tokio::test]
async fn a_pin_locked_elsewhere_after_the_prompt_sends_nothing() {
    let (e, _) = typed_then_spent_elsewhere(3, LastTry::Confirmed).await;
    assert_eq!(
        e,
        PinError::CounterChanged {
            kind: AUTH,
            shown: 3,
            tries_left: 0
        }
    );
    assert!(e.to_string().contains("locked"), "{e}");
}

#[tokio::test]
async fn the_last_try_reached_elsewhere_is_not_spent_on_an_old_confirmation() {
    for last in [LastTry::Refuse, LastTry::Confirmed] {
        let (e, card) = typed_then_spent_elsewhere(2, last).await;
        assert_eq!(
            e,
            PinError::CounterChanged {
                kind: AUTH,
                shown: 3,
                tries_left: 1
            }
        );
        assert!(e.to_string().contains("1 try"), "{e}");
        assert_eq!(tries_left(&card), 1);
    }
}

#[tokio::test]
async fn the_count_after_each_answer_is_what_the_next_prompt_shows() {
    let card = card_a();
    let mut session = CardSession::new();
    assert_eq!(session.prompt(AUTH), PinPrompt::ReadFirst);
    verify_once(&mut session, &phone_tap(&card), WRONG_PIN, LastTry::Refuse)
        .await
        .unwrap_err();
    assert_eq!(session.prompt(AUTH), PinPrompt::Ask { tries_left: 2 });
    verify_once(&mut session, &phone_tap(&card), PIN, LastTry::Refuse)
        .await
        .unwrap();
    assert_eq!(
        session.prompt(AUTH),
        PinPrompt::Ask { tries_left: 3 },
        "a correct PIN resets the counter"
    );
    verify_once(&mut session, &phone_tap(&card), WRONG_PIN, LastTry::Refuse)
        .await
        .unwrap_err();
    verify_once(&mut session, &phone_tap(&card), WRONG_PIN, LastTry::Refuse)
        .await
        .unwrap_err();
    assert_eq!(session.prompt(AUTH), PinPrompt::ConfirmLastTry);

    // A lost answer: unknown until a tap reads it (first, before anything else).
    let t = phone_tap(&card);
    t.lose_tag_after(VERIFY_AT);
    let e = verify_once(&mut session, &t, WRONG_PIN, LastTry::Confirmed)
        .await
        .unwrap_err();
    assert!(matches!(e, PinError::MaybeCounted { .. }), "{e:?}");
    assert_eq!(session.prompt(AUTH), PinPrompt::ReadFirst);
    let tap = session.tap(dyn_transport(&phone_tap(&card))).await.unwrap();
    assert_eq!(tap.report().recheck.and_then(|r| r.try_counted), Some(true));
    drop(tap);
    assert_eq!(session.prompt(AUTH), PinPrompt::Locked);

    // Another card: nothing known of it.
    let b = card_b();
    drop(session.tap(dyn_transport(&phone_tap(&b))).await.unwrap());
    assert_eq!(session.prompt(AUTH), PinPrompt::ReadFirst);
}

/// Index of the VERIFY in a clean "tap, verify, sign" on a phone:
/// SELECT AP, SELECT 000A, READ, SELECT 0018, query, VERIFY, SELECT 0017, SIGN.
const VERIFY_AT: usize = 5;
const CLEAN_RUN: usize = 8;

#[derive(Debug)]
enum Ended {
    TapFailed(CardError),
    Verify(PinError),
    Sign(CardError),
    Signed,
}

async fn tap_verify_sign(session: &mut CardSession, t: &Arc<SimTransport>) -> Ended {
    let mut tap = match session.tap(dyn_transport(t)).await {
        Ok(tap) => tap,
        Err(e) => return Ended::TapFailed(e),
    };
    if let Err(e) = tap.verify(AUTH, LastTry::Refuse).await {
        return Ended::Verify(e);
    }
    match tap.sign(&[7u8; 32]).await {
        Ok(_) => Ended::Signed,
        Err(e) => Ended::Sign(e),
    }
}

#[tokio::test]
async fn a_clean_run_has_the_expected_shape() {
    let card = card_a();
    let t = phone_tap(&card);
    let mut session = CardSession::new();
    session.enter_pin(pin(PIN));
    assert!(matches!(
        tap_verify_sign(&mut session, &t).await,
        Ended::Signed
    ));
    assert_eq!(t.exchanges(), CLEAN_RUN);
    assert_eq!(instructions(&t)[VERIFY_AT], ins::VERIFY);
    assert_eq!(
        t.commands_reached_card()[VERIFY_AT].len(),
        5,
        "header and Lc only in the log"
    );
}

#[tokio::test]
async fn a_lost_tag_at_every_step_never_costs_an_unmeant_try() {
    for step in 0..CLEAN_RUN {
        for after in [false, true] {
            for right in [true, false] {
                let case = format!(
                    "step {step}, lost {}, {} PIN",
                    if after { "after" } else { "before" },
                    if right { "right" } else { "wrong" }
                );
                let card = card_a();
                let t = phone_tap(&card);
                if after {
                    t.lose_tag_after(step)
                } else {
                    t.lose_tag_before(step)
                }
                let mut session = CardSession::new();
                session.enter_pin(pin(if right { PIN } else { WRONG_PIN }));
                let ended = tap_verify_sign(&mut session, &t).await;
                assert!(t.verifies_reached_card() <= 1, "{case}");

                let verify_reached = step > VERIFY_AT || (step == VERIFY_AT && after);
                let expected_tries = if verify_reached && !right { 2 } else { 3 };
                assert_eq!(tries_left(&card), expected_tries, "{case}");

                match step {
                    s if s < VERIFY_AT => {
                        assert!(
                            matches!(&ended, Ended::TapFailed(e) | Ended::Verify(PinError::Card(e)) if e.is_tag_lost()),
                            "{case}: {ended:?}"
                        );
                        assert!(
                            session.has_pin(AUTH),
                            "{case}: the typed PIN survives a loss before VERIFY"
                        );
                        assert!(!session.pin_in_doubt(AUTH), "{case}");
                    }
                    VERIFY_AT => {
                        assert!(
                            matches!(
                                ended,
                                Ended::Verify(PinError::MaybeCounted {
                                    tries_before: 3,
                                    ..
                                })
                            ),
                            "{case}: {ended:?}"
                        );
                        assert!(!session.has_pin(AUTH), "{case}: never resent");
                        assert!(session.pin_in_doubt(AUTH), "{case}");
                    }
                    _ if !right => assert!(
                        matches!(
                            ended,
                            Ended::Verify(PinError::WrongPin { tries_left: 2, .. })
                        ),
                        "{case}: {ended:?}"
                    ),
                    _ => {
                        assert!(
                            matches!(&ended, Ended::Sign(e) if e.is_tag_lost()),
                            "{case}: {ended:?}"
                        );
                        assert!(!session.has_pin(AUTH), "{case}");
                    }
                }

                // The next tap: the counter is read before anything else when in doubt,
                // and no VERIFY goes out unless the holder types the PIN again.
                let in_doubt = session.pin_in_doubt(AUTH);
                let kept_pin = session.has_pin(AUTH);
                let t2 = phone_tap(&card);
                let mut tap = session.tap(dyn_transport(&t2)).await.unwrap();
                if in_doubt {
                    let recheck = tap.report().recheck.expect("recheck reported");
                    assert_eq!(recheck.try_counted, Some(after && !right), "{case}");
                    let first = t2.commands_reached_card();
                    assert_eq!(first[0][..4], [0x00, ins::SELECT, 0x04, 0x0C], "{case}");
                    assert_eq!(first[1][5..], files::jpki::AUTH_PIN.to_be_bytes(), "{case}");
                    assert_eq!(
                        first[2],
                        vec![0x00, ins::VERIFY, 0x00, 0x80],
                        "{case}: the 4-byte query"
                    );
                } else {
                    assert_eq!(tap.report().recheck, None, "{case}");
                }
                let result = tap.verify(AUTH, LastTry::Refuse).await;
                if kept_pin {
                    let expected = if right {
                        Ok(())
                    } else {
                        Err(PinError::WrongPin {
                            kind: AUTH,
                            tries_left: 2,
                        })
                    };
                    assert_eq!(result, expected, "{case}");
                    assert_eq!(t2.verifies_reached_card(), 1, "{case}");
                } else {
                    assert_eq!(result, Err(PinError::NoPinEntered(AUTH)), "{case}");
                    assert_eq!(t2.verifies_reached_card(), 0, "{case}");
                }
            }
        }
    }
}

#[tokio::test]
async fn after_a_lost_verify_the_pin_typed_again_goes_to_its_key_reference() {
    for right_first in [true, false] {
        let case = if right_first {
            "right PIN lost"
        } else {
            "wrong PIN lost"
        };
        let card = card_a();
        let t = phone_tap(&card);
        t.lose_tag_after(VERIFY_AT);
        let mut session = CardSession::new();
        session.enter_pin(pin(if right_first { PIN } else { WRONG_PIN }));
        let ended = tap_verify_sign(&mut session, &t).await;
        assert!(
            matches!(ended, Ended::Verify(PinError::MaybeCounted { .. })),
            "{case}: {ended:?}"
        );
        // The next tap settles the doubt (counter, then the certificate);
        // the PIN typed again is verified on the PIN's key reference and
        // the card signs, in that one tap.
        session.enter_pin(pin(PIN));
        let t2 = phone_tap(&card);
        let ended = tap_verify_sign(&mut session, &t2).await;
        assert!(matches!(ended, Ended::Signed), "{case}: {ended:?}");
        assert_eq!(t2.verifies_reached_card(), 1, "{case}");
        assert_eq!(tries_left(&card), 3, "{case}");
    }
}

#[tokio::test]
async fn a_timeout_after_verify_is_treated_like_a_lost_tag() {
    let card = card_a();
    let t = phone_tap(&card);
    t.time_out_after(VERIFY_AT);
    let mut session = CardSession::new();
    session.enter_pin(pin(WRONG_PIN));
    let ended = tap_verify_sign(&mut session, &t).await;
    assert!(
        matches!(ended, Ended::Verify(PinError::MaybeCounted { .. })),
        "{ended:?}"
    );
    assert!(session.pin_in_doubt(AUTH));
}

#[tokio::test]
async fn another_card_discards_the_pin_and_the_verified_state() {
    let (a, b) = (card_a(), card_b());
    let mut session = CardSession::new();
    let t = phone_tap(&a);
    let mut tap = session.tap(dyn_transport(&t)).await.unwrap();
    tap.enter_pin(pin(PIN));
    tap.verify(AUTH, LastTry::Refuse).await.unwrap();
    drop(tap);
    session.enter_pin(pin(PIN));

    let t = phone_tap(&b);
    let mut tap = session.tap(dyn_transport(&t)).await.unwrap();
    assert!(tap.report().card_changed);
    assert_eq!(tap.report().serial.to_decimal(), Some(u128::from(SERIAL_B)));
    assert!(!tap.has_pin(AUTH), "A's PIN is never tried on B");
    assert!(matches!(
        tap.sign(&[1; 32]).await,
        Err(CardError::NotVerified(_))
    ));
    assert_eq!(
        tap.verify(AUTH, LastTry::Refuse).await,
        Err(PinError::NoPinEntered(AUTH))
    );
    assert_eq!(t.verifies_reached_card(), 0);
    drop(tap);
    assert_eq!(
        session.bound_card().unwrap().to_decimal(),
        Some(u128::from(SERIAL_B))
    );
}

#[tokio::test]
async fn a_doubt_about_one_card_is_not_carried_to_another() {
    let (a, b) = (card_a(), card_b());
    let mut session = CardSession::new();
    session.enter_pin(pin(WRONG_PIN));
    let t = phone_tap(&a);
    t.lose_tag_after(VERIFY_AT);
    tap_verify_sign(&mut session, &t).await;
    assert!(session.pin_in_doubt(AUTH));

    let t = phone_tap(&b);
    let tap = session.tap(dyn_transport(&t)).await.unwrap();
    assert!(tap.report().card_changed);
    assert_eq!(tap.report().recheck, None);
    drop(tap);
    assert!(!session.pin_in_doubt(AUTH));
    assert_eq!(tries_left(&b), 3);
}

#[tokio::test]
async fn abort_wipes_everything() {
    let card = card_a();
    let mut session = CardSession::new();
    session.enter_pin(pin(PIN));
    let t = phone_tap(&card);
    drop(session.tap(dyn_transport(&t)).await.unwrap());
    session.abort();
    assert!(!session.has_pin(AUTH));
    assert!(session.bound_card().is_none());
}

#[tokio::test]
async fn a_removed_card_is_reported_as_tag_lost_not_as_a_wrong_pin() {
    let card = card_a();
    let t = phone_tap(&card);
    let mut session = CardSession::new();
    session.enter_pin(pin(PIN));
    let mut tap = session.tap(dyn_transport(&t)).await.unwrap();
    t.remove_card();
    let err = tap.verify(AUTH, LastTry::Refuse).await.unwrap_err();
    assert_eq!(
        err,
        PinError::Card(CardError::Transport(TransportError::TagLost))
    );
    assert!(!err.may_have_spent_a_try());
}

// ---- the property: random holders doing random things -------------------

#[derive(Debug, Clone)]
enum Op {
    Enter { right: bool },
    Verify { confirm: bool },
    Sign,
    Status,
}

#[derive(Debug, Clone)]
struct TapPlan {
    card_b: bool,
    fault: Option<(usize, bool)>,
    abort_first: bool,
    /// Another app spends a try of this card before the tap.
    other_app_first: bool,
    ops: Vec<Op>,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => prop::bool::weighted(0.3).prop_map(|right| Op::Enter { right }),
        4 => any::<bool>().prop_map(|confirm| Op::Verify { confirm }),
        1 => Just(Op::Sign),
        1 => Just(Op::Status),
    ]
}

fn tap_plan() -> impl Strategy<Value = TapPlan> {
    (
        prop::bool::weighted(0.2),
        prop::option::weighted(0.4, (0usize..12, any::<bool>())),
        prop::bool::weighted(0.05),
        prop::bool::weighted(0.15),
        prop::collection::vec(op(), 0..10),
    )
        .prop_map(
            |(card_b, fault, abort_first, other_app_first, ops)| TapPlan {
                card_b,
                fault,
                abort_first,
                other_app_first,
                ops,
            },
        )
}

async fn run_plans(plans: Vec<TapPlan>) -> Result<(), TestCaseError> {
    let cards: [Card; 2] = [card_a(), card_b()];
    let mut session = CardSession::new();
    let mut entered = 0usize;
    let mut reached = 0usize;
    let mut last_card: Option<usize> = None;
    for plan in plans {
        if plan.abort_first {
            session.abort();
            last_card = None;
        }
        let which = usize::from(plan.card_b);
        let card = &cards[which];
        if plan.other_app_first && tries_left(card) > 1 {
            another_app_spends(card, 1).await;
        }
        let t = phone_tap(card);
        if let Some((n, after)) = plan.fault {
            if after {
                t.lose_tag_after(n)
            } else {
                t.lose_tag_before(n)
            }
        }
        let was_in_doubt = session.pin_in_doubt(AUTH);
        let mut tap = match session.tap(dyn_transport(&t)).await {
            Ok(tap) => tap,
            Err(e) => {
                prop_assert!(e.is_tag_lost(), "only the injected loss fails a tap: {e:?}");
                reached += t.verifies_reached_card();
                continue;
            }
        };
        if let Some(prev) = last_card {
            prop_assert_eq!(tap.report().card_changed, prev != which);
            if prev != which {
                prop_assert!(!tap.has_pin(AUTH), "a PIN never crosses to another card");
            }
        }
        last_card = Some(which);
        if was_in_doubt && !tap.report().card_changed && plan.fault.is_none_or(|(n, _)| n >= 3) {
            let cmds = t.commands_reached_card();
            prop_assert_eq!(
                &cmds[2],
                &vec![0x00, ins::VERIFY, 0x00, 0x80],
                "counter first"
            );
        }
        for op in plan.ops {
            match op {
                Op::Enter { right } => {
                    tap.enter_pin(pin(if right { PIN } else { WRONG_PIN }));
                    entered += 1;
                }
                Op::Verify { confirm } => {
                    let before = tries_left(card);
                    let sent_before = t.verifies_reached_card();
                    let had_pin = tap.has_pin(AUTH);
                    let last = if confirm {
                        LastTry::Confirmed
                    } else {
                        LastTry::Refuse
                    };
                    let result = tap.verify(AUTH, last).await;
                    let sent = t.verifies_reached_card() - sent_before;
                    let after = tries_left(card);
                    prop_assert!(sent <= 1, "one VERIFY per call at most");
                    prop_assert!(sent == 0 || had_pin, "no VERIFY without a typed PIN");
                    if before == 0 {
                        prop_assert_eq!(sent, 0, "nothing is sent to a locked card");
                    }
                    if before == 1 && after == 0 {
                        prop_assert!(confirm, "the last try is spent only when confirmed");
                    }
                    if sent == 1 || matches!(result, Err(PinError::MaybeCounted { .. })) {
                        prop_assert!(!tap.has_pin(AUTH), "a PIN is used once");
                    }
                    if let Err(PinError::WrongPin { tries_left, .. }) = result {
                        prop_assert_eq!(tries_left, after);
                    }
                }
                Op::Sign => {
                    let _ = tap.sign(&[3; 32]).await;
                }
                Op::Status => {
                    if let Ok(PinStatus::TriesLeft(n)) = tap.pin_status(AUTH).await {
                        prop_assert_eq!(n, tries_left(card));
                    }
                }
            }
        }
        reached += t.verifies_reached_card();
    }
    prop_assert!(
        reached <= entered,
        "every VERIFY is one the holder typed ({reached} > {entered})"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn no_sequence_of_taps_spends_a_try_the_holder_did_not_mean(plans in prop::collection::vec(tap_plan(), 1..8)) {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(run_plans(plans))?;
    }
}

/// A reader that delivers VERIFY to the card and then hands back an empty
/// answer (what vpcd does when the card leaves mid-command).
struct BrokenAnswerToVerify(Arc<SimTransport>);

#[async_trait::async_trait]
impl mynapoint_core::card::CardTransport for BrokenAnswerToVerify {
    fn capabilities(&self) -> mynapoint_core::card::ReaderCapabilities {
        self.0.capabilities()
    }
    async fn transceive(&self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let answer = self.0.transceive(command).await?;
        let is_verify_with_pin = command[1] == ins::VERIFY && command.len() > 4;
        Ok(if is_verify_with_pin {
            Vec::new()
        } else {
            answer
        })
    }
}

#[tokio::test]
async fn a_broken_answer_to_verify_means_the_try_may_have_counted() {
    let card = card_a();
    let mut session = CardSession::new();
    session.enter_pin(pin(WRONG_PIN));
    let t = phone_tap(&card);
    let mut tap = session
        .tap(Arc::new(BrokenAnswerToVerify(t.clone())))
        .await
        .unwrap();
    let err = tap.verify(AUTH, LastTry::Refuse).await.unwrap_err();
    assert!(matches!(err, PinError::MaybeCounted { .. }), "{err:?}");
    drop(tap);
    assert!(session.pin_in_doubt(AUTH));
    assert_eq!(tries_left(&card), 2, "the card did count it");
}
