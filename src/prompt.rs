//! Interactive prompts. Callers ask them only when a person is there (stdin is a terminal,
//! as `Terminal` found at start-up); otherwise they fail with an error naming the flag to
//! pass instead.

use std::io::{BufRead, Write};

use crate::secret::Secret;

#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    #[error("no input (end of file)")]
    Eof,
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Asks for a secret without echo, as npm's `npm password: ` prompt, again until it is
/// not empty.
pub fn secret(prompt: &str) -> Result<Secret, PromptError> {
    interrupt::restore_terminal_on_ctrl_c();
    // rpassword writes the prompt before it turns echo off: anything typed or pasted in
    // between would show. Turn echo off first; it is restored when this returns.
    let _echo_off = interrupt::EchoOff::now();
    loop {
        match rpassword::prompt_password(prompt) {
            Ok(value) if value.is_empty() => continue,
            Ok(value) => return Ok(Secret::new(value)),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                end_prompt_line();
                return Err(PromptError::Eof);
            }
            Err(e) => return Err(PromptError::Io(e)),
        }
    }
}

/// npm's OTP prompt: asks until the answer is digits (spaces allowed, then removed) or a
/// 64-character hex recovery code. The prompt goes to stderr, so stdout stays clean.
pub fn otp() -> Result<Secret, PromptError> {
    interrupt::restore_terminal_on_ctrl_c();
    let stdin = std::io::stdin();
    let mut first = true;
    loop {
        let mut stderr = std::io::stderr().lock();
        if first {
            writeln!(stderr, "This operation requires a one-time password.")?;
            first = false;
        }
        write!(stderr, "Enter OTP: ")?;
        stderr.flush()?;
        drop(stderr);
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 {
            end_prompt_line();
            return Err(PromptError::Eof);
        }
        if let Some(code) = valid_otp(line.trim_end_matches(['\r', '\n'])) {
            return Ok(Secret::new(code));
        }
    }
}

/// Asks a yes/no question on stderr; only `y` or `yes` (any case) is yes.
pub fn confirm(question: &str) -> Result<bool, PromptError> {
    let mut stderr = std::io::stderr().lock();
    write!(stderr, "{question}")?;
    stderr.flush()?;
    drop(stderr);
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line)? == 0 {
        end_prompt_line();
        return Err(PromptError::Eof);
    }
    Ok(matches!(
        line.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// Ctrl-D leaves the cursor after the prompt: end that line, so that the error that follows
/// starts on a line of its own.
fn end_prompt_line() {
    let _ = std::io::stderr().write_all(b"\n");
}

/// `^[\d ]+$` (spaces removed) or `^[A-Fa-f0-9]{64}$`, as npm's readOTP accepts.
fn valid_otp(input: &str) -> Option<String> {
    let digits = !input.is_empty() && input.chars().all(|c| c.is_ascii_digit() || c == ' ');
    let hex = input.len() == 64 && input.chars().all(|c| c.is_ascii_hexdigit());
    if digits && input.chars().any(|c| c.is_ascii_digit()) {
        Some(input.replace(' ', ""))
    } else if hex {
        Some(input.to_owned())
    } else {
        None
    }
}

/// Ctrl-C during a prompt: put the terminal back as it was (a no-echo prompt has echo off)
/// and exit 130, as a shell reports an interrupted command.
#[cfg(unix)]
mod interrupt {
    use std::sync::OnceLock;

    struct Saved {
        fd: libc::c_int,
        termios: libc::termios,
    }

    static SAVED: OnceLock<Saved> = OnceLock::new();

    extern "C" fn on_interrupt(_signal: libc::c_int) {
        // Only async-signal-safe calls here: tcsetattr, write, _exit.
        if let Some(saved) = SAVED.get() {
            unsafe {
                libc::tcsetattr(saved.fd, libc::TCSANOW, &saved.termios);
            }
        }
        unsafe {
            libc::write(2, b"\n".as_ptr().cast(), 1);
            libc::_exit(130);
        }
    }

    /// Echo off on the terminal until dropped (no-op without a terminal).
    pub struct EchoOff(Option<libc::termios>);

    impl EchoOff {
        pub fn now() -> EchoOff {
            let Some(saved) = SAVED.get() else {
                return EchoOff(None);
            };
            let mut current = std::mem::MaybeUninit::<libc::termios>::uninit();
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

    pub fn restore_terminal_on_ctrl_c() {
        if SAVED.get().is_some() {
            return;
        }
        // The terminal the prompt reads from: /dev/tty, kept open for the handler.
        let fd = unsafe { libc::open(c"/dev/tty".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC) };
        if fd < 0 {
            return;
        }
        let mut termios = std::mem::MaybeUninit::<libc::termios>::uninit();
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
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_interrupt as *const () as usize;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut());
        }
    }
}

#[cfg(not(unix))]
mod interrupt {
    pub fn restore_terminal_on_ctrl_c() {}

    pub struct EchoOff;

    impl EchoOff {
        pub fn now() -> EchoOff {
            EchoOff
        }
    }
}

#[cfg(test)]
mod tests {
    use super::valid_otp;

    #[test]
    fn otp_answers_are_checked_like_npm() {
        assert_eq!(valid_otp("123 456").as_deref(), Some("123456"));
        assert_eq!(valid_otp("123456").as_deref(), Some("123456"));
        let hex = "a".repeat(64);
        assert_eq!(valid_otp(&hex).as_deref(), Some(hex.as_str()));
        for bad in ["", "   ", "12a456", &"a".repeat(63), "１２３"] {
            assert_eq!(valid_otp(bad), None, "{bad:?}");
        }
    }
}
