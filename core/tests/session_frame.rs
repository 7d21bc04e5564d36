//! The session frame on its own, under a tiny flow: tap a card, type a
//! note, done. What every flow gets from it: the step guard, the idle
//! timeout, abort, binding to one card, and the wipe of everything held on
//! every way a session ends. And the field app's shape: one staff frame
//! with no card, one short card-bound frame per participant's tap.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cardsim::{PinId, SharedCard, SimTransport};
use mynapoint_core::clock::ManualClock;
use mynapoint_core::pin::{LastTry, Pin, PinKind};
use mynapoint_core::session_frame::{
    CardBinding, FlowData, FlowStep, FrameEnd, FrameError, SessionFrame,
};
use mynapoint_testkit::cards::{card_a, card_b};
use mynapoint_testkit::secrets::PIN;
use mynapoint_testkit::taps::{dyn_transport as dyn_t, phone_tap as tap};
use zeroize::Zeroize;

const IDLE: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TestStep {
    TapCard,
    TypeNote,
    Done,
    Ended(TestEnd),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TestEnd {
    Frame(FrameEnd),
    /// The flow's own end (a participant's verdict kept).
    Finished,
}

impl From<FrameEnd> for TestEnd {
    fn from(end: FrameEnd) -> Self {
        TestEnd::Frame(end)
    }
}

impl FlowStep for TestStep {
    type EndReason = TestEnd;

    fn ended(reason: TestEnd) -> Self {
        TestStep::Ended(reason)
    }

    fn end_reason(self) -> Option<TestEnd> {
        match self {
            TestStep::Ended(reason) => Some(reason),
            _ => None,
        }
    }
}

/// What the tiny flow holds. `note` shares its buffer with the test, so the
/// test sees whether the bytes were zeroized in place (not merely dropped).
#[derive(Default)]
struct Notes {
    note: Option<Arc<Mutex<Vec<u8>>>>,
    serial: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Held {
    card: bool,
    pin: bool,
    note: bool,
    serial: bool,
}

impl FlowData for Notes {
    type Report = Held;

    fn wipe(&mut self) {
        if let Some(note) = &self.note {
            note.lock().unwrap().zeroize();
        }
        if let Some(serial) = &mut self.serial {
            serial.zeroize();
        }
    }

    fn report(&self, card: &CardBinding) -> Held {
        Held {
            card: card.holds_card(),
            pin: card.session().has_pin(PinKind::UserAuth),
            note: self.note.is_some(),
            serial: self.serial.is_some(),
        }
    }
}

type Frame = SessionFrame<TestStep, Notes>;

fn frame(clock: &Arc<ManualClock>) -> Frame {
    Frame::new(TestStep::TapCard, IDLE, clock.clone())
}

/// The flow's first action: one tap reads the card and binds the frame.
async fn read_and_bind(f: &mut Frame, t: &Arc<SimTransport>) -> Result<(), FrameError<TestStep>> {
    f.begin(|s| s == TestStep::TapCard)?;
    let mut tap = f.tap(dyn_t(t)).await?;
    let certificate = tap.certificate().await.map_err(FrameError::Card)?;
    drop(tap);
    f.card_mut().bind(certificate.serial.clone());
    f.data_mut().serial = Some(certificate.serial.to_hex());
    f.go(TestStep::TypeNote);
    Ok(())
}

/// The flow's second action: a note (personal data), and the PIN for later.
fn type_note(f: &mut Frame, note: &Arc<Mutex<Vec<u8>>>) -> Result<(), FrameError<TestStep>> {
    f.begin(|s| s == TestStep::TypeNote)?;
    f.data_mut().note = Some(note.clone());
    f.card_mut()
        .enter_pin(Pin::user_auth(PIN).expect("PIN format"));
    Ok(())
}

/// A frame at `TypeNote` bound to `card`, holding a note and a typed PIN.
async fn holding_everything(
    clock: &Arc<ManualClock>,
    card: &SharedCard,
) -> (Frame, Arc<Mutex<Vec<u8>>>) {
    let mut f = frame(clock);
    read_and_bind(&mut f, &tap(card)).await.unwrap();
    let note = Arc::new(Mutex::new(b"resident A's payment ID 1234-5678".to_vec()));
    type_note(&mut f, &note).unwrap();
    let everything = Held {
        card: true,
        pin: true,
        note: true,
        serial: true,
    };
    assert_eq!(f.held(), everything);
    (f, note)
}

/// Ended for `reason`, every later action refused with it, nothing held,
/// the note's bytes zeroized in place.
fn assert_ended_and_wiped(f: &mut Frame, reason: TestEnd, note: &Arc<Mutex<Vec<u8>>>) {
    assert_eq!(f.step(), TestStep::Ended(reason));
    assert_eq!(f.end_reason(), Some(reason));
    assert_eq!(f.held(), Held::default());
    assert_eq!(f.card().bound(), None);
    assert!(
        note.lock().unwrap().iter().all(|b| *b == 0),
        "the note was zeroized by the wipe"
    );
    for step in [TestStep::TapCard, TestStep::TypeNote, TestStep::Done] {
        assert_eq!(
            f.begin(|s| s == step),
            Err(FrameError::SessionEnded { reason })
        );
    }
}

#[tokio::test]
async fn an_action_at_a_step_that_does_not_permit_it_changes_nothing() {
    let clock = Arc::new(ManualClock::new());
    let a = card_a();
    let mut f = frame(&clock);
    let note = Arc::new(Mutex::new(b"early".to_vec()));
    assert_eq!(
        type_note(&mut f, &note),
        Err(FrameError::WrongStep {
            step: TestStep::TapCard
        })
    );
    assert_eq!(f.held(), Held::default());
    assert_eq!(f.step(), TestStep::TapCard);

    let (mut f, _) = holding_everything(&clock, &a).await;
    let t = tap(&a);
    assert_eq!(
        read_and_bind(&mut f, &t).await,
        Err(FrameError::WrongStep {
            step: TestStep::TypeNote
        })
    );
    assert_eq!(t.exchanges(), 0, "a refused action never reaches the card");
    assert!(f.held().note && f.held().pin);
}

#[tokio::test]
async fn the_idle_timeout_ends_and_wipes_and_every_action_counts_as_activity() {
    let clock = Arc::new(ManualClock::new());
    let (mut f, note) = holding_everything(&clock, &card_a()).await;
    clock.advance(IDLE - Duration::from_secs(1));
    assert!(!f.check_idle());
    // A refused action is activity too: the clock starts again.
    assert!(matches!(
        f.begin(|s| s == TestStep::Done),
        Err(FrameError::WrongStep { .. })
    ));
    clock.advance(IDLE - Duration::from_secs(1));
    assert!(!f.check_idle());
    clock.advance(Duration::from_secs(1));

    // The first action after the timeout says so, and the frame is wiped.
    assert_eq!(
        f.begin(|s| s == TestStep::TypeNote),
        Err(FrameError::IdleTimeout)
    );
    assert_ended_and_wiped(&mut f, TestEnd::Frame(FrameEnd::IdleTimeout), &note);

    // A shell's timer ends it without an action.
    let (mut f, note) = holding_everything(&clock, &card_a()).await;
    clock.advance(IDLE);
    assert!(f.check_idle());
    assert_ended_and_wiped(&mut f, TestEnd::Frame(FrameEnd::IdleTimeout), &note);
}

#[tokio::test]
async fn abort_and_a_flow_s_own_end_wipe_and_the_first_reason_stays() {
    let clock = Arc::new(ManualClock::new());
    let (mut f, note) = holding_everything(&clock, &card_a()).await;
    f.abort();
    assert_ended_and_wiped(&mut f, TestEnd::Frame(FrameEnd::Aborted), &note);
    f.end(TestEnd::Finished);
    f.go(TestStep::TapCard);
    assert_eq!(f.step(), TestStep::Ended(TestEnd::Frame(FrameEnd::Aborted)));

    // Moving to an end step ends the frame the same way.
    let (mut f, note) = holding_everything(&clock, &card_a()).await;
    f.go(TestStep::Ended(TestEnd::Finished));
    assert_ended_and_wiped(&mut f, TestEnd::Finished, &note);
    f.abort();
    assert_eq!(f.end_reason(), Some(TestEnd::Finished));
}

#[tokio::test]
async fn another_card_ends_the_frame_before_anything_is_done_with_it() {
    let clock = Arc::new(ManualClock::new());
    let (a, b) = (card_a(), card_b());
    let (mut f, note) = holding_everything(&clock, &a).await;

    // The bound card taps again: the same session goes on.
    f.begin(|s| s == TestStep::TypeNote).unwrap();
    let mut same = f.tap(dyn_t(&tap(&a))).await.unwrap();
    assert!(!same.report().card_changed);
    same.verify(PinKind::UserAuth, LastTry::Refuse)
        .await
        .unwrap();
    drop(same);
    f.card_mut()
        .enter_pin(Pin::user_auth(PIN).expect("PIN format"));

    // Another card: refused, the frame ended and wiped, no PIN sent to it.
    let t = tap(&b);
    match f.tap(dyn_t(&t)).await {
        Err(FrameError::CardChanged) => {}
        other => panic!("expected CardChanged, got {:?}", other.map(|_| "a tap")),
    }
    assert_eq!(t.verifies_reached_card(), 0);
    assert_eq!(b.lock().unwrap().tries_left(PinId::Auth), 3);
    assert_ended_and_wiped(&mut f, TestEnd::Frame(FrameEnd::CardChanged), &note);

    // Every later tap, of either card, is refused before reaching it.
    for card in [&a, &b] {
        let t = tap(card);
        match f.tap(dyn_t(&t)).await {
            Err(FrameError::SessionEnded { reason }) => {
                assert_eq!(reason, TestEnd::Frame(FrameEnd::CardChanged))
            }
            other => panic!("expected SessionEnded, got {:?}", other.map(|_| "a tap")),
        }
        assert_eq!(t.exchanges(), 0);
    }
}

#[tokio::test]
async fn before_the_flow_binds_a_card_any_card_may_tap() {
    let clock = Arc::new(ManualClock::new());
    let (a, b) = (card_a(), card_b());
    let mut f = frame(&clock);
    // The first read fails after the card was identified: nothing is bound.
    let t = tap(&a);
    t.lose_tag_before(3);
    assert!(matches!(
        read_and_bind(&mut f, &t).await,
        Err(FrameError::Card(_))
    ));
    assert_eq!(f.card().bound(), None);
    // Another card is then simply the first card of the session.
    read_and_bind(&mut f, &tap(&b)).await.unwrap();
    assert_eq!(f.data().serial.as_deref(), Some("07654321"));
    assert_eq!(f.step(), TestStep::TypeNote);
}

#[tokio::test]
async fn many_participants_in_a_row_each_in_a_short_frame_of_their_own() {
    // The field app's shape: the staff session is a frame that never taps;
    // each participant's tap is its own frame, bound to that card, ended
    // (and wiped) once its verdict is kept.
    let clock = Arc::new(ManualClock::new());
    let mut staff = frame(&clock);
    staff.go(TestStep::TypeNote);
    let mut verdicts = Vec::new();
    for card in [card_a(), card_b(), card_a(), card_b()] {
        staff.begin(|s| s == TestStep::TypeNote).unwrap();
        let mut participant = frame(&clock);
        read_and_bind(&mut participant, &tap(&card)).await.unwrap();
        verdicts.push(participant.data().serial.clone().expect("serial"));
        participant.end(TestEnd::Finished);
        assert_eq!(participant.held(), Held::default());
        assert_eq!(participant.card().bound(), None);
        clock.advance(IDLE / 2);
    }
    assert_eq!(verdicts, ["01234567", "07654321", "01234567", "07654321"]);
    assert_eq!(
        staff.step(),
        TestStep::TypeNote,
        "the staff session goes on"
    );
    assert!(
        !staff.held().card,
        "no participant's card reaches the staff frame"
    );
    assert!(!staff.check_idle());
}
