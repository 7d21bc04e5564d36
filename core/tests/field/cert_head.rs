//! The head of the user-authentication certificate in at most 4 APDUs with
//! short reads, and the verdicts of cards that are not (readable) My Number
//! Cards.

use std::sync::Arc;

use mynapoint_core::card::{CardError, CardLink, CardSession};
use mynapoint_testkit::cards::{card_a, card_b};
use mynapoint_testkit::field_cards::RefusesSelect;
use mynapoint_testkit::taps::{dyn_transport, phone_tap};

#[tokio::test]
async fn the_head_of_the_certificate_comes_in_at_most_four_short_apdus() {
    for card in [card_a(), card_b()] {
        let t = phone_tap(&card);
        let mut link = CardLink::new(dyn_transport(&t));
        let head = link.read_certificate_head(Vec::new()).await.unwrap();
        assert_eq!(head.serial, card.cert.serial);
        assert_eq!(head.issuer, card.cert.issuer);
        assert_eq!(head.subject_cn, card.person().1);
        assert_eq!(head.not_after, card.cert.not_after_unix());
        assert_eq!(head.not_before, card.cert.not_before_unix());
        assert!(t.exchanges() <= 4, "{} APDUs", t.exchanges());

        // The same through a card session's tap (the field tap's path).
        let t = phone_tap(&card);
        let mut session = CardSession::new();
        let mut tap = session.tap(dyn_transport(&t)).await.unwrap();
        let again = tap.certificate_head().await.unwrap();
        assert_eq!(again, head);
        assert!(t.exchanges() <= 4, "{} APDUs", t.exchanges());
    }
}

#[tokio::test]
async fn a_card_without_the_jpki_application_and_a_lost_tag_are_errors_not_crashes() {
    let mut link = CardLink::new(Arc::new(RefusesSelect));
    assert!(matches!(
        link.read_certificate_head(Vec::new()).await,
        Err(CardError::NotMyNumberCard(_))
    ));
    let card = card_a();
    let t = phone_tap(&card);
    t.lose_tag_before(2); // the first READ BINARY
    let mut link = CardLink::new(dyn_transport(&t));
    let e = link.read_certificate_head(Vec::new()).await.unwrap_err();
    assert!(e.is_tag_lost(), "{e:?}");
}
