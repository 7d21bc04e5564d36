//! Rigs for the resident flow end to end: the kit's resident rig on the
//! real platform in process (127.0.0.1, ephemeral config, a test clock)
//! through the core's `HttpPlatform`, cardsim cards tapped through the real
//! card layer on a "phone" (short APDUs only, a new transport per tap); and
//! a proxy that loses one answer.

#![allow(dead_code, unused_imports)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

pub use mynapoint_testkit::cards::*;
pub use mynapoint_testkit::forms::*;
pub use mynapoint_testkit::in_process::InProcessPlatform;
pub use mynapoint_testkit::resident::*;
pub use mynapoint_testkit::secrets::*;
pub use mynapoint_testkit::taps::card_sign;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The resident flow against a new platform in process ([`Rig::new`]).
pub type Rig = ResidentRig<InProcessPlatform>;

/// Serials as hex numbers (case and leading zeros aside).
pub fn same_serial(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim_start_matches('0').to_ascii_uppercase();
    norm(a) == norm(b)
}

// ---- a proxy that loses one answer ------------------------------------------

/// A TCP proxy in front of the platform. When armed, it forwards the next
/// `POST /v1/applications` to the platform (which processes it) and then
/// closes the client's connection as soon as the answer starts to come back:
/// the client never sees it. Deterministic: one answer lost, exactly.
pub struct DroppingProxy {
    pub base_url: String,
    armed: Arc<AtomicBool>,
    dropped: Arc<AtomicUsize>,
    submissions: Arc<AtomicUsize>,
}

const SUBMIT_LINE: &[u8] = b"POST /v1/applications ";

impl DroppingProxy {
    pub async fn start(upstream: std::net::SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let armed = Arc::new(AtomicBool::new(false));
        let dropped = Arc::new(AtomicUsize::new(0));
        let submissions = Arc::new(AtomicUsize::new(0));
        let (a, d, n) = (armed.clone(), dropped.clone(), submissions.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (a, d, n) = (a.clone(), d.clone(), n.clone());
                tokio::spawn(async move {
                    if let Ok(upstream) = TcpStream::connect(upstream).await {
                        relay(client, upstream, a, d, n).await;
                    }
                });
            }
        });
        DroppingProxy {
            base_url: format!("http://{addr}"),
            armed,
            dropped,
            submissions,
        }
    }

    /// Lose the answer of the next submission.
    pub fn drop_next_submission_answer(&self) {
        self.armed.store(true, Ordering::SeqCst);
    }

    /// Answers lost so far.
    pub fn dropped(&self) -> usize {
        self.dropped.load(Ordering::SeqCst)
    }

    /// `POST /v1/applications` requests that passed through.
    pub fn submissions(&self) -> usize {
        self.submissions.load(Ordering::SeqCst)
    }
}

async fn relay(
    client: TcpStream,
    upstream: TcpStream,
    armed: Arc<AtomicBool>,
    dropped: Arc<AtomicUsize>,
    submissions: Arc<AtomicUsize>,
) {
    let (mut cr, mut cw) = client.into_split();
    let (mut ur, mut uw) = upstream.into_split();
    let mut from_client = vec![0u8; 16 * 1024];
    let mut from_upstream = vec![0u8; 16 * 1024];
    let mut lose_answer = false;
    loop {
        tokio::select! {
            n = cr.read(&mut from_client) => {
                let Ok(n @ 1..) = n else { break };
                let chunk = &from_client[..n];
                if chunk.windows(SUBMIT_LINE.len()).any(|w| w == SUBMIT_LINE) {
                    submissions.fetch_add(1, Ordering::SeqCst);
                    if armed.swap(false, Ordering::SeqCst) {
                        lose_answer = true;
                    }
                }
                if uw.write_all(chunk).await.is_err() {
                    break;
                }
            }
            n = ur.read(&mut from_upstream) => {
                let Ok(n @ 1..) = n else { break };
                if lose_answer {
                    dropped.fetch_add(1, Ordering::SeqCst);
                    break; // both connections close: the answer is lost
                }
                if cw.write_all(&from_upstream[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
}
