//! The library's own tokio runtime: started once by [`init`], it runs every
//! long operation, so the shells need no Rust executor of their own.
//!
//! A shell's call awaits a task on this runtime. When the shell cancels
//! (a Kotlin coroutine's cancellation, a Swift task's), uniffi drops the
//! call's future and the task is aborted at its next await point.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

use crate::error::MynaError;
use crate::log_sink::{self, LogSink};

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

/// Starts the library: its tokio runtime (2 worker threads, named
/// `mynapoint`) and, when `log_sink` is given, the forwarding of the core's
/// log events (level INFO and above; they never hold a PIN, a security code
/// or VERIFY bytes) to it.
///
/// Call it once when the app starts, before any other call. A second call
/// changes nothing and succeeds (the first log sink stays).
///
/// Errors: [`MynaError::NotInitialized`] when the operating system refuses
/// the runtime's threads.
#[uniffi::export]
pub fn init(log_sink: Option<Arc<dyn LogSink>>) -> Result<(), MynaError> {
    if RUNTIME.get().is_none() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("mynapoint")
            .enable_all()
            .build()
            .map_err(|e| MynaError::NotInitialized {
                detail: format!("the runtime could not start: {e}"),
            })?;
        // Another thread may have won the race: its runtime stays, ours drops.
        let _ = RUNTIME.set(runtime);
        if let Some(sink) = log_sink {
            log_sink::install(sink);
        }
    }
    Ok(())
}

fn runtime() -> Result<&'static Runtime, MynaError> {
    RUNTIME.get().ok_or_else(|| MynaError::NotInitialized {
        detail: "call init() once when the app starts".into(),
    })
}

/// Aborts the task when the caller's future is dropped (cancelled).
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs `work` on the library's runtime and waits for it. Dropping the
/// returned future aborts the work. A panic in the work is resumed here, so
/// uniffi turns it into the shell's internal-error exception.
pub(crate) async fn run<T, F>(work: F) -> Result<T, MynaError>
where
    T: Send + 'static,
    F: Future<Output = Result<T, MynaError>> + Send + 'static,
{
    let mut task = AbortOnDrop(runtime()?.spawn(work));
    match (&mut task.0).await {
        Ok(result) => result,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        // Only an abort ends a task otherwise, and only our drop aborts it.
        Err(_) => Err(MynaError::Cancelled),
    }
}

/// Starts `work` on the library's runtime without waiting for it (test
/// support's background servers).
#[cfg(feature = "test-support")]
pub(crate) fn spawn_detached<F>(work: F) -> Result<(), MynaError>
where
    F: Future<Output = ()> + Send + 'static,
{
    drop(runtime()?.spawn(work));
    Ok(())
}
