//! Logging on stderr with npm's levels. The registry client logs through the `log` facade
//! and knows nothing of terminals; this logger decides what shows, scrubs secrets and
//! escapes whatever would act on the terminal.

use std::io::Write;

use crate::output::{Paint, Progress};
use crate::secret::Redactor;
use crate::text;

/// npm's `--loglevel` values, quietest first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum LogLevel {
    Silent,
    Error,
    Warn,
    #[default]
    Notice,
    Http,
    Info,
    Verbose,
    Silly,
}

impl LogLevel {
    fn name(self) -> &'static str {
        match self {
            LogLevel::Silent => "silent",
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Notice => "notice",
            LogLevel::Http => "http",
            LogLevel::Info => "info",
            LogLevel::Verbose => "verbose",
            LogLevel::Silly => "silly",
        }
    }
}

impl std::str::FromStr for LogLevel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        <LogLevel as clap::ValueEnum>::from_str(s, false).map_err(|_| {
            "expected one of silent, error, warn, notice, http, info, verbose, silly".to_owned()
        })
    }
}

/// Messages for the `http` level use the registry client's target; a registry's
/// `npm-notice` header, logged as a warning, is shown at npm's `notice` level.
use crate::registry::{HTTP_LOG_TARGET as HTTP, NOTICE_LOG_TARGET as NOTICE};

struct StderrLogger {
    /// Records at or below this level are shown.
    max: LogLevel,
    redactor: Redactor,
    paint: Paint,
    /// The status line, cleared for each log line and drawn again below it.
    progress: Progress,
}

fn npm_level(record: &log::Metadata<'_>) -> LogLevel {
    match record.level() {
        log::Level::Error => LogLevel::Error,
        log::Level::Warn if record.target() == NOTICE => LogLevel::Notice,
        log::Level::Warn => LogLevel::Warn,
        log::Level::Info if record.target() == HTTP => LogLevel::Http,
        log::Level::Info => LogLevel::Info,
        log::Level::Debug => LogLevel::Verbose,
        log::Level::Trace => LogLevel::Silly,
    }
}

impl log::Log for StderrLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        npm_level(metadata) <= self.max
            && (matches!(metadata.target(), HTTP | NOTICE)
                || metadata.target().starts_with("npm_token"))
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let label = match npm_level(record.metadata()) {
            LogLevel::Error => self.paint.red("error"),
            LogLevel::Warn => self.paint.yellow("warn"),
            level => level.name().to_owned(),
        };
        // Secrets masked, then what would act on the terminal escaped: a log line may quote
        // registry text or a config value. The label's own colour is added after.
        let message = self.redactor.redact(&record.args().to_string());
        let message = text::for_terminal_line(&message);
        let line = format!("npm-token {label} {message}\n");
        // Logging must never fail the command; a closed stderr just loses the line.
        self.progress
            .suspend(|| std::io::stderr().lock().write_all(line.as_bytes()))
            .ok();
    }

    fn flush(&self) {}
}

/// Installs the logger.
pub fn init(max: LogLevel, redactor: Redactor, paint: Paint, progress: Progress) {
    let filter = match max {
        LogLevel::Silent => log::LevelFilter::Off,
        LogLevel::Error => log::LevelFilter::Error,
        LogLevel::Warn | LogLevel::Notice => log::LevelFilter::Warn,
        LogLevel::Http | LogLevel::Info => log::LevelFilter::Info,
        LogLevel::Verbose => log::LevelFilter::Debug,
        LogLevel::Silly => log::LevelFilter::Trace,
    };
    if log::set_boxed_logger(Box::new(StderrLogger {
        max,
        redactor,
        paint,
        progress,
    }))
    .is_ok()
    {
        log::set_max_level(filter);
    }
}
