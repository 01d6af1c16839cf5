//! Files that configuration names (npmrc files, `cafile`, `certfile`, `keyfile`), read
//! within bounds: a project's `.npmrc` comes with whatever was checked out, and a symbolic
//! link to `/dev/zero` or a named pipe must not take all memory or wait for ever.

use std::io::{self, Read};
use std::path::Path;

/// The most read of one such file: npmrc files and certificates are kilobytes, and the
/// largest system CA bundles a few hundred.
pub const MAX_CONFIG_FILE: u64 = 16 * 1024 * 1024;

/// The bytes of the file at `path`, at most [`MAX_CONFIG_FILE`] of them (more is an error).
/// A named pipe without a writer reads as empty rather than blocking the open (one with a
/// writer, as `<(…)` makes, is read as usual).
pub fn read_bounded(path: &Path) -> io::Result<Vec<u8>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        // Reads block again (until a pipe's writer writes or leaves): only the open must not.
        // SAFETY: fcntl on a descriptor this function owns.
        unsafe {
            let flags = libc::fcntl(file.as_raw_fd(), libc::F_GETFL);
            if flags != -1 {
                libc::fcntl(file.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK);
            }
        }
    }
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_FILE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_CONFIG_FILE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "it is larger than {} MiB, which no configuration file is",
                MAX_CONFIG_FILE / (1024 * 1024)
            ),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn endless_files_and_pipes_without_a_writer_end() {
        let err = read_bounded(Path::new("/dev/zero")).unwrap_err();
        assert!(err.to_string().contains("larger than 16 MiB"), "{err}");
        assert_eq!(read_bounded(Path::new("/dev/null")).unwrap(), b"");
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
        assert_eq!(read_bounded(&fifo).unwrap(), b"");
        let file = dir.path().join("npmrc");
        std::fs::write(&file, "a=b\n").unwrap();
        assert_eq!(read_bounded(&file).unwrap(), b"a=b\n");
    }
}
