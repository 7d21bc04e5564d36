//! The My Key ID choice as the platform rules it: three own-choice checks
//! that find a taken ID, then the automatic candidates only.

use mynapoint_core::resident::{ResidentError, ResidentSession, Step};

use crate::forms::registration;
use crate::resident::{ResidentRig, Target};

/// The three IDs a test registers to other persons first.
pub const TAKEN: [&str; 3] = ["TAKEN001", "TAKEN002", "TAKEN003"];

/// With [`TAKEN`] registered elsewhere and `s` just logged in (no My Key
/// ID): two taken checks leave the own choice open, the third falls back to
/// the automatic candidates, a fourth is refused before it is sent, a name
/// never offered cannot be chosen, and an offered candidate is issued.
/// Returns the issued My Key ID.
pub async fn own_choice_falls_back_after_three_taken<P: Target>(
    rig: &ResidentRig<P>,
    s: &mut ResidentSession,
) -> String {
    let own_choice = |allowed| Step::ChooseMyKeyId {
        own_choice_allowed: allowed,
    };
    for (n, id) in TAKEN[..2].iter().enumerate() {
        let r = s.check_own_choice(id).await.unwrap();
        assert!(!r.available && !r.fallback_to_auto, "{id}");
        assert_eq!(r.checks_used as usize, n + 1);
        assert_eq!(s.step(), own_choice(true));
    }
    let r = s.check_own_choice(TAKEN[2]).await.unwrap();
    assert!(!r.available && r.fallback_to_auto);
    assert_eq!(r.checks_used, 3);
    assert_eq!(s.step(), own_choice(false));
    let before = rig.snapshot();
    let e = s.check_own_choice("FREE0001").await.unwrap_err();
    assert_eq!(e, ResidentError::OwnChoiceExhausted);
    assert_eq!(e.code(), "own_choice_exhausted");
    assert_eq!(rig.snapshot(), before, "the 4th was not sent");

    let c = s.next_candidate().await.unwrap();
    assert!(!TAKEN.contains(&c.candidate.as_str()));
    assert_eq!(
        s.choose_candidate("NOTOFFER"),
        Err(ResidentError::CandidateNotOffered)
    );
    s.choose_candidate(&c.candidate).unwrap();
    let record = s.issue_my_key_id(registration()).await.unwrap();
    assert_eq!(record.my_key_id, c.candidate);
    record.my_key_id
}
