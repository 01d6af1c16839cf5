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
    /// stdout goes nowhere (the null device): a new token printed there is lost.
    pub stdout_discarded: bool,
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
            stdout_discarded: stdout_null_mode().is_some(),
        }
    }
}

/// How stdout was opened on the null device, when it is the null device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NullMode {
    /// Write-only: a shell's `>/dev/null`.
    WriteOnly,
    /// Read-write: how Rust's runtime fills in a stdout that was closed (`>&-`).
    ReadWrite,
}

/// Whether stdout is the null device, and how it was opened.
pub fn stdout_null_mode() -> Option<NullMode> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        use std::os::unix::io::FromRawFd;
        let null = std::fs::metadata("/dev/null").ok()?;
        // SAFETY: descriptor 1 is borrowed to read what it is, and never closed (the
        // ManuallyDrop); fcntl only reads its flags.
        let stdout = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(1) });
        let metadata = stdout.metadata().ok()?;
        let flags = unsafe { libc::fcntl(1, libc::F_GETFL) };
        let is_null = null.file_type().is_char_device()
            && metadata.file_type().is_char_device()
            && metadata.rdev() == null.rdev();
        if !is_null || flags == -1 {
            return None;
        }
        Some(if flags & libc::O_ACCMODE == libc::O_RDWR {
            NullMode::ReadWrite
        } else {
            NullMode::WriteOnly
        })
    }
    #[cfg(not(unix))]
    {
        None
    }
}
