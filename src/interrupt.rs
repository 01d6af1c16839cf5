//! Ctrl-C (and SIGTERM, SIGHUP). A prompt puts the terminal back as it was (a no-echo
//! prompt has echo off), a status line is cleared, and a command that creates or revokes
//! credentials says, as it dies, where things stand: which step was under way and what it
//! may have left (`d83cf1 may be revoked: npm-token list shows whether it is`). Either way
//! the process then dies of the signal, as an
//! interrupted command does: a shell reports it as 130 and, running a script (a loop of
//! `npm-token revoke`), stops the script too, which an ordinary exit 130 would not make it
//! do. Nothing after the interrupted step happens. A Ctrl-C the process was started to
//! ignore (a script's `cmd &`, `trap '' INT`) stays ignored.
//!
//! The handler runs in a signal context: it only reads what was prepared before (the saved
//! terminal settings, a message already formatted and escaped) and calls `tcsetattr`,
//! `write`, `sigaction`, `pthread_sigmask`, `raise` and `_exit`, which are
//! async-signal-safe.

#[cfg(unix)]
mod imp {
    use std::sync::atomic::{AtomicBool, AtomicI32, AtomicPtr, Ordering};
    use std::sync::{Once, OnceLock};

    struct Saved {
        fd: libc::c_int,
        termios: libc::termios,
    }

    /// The terminal a prompt reads from, as it was before the prompt.
    static SAVED: OnceLock<Saved> = OnceLock::new();
    /// What Ctrl-C leaves, formatted for stderr, or null. Never freed: the handler may be
    /// reading the one it replaced.
    static MESSAGE: AtomicPtr<Box<[u8]>> = AtomicPtr::new(std::ptr::null_mut());
    /// stderr is a terminal: a status line may be drawn on its last line, and is cleared.
    static STDERR_TERMINAL: AtomicBool = AtomicBool::new(false);
    static INSTALLED: Once = Once::new();
    /// A status line is drawn on stderr's last line.
    static STATUS_LINE: AtomicBool = AtomicBool::new(false);
    /// A copy of stderr, and the null device, opened when the handler is installed: the
    /// handler points stderr at the null device first, so that the status line's own thread,
    /// drawing its next frame, cannot put it back over the handler's last line.
    static STDERR_COPY: AtomicI32 = AtomicI32::new(-1);
    static NULL_DEVICE: AtomicI32 = AtomicI32::new(-1);

    pub fn status_line_shown(shown: bool) {
        STATUS_LINE.store(shown, Ordering::Relaxed);
        if shown {
            install();
        }
    }

    extern "C" fn on_interrupt(signal: libc::c_int) {
        if let Some(saved) = SAVED.get() {
            // SAFETY: tcsetattr is async-signal-safe; `saved` was filled before install.
            unsafe { libc::tcsetattr(saved.fd, libc::TCSANOW, &saved.termios) };
        }
        let message = MESSAGE.load(Ordering::Acquire);
        let (copy, null) = (
            STDERR_COPY.load(Ordering::Relaxed),
            NULL_DEVICE.load(Ordering::Relaxed),
        );
        // SAFETY: dup2, write and _exit are async-signal-safe; the descriptors were opened
        // at install and are never closed; a message, once stored, is leaked and never
        // changes.
        unsafe {
            let err = if copy >= 0 && null >= 0 && libc::dup2(null, 2) == 2 {
                copy
            } else {
                2
            };
            match message.as_ref() {
                // The line after the prompt's `^C`.
                // A status line (`⠙ Fetching tokens…^C`): cleared, the shell's prompt takes
                // its place.
                None if STATUS_LINE.load(Ordering::Relaxed) => {
                    let clear = b"\r\x1b[2K";
                    libc::write(err, clear.as_ptr().cast(), clear.len());
                }
                None if signal == libc::SIGINT => {
                    libc::write(err, b"\n".as_ptr().cast(), 1);
                }
                None => {}
                Some(message) => {
                    if STDERR_TERMINAL.load(Ordering::Relaxed) {
                        // The `^C` the terminal echoed, and any status line, cleared.
                        let clear = b"\r\x1b[2K";
                        libc::write(err, clear.as_ptr().cast(), clear.len());
                    }
                    libc::write(err, message.as_ptr().cast(), message.len());
                }
            }
            die_of(signal);
        }
    }

    /// Ends the process by `signal`, its default action, as if it had not been caught: a
    /// parent shell then knows the command was interrupted (and stops its script), where an
    /// exit it would take for a program that handled Ctrl-C and carried on. `_exit(130)`
    /// only if the signal somehow does not end it.
    ///
    /// # Safety
    /// Async-signal-safe calls only; never returns.
    unsafe fn die_of(signal: libc::c_int) -> ! {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = libc::SIG_DFL;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(signal, &action, std::ptr::null_mut());
        // The handler runs with the signal blocked: unblocked, it is delivered at once.
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, signal);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(signal);
        libc::_exit(128 + signal)
    }

    fn install() {
        INSTALLED.call_once(|| {
            // SAFETY: isatty has no preconditions.
            let terminal = unsafe { libc::isatty(2) } == 1;
            STDERR_TERMINAL.store(terminal, Ordering::Relaxed);
            // SAFETY: plain descriptor calls, each result checked by the handler (-1: not
            // opened, stderr is written as it is).
            unsafe {
                STDERR_COPY.store(libc::fcntl(2, libc::F_DUPFD_CLOEXEC, 3), Ordering::Relaxed);
                NULL_DEVICE.store(
                    libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC),
                    Ordering::Relaxed,
                );
            }
            // SAFETY: a zeroed sigaction with a handler and an empty mask is a valid one; the
            // one read back is only compared.
            // SIGTERM is how a CI job that is cancelled ends (after a SIGINT, on GitHub
            // Actions), SIGHUP a closed terminal: each says where things stand too.
            for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                unsafe {
                    // Started with it ignored (a background job of a script, `trap '' INT`,
                    // `nohup`), the process keeps ignoring it, as the one who started it asked.
                    let mut current: libc::sigaction = std::mem::zeroed();
                    libc::sigaction(signal, std::ptr::null(), &mut current);
                    if current.sa_sigaction == libc::SIG_IGN {
                        continue;
                    }
                    let mut action: libc::sigaction = std::mem::zeroed();
                    action.sa_sigaction = on_interrupt as *const () as usize;
                    libc::sigemptyset(&mut action.sa_mask);
                    libc::sigaction(signal, &action, std::ptr::null_mut());
                }
            }
        });
    }

    pub fn restore_terminal_on_ctrl_c() {
        if SAVED.get().is_none() {
            // The terminal the prompt reads from: /dev/tty, kept open for the handler.
            // SAFETY: a constant C string; the descriptor is checked.
            let fd = unsafe { libc::open(c"/dev/tty".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC) };
            if fd < 0 {
                return;
            }
            let mut termios = std::mem::MaybeUninit::<libc::termios>::uninit();
            // SAFETY: fd is open; termios is only read once tcgetattr filled it.
            if unsafe { libc::tcgetattr(fd, termios.as_mut_ptr()) } != 0 {
                unsafe { libc::close(fd) };
                return;
            }
            let saved = Saved {
                fd,
                termios: unsafe { termios.assume_init() },
            };
            if SAVED.set(saved).is_err() {
                return;
            }
        }
        install();
    }

    pub fn say_on_ctrl_c(line: Option<String>) {
        let message = line.map(|line| {
            let line = format!(
                "npm-token error {}\n",
                crate::text::for_terminal_line(&line)
            );
            Box::into_raw(Box::new(line.into_bytes().into_boxed_slice()))
        });
        MESSAGE.store(message.unwrap_or(std::ptr::null_mut()), Ordering::Release);
        install();
    }

    /// Echo off on the terminal until dropped (no-op without a terminal).
    pub struct EchoOff(Option<libc::termios>);

    impl EchoOff {
        pub fn now() -> EchoOff {
            let Some(saved) = SAVED.get() else {
                return EchoOff(None);
            };
            let mut current = std::mem::MaybeUninit::<libc::termios>::uninit();
            // SAFETY: saved.fd is open; current is only read once tcgetattr filled it.
            if unsafe { libc::tcgetattr(saved.fd, current.as_mut_ptr()) } != 0 {
                return EchoOff(None);
            }
            let current = unsafe { current.assume_init() };
            let mut quiet = current;
            quiet.c_lflag &= !libc::ECHO;
            quiet.c_lflag |= libc::ECHONL;
            unsafe { libc::tcsetattr(saved.fd, libc::TCSANOW, &quiet) };
            EchoOff(Some(current))
        }
    }

    impl Drop for EchoOff {
        fn drop(&mut self) {
            if let (Some(termios), Some(saved)) = (&self.0, SAVED.get()) {
                unsafe { libc::tcsetattr(saved.fd, libc::TCSANOW, termios) };
            }
        }
    }
}

#[cfg(not(unix))]
mod imp {
    pub fn status_line_shown(_shown: bool) {}

    pub fn restore_terminal_on_ctrl_c() {}

    pub fn say_on_ctrl_c(_line: Option<String>) {}

    pub struct EchoOff;

    impl EchoOff {
        pub fn now() -> EchoOff {
            EchoOff
        }
    }
}

/// Echo off on the prompt's terminal until dropped.
pub use imp::EchoOff;

/// Before a prompt: Ctrl-C puts the terminal back as it is now, then ends the process.
pub use imp::restore_terminal_on_ctrl_c;

/// What Ctrl-C leaves from now on, said on stderr as the process ends (`None`: nothing
/// to say). Registry text in it is escaped here; the caller leaves no secret in it.
pub fn on_ctrl_c(line: impl Into<String>) {
    imp::say_on_ctrl_c(Some(line.into()));
}

/// Ctrl-C leaves nothing to say from now on: the step it would have interrupted is done.
pub fn nothing_on_ctrl_c() {
    imp::say_on_ctrl_c(None);
}

/// Whether a status line is drawn on stderr now: Ctrl-C with nothing to say clears it.
pub use imp::status_line_shown;
