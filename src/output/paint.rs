//! Colour, as npm's chalk paints its output.

/// Colour as npm's chalk paints its output, or none.
#[derive(Clone, Copy, Debug)]
pub struct Paint(pub bool);

impl Paint {
    fn fg(self, code: u8, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[39m")
        } else {
            text.to_owned()
        }
    }

    pub fn red(self, text: &str) -> String {
        self.fg(31, text)
    }

    pub fn yellow(self, text: &str) -> String {
        self.fg(33, text)
    }

    /// Faint, for what explains rather than informs.
    pub(super) fn dim(self, text: &str) -> String {
        if self.0 {
            format!("\x1b[2m{text}\x1b[22m")
        } else {
            text.to_owned()
        }
    }

    pub(super) fn green(self, text: &str) -> String {
        self.fg(32, text)
    }

    pub(super) fn blue(self, text: &str) -> String {
        self.fg(34, text)
    }

    pub(super) fn magenta(self, text: &str) -> String {
        self.fg(35, text)
    }

    pub(super) fn cyan(self, text: &str) -> String {
        self.fg(36, text)
    }
}
