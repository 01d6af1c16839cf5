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

/// stdout is a pipe (or socket, or terminal) whose reader has gone: whatever is written
/// there now is lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReaderGone {
    /// Some of what was written was never read (always, but for a pipe that says it is
    /// empty: its reader took everything before it left).
    pub left_unread: bool,
}

/// Whether stdout's reader has gone (see [`ReaderGone`]). Asked at the moment, unlike the
/// rest of this module: a reader can leave at any time.
pub fn stdout_reader_gone() -> Option<ReaderGone> {
    #[cfg(unix)]
    {
        let mut poll = libc::pollfd {
            fd: 1,
            events: 0,
            revents: 0,
        };
        // SAFETY: one pollfd, for descriptor 1, not waited on.
        let ready = unsafe { libc::poll(&mut poll, 1, 0) };
        if ready <= 0 || poll.revents & (libc::POLLERR | libc::POLLHUP) == 0 {
            return None;
        }
        // A pipe says how much of it is still unread (Linux answers FIONREAD on either end).
        let mut unread: libc::c_int = 0;
        // SAFETY: fstat and ioctl(FIONREAD) only read descriptor 1's state.
        let emptied = unsafe {
            let mut stat = std::mem::zeroed::<libc::stat>();
            libc::fstat(1, &mut stat) == 0
                && stat.st_mode & libc::S_IFMT == libc::S_IFIFO
                && libc::ioctl(1, libc::FIONREAD, &mut unread) == 0
                && unread == 0
        };
        Some(ReaderGone {
            left_unread: !emptied,
        })
    }
    #[cfg(not(unix))]
    {
        None
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
