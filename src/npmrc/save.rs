//! Writing a new token into an npmrc file, as `rotate --save` does: only the values' bytes
//! change, and the file is replaced atomically (a temporary file beside it, then a rename)
//! keeping its owner, group and mode. Whether that can be done is checked before anything
//! is created ([`check_replaceable`]), and a failure leaves no temporary file behind.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::unquote;

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{} does not set {key}", .path.display())]
    NotFound { path: PathBuf, key: String },

    #[error("{key} in {} is `{raw}`, not the token itself: update what it refers to instead", .path.display())]
    Indirect {
        path: PathBuf,
        key: String,
        raw: String,
    },

    #[error(
        "{key} in {} no longer holds the token being replaced (the file changed since it was \
         read); it is left as it is",
        .path.display()
    )]
    Changed { path: PathBuf, key: String },

    #[error("could not write {}: {reason}", .path.display())]
    Io { path: PathBuf, reason: String },
}

fn io_error(path: &Path, e: std::io::Error) -> SaveError {
    let reason = match e.raw_os_error() {
        // A file size limit (`ulimit -f`): SIGXFSZ is ignored, so the write says so.
        #[cfg(unix)]
        Some(libc::EFBIG) => "the file size limit (ulimit -f) stops it".to_owned(),
        _ => e.to_string(),
    };
    SaveError::Io {
        path: path.to_owned(),
        reason,
    }
}

/// Whether `path` can be replaced keeping its owner, group and mode, with each of `keys`
/// holding `old` now: the replacement is made in memory, and a trial temporary file is
/// made beside it, given them, and removed. Run before a token is created, so that a save
/// that cannot happen stops everything while nothing exists yet.
pub fn check_replaceable(path: &Path, keys: &[String], old: &str) -> Result<(), SaveError> {
    let real = replaceable_file(path)?;
    let text = std::fs::read_to_string(&real).map_err(|e| io_error(path, e))?;
    replaced(text, path, keys, old, "")?;
    let temp = Temp::create(&real).map_err(|e| io_error(path, e))?;
    temp.keep_attributes_of(&real)
        .map_err(|e| io_error(path, e))?;
    Ok(())
}

/// Replaces the value of the last top-level line of each of `keys` in the npmrc at `path`
/// (the one npm reads: later lines win) with `value`, keeping every other byte, the file's
/// owner, group and mode, and a link to it. Each must still hold `old`: a file changed
/// since it was read (another token put there, a reference) is left as it is. A value that
/// refers to something else (`${NPM_TOKEN}`) is refused: writing a literal token there
/// would replace a CI secret's reference with the secret.
pub fn replace_values(
    path: &Path,
    keys: &[String],
    old: &str,
    value: &str,
) -> Result<(), SaveError> {
    let real = replaceable_file(path)?;
    let text = std::fs::read_to_string(&real).map_err(|e| io_error(path, e))?;
    let text = replaced(text, path, keys, old, value)?;
    write_atomically(&real, text.as_bytes()).map_err(|e| io_error(path, e))
}

/// The file `path` names, to be replaced by a new one: a symbolic link (dotfile managers)
/// is followed, and rewritten where it leads, keeping the link. A file with other hard
/// links, or not a regular file, is refused: a new file in its place would leave the other
/// names holding the old token (revoked once rotate is done), or replace a device or pipe.
fn replaceable_file(path: &Path) -> Result<PathBuf, SaveError> {
    let real = std::fs::canonicalize(path).map_err(|e| io_error(path, e))?;
    let metadata = std::fs::metadata(&real).map_err(|e| io_error(path, e))?;
    let refused = |reason: String| SaveError::Io {
        path: path.to_owned(),
        reason,
    };
    if !metadata.is_file() {
        return Err(refused("it is not a regular file".to_owned()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if metadata.nlink() > 1 {
            let others = match metadata.nlink() - 1 {
                1 => "another hard link".to_owned(),
                n => format!("{n} other hard links"),
            };
            return Err(refused(format!(
                "it has {others}, which a new file in its place would leave holding the old token"
            )));
        }
    }
    Ok(real)
}

/// `text` with the value of each of `keys` (each holding `old`) replaced by `value`.
fn replaced(
    mut text: String,
    path: &Path,
    keys: &[String],
    old: &str,
    value: &str,
) -> Result<String, SaveError> {
    for key in keys {
        let span = value_span(&text, key).ok_or_else(|| SaveError::NotFound {
            path: path.to_owned(),
            key: key.to_owned(),
        })?;
        let raw = &text[span.clone()];
        if raw.contains("${") {
            return Err(SaveError::Indirect {
                path: path.to_owned(),
                key: key.to_owned(),
                raw: raw.to_owned(),
            });
        }
        if super::value_to_string(&unquote(raw)) != old {
            return Err(SaveError::Changed {
                path: path.to_owned(),
                key: key.to_owned(),
            });
        }
        text.replace_range(span, value);
    }
    Ok(text)
}

/// The byte range of `key`'s value on its last top-level line, as npm's ini decoder reads
/// the file: `key = value ; comment`, the value possibly quoted.
fn value_span(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let mut found = None;
    let mut in_section = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        if trimmed.is_empty() || trimmed.starts_with([';', '#']) {
            continue;
        }
        if content.starts_with('[') && content.trim_end().ends_with(']') {
            in_section = true;
            continue;
        }
        let Some(eq) = content.find('=') else {
            continue;
        };
        if in_section || eq == 0 {
            continue;
        }
        if super::value_to_string(&unquote(&content[..eq])) != key {
            continue;
        }
        let after = &content[eq + 1..];
        let lead = after.len() - after.trim_start().len();
        let value = &after[lead..];
        let len = if value.starts_with(['"', '\'']) {
            // A quoted value runs to its closing quote.
            let quote = value.as_bytes()[0] as char;
            value[1..].find(quote).map_or(value.len(), |end| end + 2)
        } else {
            // An unquoted one ends at an unescaped `;` or `#`, trailing blanks left out.
            let mut end = value.len();
            let mut escaped = false;
            for (i, c) in value.char_indices() {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    ';' | '#' => {
                        end = i;
                        break;
                    }
                    _ => {}
                }
            }
            value[..end].trim_end().len()
        };
        let begin = start + eq + 1 + lead;
        found = Some(begin..begin + len);
    }
    found
}

/// Writes `bytes` to a new file beside `path` (private while it is written, flushed to
/// disk, then given `path`'s owner, group and mode), and renames it over `path`: a reader
/// sees the old file or the new one, never half of one. On failure the new file is removed.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut temp = Temp::create(path)?;
    temp.file.write_all(bytes)?;
    temp.file.sync_all()?;
    temp.keep_attributes_of(path)?;
    temp.rename_over(path)
}

/// A temporary file beside a file it will replace, removed when dropped unless renamed.
struct Temp {
    path: PathBuf,
    file: File,
    renamed: bool,
}

impl Temp {
    fn create(beside: &Path) -> std::io::Result<Temp> {
        let dir = beside.parent().unwrap_or(Path::new("."));
        let name = beside.file_name().unwrap_or_default().to_string_lossy();
        let path = dir.join(format!(".{name}.npm-token-{}", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path)?;
        Ok(Temp {
            path,
            file,
            renamed: false,
        })
    }

    /// Gives the file `original`'s owner and group (when they differ from the creator's:
    /// root saving a user's npmrc keeps it the user's), then its mode.
    fn keep_attributes_of(&self, original: &Path) -> std::io::Result<()> {
        let metadata = std::fs::metadata(original)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let own = self.file.metadata()?;
            if (own.uid(), own.gid()) != (metadata.uid(), metadata.gid()) {
                std::os::unix::fs::fchown(&self.file, Some(metadata.uid()), Some(metadata.gid()))
                    .map_err(|e| {
                        std::io::Error::new(
                            e.kind(),
                            format!(
                                "it belongs to user {} and group {}, and a file written here could not \
                                 be given them ({e}); run as its owner",
                                metadata.uid(),
                                metadata.gid()
                            ),
                        )
                    })?;
            }
        }
        self.file.set_permissions(metadata.permissions())
    }

    fn rename_over(mut self, path: &Path) -> std::io::Result<()> {
        std::fs::rename(&self.path, path)?;
        self.renamed = true;
        // The rename itself on disk too, before the old token is revoked: after a power cut
        // the npmrc then holds the new token, not the old one, revoked meanwhile.
        #[cfg(unix)]
        if let Some(folder) = path.parent() {
            let folder = if folder.as_os_str().is_empty() {
                Path::new(".")
            } else {
                folder
            };
            // Saved all the same, whatever this says: the file holds the new token.
            if let Err(e) = std::fs::File::open(folder).and_then(|f| f.sync_all()) {
                log::info!("could not flush {} to disk: {e}", folder.display());
            }
        }
        Ok(())
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(text: &str, key: &str, value: &str) -> Result<String, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".npmrc");
        std::fs::write(&path, text).unwrap();
        replace_values(&path, &[key.to_owned()], "npm_OLD", value).map_err(|e| e.to_string())?;
        Ok(std::fs::read_to_string(&path).unwrap())
    }

    #[test]
    fn only_the_value_changes() {
        let key = "//registry.npmjs.org/:_authToken";
        let text = "; my npmrc\r\nregistry=https://registry.npmjs.org/\r\n//registry.npmjs.org/:_authToken = npm_OLD ; ci token\r\nemail=a@b\r\n";
        assert_eq!(
            saved(text, key, "npm_NEW").unwrap(),
            text.replace("npm_OLD", "npm_NEW")
        );
        // Quoted, no trailing newline, and the last of two lines (the one npm reads).
        let text = "//r/:_authToken=first\n//r/:_authToken=\"npm_OLD\"";
        assert_eq!(
            saved(text, "//r/:_authToken", "npm_NEW").unwrap(),
            "//r/:_authToken=first\n//r/:_authToken=npm_NEW"
        );
        // Inside a section it is not npm's value.
        let text = "//r/:_authToken=npm_OLD\n[section]\n//r/:_authToken=inner\n";
        assert_eq!(
            saved(text, "//r/:_authToken", "new").unwrap(),
            "//r/:_authToken=new\n[section]\n//r/:_authToken=inner\n"
        );
    }

    #[test]
    fn refuses_what_it_cannot_replace_safely() {
        let err = saved("//r/:_authToken=${NPM_TOKEN}\n", "//r/:_authToken", "x").unwrap_err();
        assert!(
            err.contains("is `${NPM_TOKEN}`, not the token itself"),
            "{err}"
        );
        let err = saved("registry=x\n", "//r/:_authToken", "x").unwrap_err();
        assert!(err.ends_with("does not set //r/:_authToken"), "{err}");
        // Another token put there since the file was read: left as it is.
        let text = "//r/:_authToken=npm_OLD\n//r/:_authToken=npm_ANOTHER\n";
        let err = saved(text, "//r/:_authToken", "x").unwrap_err();
        assert!(
            err.ends_with(
                "no longer holds the token being replaced (the file changed since it was read); \
                 it is left as it is"
            ),
            "{err}"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".npmrc");
        std::fs::write(&path, text).unwrap();
        let keys = ["//r/:_authToken".to_owned()];
        assert!(check_replaceable(&path, &keys, "npm_OLD").is_err());
        assert!(check_replaceable(&path, &keys, "npm_ANOTHER").is_ok());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn every_key_given_is_replaced_in_one_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".npmrc");
        let text =
            "//127.0.0.1:4873/:_authToken=old\nregistry=x\n//localhost:4873/:_authToken = old\n";
        std::fs::write(&path, text).unwrap();
        let keys = [
            "//127.0.0.1:4873/:_authToken".to_owned(),
            "//localhost:4873/:_authToken".to_owned(),
        ];
        replace_values(&path, &keys, "old", "new-token").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            text.replace("=old", "=new-token")
                .replace("= old", "= new-token")
        );
        // One key that cannot be replaced: nothing is written.
        let keys = [
            "//127.0.0.1:4873/:_authToken".to_owned(),
            "//nope/:_authToken".to_owned(),
        ];
        let before = std::fs::read_to_string(&path).unwrap();
        assert!(replace_values(&path, &keys, "new-token", "x").is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    }

    #[cfg(unix)]
    #[test]
    fn owner_group_mode_and_links_are_kept() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles-npmrc");
        std::fs::write(&real, "//r/:_authToken=old\n").unwrap();
        let link = dir.path().join(".npmrc");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        for mode in [0o644, 0o400, 0o640] {
            std::fs::set_permissions(&real, std::fs::Permissions::from_mode(mode)).unwrap();
            check_replaceable(&link, &["//r/:_authToken".to_owned()], "old").unwrap();
            replace_values(&link, &["//r/:_authToken".to_owned()], "old", "new").unwrap();
            let metadata = std::fs::metadata(&real).unwrap();
            assert_eq!(metadata.permissions().mode() & 0o777, mode, "{mode:o}");
            assert_eq!(
                std::fs::read_to_string(&real).unwrap(),
                "//r/:_authToken=new\n"
            );
            std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
            std::fs::write(&real, "//r/:_authToken=old\n").unwrap();
        }
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        // Run as root (sudo), a user's npmrc stays the user's.
        if unsafe { libc::geteuid() } == 0 {
            std::os::unix::fs::chown(&real, Some(4242), Some(4343)).unwrap();
            check_replaceable(&link, &["//r/:_authToken".to_owned()], "old").unwrap();
            replace_values(&link, &["//r/:_authToken".to_owned()], "old", "new").unwrap();
            let metadata = std::fs::metadata(&real).unwrap();
            assert_eq!((metadata.uid(), metadata.gid()), (4242, 4343));
        }
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 2, "no temporary file left behind");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_with_other_names_or_not_a_file_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".npmrc");
        std::fs::write(&path, "//r/:_authToken=old\n").unwrap();
        let backup = dir.path().join("npmrc.backup");
        std::fs::hard_link(&path, &backup).unwrap();
        let keys = ["//r/:_authToken".to_owned()];
        let err = check_replaceable(&path, &keys, "old")
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with(
                "it has another hard link, which a new file in its place would leave holding the \
                 old token"
            ),
            "{err}"
        );
        assert!(replace_values(&path, &keys, "old", "new").is_err());
        assert_eq!(
            std::fs::read_to_string(&backup).unwrap(),
            "//r/:_authToken=old\n"
        );
        let err = check_replaceable(dir.path(), &keys, "old")
            .unwrap_err()
            .to_string();
        assert!(err.ends_with("it is not a regular file"), "{err}");
    }
}
