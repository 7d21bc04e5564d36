//! A switchable network between the library and a platform: a loopback TCP
//! forwarder that a test turns off (new connections are refused at once,
//! open ones cut) to play "no network" in the field, and on again.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::TestSetupError;
use crate::runtime::spawn_detached;

/// The forwarder; its [`NetworkSwitch::base_url`] stands for the platform's.
#[derive(uniffi::Object)]
pub struct NetworkSwitch {
    base_url: String,
    online: Arc<AtomicBool>,
    cut: watch::Sender<u64>,
}

fn failed(e: impl std::fmt::Display) -> TestSetupError {
    TestSetupError::Failed {
        reason: e.to_string(),
    }
}

#[uniffi::export]
impl NetworkSwitch {
    /// A forwarder to `platform_url` (`http://127.0.0.1:PORT`), online.
    #[uniffi::constructor]
    pub fn new(platform_url: String) -> Result<Arc<Self>, TestSetupError> {
        let target: SocketAddr = platform_url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .map_err(failed)?;
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(failed)?;
        std_listener.set_nonblocking(true).map_err(failed)?;
        let local = std_listener.local_addr().map_err(failed)?;
        let online = Arc::new(AtomicBool::new(true));
        let (cut, cuts) = watch::channel(0u64);
        let flag = online.clone();
        spawn_detached(async move {
            let Ok(listener) = TcpListener::from_std(std_listener) else {
                return;
            };
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !flag.load(Ordering::SeqCst) {
                    continue; // dropped: the client sees the connection closed
                }
                let mut cuts = cuts.clone();
                // Only a cut after this connection opened ends it.
                cuts.borrow_and_update();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cuts.changed() => {}
                    }
                });
            }
        })
        .map_err(failed)?;
        Ok(Arc::new(Self {
            base_url: format!("http://{local}"),
            online,
            cut,
        }))
    }

    /// The URL to give the library instead of the platform's.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// Turns the network on or off (off also cuts open connections).
    pub fn set_online(&self, online: bool) {
        self.online.store(online, Ordering::SeqCst);
        if !online {
            self.cut.send_modify(|n| *n += 1);
        }
    }
}
