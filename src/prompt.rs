//! Interactive prompts. They run only when a person is there (stdin is a terminal);
//! otherwise the caller gets an error naming the flag to pass instead.

use std::io::IsTerminal;

use crate::secret::Secret;

#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    #[error("not a terminal")]
    NoTerminal,
    #[error("no input (end of file)")]
    Eof,
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub fn can_prompt() -> bool {
    std::io::stdin().is_terminal()
}

/// Asks for a secret without echo, as npm's `npm password: ` prompt, again until it is
/// not empty.
pub fn secret(prompt: &str) -> Result<Secret, PromptError> {
    if !can_prompt() {
        return Err(PromptError::NoTerminal);
    }
    loop {
        match rpassword::prompt_password(prompt) {
            Ok(value) if value.is_empty() => continue,
            Ok(value) => return Ok(Secret::new(value)),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                return Err(PromptError::Eof)
            }
            Err(e) => return Err(PromptError::Io(e)),
        }
    }
}
