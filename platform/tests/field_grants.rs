//! Grant history and balances with expiry, and the outbox: an e-mail to a
//! person who opted in, drained by a mailer (a fake that records here).

mod common;

use std::sync::Mutex;

use common::field::*;
use common::*;
use mynapoint_contract::grant::admin::{NewMunicipality, NewProject, OutboxMail};
use mynapoint_platform::rules::field::mail::Mailer;
use serde_json::json;

#[derive(Default)]
struct FakeMailer {
    sent: Mutex<Vec<OutboxMail>>,
    refuse: bool,
}

impl Mailer for FakeMailer {
    fn send(&self, mail: &OutboxMail) -> Result<(), String> {
        if self.refuse {
            return Err("mail server down".into());
        }
        self.sent.lock().unwrap().push(mail.clone());
        Ok(())
    }
}

#[tokio::test]
async fn balances_count_unexpired_points_per_municipality() {
    let f = Field::start().await;
    let c = card(0).build();
    let id = f.issue(&c).await;
    // A second project of the same municipality, 40 points.
    f.admin
        .add_project(&NewProject {
            municipality_code: MUNICIPALITY.into(),
            project_id: "0002".into(),
            point_id: "13101002".into(),
            name: "ボランティア研修".into(),
            department: "地域振興課".into(),
            points_per_grant: 40,
            remarks: String::new(),
        })
        .await
        .unwrap();
    f.admin
        .add_to_roster(PROJECT, &[(&id, None)])
        .await
        .unwrap();
    f.admin.add_to_roster("0002", &[(&id, None)]).await.unwrap();
    let token = f.login().await;
    let t0 = f.h.clock_now();
    f.upload(&token, &batch(vec![f.tap(&c)])).await.expect(200);
    f.h.clock.advance(10 * 86_400);
    let token = f.login().await;
    let mut second = f.tap(&c);
    second.project_id = "0002".into();
    f.upload(&token, &batch(vec![second])).await.expect(200);

    let history = f.admin.grants(&id).await.unwrap();
    assert_eq!(history.grants.len(), 2);
    let g = &history.grants[0];
    assert_eq!(
        (g.project_id.as_str(), g.point_id.as_str(), g.points),
        (PROJECT, POINT_ID, POINTS)
    );
    assert_eq!(g.expires_at, (t0 + EXPIRY_DAYS as i64 * 86_400) as u64);
    assert_eq!(history.balances.len(), 1);
    assert_eq!(history.balances[0].points, (POINTS + 40) as u64);
    assert_eq!(history.balances[0].point_name, "ちよだ健康ポイント");
    assert_eq!(history.balances[0].next_expiry, Some(g.expires_at));

    // Day 60 after the first grant: its points expired, the second's not.
    f.h.clock.set(t0 + EXPIRY_DAYS as i64 * 86_400 + 1);
    let later = f.admin.grants(&id).await.unwrap();
    assert_eq!(later.grants.len(), 2, "the history keeps expired grants");
    assert_eq!(later.balances[0].points, 40);
    assert_eq!(
        later.balances[0].next_expiry,
        Some(later.grants[1].expires_at)
    );
    f.h.clock.advance(10 * 86_400);
    assert!(f.admin.grants(&id).await.unwrap().balances.is_empty());

    let unknown = f.admin.grants("ZZZZ9999").await.unwrap_err();
    assert_eq!(
        (unknown.status, unknown.code()),
        (404, "my_key_id_not_issued")
    );
    let bad = f.admin.grants("zz").await.unwrap_err();
    assert_eq!((bad.status, bad.code()), (400, "my_key_id_format"));
}

#[tokio::test]
async fn balances_are_per_municipality() {
    let f = Field::start().await;
    f.admin
        .add_municipality(&NewMunicipality {
            code: OTHER_MUNICIPALITY.into(),
            name: "中央区".into(),
            point_name: "中央ポイント".into(),
            expiry_days: 30,
        })
        .await
        .unwrap();
    f.admin
        .add_project(&NewProject {
            municipality_code: OTHER_MUNICIPALITY.into(),
            project_id: "0002".into(),
            point_id: "13102001".into(),
            name: "清掃".into(),
            department: "環境課".into(),
            points_per_grant: 30,
            remarks: String::new(),
        })
        .await
        .unwrap();
    let c = card(1).build();
    let id = f.issue(&c).await;
    f.admin
        .add_to_roster(PROJECT, &[(&id, None)])
        .await
        .unwrap();
    f.admin.add_to_roster("0002", &[(&id, None)]).await.unwrap();
    // The other municipality's terminal.
    f.admin
        .add_terminal(&mynapoint_contract::grant::admin::NewTerminal {
            terminal_id: "00000002".into(),
            municipality_code: OTHER_MUNICIPALITY.into(),
            password: mynapoint_contract::Secret::new("other-pass-02"),
        })
        .await
        .unwrap();
    let token = f.login().await;
    f.upload(&token, &batch(vec![f.tap(&c)])).await.expect(200);
    let other_device = Device::new();
    let other_token =
        f.h.post(
            "/v1/field/login",
            None,
            &other_device.login_body("00000002", "other-pass-02"),
        )
        .await
        .expect(200)["token"]
            .as_str()
            .unwrap()
            .to_owned();
    let mut t = f.tap(&c);
    t.project_id = "0002".into();
    let body = serde_json::to_vec(&batch(vec![t])).unwrap();
    let reply = f
        .upload_raw(&other_token, &body, Some(other_device.sign(&body)))
        .await
        .expect(200);
    assert_eq!(Field::results(&reply), ["granted"]);
    let history = f.admin.grants(&id).await.unwrap();
    let mut balances: Vec<(String, u64)> = history
        .balances
        .iter()
        .map(|b| (b.municipality_code.clone(), b.points))
        .collect();
    balances.sort();
    assert_eq!(
        balances,
        [
            (MUNICIPALITY.to_owned(), POINTS as u64),
            (OTHER_MUNICIPALITY.to_owned(), 30)
        ]
    );
}

#[tokio::test]
async fn a_grant_queues_an_email_for_a_person_who_opted_in_and_the_mailer_drains_it() {
    let f = Field::start().await;
    let opted_in = card(0).build();
    let opted_out = card(1).build();
    let id_in = f.issue(&opted_in).await;
    // The second person issues without e-mail notifications.
    let token = f.h.login(&opted_out).await;
    let cand =
        f.h.post("/v1/my-key-id/candidates", Some(&token), &json!({}))
            .await
            .expect(200);
    let id_out = cand["candidate"].as_str().unwrap().to_owned();
    let mut issue = issue_body("auto", &id_out);
    issue["notifications"]["points_granted"] = json!(false);
    f.h.post("/v1/my-key-id", Some(&token), &issue)
        .await
        .expect(201);
    f.admin
        .add_to_roster(PROJECT, &[(&id_in, None), (&id_out, None)])
        .await
        .unwrap();
    let terminal = f.login().await;
    let b = batch(vec![f.tap(&opted_in), f.tap(&opted_out)]);
    f.upload(&terminal, &b).await.expect(200);
    f.upload(&terminal, &b).await.expect(200);

    let outbox = f.admin.outbox().await.unwrap();
    assert_eq!(
        outbox.mails.len(),
        1,
        "one e-mail: one grant of one person who opted in"
    );
    let mail = &outbox.mails[0];
    assert_eq!(mail.to, "taro@example.jp");
    assert!(
        mail.subject.contains("ちよだ健康ポイント"),
        "{}",
        mail.subject
    );
    assert!(
        mail.body.contains(&id_in) && mail.body.contains("100"),
        "{}",
        mail.body
    );
    assert_eq!(mail.sent_at, None);

    let down = FakeMailer {
        refuse: true,
        ..FakeMailer::default()
    };
    assert_eq!(f.h.platform.drain_outbox(&down).unwrap(), 0);
    assert_eq!(
        f.admin.outbox().await.unwrap().mails[0].sent_at,
        None,
        "a refused mail waits"
    );
    let mailer = FakeMailer::default();
    assert_eq!(f.h.platform.drain_outbox(&mailer).unwrap(), 1);
    assert_eq!(mailer.sent.lock().unwrap().len(), 1);
    assert_eq!(f.h.platform.drain_outbox(&mailer).unwrap(), 0, "sent once");
    assert!(f.admin.outbox().await.unwrap().mails[0].sent_at.is_some());
    // The HTTP drain with no spool folder: nothing waits, nothing to send.
    assert_eq!(f.admin.drain_outbox().await.unwrap().sent, 0);
}

#[tokio::test]
async fn the_configured_mailer_leaves_mails_in_the_spool_folder() {
    let spool = tempfile::tempdir().unwrap();
    let mut config = mynapoint_platform::Config::ephemeral();
    config.mail_spool = Some(spool.path().to_owned());
    let f = Field::start_with(config).await;
    let c = card(2).build();
    let id = f.issue(&c).await;
    f.admin
        .add_to_roster(PROJECT, &[(&id, None)])
        .await
        .unwrap();
    let token = f.login().await;
    f.upload(&token, &batch(vec![f.tap(&c)])).await.expect(200);
    assert_eq!(f.admin.drain_outbox().await.unwrap().sent, 1);
    let files: Vec<_> = std::fs::read_dir(spool.path()).unwrap().collect();
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
    assert!(text.starts_with("To: taro@example.jp\r\n"), "{text}");
}
