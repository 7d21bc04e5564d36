//! Terminal login: device registration, another device, wrong passwords and
//! the lock, a bad terminal ID; the project list is stored.

use std::sync::Arc;

use mynapoint_core::failure::{FailureCode, Lang};
use mynapoint_core::field::FieldError;
use mynapoint_testkit::fake::field::{
    CLOSED_PROJECT_ID, MAX_WRONG_PASSWORDS, PROJECT_ID, TERMINAL_ID, TERMINAL_PASSWORD,
};

use crate::rig::Rig;

#[tokio::test]
async fn the_first_login_registers_the_device_and_stores_the_projects() {
    let rig = Rig::new();
    let first = rig
        .session
        .login(TERMINAL_ID, TERMINAL_PASSWORD)
        .await
        .unwrap();
    assert!(first.device_registered);
    let ids: Vec<_> = first
        .projects
        .iter()
        .map(|p| p.project.project_id.as_str())
        .collect();
    assert_eq!(ids, [PROJECT_ID, CLOSED_PROJECT_ID]);
    assert!(rig.session.held().await.logged_in);
    let again = rig
        .session
        .login(TERMINAL_ID, TERMINAL_PASSWORD)
        .await
        .unwrap();
    assert!(!again.device_registered);
    // Offline: the list is the stored one.
    assert_eq!(rig.session.projects().await.unwrap().len(), 2);
}

#[tokio::test]
async fn another_device_with_the_same_terminal_is_refused_until_re_registered() {
    let rig = Rig::new();
    rig.session
        .login(TERMINAL_ID, TERMINAL_PASSWORD)
        .await
        .unwrap();
    let other = Rig::with_platform(Arc::clone(&rig.fake));
    let e = other
        .session
        .login(TERMINAL_ID, TERMINAL_PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(e.failure().code, FailureCode::TerminalDeviceMismatch);
    assert!(!other.session.held().await.logged_in);
    assert!(other.session.projects().await.unwrap().is_empty());
    rig.fake.re_register(TERMINAL_ID);
    assert!(
        other
            .session
            .login(TERMINAL_ID, TERMINAL_PASSWORD)
            .await
            .unwrap()
            .device_registered
    );
}

#[tokio::test]
async fn wrong_passwords_say_the_tries_left_then_the_terminal_locks() {
    let rig = Rig::new();
    for left in (1..MAX_WRONG_PASSWORDS).rev() {
        let f = rig
            .session
            .login(TERMINAL_ID, "wrong")
            .await
            .unwrap_err()
            .failure();
        assert_eq!(f.code, FailureCode::TerminalPasswordWrong);
        assert_eq!(f.tries_left, Some(left as u8));
        assert!(
            f.message(Lang::En).contains(&format!("{left} tr")),
            "{}",
            f.message(Lang::En)
        );
        assert!(f.message(Lang::Ja).contains(&format!("あと{left}回")));
    }
    let f = rig
        .session
        .login(TERMINAL_ID, "wrong")
        .await
        .unwrap_err()
        .failure();
    assert_eq!(f.code, FailureCode::TerminalLocked);
    let f = rig
        .session
        .login(TERMINAL_ID, TERMINAL_PASSWORD)
        .await
        .unwrap_err()
        .failure();
    assert_eq!(f.code, FailureCode::TerminalLocked);
    assert!(!rig.session.held().await.logged_in);
}

#[tokio::test]
async fn a_terminal_id_that_is_not_8_digits_is_refused_before_anything_is_sent() {
    let rig = Rig::new();
    let e = rig
        .session
        .login("1234", TERMINAL_PASSWORD)
        .await
        .unwrap_err();
    assert!(matches!(e, FieldError::TerminalIdFormat(_)));
    assert_eq!(e.failure().code, FailureCode::TerminalIdFormat);
    // Nothing reached the platform: the real terminal still registers now.
    assert!(
        rig.session
            .login(TERMINAL_ID, TERMINAL_PASSWORD)
            .await
            .unwrap()
            .device_registered
    );
}

#[tokio::test]
async fn online_actions_need_a_login_and_say_so() {
    let rig = Rig::new();
    for e in [
        rig.session.sync_roster(PROJECT_ID).await.unwrap_err(),
        rig.session.upload().await.unwrap_err(),
        rig.session.not_on_roster(PROJECT_ID).await.unwrap_err(),
    ] {
        assert_eq!(
            e.failure().code,
            FailureCode::TerminalLoginRequired,
            "{e:?}"
        );
    }
}
