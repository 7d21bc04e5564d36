//! The log sink as a foreign trait (Android `Log`, iOS `os_log`): the
//! core's `tracing` events at INFO and above, forwarded as lines.
//! The core logs no PIN, security code or VERIFY bytes; nor does this.

use std::sync::Arc;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// The level of a log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
}

/// Where the library's log lines go; implemented by the shell.
/// Called from the library's threads; must not block for long.
#[uniffi::export(with_foreign)]
pub trait LogSink: Send + Sync {
    /// One event: its level, its origin (a Rust module path such as
    /// `mynapoint_core::resident`) and its text with its fields.
    fn log(&self, level: LogLevel, target: String, message: String);
}

struct Forward(Arc<dyn LogSink>);

#[derive(Default)]
struct Text(String);

impl Visit for Text {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write;
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, "{}={value:?}", field.name());
        }
    }
}

impl<S: Subscriber> Layer<S> for Forward {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let level = match *event.metadata().level() {
            Level::ERROR => LogLevel::Error,
            Level::WARN => LogLevel::Warn,
            Level::INFO => LogLevel::Info,
            _ => return,
        };
        let mut text = Text::default();
        event.record(&mut text);
        self.0
            .log(level, event.metadata().target().to_owned(), text.0);
    }
}

/// Makes `sink` the process's log subscriber (once; later calls keep the first).
pub(crate) fn install(sink: Arc<dyn LogSink>) {
    let subscriber = tracing_subscriber::registry().with(Forward(sink));
    let _ = tracing::subscriber::set_global_default(subscriber);
}
