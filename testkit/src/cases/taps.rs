//! The card steps of the resident flow as a person meets them on a phone:
//! one tap per card step, the PIN typed before its tap. The counts hold
//! against the double and the real platform alike.

use mynapoint_core::pin::{LastTry, PinPrompt};
use mynapoint_core::platform::{Application, ApplicationStatus};

use crate::cards::Card;
use crate::forms::{aeon_payment, registration, AEON};
use crate::resident::{ResidentRig, Target};
use crate::secrets::PIN;
use crate::taps::{tries_left, Phone};

/// APDUs of the whole application on a phone (short reads), cardsim's
/// 1,628-byte certificate: the read with its counter (9 + 2), then two PIN
/// taps of 8 (the README's benchmark table). Five taps took 35.
pub const APPLICATION_APDUS: usize = 27;
/// The read with its counter, then one PIN tap (a login, or the legal
/// representative's signature): 11 + 8.
pub const LOGIN_APDUS: usize = 19;

/// The whole application for `card`'s holder (new to the platform) on one
/// phone: three taps (the read with the counter; PIN + login; PIN +
/// signature), two VERIFYs, at most [`APPLICATION_APDUS`], no try spent.
pub async fn application_in_three_taps<P: Target>(
    rig: &ResidentRig<P>,
    card: &Card,
) -> Application {
    let phone = Phone::new(card);
    let mut s = rig.session();

    let summary = s.read_card(phone.tap()).await.unwrap();
    assert_eq!(summary.pin, PinPrompt::Ask { tries_left: 3 });
    assert_eq!(phone.verifies(), 0, "the counter read spends no try");
    assert_eq!(s.pin_prompt(), PinPrompt::Ask { tries_left: 3 });
    s.enter_pin(PIN).unwrap();
    s.log_in(phone.tap(), LastTry::Refuse).await.unwrap();
    assert_eq!(phone.taps(), 2);

    let c = s.next_candidate().await.unwrap();
    s.choose_candidate(&c.candidate).unwrap();
    s.issue_my_key_id(registration()).await.unwrap();
    let service = s.choose_service(AEON).await.unwrap();
    s.accept_terms(&service.terms_version).unwrap();
    s.enter_payment(aeon_payment()).await.unwrap();
    s.confirm_review().unwrap();
    assert_eq!(phone.taps(), 2, "no tap between the PIN steps");

    // The count after the login is known without a tap: a correct PIN reset it.
    assert_eq!(s.pin_prompt(), PinPrompt::Ask { tries_left: 3 });
    s.enter_pin(PIN).unwrap();
    let app = s
        .sign_and_submit(phone.tap(), LastTry::Refuse)
        .await
        .unwrap();
    // The double keeps it submitted; the ephemeral server (no registration
    // delay) may have registered it already.
    assert!(
        matches!(
            app.status,
            ApplicationStatus::Submitted | ApplicationStatus::Registered
        ),
        "{:?}",
        app.status
    );

    assert_eq!(
        phone.taps(),
        3,
        "card read + counter; PIN + login; PIN + signature"
    );
    assert_eq!(phone.verifies(), 2);
    assert!(
        phone.apdus() <= APPLICATION_APDUS,
        "APDUs rose: {}",
        phone.apdus()
    );
    assert_eq!(tries_left(card), 3);
    app
}
