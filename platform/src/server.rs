//! Running the platform: in process (tests, demos, other crates) or from the
//! command line.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::{Clock, SystemClock};
use crate::config::{Config, ConfigError};
use crate::http::{self, AppState};
use crate::rules::card_login::certificate::TrustStore;
use crate::rules::catalogue::Catalogue;
use crate::rules::Platform;
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("trust anchors: {0}")]
    Trust(String),
    #[error("payment services: {0}")]
    Catalogue(String),
    #[error("eligibility seed: {0}")]
    EligibilitySeed(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("runtime: {0}")]
    Runtime(std::io::Error),
}

/// Builds the shared state: database (migrated), key, anchors, catalogue.
/// `config_file` is where a generated security-code key is saved.
pub fn prepare(
    mut config: Config,
    clock: Arc<dyn Clock>,
    config_file: Option<&Path>,
) -> Result<AppState, StartError> {
    let sealing_key = config.ensure_security_code_key(config_file)?;
    let mut store = match &config.database {
        Some(path) => Store::open(path)?,
        None => Store::open_in_memory()?,
    };
    store.bind_sealing_key(&sealing_key.key_id())?;
    let trust = TrustStore::from_config(&config).map_err(StartError::Trust)?;
    let catalogue = match &config.payment_services {
        Some(path) => Catalogue::load(path).map_err(StartError::Catalogue)?,
        None => Catalogue::builtin(),
    };
    let mut seed = config.eligibility_facts.clone();
    if let Some(path) = &config.eligibility_seed {
        seed.extend(
            crate::rules::eligibility::read_seed(path).map_err(StartError::EligibilitySeed)?,
        );
    }
    crate::rules::eligibility::seed(&mut store, &catalogue, &seed, clock.now())
        .map_err(StartError::EligibilitySeed)?;
    config.security_code_key = None; // the sealing key holds it from here on
    Ok(Arc::new(Platform {
        config,
        clock,
        store: Mutex::new(store),
        trust,
        sealing_key,
        catalogue,
        challenges: Mutex::default(),
        sessions: Mutex::default(),
        terminals: Mutex::default(),
        in_flight: Mutex::new(HashSet::new()),
    }))
}

/// A platform serving HTTP until [`RunningPlatform::shutdown`].
pub struct RunningPlatform {
    addr: SocketAddr,
    base_url: String,
    state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl std::fmt::Debug for RunningPlatform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RunningPlatform({})", self.base_url)
    }
}

/// Starts with the system clock. Use [`Config::ephemeral`] for an in-memory
/// platform on a free port of 127.0.0.1.
pub async fn start(config: Config) -> Result<RunningPlatform, StartError> {
    start_with_clock(config, Arc::new(SystemClock)).await
}

/// Starts with the given clock (e.g. a [`crate::clock::TestClock`]).
pub async fn start_with_clock(
    config: Config,
    clock: Arc<dyn Clock>,
) -> Result<RunningPlatform, StartError> {
    let state = prepare(config, clock, None)?;
    serve(state).await
}

/// Serves a prepared state on its configured address.
pub async fn serve(state: AppState) -> Result<RunningPlatform, StartError> {
    let listen = state.config.listen;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: listen,
        source,
    })?;
    let (stop, stopped) = oneshot::channel::<()>();
    let router = http::router(state.clone());
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    tracing::info!(%addr, "mynapoint platform listening");
    Ok(RunningPlatform {
        addr,
        base_url: format!("http://{addr}"),
        state,
        stop: Some(stop),
        task,
    })
}

impl RunningPlatform {
    /// `http://127.0.0.1:PORT` (no trailing slash; paths start with `/v1`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The administrator's token (`/v1/admin/...`), if one is configured.
    pub fn admin_token(&self) -> Option<&str> {
        self.state.config.admin_token.as_deref()
    }

    /// Drains the outbox through `mailer` (tests pass a fake that records).
    pub fn drain_outbox(
        &self,
        mailer: &dyn crate::rules::field::mail::Mailer,
    ) -> Result<u32, crate::rules::error::ApiError> {
        crate::rules::field::mail::drain(&self.state, mailer)
    }

    /// Direct access to the database (tests: seed data, compare dumps).
    pub fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        f(&mut self.state.store.lock().expect("lock"))
    }

    /// Stops accepting, finishes open requests, and waits.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let task = &mut self.task;
        if let Err(e) = task.await {
            tracing::warn!(error = %e, "server task ended abnormally");
        }
    }

    /// Waits until the server stops by itself (it does not, short of an error).
    pub async fn wait(mut self) -> std::io::Result<()> {
        let task = &mut self.task;
        task.await.map_err(std::io::Error::other)?
    }
}

/// A platform for synchronous code: it owns its runtime. Drop it (or call
/// [`BlockingPlatform::shutdown`]) outside any async runtime.
pub struct BlockingPlatform {
    runtime: Option<tokio::runtime::Runtime>,
    running: Option<RunningPlatform>,
}

impl BlockingPlatform {
    pub fn start(config: Config) -> Result<Self, StartError> {
        BlockingPlatform::start_with_clock(config, Arc::new(SystemClock))
    }

    pub fn start_with_clock(config: Config, clock: Arc<dyn Clock>) -> Result<Self, StartError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(StartError::Runtime)?;
        let running = runtime.block_on(start_with_clock(config, clock))?;
        Ok(BlockingPlatform {
            runtime: Some(runtime),
            running: Some(running),
        })
    }

    pub fn base_url(&self) -> &str {
        self.running.as_ref().expect("running").base_url()
    }

    pub fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        self.running.as_ref().expect("running").with_store(f)
    }

    /// The administrator's token of the `/v1/admin/...` API, if set.
    pub fn admin_token(&self) -> Option<&str> {
        self.running.as_ref().expect("running").admin_token()
    }

    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let (Some(runtime), Some(running)) = (self.runtime.take(), self.running.take()) {
            runtime.block_on(running.shutdown());
        }
    }
}

impl Drop for BlockingPlatform {
    fn drop(&mut self) {
        self.stop();
    }
}
