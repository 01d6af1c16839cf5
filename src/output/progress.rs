//! The status line: on a terminal's stderr, one line saying what the command is waiting for
//! (`Fetching tokens…`, `Creating a token…`, `Revoking 3 of 50…`), with a spinner, from the
//! moment a request goes out until its answer is in; then cleared, so that it never mixes
//! with the output. Prompts and log lines clear it first (`suspend`), a web login hides it
//! while the person is away (`pause`). Statuses nest: two requests out at once (who you
//! are, and the list) each have one, the newest is shown, and when it ends the other is
//! shown again. Off when stderr is not a terminal, for `TERM=dumb`, and with `--loglevel
//! silent` (`Printer::progress`).
//!
//! Drawn by indicatif: its spinner ticks on a thread of its own, so it needs nothing of the
//! single-threaded runtime the requests run on, and keeps turning while a request blocks it.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often the spinner turns.
const TICK: Duration = Duration::from_millis(100);

/// The status line of one run; clones share it (the commands, and the logger that clears it
/// before each log line).
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<Mutex<Line>>>);

#[derive(Default)]
struct Line {
    bar: Option<ProgressBar>,
    /// Each live [`Status`] and what it says, oldest first: the newest is shown.
    statuses: Vec<(u64, String)>,
    /// The id the next `Status` gets.
    next: u64,
    /// Hidden for a web login (`pause`).
    paused: bool,
    /// Inside `suspend`: the bar is cleared, and is redrawn when it ends.
    suspended: bool,
    /// While `revoking`: its status, how many are answered, of how many.
    revoking: Option<(u64, usize, usize)>,
}

impl Line {
    /// What the line says now: the newest status's text.
    fn text(&self) -> Option<&str> {
        self.statuses.last().map(|(_, text)| text.as_str())
    }

    /// Says `text` for status `id`, if it is still alive.
    fn set(&mut self, id: u64, text: String) {
        if let Some(entry) = self.statuses.iter_mut().find(|(owner, _)| *owner == id) {
            entry.1 = text;
            self.redraw();
        }
    }

    /// Makes the terminal show what `text` says: a bar with it, or no bar.
    fn redraw(&mut self) {
        if self.suspended {
            return;
        }
        // Ctrl-C clears the line it is on, rather than leave it above the shell's prompt:
        // told before the line is drawn, and once it is cleared.
        match (self.text().map(str::to_owned), self.paused) {
            (Some(text), false) => {
                crate::interrupt::status_line_shown(true);
                match &self.bar {
                    Some(bar) => bar.set_message(text),
                    None => self.bar = Some(spinner(text)),
                }
            }
            _ => {
                if let Some(bar) = self.bar.take() {
                    bar.finish_and_clear();
                }
                crate::interrupt::status_line_shown(false);
            }
        }
    }
}

fn spinner(text: String) -> ProgressBar {
    // (Unit tests keep the bookkeeping and draw nothing, whatever `cargo test` runs in.)
    let target = if cfg!(test) {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let bar = ProgressBar::with_draw_target(None, target);
    let style = ProgressStyle::with_template("{spinner} {msg}")
        .expect("a fixed template parses")
        .tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ ");
    bar.set_style(style);
    bar.set_message(text);
    bar.enable_steady_tick(TICK);
    bar
}

impl Progress {
    /// A status line, shown only when `enabled` (see `Printer::progress`).
    pub fn new(enabled: bool) -> Progress {
        Progress(enabled.then(Arc::default))
    }

    fn line(&self) -> Option<MutexGuard<'_, Line>> {
        // A panic elsewhere poisons nothing here worth refusing: the line is just text.
        Some(self.0.as_ref()?.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Shows `text` until the returned `Status` is dropped (then whatever an older status
    /// still alive says).
    pub fn show(&self, text: impl Into<String>) -> Status {
        let mut id = 0;
        if let Some(mut line) = self.line() {
            line.next += 1;
            id = line.next;
            line.statuses.push((id, text.into()));
            line.redraw();
        }
        Status {
            progress: self.clone(),
            id,
        }
    }

    /// `Checking who you are…`, until the registry says.
    pub fn asking_who(&self) -> Status {
        self.show("Checking who you are…")
    }

    /// `Fetching tokens…`, until the list is in.
    pub fn fetching(&self) -> Status {
        self.show("Fetching tokens…")
    }

    /// `Creating a token…`, until the registry answers.
    pub fn creating(&self) -> Status {
        self.show("Creating a token…")
    }

    /// `Revoking 1 of total…` until the returned `Status` is dropped: each
    /// [`Progress::revoked_one`] moves it on. Nothing to revoke: no line.
    pub fn revoking(&self, total: usize) -> Status {
        if total == 0 {
            return Progress::default().show("");
        }
        let status = self.show(revoking_text(0, total));
        if let Some(mut line) = self.line() {
            line.revoking = Some((status.id, 0, total));
        }
        status
    }

    /// One more revocation answered (revoked or not), while `revoking` is up.
    pub fn revoked_one(&self) {
        if let Some(mut line) = self.line() {
            if let Some((id, done, total)) = line.revoking {
                line.revoking = Some((id, done + 1, total));
                line.set(id, revoking_text(done + 1, total));
            }
        }
    }

    /// Runs `f` (a prompt, a line on stderr) with the status line cleared, then shows it
    /// again.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        let bar = match self.line() {
            Some(mut line) if !line.suspended && line.bar.is_some() => {
                line.suspended = true;
                line.bar.clone()
            }
            _ => None,
        };
        let Some(bar) = bar else {
            return f();
        };
        crate::interrupt::status_line_shown(false);
        // Not holding the line: `f` may log, and the logger suspends too (a no-op now).
        let result = bar.suspend(f);
        if let Some(mut line) = self.line() {
            line.suspended = false;
            line.redraw();
        }
        result
    }

    /// Hides the status line until the returned guard is dropped: while a person finishes a
    /// web login, the message that asked them to stays the last thing on the screen.
    pub fn pause(&self) -> Paused {
        if let Some(mut line) = self.line() {
            line.paused = true;
            line.redraw();
        }
        Paused(self.clone())
    }
}

/// The status line says this until dropped.
pub struct Status {
    progress: Progress,
    id: u64,
}

impl Status {
    /// Says `text` instead.
    pub fn set(&self, text: impl Into<String>) {
        if let Some(mut line) = self.progress.line() {
            line.set(self.id, text.into());
        }
    }

    /// A page of the token list is in and `page` is next: `page K of T` when the registry
    /// said how many there are, else how many tokens so far.
    pub fn page(&self, page: usize, of: Option<usize>, tokens_so_far: usize) {
        self.set(match of {
            Some(total) => format!("Fetching tokens: page {page} of {total}…"),
            None => format!("Fetching tokens: page {page} ({tokens_so_far} so far)…"),
        });
    }
}

impl Drop for Status {
    fn drop(&mut self) {
        if let Some(mut line) = self.progress.line() {
            line.statuses.retain(|(id, _)| *id != self.id);
            if line.revoking.is_some_and(|(id, _, _)| id == self.id) {
                line.revoking = None;
            }
            line.redraw();
        }
    }
}

/// `Revoking 3 of 50…`: the next one to be answered (a single token: `Revoking a token…`).
fn revoking_text(done: usize, total: usize) -> String {
    if total == 1 {
        "Revoking a token…".to_owned()
    } else {
        format!("Revoking {} of {total}…", (done + 1).min(total))
    }
}

/// The status line, hidden until dropped.
pub struct Paused(Progress);

impl Drop for Paused {
    fn drop(&mut self) {
        if let Some(mut line) = self.0.line() {
            line.paused = false;
            line.redraw();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_say_what_is_next() {
        assert_eq!(revoking_text(0, 50), "Revoking 1 of 50…");
        assert_eq!(revoking_text(49, 50), "Revoking 50 of 50…");
        assert_eq!(revoking_text(50, 50), "Revoking 50 of 50…");
        assert_eq!(revoking_text(0, 1), "Revoking a token…");
    }

    #[test]
    fn a_disabled_line_runs_everything_and_shows_nothing() {
        let progress = Progress::new(false);
        let _status = progress.revoking(3);
        progress.revoked_one();
        assert_eq!(progress.suspend(|| 7), 7);
        drop(progress.pause());
        assert!(progress.line().is_none());
    }

    fn text(progress: &Progress) -> Option<String> {
        progress.line().unwrap().text().map(str::to_owned)
    }

    #[test]
    fn the_newest_status_is_shown_and_an_older_one_comes_back() {
        let progress = Progress::new(true);
        // Who you are and the list, asked at once: the list ends first.
        let who = progress.asking_who();
        let list = progress.fetching();
        assert_eq!(text(&progress).as_deref(), Some("Fetching tokens…"));
        who.set("Checking who you are, still…");
        assert_eq!(text(&progress).as_deref(), Some("Fetching tokens…"));
        drop(list);
        assert_eq!(
            text(&progress).as_deref(),
            Some("Checking who you are, still…")
        );
        let paused = progress.pause();
        assert!(progress.line().unwrap().bar.is_none());
        drop(paused);
        assert!(progress.line().unwrap().bar.is_some());
        assert_eq!(progress.suspend(|| 7), 7);
        drop(who);
        assert_eq!(text(&progress), None);
        assert!(progress.line().unwrap().bar.is_none());
    }

    #[test]
    fn revocations_are_counted_across_calls_and_none_shows_nothing() {
        let progress = Progress::new(true);
        drop(progress.revoking(0));
        assert_eq!(text(&progress), None);
        let status = progress.revoking(3);
        progress.revoked_one();
        progress.revoked_one();
        assert_eq!(text(&progress).as_deref(), Some("Revoking 3 of 3…"));
        // Another status on top: the count still goes to the revoking line.
        let above = progress.creating();
        progress.revoked_one();
        drop(above);
        assert_eq!(text(&progress).as_deref(), Some("Revoking 3 of 3…"));
        drop(status);
        assert_eq!(text(&progress), None);
        // Not while revoking: a tick changes nothing.
        let _fetching = progress.fetching();
        progress.revoked_one();
        assert_eq!(text(&progress).as_deref(), Some("Fetching tokens…"));
    }
}
