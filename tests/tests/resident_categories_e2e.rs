//! The point categories of the 2nd installment end to end: the core's
//! `ResidentSession` over `HttpPlatform` against the real platform in
//! process, cardsim cards tapped through the real card layer on a phone.
//!
//! Each combination of eligibility facts, a person eligible for all three,
//! a category added later (card + PIN again, same service), a
//! 1st-installment applicant keeping their service, and each refusal (what
//! to do first; already applied; the service cannot change).

mod resident_rig;

use mynapoint_core::failure::{Failure, FailureCode, Lang};
use mynapoint_core::pin::LastTry;
use mynapoint_core::platform::{
    ApplicationContent, Category, CategoryAddition, CategoryState, EligibilityFacts,
    FirstInstallment, PlatformApi, PlatformError, Requirement, ServiceFixedBy,
};
use mynapoint_core::resident::*;
use mynapoint_core::Secret;
use mynapoint_testkit::cases::application;
use resident_rig::*;

use Category::*;

fn registered(health: bool, fund: bool) -> EligibilityFacts {
    EligibilityFacts {
        first_installment: None,
        health_insurance_registered_on: health.then(|| "20240401".into()),
        public_fund_account_registered_on: fund.then(|| "20240401".into()),
    }
}

/// Logged in with a My Key ID (issued when new): at the categories.
async fn at_categories(rig: &Rig, card: &Card) -> ResidentSession {
    let (mut s, outcome) = rig.logged_in(card).await;
    if outcome.my_key_id.is_none() {
        let c = s.next_candidate().await.expect("candidate");
        s.choose_candidate(&c.candidate).expect("choose");
        s.issue_my_key_id(registration()).await.expect("issue");
    }
    assert_eq!(s.step(), Step::ChooseCategories);
    s
}

fn states(s: &ResidentSession) -> Vec<CategoryState> {
    s.eligibility()
        .expect("eligibility after login")
        .categories
        .iter()
        .map(|c| c.state)
        .collect()
}

#[tokio::test]
async fn each_combination_of_facts_opens_its_categories_after_login() {
    use CategoryState::*;
    let cases = [
        (registered(false, false), vec![CardAcquisition]),
        (
            registered(true, false),
            vec![CardAcquisition, HealthInsurance],
        ),
        (
            registered(false, true),
            vec![CardAcquisition, PublicFundAccount],
        ),
        (
            registered(true, true),
            vec![CardAcquisition, HealthInsurance, PublicFundAccount],
        ),
    ];
    for (facts, open) in cases {
        let rig = Rig::new().await;
        let a = card_a();
        rig.set_facts(&a, facts.clone());
        let s = at_categories(&rig, &a).await;
        assert_eq!(s.chosen_categories(), open.as_slice(), "{facts:?}");
        let e = s.eligibility().unwrap();
        assert_eq!(e.service, None);
        for status in &e.categories {
            let want = if open.contains(&status.category) {
                Eligible
            } else {
                NotYetAvailable
            };
            assert_eq!(status.state, want, "{facts:?}");
        }
    }
}

#[tokio::test]
async fn a_person_eligible_for_all_three_applies_for_20000_yen() {
    let rig = Rig::new().await;
    let a = card_a();
    rig.set_facts(&a, registered(true, true));
    let mut s = at_categories(&rig, &a).await;
    assert_eq!(
        s.chosen_categories(),
        [CardAcquisition, HealthInsurance, PublicFundAccount],
        "all open ones by default"
    );
    let all = s.chosen_categories().to_vec();
    assert_eq!(s.choose_categories(&all).await.unwrap(), None);
    let (review, app) = application::aeon_application(&mut s, &a).await;
    assert_eq!(review.total_yen, 20_000);
    assert_eq!(
        review
            .categories
            .iter()
            .map(|c| c.amount_yen)
            .collect::<Vec<_>>(),
        [5000, 7500, 7500]
    );
    assert_eq!(
        app.categories
            .iter()
            .map(|c| c.category)
            .collect::<Vec<_>>(),
        all
    );
    let stored = rig.application_of(&a).expect("stored");
    assert_eq!(stored.categories.len(), 3);
    assert!(!stored.first_installment);
}

#[tokio::test]
async fn category_2_is_added_later_on_the_same_service_with_the_card_again() {
    let rig = Rig::new().await;
    let a = card_a();
    // Only (1) now.
    let mut s = at_categories(&rig, &a).await;
    assert_eq!(
        s.choose_categories(&[HealthInsurance]).await,
        Err(ResidentError::CategoryNotAvailable {
            category: Some(HealthInsurance),
            requirement: Some(Requirement::HealthInsuranceRegistration),
        })
    );
    assert_eq!(s.choose_categories(&[CardAcquisition]).await.unwrap(), None);
    let (_, first) = application::aeon_application(&mut s, &a).await;
    assert_eq!(first.categories.len(), 1);
    s.abort();

    // Logged in again, nothing new: the status, no categories step.
    let (s, outcome) = rig.logged_in(&a).await;
    assert_eq!(s.step(), Step::Done);
    assert_eq!(outcome.application.unwrap().categories.len(), 1);
    drop(s);

    // The card is registered as a health insurance card: (2) opens.
    rig.set_facts(&a, registered(true, false));
    let mut s = at_categories(&rig, &a).await;
    let e = s.eligibility().unwrap().clone();
    let fixed = e.service.clone().expect("the service is fixed");
    assert_eq!(
        (fixed.service_id.as_str(), fixed.fixed_by),
        (AEON, ServiceFixedBy::Application)
    );
    assert_eq!(s.chosen_categories(), [HealthInsurance]);
    assert_eq!(
        s.choose_service(PAYPAY).await.unwrap_err(),
        ResidentError::ServiceCannotChange
    );
    assert_eq!(
        s.choose_categories(&[CardAcquisition]).await,
        Err(ResidentError::CategoryAlreadyApplied {
            category: Some(CardAcquisition)
        })
    );
    let review = s
        .choose_categories(&[HealthInsurance])
        .await
        .unwrap()
        .expect("the addition's review");
    assert_eq!(review.service_id, AEON);
    assert_eq!(review.service_fixed_by, Some(ServiceFixedBy::Application));
    assert_eq!(
        review.payment_id_masked.as_deref(),
        Some("************3456")
    );
    assert_eq!(review.total_yen, 7500);
    assert_eq!(s.step(), Step::Review);
    let before = a.tries_left();
    let app = submit(&mut s, &a).await.expect("added");
    assert_eq!(a.tries_left(), before, "the right PIN spends no try");
    assert_eq!(app.application_id, first.application_id);
    assert_eq!(app.service_id, AEON);
    assert_eq!(
        app.categories
            .iter()
            .map(|c| c.category)
            .collect::<Vec<_>>(),
        [CardAcquisition, HealthInsurance]
    );
    assert_eq!(s.step(), Step::Done);
    assert_eq!(rig.application_of(&a).unwrap().categories.len(), 2);
}

#[tokio::test]
async fn a_first_installment_applicant_is_shown_their_service_and_not_asked() {
    let rig = Rig::new().await;
    let a = card_a();
    rig.set_facts(
        &a,
        EligibilityFacts {
            first_installment: Some(FirstInstallment {
                service_id: PAYPAY.into(),
                applied_on: "20211015".into(),
                earned_yen: 3000,
            }),
            health_insurance_registered_on: None,
            public_fund_account_registered_on: Some("20240401".into()),
        },
    );
    let mut s = at_categories(&rig, &a).await;
    use CategoryState::*;
    assert_eq!(states(&s), [Continuing, NotYetAvailable, Eligible]);
    let e = s.eligibility().unwrap();
    assert_eq!(e.categories[0].amount_yen, 2000, "what is left to earn");
    assert_eq!(
        e.service.as_ref().unwrap().fixed_by,
        ServiceFixedBy::FirstInstallment
    );
    // (1) keeps earning without applying.
    let refused = s.choose_categories(&[CardAcquisition]).await.unwrap_err();
    assert_eq!(
        Failure::from(&refused).code,
        FailureCode::CategoryNotAvailable
    );
    assert_eq!(
        s.choose_service(AEON).await.unwrap_err(),
        ResidentError::ServiceCannotChange
    );
    let review = s
        .choose_categories(&[PublicFundAccount])
        .await
        .unwrap()
        .expect("review");
    assert_eq!(review.service_id, PAYPAY);
    assert_eq!(
        review.service_fixed_by,
        Some(ServiceFixedBy::FirstInstallment)
    );
    assert_eq!(review.payment_id_masked, None);
    let app = submit(&mut s, &a).await.expect("applied");
    assert_eq!(app.service_id, PAYPAY);
    assert_eq!(app.payment_id_masked, None);
    assert_eq!(app.categories[0].category, PublicFundAccount);
    let stored = rig.application_of(&a).unwrap();
    assert!(stored.first_installment);
    assert_eq!(stored.payment_id, None);
}

#[tokio::test]
async fn each_refusal_says_what_to_do_first_and_changes_nothing() {
    let rig = Rig::new().await;
    let a = card_a();
    let mut s = at_categories(&rig, &a).await;
    let before = rig.data();
    let health = s.choose_categories(&[HealthInsurance]).await.unwrap_err();
    let f = Failure::from(&health);
    assert_eq!(f.code, FailureCode::HealthInsuranceNotRegistered);
    assert!(f.message(Lang::Ja).contains("マイナポータル"));
    assert!(f.message(Lang::En).contains("medical institution"));
    let fund = s.choose_categories(&[PublicFundAccount]).await.unwrap_err();
    assert_eq!(
        Failure::from(&fund).code,
        FailureCode::PublicFundAccountNotRegistered
    );
    assert_eq!(
        s.choose_categories(&[]).await.unwrap_err(),
        ResidentError::NoCategoryChosen
    );
    assert_eq!(s.step(), Step::ChooseCategories);
    assert_eq!(rig.data(), before, "nothing was sent or stored");
    // The platform refuses it too, whatever a client believes.
    let token = rig.direct_login(&a).await.unwrap().session_token;
    let content = ApplicationContent {
        service_id: AEON.into(),
        terms_version: "2022-06".into(),
        payment_id: Secret::new("1234567890123456"),
        security_codes: vec![Secret::new("4821")],
        phone_last4: None,
        for_child: None,
        categories: vec![CardAcquisition, HealthInsurance],
    };
    let err = rig.api.content_to_sign(&token, &content).await.unwrap_err();
    assert_eq!(ResidentError::from(err).code(), "category_not_available");
    assert_eq!(rig.data(), before);
}

#[tokio::test]
async fn a_child_applies_for_the_childs_own_categories() {
    let rig = Rig::new().await;
    let (child, rep) = (card_a(), card_b());
    // The representative may apply for everything; the child's card is
    // registered as a health insurance card only.
    rig.set_facts(&rep, registered(true, true));
    rig.set_facts(&child, registered(true, false));
    let mut s = at_categories(&rig, &child).await;
    assert_eq!(
        s.chosen_categories(),
        [CardAcquisition, HealthInsurance],
        "the child's eligibility, not the representative's"
    );
    assert!(matches!(
        s.choose_categories(&[PublicFundAccount]).await,
        Err(ResidentError::CategoryNotAvailable { .. })
    ));
    assert_eq!(
        s.choose_categories(&[CardAcquisition, HealthInsurance])
            .await
            .unwrap(),
        None
    );
    s.apply_for_child("20200101").unwrap();
    s.read_representative_card(rep.t()).await.unwrap();
    let service = s.choose_service(AEON).await.unwrap();
    s.accept_terms(&service.terms_version).unwrap();
    let review = s
        .enter_payment(PaymentForm {
            payment_id: "1234567890129999".into(),
            security_codes: vec!["2468".into()],
            phone_last4: None,
        })
        .await
        .unwrap();
    assert_eq!(review.total_yen, 12_500);
    assert!(review.for_child.is_some());
    s.confirm_review().unwrap();
    s.enter_pin(PIN).unwrap();
    assert_eq!(
        s.sign_and_submit(child.t(), LastTry::Refuse)
            .await
            .unwrap_err(),
        ResidentError::RepresentativeSignatureNeeded
    );
    let app = s
        .representative_signs(rep.t(), PIN, LastTry::Refuse)
        .await
        .unwrap();
    assert!(app.for_child.is_some());
    assert_eq!(
        app.categories
            .iter()
            .map(|c| c.category)
            .collect::<Vec<_>>(),
        [CardAcquisition, HealthInsurance]
    );
}

#[tokio::test]
async fn a_category_is_added_to_a_childs_application_with_both_cards() {
    let rig = Rig::new().await;
    let (child, rep, other) = (card_a(), card_b(), card_c());
    // The child's application with (1), by the legal representative.
    let mut s = at_categories(&rig, &child).await;
    assert_eq!(s.choose_categories(&[CardAcquisition]).await.unwrap(), None);
    s.apply_for_child("20200101").unwrap();
    s.read_representative_card(rep.t()).await.unwrap();
    let service = s.choose_service(AEON).await.unwrap();
    s.accept_terms(&service.terms_version).unwrap();
    s.enter_payment(PaymentForm {
        payment_id: "1234567890129999".into(),
        security_codes: vec!["2468".into()],
        phone_last4: None,
    })
    .await
    .unwrap();
    s.confirm_review().unwrap();
    s.enter_pin(PIN).unwrap();
    let _ = s.sign_and_submit(child.t(), LastTry::Refuse).await;
    let first = s
        .representative_signs(rep.t(), PIN, LastTry::Refuse)
        .await
        .unwrap();
    drop(s);

    // The child's card is registered as a health insurance card later.
    rig.set_facts(&child, registered(true, false));
    let mut s = at_categories(&rig, &child).await;
    assert_eq!(s.child_birth_date(), Some("20200101"));
    // The representative's card is read first: the digest names them.
    assert_eq!(
        s.choose_categories(&[HealthInsurance]).await,
        Err(ResidentError::RepresentativeNotRead)
    );
    s.read_representative_card(rep.t()).await.unwrap();
    let review = s
        .choose_categories(&[HealthInsurance])
        .await
        .unwrap()
        .expect("review");
    assert!(review.for_child.is_some());
    s.confirm_review().unwrap();
    s.enter_pin(PIN).unwrap();
    assert_eq!(
        s.sign_and_submit(child.t(), LastTry::Refuse)
            .await
            .unwrap_err(),
        ResidentError::RepresentativeSignatureNeeded
    );
    assert_eq!(rig.application_of(&child).unwrap().categories.len(), 1);
    let app = s
        .representative_signs(rep.t(), PIN, LastTry::Refuse)
        .await
        .unwrap();
    assert_eq!(app.application_id, first.application_id);
    assert_eq!(
        app.categories
            .iter()
            .map(|c| c.category)
            .collect::<Vec<_>>(),
        [CardAcquisition, HealthInsurance]
    );

    // Straight to the platform: without the representative, or with another
    // person's certificate, nothing is prepared.
    rig.set_facts(&child, registered(true, true));
    let token = rig.direct_login(&child).await.unwrap().session_token;
    let addition = |cert: Option<Vec<u8>>| CategoryAddition {
        service_id: AEON.into(),
        categories: vec![PublicFundAccount],
        representative_certificate: cert,
    };
    let missing = rig
        .api
        .categories_content_to_sign(&token, &addition(None))
        .await
        .unwrap_err();
    assert!(
        matches!(&missing, PlatformError::Http { field: Some(f), .. } if f == "representative_certificate"),
        "{missing:?}"
    );
    let stranger = rig
        .api
        .categories_content_to_sign(&token, &addition(Some(other.cert_der().to_vec())))
        .await
        .unwrap_err();
    assert_eq!(
        ResidentError::from(stranger).code(),
        "representative_certificate_untrusted"
    );
    assert!(rig
        .api
        .categories_content_to_sign(&token, &addition(Some(rep.cert_der().to_vec())))
        .await
        .is_ok());
}
