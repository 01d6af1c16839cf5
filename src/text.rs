//! Registry text made safe to show. A registry's text is hostile: it may hold a secret the
//! registry was sent, escape sequences that drive the terminal, bidi controls that reorder
//! what is shown, or a whole page of HTML.
//!
//! - [`one_line`]: registry text as one short, redacted line, for an error message.
//! - [`quoted`]: registry text quoted whole in a message (a link, a location), redacted,
//!   escaped and then cut.
//! - [`for_terminal_line`]: any string, escaped so that it cannot drive the terminal nor
//!   start a line of its own, for the human formats (table cells, npm's lines, create and
//!   revoke output) and for errors and log lines.
//! - [`for_parseable`]: the same, and tab, newline and backslash escaped too, for a
//!   `--parseable` field.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::secret::{is_format, is_invisible, Redactor};

/// The longest message [`one_line`] makes, in characters, before its `…`.
pub const MAX_LINE_CHARS: usize = 200;

/// Hostile registry text as one safe line: its first line, without control characters or
/// Unicode format characters, with every known secret masked, then cut
/// to [`MAX_LINE_CHARS`] characters and `…`.
///
/// Invisible characters go before redaction, so none can hide a secret from it; and the cut
/// comes after, so a secret straddling it is masked whole rather than shown but for its
/// last characters.
pub fn one_line(text: &str, redactor: &Redactor) -> String {
    let first = text.lines().next().unwrap_or("");
    let visible: String = first.chars().filter(|&c| !is_invisible(c)).collect();
    let redacted = redactor.redact(&visible);
    match redacted.char_indices().nth(MAX_LINE_CHARS) {
        Some((cut, _)) => format!("{}…", &redacted[..cut]),
        None => redacted,
    }
}

/// Registry text quoted in a message as it is (a `next` link, a redirect's location):
/// every known secret masked, then every character that is not itself escaped as
/// [`for_parseable`] does (so a newline cannot start a line of its own), then cut to
/// [`MAX_LINE_CHARS`] characters and `…`.
pub fn quoted(text: &str, redactor: &Redactor) -> String {
    let escaped = escape(&redactor.redact(text), Mode::Parseable).into_owned();
    match escaped.char_indices().nth(MAX_LINE_CHARS) {
        Some((cut, _)) => format!("{}…", &escaped[..cut]),
        None => escaped,
    }
}

/// `text` made safe to print on one line, in a human format or on stderr (an error, a log
/// line): every character that would act on the terminal rather than show is replaced by a
/// visible escape: C0 controls (ESC as `\x1b`, BEL, backspace, carriage return as `\r`,
/// newline as `\n`, so that a quoted value cannot start a line that looks like another
/// message…) and DEL, C1 controls (`\u{9b}`), and Unicode format characters (bidi
/// overrides and isolates, zero-width characters, soft hyphen: `\u{202e}`). Tab is kept;
/// everything else (accents, CJK, emoji) is kept as it is, and text with nothing to escape
/// is returned without a copy.
///
/// Format characters include the zero-width joiner, so an emoji built with one (👨‍👩‍👧) shows
/// its parts and the joiners between them: a character that hides is never passed on.
pub fn for_terminal_line(text: &str) -> Cow<'_, str> {
    escape(text, Mode::Line)
}

/// `text` made safe for one `--parseable` field: as [`for_terminal_line`], and tab,
/// which would break its columns and lines, escaped as `\t` and `\n`, and a backslash as
/// `\\`, so that every escape reads back one way.
pub fn for_parseable(text: &str) -> Cow<'_, str> {
    escape(text, Mode::Parseable)
}

/// What is escaped beyond what would drive the terminal.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Newline.
    Line,
    /// Tab, newline and backslash.
    Parseable,
}

fn escape(text: &str, mode: Mode) -> Cow<'_, str> {
    let needs_escape = |c: char| match c {
        '\n' => true,
        '\t' | '\\' => mode == Mode::Parseable,
        // Unicode's line and paragraph separators: a line break to many readers.
        '\u{2028}' | '\u{2029}' => true,
        _ => c.is_control() || is_format(c),
    };
    let Some(first) = text.find(needs_escape) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if !needs_escape(c) {
            out.push(c);
            continue;
        }
        // Writing to a String cannot fail.
        let _ = match c {
            '\t' => out.write_str("\\t"),
            '\n' => out.write_str("\\n"),
            '\r' => out.write_str("\\r"),
            '\\' => out.write_str("\\\\"),
            '\0'..='\u{7f}' => write!(out, "\\x{:02x}", u32::from(c)),
            _ => write!(out, "\\u{{{:x}}}", u32::from(c)),
        };
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn redactor_with(secret: &str) -> Redactor {
        let r = Redactor::default();
        r.register(&Secret::new(secret));
        r
    }

    #[test]
    fn one_line_keeps_the_first_line_without_invisible_characters() {
        let r = Redactor::default();
        assert_eq!(
            one_line("bad username/password, access denied", &r),
            "bad username/password, access denied"
        );
        assert_eq!(
            one_line("upstream\ttimed out\nmore", &r),
            "upstreamtimed out"
        );
        assert_eq!(one_line("first\r\nsecond", &r), "first");
        assert_eq!(one_line("", &r), "");
        assert_eq!(one_line("\nsecond", &r), "");
        assert_eq!(
            one_line(
                "\u{1b}[31mfailed\u{1b}[0m\u{7}\u{8} \u{202e}gnp.exe\u{200b}",
                &r
            ),
            "[31mfailed[0m gnp.exe"
        );
        assert_eq!(one_line("\u{9b}31mcafé 中文 😀", &r), "31mcafé 中文 😀");
    }

    #[test]
    fn one_line_cuts_at_200_characters() {
        let r = Redactor::default();
        assert_eq!(one_line(&"x".repeat(200), &r), "x".repeat(200));
        assert_eq!(
            one_line(&"é".repeat(500), &r),
            format!("{}…", "é".repeat(200))
        );
        // Invisible characters do not count.
        assert_eq!(one_line(&"x\u{200b}".repeat(200), &r), "x".repeat(200));
    }

    #[test]
    fn one_line_redacts_before_it_cuts() {
        let secret = "npm_abcdefghijklmnopqrstuvwxyz0123456789";
        let r = redactor_with(secret);
        // The secret straddles the cut: cutting first would show all but its last characters.
        let text = format!("{}{secret} and more", "x".repeat(190));
        assert_eq!(
            one_line(&text, &r),
            format!("{}*** and mo…", "x".repeat(190))
        );
        // Invisible characters slipped into the secret do not hide it.
        let text = "echo: npm_abc\u{200b}def\u{1}ghijklmnop\u{feff}qrstuvwxyz01\u{202e}23456789!";
        assert_eq!(one_line(text, &r), "echo: ***!");
    }

    #[test]
    fn terminal_text_keeps_ordinary_unicode_without_a_copy() {
        for text in [
            "",
            "plain",
            "café 中文 😀 ü\u{301} \u{fe0f}",
            "tab\tkept",
            "C:\\path",
        ] {
            assert!(
                matches!(for_terminal_line(text), Cow::Borrowed(t) if t == text),
                "{text:?}"
            );
        }
        assert!(matches!(
            for_parseable("café 中文 😀"),
            Cow::Borrowed("café 中文 😀")
        ));
    }

    #[test]
    fn terminal_text_escapes_what_would_drive_the_terminal() {
        assert_eq!(
            for_terminal_line("\u{1b}[2J\u{1b}]0;title\u{7}"),
            "\\x1b[2J\\x1b]0;title\\x07"
        );
        assert_eq!(
            for_terminal_line("a\u{8}b\rc\u{0}\u{7f}"),
            "a\\x08b\\rc\\x00\\x7f"
        );
        assert_eq!(for_terminal_line("\u{9b}31m\u{85}"), "\\u{9b}31m\\u{85}");
        assert_eq!(
            for_terminal_line("id \u{202e}gnp.exe\u{202c} \u{2066}x\u{2069}"),
            "id \\u{202e}gnp.exe\\u{202c} \\u{2066}x\\u{2069}"
        );
        assert_eq!(
            for_terminal_line("to\u{200b}ken\u{ad}\u{feff}"),
            "to\\u{200b}ken\\u{ad}\\u{feff}"
        );
        assert_eq!(for_terminal_line("tab\tnew\nline\\"), "tab\tnew\\nline\\");
    }

    #[test]
    fn unicode_line_separators_are_line_breaks_too() {
        assert_eq!(
            for_terminal_line("a\u{2028}b\u{2029}c"),
            "a\\u{2028}b\\u{2029}c"
        );
        assert_eq!(for_parseable("a\u{2028}b"), "a\\u{2028}b");
    }

    #[test]
    fn a_terminal_line_escapes_newlines_too() {
        assert_eq!(
            for_terminal_line("bad \"x\nnpm-token error fake\"\r\u{1b}[2K\u{7}\u{202e}\tC:\\p"),
            "bad \"x\\nnpm-token error fake\"\\r\\x1b[2K\\x07\\u{202e}\tC:\\p"
        );
        assert!(matches!(
            for_terminal_line("plain café\t"),
            Cow::Borrowed("plain café\t")
        ));
    }

    #[test]
    fn quoted_text_is_redacted_escaped_then_cut() {
        let secret = "npm_abcdefghijklmnopqrstuvwxyz0123456789";
        let r = redactor_with(secret);
        assert_eq!(
            quoted(&format!("javascript:\u{1b}]0;x\u{7}\n{secret}\u{202e}"), &r),
            "javascript:\\x1b]0;x\\x07\\n***\\u{202e}"
        );
        // A secret straddling the cut is masked whole.
        let long = format!("{}{secret}{}", "x".repeat(190), "y".repeat(100));
        assert_eq!(
            quoted(&long, &r),
            format!("{}***{}…", "x".repeat(190), "y".repeat(7))
        );
    }

    #[test]
    fn parseable_fields_escape_tabs_newlines_and_backslashes_too() {
        assert_eq!(
            for_parseable("a\tb\nc\\d\r\u{1b}\u{202e}"),
            "a\\tb\\nc\\\\d\\r\\x1b\\u{202e}"
        );
        // A literal `\x1b` in the text cannot pass for an escaped ESC.
        assert_eq!(for_parseable("\\x1b"), "\\\\x1b");
        assert_eq!(for_parseable("\u{1b}"), "\\x1b");
    }
}
