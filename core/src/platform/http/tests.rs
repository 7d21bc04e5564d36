//! HttpPlatform against a scripted HTTP server on localhost: what goes on
//! the wire, which requests are repeated, and with which key.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;
use crate::secret::Secret;

/// What the server does with one connection.
#[derive(Clone)]
enum Reply {
    /// Reads the request, then closes without answering.
    Hang,
    Answer(u16, &'static str),
}

#[derive(Debug, Clone)]
struct Seen {
    request_line: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

async fn server(script: Vec<Reply>) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        for reply in script {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let (head, body_start) = loop {
                let n = socket.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break (String::from_utf8_lossy(&buf).to_string(), buf.len());
                }
                buf.extend_from_slice(&chunk[..n]);
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break (String::from_utf8_lossy(&buf[..i]).to_string(), i + 4);
                }
            };
            let mut lines = head.split("\r\n");
            let request_line = lines.next().unwrap_or_default().to_string();
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
                .collect();
            let len: usize = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            while buf.len() < body_start + len {
                let n = socket.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let body = String::from_utf8_lossy(&buf[body_start..]).to_string();
            log.lock().unwrap().push(Seen {
                request_line,
                headers,
                body,
            });
            match reply {
                Reply::Hang => drop(socket),
                Reply::Answer(status, body) => {
                    let text = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(text.as_bytes()).await;
                    let _ = socket.shutdown().await;
                }
            }
        }
    });
    (format!("http://{addr}"), seen)
}

fn fast() -> HttpConfig {
    HttpConfig {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(5),
        retry: RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(10),
        },
    }
}

const APPLICATION: &str = r#"{"application_id":"app-1","status":"submitted","service_id":"aeon","service_name":"AEON","payment_id_masked":"************3456","submitted_at":1700000000}"#;

fn request() -> ApplicationRequest {
    ApplicationRequest {
        content: ApplicationContent {
            service_id: "aeon".into(),
            terms_version: "2023-06".into(),
            payment_id: Secret::new("1234567890123456"),
            security_codes: vec![Secret::new("0987")],
            phone_last4: None,
            for_child: None,
            categories: vec![Category::CardAcquisition],
        },
        signature: vec![1, 2, 3],
        representative_signature: None,
    }
}

#[tokio::test]
async fn a_lost_answer_is_repeated_with_the_same_key_and_body() {
    let (url, seen) = server(vec![Reply::Hang, Reply::Answer(201, APPLICATION)]).await;
    let platform = HttpPlatform::with_config(&url, fast()).unwrap();
    let token = SessionToken::new("tok-1");
    let key = IdempotencyKey::new();
    let app = platform
        .submit_application(&token, &request(), &key)
        .await
        .unwrap();
    assert_eq!(app.application_id, "app-1");
    assert_eq!(app.submitted_at, 1_700_000_000);

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    for s in &seen {
        assert_eq!(s.request_line, "POST /v1/applications HTTP/1.1");
        assert_eq!(s.header("idempotency-key"), Some(key.as_str()));
        assert_eq!(s.header("authorization"), Some("Bearer tok-1"));
        assert_eq!(s.body, seen[0].body);
    }
    let body: serde_json::Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(body["payment_id"], "1234567890123456");
    assert_eq!(body["security_codes"][0], "0987");
    assert_eq!(body["phone_last4"], serde_json::Value::Null);
    assert_eq!(body["for_child"], serde_json::Value::Null);
    assert_eq!(body["signature"], "AQID");
    assert!(body.get("representative_signature").is_none());
}

#[test]
fn a_child_application_carries_for_child_and_the_representative_signature() {
    let mut request = request();
    request.content.for_child = Some(ForChild {
        birth_date: "20150401".into(),
        representative_certificate: vec![0x30, 0x82],
    });
    request.representative_signature = Some(vec![4, 5, 6]);
    let body = serde_json::to_value(&request).unwrap();
    assert_eq!(body["for_child"]["birth_date"], "20150401");
    assert_eq!(body["for_child"]["representative_certificate"], "MII=");
    assert_eq!(body["signature"], "AQID");
    assert_eq!(body["representative_signature"], "BAUG");
    let content = serde_json::to_value(&request.content).unwrap();
    assert!(content.get("signature").is_none());
    assert_eq!(content["for_child"]["birth_date"], "20150401");

    let with_child: Application = serde_json::from_str(
        r#"{"application_id":"a","status":"submitted","service_id":"s","service_name":"S","payment_id_masked":"**34","submitted_at":1,"for_child":{"birth_date":"20150401","representative_serial":"7654321"}}"#,
    )
    .unwrap();
    assert_eq!(
        with_child.for_child,
        Some(ChildInfo {
            birth_date: "20150401".into(),
            representative_serial: "7654321".into()
        })
    );
    let older: Application = serde_json::from_str(APPLICATION).unwrap();
    assert_eq!(older.for_child, None);
}

#[tokio::test]
async fn repeats_are_bounded_and_every_post_carries_one_key() {
    let (url, seen) = server(vec![Reply::Hang, Reply::Hang, Reply::Hang, Reply::Hang]).await;
    let platform = HttpPlatform::with_config(&url, fast()).unwrap();
    let err = platform
        .my_key_id_candidate(&SessionToken::new("t"))
        .await
        .unwrap_err();
    assert!(matches!(err, PlatformError::Network(_)), "{err:?}");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "max_attempts");
    let key = seen[0].header("idempotency-key").unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&key).is_ok());
    assert!(seen
        .iter()
        .all(|s| s.header("idempotency-key") == Some(&key)));
}

#[tokio::test]
async fn contract_errors_are_typed_and_not_repeated() {
    let (url, seen) = server(vec![Reply::Answer(
        400,
        r#"{"error":{"code":"payment_id_format","message":"The payment ID has 16 digits.","field":"payment_id"}}"#,
    )])
    .await;
    let platform = HttpPlatform::with_config(&url, fast()).unwrap();
    let err = platform
        .content_to_sign(&SessionToken::new("t"), &request().content)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        PlatformError::Http {
            status: 400,
            code: ErrorCode::PaymentIdFormat,
            message: "The payment ID has 16 digits.".into(),
            field: Some("payment_id".into()),
        }
    );
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn gets_build_the_contract_paths_and_decode() {
    let (url, seen) = server(vec![
        Reply::Answer(
            200,
            r#"{"services":[{"service_id":"aeon","name":"イオン","name_kana":"イオン","name_latin":"AEON","kind":"e_money","terms_version":"1"}]}"#,
        ),
        Reply::Answer(503, "overloaded"),
        Reply::Answer(200, r#"{"status":"ok"}"#),
        Reply::Answer(200, r#"{"unexpected":true}"#),
    ])
    .await;
    let platform = HttpPlatform::with_config(&format!("{url}/"), fast()).unwrap();
    let services = platform.search_services(None, "イオン aeon").await.unwrap();
    assert_eq!(services[0].service_id, "aeon");
    assert_eq!(services[0].kind, ServiceKind::EMoney);
    platform.health().await.unwrap();
    let err = platform
        .my_application(&SessionToken::new("t"))
        .await
        .unwrap_err();
    assert!(matches!(err, PlatformError::Decode(_)), "{err:?}");

    let seen = seen.lock().unwrap().clone();
    assert!(seen[0]
        .request_line
        .starts_with("GET /v1/payment-services?q=%E3%82%A4"));
    assert_eq!(seen[0].header("authorization"), None);
    assert_eq!(seen[1].request_line, "GET /v1/health HTTP/1.1");
    assert_eq!(
        seen[2].request_line, "GET /v1/health HTTP/1.1",
        "503 repeated"
    );
    assert_eq!(seen[3].request_line, "GET /v1/applications/mine HTTP/1.1");
}

#[tokio::test]
async fn nothing_listening_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let platform = HttpPlatform::with_config(&url, fast()).unwrap();
    assert!(matches!(
        platform.health().await,
        Err(PlatformError::Network(_))
    ));
    assert!(HttpPlatform::new("not a url").is_err());
}

#[test]
fn secrets_never_show_in_debug_output() {
    let r = request();
    let shown = format!("{r:?} {:?}", SessionToken::new("tok-secret"));
    assert!(!shown.contains("1234567890123456"));
    assert!(!shown.contains("0987"));
    assert!(!shown.contains("tok-secret"));
}

mod field_routes {
    use super::*;
    use crate::platform::FieldApi;
    use mynapoint_contract::grant::TerminalLoginRequest;

    const UPLOAD: &str = r#"{"batch_id":"b-1","outcomes":[]}"#;

    #[tokio::test]
    async fn an_upload_carries_the_signature_over_the_exact_body_and_is_repeated_when_lost() {
        let (url, seen) = server(vec![Reply::Hang, Reply::Answer(200, UPLOAD)]).await;
        let platform = HttpPlatform::with_config(&url, fast()).unwrap();
        let body = br#"{"batch_id":"b-1","taps":[]}"#;
        let answer = platform
            .upload_taps(&SessionToken::new("tok-f"), body, "c2lnbmF0dXJl")
            .await
            .unwrap();
        assert_eq!(answer.batch_id, "b-1");
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 2, "the idempotent upload was repeated");
        for s in &seen {
            assert_eq!(s.request_line, "POST /v1/field/taps HTTP/1.1");
            assert_eq!(s.header("device-signature"), Some("c2lnbmF0dXJl"));
            assert_eq!(s.header("authorization"), Some("Bearer tok-f"));
            assert_eq!(s.body.as_bytes(), body);
        }
    }

    #[tokio::test]
    async fn a_terminal_login_whose_answer_is_lost_is_not_repeated() {
        let (url, seen) = server(vec![Reply::Hang, Reply::Answer(500, "{}")]).await;
        let platform = HttpPlatform::with_config(&url, fast()).unwrap();
        let request = TerminalLoginRequest {
            terminal_id: "00000001".into(),
            password: Secret::new("pw"),
            device_public_key: vec![4; 65],
            device_fingerprint: "ab".repeat(32),
        };
        let e = platform.terminal_login(&request).await.unwrap_err();
        assert!(matches!(e, PlatformError::Network(_)), "{e:?}");
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 1, "a wrong password must not count twice");
        assert_eq!(seen[0].request_line, "POST /v1/field/login HTTP/1.1");
        assert_eq!(seen[0].header("idempotency-key"), None);
    }

    #[tokio::test]
    async fn a_roster_sync_asks_for_the_changes_since_a_version() {
        let roster = r#"{"project_id":"0001","version":7,"full":false,"salt":"AAAAAAAAAAAAAAAAAAAAAA==","entries":[]}"#;
        let (url, seen) = server(vec![Reply::Answer(200, roster)]).await;
        let platform = HttpPlatform::with_config(&url, fast()).unwrap();
        let sync = platform
            .roster(&SessionToken::new("tok-f"), "0001", 5)
            .await
            .unwrap();
        assert_eq!((sync.version, sync.salt.len()), (7, 16));
        assert_eq!(
            seen.lock().unwrap()[0].request_line,
            "GET /v1/field/projects/0001/roster?since=5 HTTP/1.1"
        );
    }
}
