//! Logging on stderr with npm's levels. The registry client logs through the `log` facade
//! and knows nothing of terminals; this logger decides what shows and scrubs secrets.

use std::io::Write;

use crate::output::Paint;
use crate::secret::Redactor;

/// npm's `--loglevel` values, quietest first.
pub const LEVELS: [&str; 8] = [
    "silent", "error", "warn", "notice", "http", "info", "verbose", "silly",
];

pub const DEFAULT_LEVEL: &str = "notice";

/// Messages for the `http` level use the registry client's target.
use crate::registry::HTTP_LOG_TARGET as HTTP;

struct StderrLogger {
    /// Index into `LEVELS`: records at or below it are shown.
    max: usize,
    redactor: Redactor,
    paint: Paint,
}

fn npm_level(record: &log::Metadata<'_>) -> usize {
    match record.level() {
        log::Level::Error => 1,
        log::Level::Warn => 2,
        log::Level::Info if record.target() == HTTP => 4,
        log::Level::Info => 5,
        log::Level::Debug => 6,
        log::Level::Trace => 7,
    }
}

impl log::Log for StderrLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        npm_level(metadata) <= self.max
            && (metadata.target() == HTTP || metadata.target().starts_with("npm_token"))
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let label = match record.level() {
            log::Level::Error => self.paint.red("error"),
            log::Level::Warn => self.paint.yellow("warn"),
            _ => LEVELS[npm_level(record.metadata())].to_owned(),
        };
        let line = self
            .redactor
            .redact(&format!("npm-token {label} {}\n", record.args()));
        // Logging must never fail the command; a closed stderr just loses the line.
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }

    fn flush(&self) {}
}

/// Installs the logger; `level` is one of `LEVELS` (settings fall back to `DEFAULT_LEVEL`
/// for anything else, which `notice` here matches).
pub fn init(level: &str, redactor: Redactor, paint: Paint) {
    let max = LEVELS.iter().position(|l| *l == level).unwrap_or(3);
    let filter = match max {
        0 => log::LevelFilter::Off,
        1 => log::LevelFilter::Error,
        2 | 3 => log::LevelFilter::Warn,
        4 | 5 => log::LevelFilter::Info,
        6 => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    };
    if log::set_boxed_logger(Box::new(StderrLogger {
        max,
        redactor,
        paint,
    }))
    .is_ok()
    {
        log::set_max_level(filter);
    }
}
