//! What the process is attached to, captured once at start-up (as `npmrc::Env` captures the
//! environment): which standard streams are terminals, and how wide stdout's is. Everything
//! downstream decides from this value, so that it can be tested without a terminal.

use std::io::IsTerminal;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Terminal {
    /// A person can answer a prompt.
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
    /// stdout's width in columns, when it is a terminal that says.
    pub width: Option<u16>,
}

impl Terminal {
    pub fn detect() -> Terminal {
        let stdout = std::io::stdout().is_terminal();
        Terminal {
            stdin: std::io::stdin().is_terminal(),
            stdout,
            stderr: std::io::stderr().is_terminal(),
            // comfy-table asks the terminal the way it will lay the table out.
            width: if stdout {
                comfy_table::Table::new().width()
            } else {
                None
            },
        }
    }
}
