//! A string that must never be printed: tokens, passwords, one-time passwords.
//!
//! Wrapped the moment it is read (from a flag, an environment variable, an npmrc file or a
//! prompt) so that no `Debug` print, log line or error message can carry it by accident.
//!
//! [`Redactor`] is the last line of defence behind that: one shared list of every secret
//! known so far, in every form a registry or a log could show it, scrubbed out of text bound
//! for stderr.

use std::cmp::Reverse;
use std::collections::BTreeSet;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use base64::Engine as _;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that must send or show it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(REDACTED)")
    }
}

/// Very short values ("1", "ab") would turn ordinary text into asterisks; no real token,
/// password or OTP is that short, and a 4-character one is still masked.
const MIN_SECRET_CHARS: usize = 4;

/// What a masked secret becomes.
const MASK: &str = "***";

/// Scrubs every known secret out of text bound for stderr (errors, logs), as a last line of
/// defence against a registry that echoes back what it was sent.
///
/// A cheap handle on one shared list: clones (in the logger, the error reporter, the HTTP
/// client) all see a secret registered through any of them, even one learnt late (a password
/// or OTP typed at a prompt, a token a web login returns).
///
/// Matching sees through invisible characters: a control or Unicode format character
/// (zero-width space, bidi control, soft hyphen…) slipped between a secret's characters does
/// not save it, and the whole run is masked.
#[derive(Clone, Default)]
pub struct Redactor {
    /// Each secret without its invisible characters, longest first (so that a secret that
    /// contains another is masked whole), then in byte order; a set, so repeats cost nothing.
    secrets: Arc<RwLock<SecretSet>>,
}

/// Secrets keyed longest first, then by their bytes.
type SecretSet = BTreeSet<(Reverse<usize>, String)>;

impl Redactor {
    /// Registers a secret, with the forms a registry or a log could show it in: as a JSON
    /// string holds it (also with `\/`), and percent-encoded as in a URL or a form.
    pub fn register(&self, secret: &Secret) {
        let value = secret.expose();
        let json = serde_json::to_string(value).unwrap_or_default();
        let json = json
            .strip_prefix('"')
            .and_then(|j| j.strip_suffix('"'))
            .unwrap_or_default();
        use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
        use base64::Engine;
        let mut secrets = self.secrets.write().unwrap_or_else(PoisonError::into_inner);
        for form in [
            value,
            json,
            json.replace('/', "\\/").as_str(),
            percent_encode(value).as_str(),
            // Base64, as a registry might echo what it decoded or encoded.
            STANDARD.encode(value).as_str(),
            STANDARD_NO_PAD.encode(value).as_str(),
            URL_SAFE_NO_PAD.encode(value).as_str(),
        ] {
            insert(&mut secrets, form);
        }
    }

    /// Registers a Basic credential (npmrc's `_auth`, the base64 of `user:password`): the
    /// base64 itself, the decoded `user:password`, and the password alone. Text that is not
    /// base64 is registered as it is.
    pub fn register_basic_auth(&self, base64: &Secret) {
        self.register(base64);
        let Some(decoded) = decode_base64_lenient(base64.expose()) else {
            return;
        };
        if let Some((_, password)) = decoded.split_once(':') {
            self.register(&Secret::new(password));
        }
        self.register(&Secret::new(decoded));
    }

    /// Registers the credentials in a URL's userinfo (a proxy setting such as
    /// `http://user:p%40ss@proxy:8080`): the password as written and percent-decoded, and
    /// the base64 of `user:password` as sent in `Proxy-Authorization`. A URL without a
    /// password, or text that is no URL, registers nothing.
    pub fn register_url_credentials(&self, url: &Secret) {
        let Ok(url) = reqwest::Url::parse(url.expose()) else {
            return;
        };
        let Some(raw_password) = url.password() else {
            return;
        };
        let password = percent_decode(raw_password);
        let user = percent_decode(url.username());
        let engine = base64::engine::general_purpose::STANDARD;
        for value in [
            raw_password.to_owned(),
            engine.encode(format!("{user}:{password}")),
            engine.encode(format!("{}:{raw_password}", url.username())),
            password,
        ] {
            self.register(&Secret::new(value));
        }
    }

    /// Whether any registered secret, in any of its registered forms, is in `bytes` as it
    /// stands: a fast check over a whole response before anything in it is masked. (Forms
    /// broken up by invisible characters are found by [`Redactor::redact`] only.)
    pub fn appears_in(&self, bytes: &[u8]) -> bool {
        let secrets = self.secrets.read().unwrap_or_else(PoisonError::into_inner);
        secrets
            .iter()
            .any(|(_, secret)| memchr::memmem::find(bytes, secret.as_bytes()).is_some())
    }

    /// `text` with every registered secret replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        let secrets = self.secrets.read().unwrap_or_else(PoisonError::into_inner);
        if secrets.is_empty() {
            return text.to_owned();
        }
        let mut masked = Vec::new();
        if text.chars().any(is_invisible) {
            // Matched on what shows, twice: without invisible characters, and also without
            // whole escape sequences, which a terminal acts on rather than shows
            // (`npm_abc\x1b[0mdef` shows as `npm_abcdef`). Each view can hide a secret the
            // other shows: `\x1b[` right before a secret that starts `0m` swallows it whole
            // as an escape sequence in the second.
            for skip_escapes in [false, true] {
                let (visible, origin): (String, Vec<usize>) = visible_chars(text, skip_escapes)
                    .map(|(at, c)| (c, (at..at + c.len_utf8())))
                    .fold(Default::default(), |(mut kept, mut map), (c, bytes)| {
                        kept.push(c);
                        map.extend(bytes);
                        (kept, map)
                    });
                // From a secret's first visible byte to its last: invisible characters between
                // its characters go with it, those around it stay.
                masked.extend(
                    find_secrets(&secrets, &visible)
                        .into_iter()
                        .map(|(start, end)| (origin[start], origin[end - 1] + 1)),
                );
            }
        } else {
            masked = find_secrets(&secrets, text);
        }
        // A secret spelled another way: percent-encoded (wholly or in part, in any case, a
        // form's `+` for a space), or in JSON's `\u` escapes.
        if text.contains(['%', '\\', '+']) {
            for plus_is_space in [false, true] {
                let (decoded, origin) = decoded_view(text, plus_is_space);
                if decoded != text {
                    masked.extend(
                        find_secrets(&secrets, &decoded)
                            .into_iter()
                            .map(|(start, end)| (origin[start].0, origin[end - 1].1)),
                    );
                }
            }
        }
        if masked.is_empty() {
            return text.to_owned();
        }
        masked.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for (start, end) in masked {
            if start < last {
                // Overlaps the range just masked (the same secret, seen in both views).
                last = last.max(end);
                continue;
            }
            out.push_str(&text[last..start]);
            out.push_str(MASK);
            last = end;
        }
        out.push_str(&text[last..]);
        out
    }
}

/// The byte ranges of `text` that hold a secret, longest secrets first; a shorter secret
/// inside a longer one already found is not found again.
fn find_secrets(secrets: &SecretSet, text: &str) -> Vec<(usize, usize)> {
    let mut found: Vec<(usize, usize)> = Vec::new();
    for (_, secret) in secrets {
        let mut from = 0;
        while let Some(at) = text[from..].find(secret.as_str()) {
            let start = from + at;
            let end = start + secret.len();
            if found.iter().any(|&(s, e)| start < e && s < end) {
                // Inside a longer secret: look again one character on.
                from = start + text[start..].chars().next().map_or(1, char::len_utf8);
            } else {
                found.push((start, end));
                from = end;
            }
        }
    }
    found
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self
            .secrets
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        write!(f, "Redactor({count} secrets)")
    }
}

/// The characters of `text` a terminal shows, with their byte offsets: without invisible
/// characters and, with `skip_escapes`, without whole CSI escape sequences (`ESC [`,
/// parameter and intermediate bytes, a final byte).
fn visible_chars(text: &str, skip_escapes: bool) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || loop {
        let (at, c) = chars.next()?;
        if skip_escapes && c == '\u{1b}' && chars.next_if(|&(_, c)| c == '[').is_some() {
            while chars
                .next_if(|&(_, c)| matches!(c, '\u{20}'..='\u{3f}'))
                .is_some()
            {}
            chars.next_if(|&(_, c)| matches!(c, '\u{40}'..='\u{7e}'));
        } else if !is_invisible(c) {
            return Some((at, c));
        }
    })
}

/// Adds one form of a secret, without its invisible characters (matching ignores them).
fn insert(secrets: &mut SecretSet, form: &str) {
    let visible: String = form.chars().filter(|&c| !is_invisible(c)).collect();
    if visible.chars().count() >= MIN_SECRET_CHARS {
        secrets.insert((Reverse(visible.len()), visible));
    }
}

/// A character a terminal does not show as itself: a control (general category Cc) or a
/// Unicode format character (Cf).
pub fn is_invisible(c: char) -> bool {
    c.is_control() || is_format(c) || is_default_ignorable_mark(c)
}

/// Default-ignorable characters that are not format characters but show as nothing all the
/// same: the combining grapheme joiner, the Hangul fillers, Khmer's inherent vowels, the
/// Mongolian and other variation selectors. Slipped between a secret's characters, they hide
/// it from a plain search while a terminal shows it whole.
fn is_default_ignorable_mark(c: char) -> bool {
    matches!(
        c,
        '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FFA0}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// Unicode general category Cf (format characters, Unicode 15.1): invisible characters that
/// change how their neighbours show. The zero-width space, joiners and marks (U+200B–U+200F),
/// the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the word
/// joiner and invisible operators (U+2060–U+2064), the byte-order mark, the soft hyphen, the
/// Arabic number signs, interlinear annotations, tag characters and the like.
pub fn is_format(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

/// JavaScript's `encodeURIComponent`: everything but `A-Za-z0-9-_.!~*'()` as `%XX`.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `text` with what encodes a character decoded, for a secret a registry or a URL library
/// spelled another way: `%XX` runs (any case, any subset of characters encoded; with
/// `plus_is_space`, `+` as a form's space) and JSON's `\uXXXX` (surrogate pairs too) and
/// `\/`. Each decoded byte carries the byte range of `text` it came from.
fn decoded_view(text: &str, plus_is_space: bool) -> (String, Vec<(usize, usize)>) {
    let bytes = text.as_bytes();
    let hex = |at: usize, len: usize| {
        bytes
            .get(at..at + len)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())
    };
    let mut out = String::with_capacity(text.len());
    let mut origin: Vec<(usize, usize)> = Vec::with_capacity(text.len());
    let mut push = |out: &mut String, c: char, from: usize, to: usize| {
        out.push(c);
        origin.extend(std::iter::repeat_n((from, to), c.len_utf8()));
    };
    let mut i = 0;
    while i < bytes.len() {
        // A run of `%XX`: its bytes decoded together, as UTF-8 when they are.
        if bytes[i] == b'%' && hex(i + 1, 2).is_some() {
            let start = i;
            let mut run = Vec::new();
            while let (Some(b'%'), Some(b)) = (bytes.get(i), hex(i + 1, 2)) {
                run.push(b as u8);
                i += 3;
            }
            match String::from_utf8(run) {
                Ok(decoded) => decoded.chars().for_each(|c| push(&mut out, c, start, i)),
                Err(_) => text[start..i]
                    .chars()
                    .for_each(|c| push(&mut out, c, start, i)),
            }
            continue;
        }
        if bytes[i] == b'\\' {
            let unit = |at: usize| {
                (bytes.get(at) == Some(&b'u'))
                    .then(|| hex(at + 1, 4))
                    .flatten()
            };
            if let Some(high) = unit(i + 1) {
                let pair = (0xD800..0xDC00).contains(&high).then(|| {
                    let low = (bytes.get(i + 6) == Some(&b'\\')).then(|| unit(i + 7))??;
                    (0xDC00..0xE000)
                        .contains(&low)
                        .then(|| 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                });
                let (code, len) = match pair.flatten() {
                    Some(code) => (code, 12),
                    None => (high, 6),
                };
                if let Some(c) = char::from_u32(code) {
                    push(&mut out, c, i, i + len);
                    i += len;
                    continue;
                }
            }
            if bytes.get(i + 1) == Some(&b'/') {
                push(&mut out, '/', i, i + 2);
                i += 2;
                continue;
            }
        }
        let c = text[i..].chars().next().expect("a char starts here");
        let len = c.len_utf8();
        push(
            &mut out,
            if plus_is_space && c == '+' { ' ' } else { c },
            i,
            i + len,
        );
        i += len;
    }
    (out, origin)
}

/// `%XX` sequences decoded; anything else (a lone `%`, invalid UTF-8) kept leniently.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Node's `Buffer.from(s, 'base64')`: padding optional, whitespace ignored; `None` when it
/// is not base64 of UTF-8 text.
fn decode_base64_lenient(text: &str) -> Option<String> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let cleaned: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = GeneralPurpose::new(&base64::alphabet::STANDARD, config)
        .decode(cleaned)
        .ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor_with(secrets: &[&str]) -> Redactor {
        let r = Redactor::default();
        for s in secrets {
            r.register(&Secret::new(*s));
        }
        r
    }

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("npm_abcdef123456");
        assert_eq!(format!("{s:?}"), "Secret(REDACTED)");
        assert_eq!(format!("{:?}", Some(s)), "Some(Secret(REDACTED))");
        let r = redactor_with(&["npm_abcdef123456"]);
        assert!(!format!("{r:?}").contains("abcdef"));
    }

    #[test]
    fn secrets_spelled_another_way_are_masked_too() {
        let r = redactor_with(&["SECRET-TOKEN-123456", "p@ss w/rd+\u{e4}"]);
        for (text, expected) in [
            ("b64 U0VDUkVULVRPS0VOLTEyMzQ1Ng== end", "b64 *** end"),
            ("form p%40ss+w%2Frd%2B%C3%A4 end", "form *** end"),
            ("lower p%40ss%20w%2frd%2b%c3%a4 end", "lower *** end"),
            ("partial ?pw=p@ss%20w/rd+%C3%A4&x", "partial ?pw=***&x"),
            ("json p@ss w\\/rd+\\u00e4 end", "json *** end"),
            ("json upper p@ss w/rd+\\u00E4", "json upper ***"),
            (
                "marks SECRET\u{034F}-TOKEN\u{FE0F}-123\u{180B}456",
                "marks ***",
            ),
        ] {
            assert_eq!(r.redact(text), expected, "{text:?}");
        }
        // Plain text around encodings stays as it was.
        assert_eq!(r.redact("100% sure + 50%20"), "100% sure + 50%20");
    }

    #[test]
    fn redactor_masks_every_occurrence_longest_first() {
        let r = redactor_with(&["abcd", "abcdefgh", "x"]);
        assert_eq!(r.redact("abcdefgh and abcd and x"), "*** and *** and x");
        assert_eq!(r.redact("abcdabcd"), "******");
        assert_eq!(r.redact("nothing here"), "nothing here");
    }

    #[test]
    fn the_minimum_length_counts_characters() {
        let r = redactor_with(&["abc", "éééé", "ab\u{200b}c"]);
        assert_eq!(r.redact("abc éééé"), "abc ***");
    }

    #[test]
    fn a_secret_registered_anywhere_is_seen_by_every_clone() {
        let logger = Redactor::default();
        let reporter = logger.clone();
        // Registered after the clones were handed out, as a prompt's password is.
        let prompt = logger.clone();
        prompt.register(&Secret::new("hunter22"));
        assert_eq!(logger.redact("pw hunter22"), "pw ***");
        assert_eq!(reporter.redact("pw hunter22"), "pw ***");
        let other_thread = logger.clone();
        std::thread::spawn(move || other_thread.register(&Secret::new("123456")))
            .join()
            .unwrap();
        assert_eq!(reporter.redact("otp 123456"), "otp ***");
    }

    #[test]
    fn secrets_are_masked_as_json_and_urls_show_them() {
        let r = redactor_with(&["p@ss/w\"rd"]);
        assert_eq!(
            r.redact(r#"{"password":"p@ss/w\"rd"}"#),
            r#"{"password":"***"}"#
        );
        assert_eq!(
            r.redact(r#"{"password":"p@ss\/w\"rd"}"#),
            r#"{"password":"***"}"#
        );
        assert_eq!(
            r.redact("GET /login?pw=p%40ss%2Fw%22rd"),
            "GET /login?pw=***"
        );
        assert_eq!(r.redact("p@ss/w\"rd"), "***");
    }

    #[test]
    fn basic_auth_is_masked_encoded_decoded_and_by_its_password() {
        let r = Redactor::default();
        // base64("alice:s3cr3t-pw")
        r.register_basic_auth(&Secret::new("YWxpY2U6czNjcjN0LXB3"));
        assert_eq!(
            r.redact("Authorization: Basic YWxpY2U6czNjcjN0LXB3"),
            "Authorization: Basic ***"
        );
        assert_eq!(
            r.redact("bad credentials alice:s3cr3t-pw"),
            "bad credentials ***"
        );
        assert_eq!(
            r.redact("wrong password s3cr3t-pw for alice"),
            "wrong password *** for alice"
        );
        // Unpadded, as Node accepts it: base64("bob:hunter2!")
        let r = Redactor::default();
        r.register_basic_auth(&Secret::new("Ym9iOmh1bnRlcjIh"));
        assert_eq!(r.redact("bob:hunter2! hunter2!"), "*** ***");
        // Not base64: still masked as it is.
        let r = Redactor::default();
        r.register_basic_auth(&Secret::new("not base64!"));
        assert_eq!(r.redact("got not base64!"), "got ***");
    }

    #[test]
    fn url_credentials_are_masked_raw_decoded_and_as_proxy_authorization() {
        let r = Redactor::default();
        r.register_url_credentials(&Secret::new(
            "http://proxy%20user:p%40ss%3Aword@proxy.example:8080/",
        ));
        assert_eq!(
            r.redact("http://proxy%20user:p%40ss%3Aword@proxy.example:8080/"),
            "http://proxy%20user:***@proxy.example:8080/"
        );
        assert_eq!(r.redact("password p@ss:word"), "password ***");
        let header = base64::engine::general_purpose::STANDARD.encode("proxy user:p@ss:word");
        assert_eq!(
            r.redact(&format!("Proxy-Authorization: Basic {header}")),
            "Proxy-Authorization: Basic ***"
        );
        // No password, or no URL at all: nothing to register.
        let r = Redactor::default();
        r.register_url_credentials(&Secret::new("http://justauser@proxy.example/"));
        r.register_url_credentials(&Secret::new("not a url"));
        assert_eq!(format!("{r:?}"), "Redactor(0 secrets)");
    }

    #[test]
    fn invisible_characters_inside_a_secret_do_not_hide_it() {
        let r = redactor_with(&["npm_abcdef123456"]);
        for sneaky in [
            "npm_abc\u{200b}def123456",
            "npm_\u{200c}\u{200d}abcdef123456",
            "npm_abcdef\u{feff}123456",
            "npm_\u{202e}abcdef\u{202c}123456",
            "npm_abc\u{00ad}def\u{2060}123456",
            "npm_abcdef\u{e0041}123456",
            "npm_abc\u{1b}[0mdef123456",
        ] {
            assert_eq!(
                r.redact(&format!("token {sneaky}!")),
                "token ***!",
                "{sneaky:?}"
            );
        }
        // An escape sequence that would swallow the secret's first characters does not either.
        let r = redactor_with(&["0mnpm_abcdef"]);
        assert_eq!(r.redact("x\u{1b}[0mnpm_abcdef"), "x\u{1b}[***");
        let r = redactor_with(&["npm_abcdef123456"]);
        // Invisible characters around a secret, and elsewhere, are left alone.
        assert_eq!(
            r.redact("\u{200b}npm_abcdef123456\u{200b} \u{1b}[31merror\u{1b}[0m"),
            "\u{200b}***\u{200b} \u{1b}[31merror\u{1b}[0m"
        );
    }

    #[test]
    fn format_characters_are_unicode_cf() {
        for c in [
            '\u{ad}',
            '\u{200b}',
            '\u{200f}',
            '\u{202a}',
            '\u{202e}',
            '\u{2066}',
            '\u{2069}',
            '\u{feff}',
            '\u{e0001}',
        ] {
            assert!(is_format(c), "{c:?}");
        }
        for c in ['a', 'é', '中', '😀', '\u{300}', ' ', '\u{a0}'] {
            assert!(!is_format(c) && !is_invisible(c), "{c:?}");
        }
        // Not format characters, but shown as nothing all the same.
        for c in ['\u{34f}', '\u{fe0f}', '\u{180b}', '\u{e0100}'] {
            assert!(!is_format(c) && is_invisible(c), "{c:?}");
        }
        assert!(is_invisible('\u{1b}') && is_invisible('\u{85}') && is_invisible('\u{7f}'));
    }

    #[test]
    fn percent_coding_round_trips_and_tolerates_junk() {
        assert_eq!(percent_encode("a b/é~"), "a%20b%2F%C3%A9~");
        assert_eq!(percent_decode("a%20b%2F%C3%A9~"), "a b/é~");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%+1%ff"), "%zz%+1\u{fffd}");
    }
}
