//! Interactive prompts. Callers ask them only when a person is there (stdin is a terminal,
//! as `Terminal` found at start-up); otherwise they fail with an error naming the flag to
//! pass instead.

use std::io::{BufRead, Write};

use crate::interrupt;
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
