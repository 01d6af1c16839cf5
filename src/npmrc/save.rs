//! Writing one value back into an npmrc file, as `rotate --save` does with a new token:
//! only that value's bytes change, the file is replaced atomically (a temporary file beside
//! it, then a rename), and it is left readable by its owner only, as npm writes credentials.

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

    #[error("could not write {}: {reason}", .path.display())]
    Io { path: PathBuf, reason: String },
}

/// Replaces the value of the last top-level `key` line in the npmrc at `path` (the one npm
/// reads: later lines win) with `value`, keeping every other byte. A value that refers to
/// something else (`${NPM_TOKEN}`) is refused: writing a literal token there would replace
/// a CI secret's reference with the secret.
pub fn replace_value(path: &Path, key: &str, value: &str) -> Result<(), SaveError> {
    let io = |path: &Path, e: std::io::Error| SaveError::Io {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    // A linked npmrc (dotfile managers) is rewritten where it really is, keeping the link.
    let real = std::fs::canonicalize(path).map_err(|e| io(path, e))?;
    let text = std::fs::read_to_string(&real).map_err(|e| io(path, e))?;
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
    let mut new = String::with_capacity(text.len() + value.len());
    new.push_str(&text[..span.start]);
    new.push_str(value);
    new.push_str(&text[span.end..]);
    write_atomically(&real, new.as_bytes()).map_err(|e| io(path, e))
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

/// Writes `bytes` to a new file beside `path`, mode 0600, flushed to disk, then renames it
/// over `path`: a reader sees the old file or the new one, never half of one.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temp = dir.join(format!(".{name}.npm-token-{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let result = (|| {
        let mut file = options.open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(text: &str, key: &str, value: &str) -> Result<String, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".npmrc");
        std::fs::write(&path, text).unwrap();
        replace_value(&path, key, value).map_err(|e| e.to_string())?;
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
        let text = "//r/:_authToken=top\n[section]\n//r/:_authToken=inner\n";
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
    }

    #[cfg(unix)]
    #[test]
    fn the_new_file_is_private_and_a_link_stays_a_link() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles-npmrc");
        std::fs::write(&real, "//r/:_authToken=old\n").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o644)).unwrap();
        let link = dir.path().join(".npmrc");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        replace_value(&link, "//r/:_authToken", "new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            std::fs::read_to_string(&real).unwrap(),
            "//r/:_authToken=new\n"
        );
        let mode = std::fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 2, "no temporary file left behind");
    }
}
