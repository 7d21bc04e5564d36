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

/// Runs `work` on the library's runtime and waits for it, outside any
/// object (test support). Dropping the returned future aborts the work.
#[cfg(feature = "test-support")]
pub(crate) async fn run<T, F>(work: F) -> Result<T, MynaError>
where
    T: Send + 'static,
    F: Future<Output = Result<T, MynaError>> + Send + 'static,
{
    Running::default().run(work).await
}

/// The operations of one library object (a session, a card reader) that
/// are running now, so that the shell can cancel them with the object's
/// `cancel()`. Kotlin cancels a call with its coroutine too; Swift's
/// generated async calls are not cancelled with their `Task`, so the Swift
/// shell needs this.
#[derive(Default)]
pub(crate) struct Running {
    tasks: std::sync::Mutex<Vec<(u64, tokio::task::AbortHandle)>>,
    next_id: std::sync::atomic::AtomicU64,
}

impl Running {
    fn tasks(&self) -> std::sync::MutexGuard<'_, Vec<(u64, tokio::task::AbortHandle)>> {
        self.tasks.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Aborts every running operation of the object; each of their calls
    /// ends with `Cancelled` (the core's rules hold as for a lost tag: a
    /// VERIFY in flight is settled on the next tap).
    pub fn cancel_all(&self) {
        for (_, task) in self.tasks().drain(..) {
            task.abort();
        }
    }

    /// Runs `work` on the library's runtime and waits for it. Dropping the
    /// returned future, or [`Self::cancel_all`], aborts the work (the call
    /// ends with `Cancelled`). A panic in the work is resumed here, so
    /// uniffi turns it into the shell's internal-error exception.
    pub async fn run<T, F>(&self, work: F) -> Result<T, MynaError>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, MynaError>> + Send + 'static,
    {
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut task = AbortOnDrop(runtime()?.spawn(work));
        self.tasks().push((id, task.0.abort_handle()));
        let ended = (&mut task.0).await;
        self.tasks().retain(|(i, _)| *i != id);
        match ended {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(MynaError::Cancelled),
        }
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
