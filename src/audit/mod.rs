//! `audit`: what is not ready for January 2027 (when npmjs.org stops tokens from publishing
//! directly) or not safe, for the account's tokens (`account.rs`) and for this machine's
//! configuration (`machine.rs`). Pure functions of the listed tokens, the configuration,
//! the environment and `now`; each finding says what to do in one line.

mod account;
mod machine;

use std::fmt;
use std::path::PathBuf;

pub use account::{token_findings, AccountFacts};
pub use machine::local_findings;

/// How much a finding matters, in `npm audit`'s words, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Low,
    Moderate,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Moderate,
        Severity::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Moderate => "moderate",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a finding is about. Its name (`as_str`) is the stable code in `--json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    DirectPublish,
    Bypass2fa,
    WriteWithoutCidr,
    Unused,
    Expired,
    ExpiresSoon,
    UnknownPermission,
    TokenInProjectNpmrc,
    NpmrcReadableByOthers,
    PlaceholderToken,
    TokenOverridesTrustedPublishing,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::DirectPublish => "direct-publish",
            Code::Bypass2fa => "bypass-2fa",
            Code::WriteWithoutCidr => "write-without-cidr",
            Code::Unused => "unused",
            Code::Expired => "expired",
            Code::ExpiresSoon => "expires-soon",
            Code::UnknownPermission => "unknown-permission",
            Code::TokenInProjectNpmrc => "token-in-project-npmrc",
            Code::NpmrcReadableByOthers => "npmrc-readable-by-others",
            Code::PlaceholderToken => "placeholder-token",
            Code::TokenOverridesTrustedPublishing => "token-overrides-trusted-publishing",
        }
    }

    /// The severity of a finding with this code (`expires-soon` is `high` for the token in
    /// use: see `account.rs`).
    fn severity(self) -> Severity {
        match self {
            Code::TokenInProjectNpmrc => Severity::Critical,
            Code::DirectPublish
            | Code::NpmrcReadableByOthers
            | Code::TokenOverridesTrustedPublishing => Severity::High,
            Code::Bypass2fa
            | Code::ExpiresSoon
            | Code::UnknownPermission
            | Code::PlaceholderToken => Severity::Moderate,
            Code::WriteWithoutCidr | Code::Unused | Code::Expired => Severity::Low,
        }
    }
}

/// One thing to report: what is wrong, and the one line that fixes it (a command to run,
/// or a file and line to change). Both may quote registry or configuration text: escape
/// them where they are shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub fix: String,
}

impl Finding {
    fn new(code: Code, message: impl Into<String>, fix: impl Into<String>) -> Finding {
        Finding {
            code,
            severity: code.severity(),
            message: message.into(),
            fix: fix.into(),
        }
    }
}

/// A finding about one listed token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenFindings {
    pub key: String,
    /// The short id `list` shows.
    pub id: String,
    pub name: Option<String>,
    /// The token this configuration authenticates with.
    pub in_use: bool,
    pub findings: Vec<Finding>,
}

/// A finding about this machine: where it is (a file and line, or an environment variable).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalFinding {
    pub finding: Finding,
    pub file: Option<PathBuf>,
    pub line: Option<usize>,
    pub variable: Option<String>,
}

/// setup-node's stand-in for a token when none is given (`actions/setup-node`'s
/// `NODE_AUTH_TOKEN` default): npm sends it as if it were one.
pub const PLACEHOLDER_TOKEN: &str = "XXXXX-XXXXX-XXXXX-XXXXX";

/// The environment variables by which a CI offers an OIDC identity, hence trusted
/// publishing, as npm 12.2.2's `lib/utils/oidc.js` reads them: GitHub Actions' request URL,
/// and `NPM_ID_TOKEN` (GitLab CI, CircleCI, any).
pub const OIDC_VARIABLES: [&str; 2] = ["ACTIONS_ID_TOKEN_REQUEST_URL", "NPM_ID_TOKEN"];

/// How many findings of each severity, most severe first.
pub fn count_by_severity<'a>(findings: impl Iterator<Item = &'a Finding>) -> [usize; 4] {
    let mut counts = [0; 4];
    for finding in findings {
        let i = Severity::ALL
            .iter()
            .position(|s| *s == finding.severity)
            .expect("every severity is in ALL");
        counts[i] += 1;
    }
    counts
}
