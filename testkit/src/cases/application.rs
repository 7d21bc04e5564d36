//! The resident's application from the service choice to its submission,
//! with what a person sees at each step: the same against the double and the
//! real platform.

use mynapoint_core::pin::LastTry;
use mynapoint_core::platform::Application;
use mynapoint_core::resident::{PinPurpose, ResidentError, ResidentSession, Review, Step};

use crate::cards::Card;
use crate::forms::{aeon_payment, AEON};
use crate::secrets::PIN;

/// From `ChooseService`: search "イオン", choose [`AEON`], a wrong terms
/// version refused, the terms accepted, [`aeon_payment`] reviewed (the
/// payment ID masked), confirmed, the PIN typed, one tap that signs, and
/// the application submitted; the sent secrets are dropped.
pub async fn aeon_application(s: &mut ResidentSession, card: &Card) -> (Review, Application) {
    assert_eq!(s.step(), Step::ChooseService);
    let found = s.search_services("イオン").await.unwrap();
    assert!(found.iter().any(|f| f.service_id == AEON), "{found:?}");
    let service = s.choose_service(AEON).await.unwrap();
    assert_eq!(s.step(), Step::AcceptTerms);
    assert_eq!(
        s.accept_terms("1999-01"),
        Err(ResidentError::TermsVersionMismatch)
    );
    s.accept_terms(&service.terms_version).unwrap();
    assert_eq!(s.step(), Step::EnterPayment);

    let review = s.enter_payment(aeon_payment()).await.unwrap();
    assert_eq!(s.step(), Step::Review);
    assert_eq!(review.service_id, AEON);
    assert_eq!(review.service_name, service.name);
    assert!(review
        .payment_id_masked
        .as_deref()
        .unwrap_or("")
        .ends_with("3456"));
    assert!(!review
        .payment_id_masked
        .as_deref()
        .unwrap_or("")
        .contains("12345678"));
    assert_eq!(review.phone_last4.as_deref(), Some("5678"));
    assert_eq!(s.review(), Some(&review));

    s.confirm_review().unwrap();
    assert_eq!(
        s.step(),
        Step::EnterPin {
            purpose: PinPurpose::SignApplication
        }
    );
    s.enter_pin(PIN).unwrap();
    let tap = card.tap();
    let app = s
        .sign_and_submit(tap.clone(), LastTry::Refuse)
        .await
        .unwrap();
    assert_eq!(tap.verifies_reached_card(), 1);
    assert_eq!(app.service_id, AEON);
    assert_eq!(app.payment_id_masked, review.payment_id_masked);
    assert_eq!(s.step(), Step::Done);
    assert!(
        !s.held_data().payment && !s.held_data().signature,
        "sent secrets are dropped"
    );
    (review, app)
}
