//! The manual page, npm-token(1): one page for the whole program. Synopses, commands and
//! flags are walked from the clap tree, so a new subcommand or flag documents itself; what
//! clap does not know (configuration, environment, files, exit codes) is written here.

use std::io::{self, Write};

use clap::{Arg, Command};
use roff::{bold, italic, roman, Inline, Roff};

mod json_output;

/// Writes the roff source of the page for `cmd` (the top-level command) to `out`.
pub fn render(mut cmd: Command, out: &mut dyn Write) -> io::Result<()> {
    // Building propagates global flags into subcommands and adds `--help` and `help`.
    cmd.build();
    let name = cmd.get_name().to_owned();
    let version = cmd.get_version().unwrap_or_default().to_owned();

    let mut page = Roff::new();
    let source = format!("{name} {version}");
    // The date is left empty, for a page that is the same on every build; `roff` writes an
    // empty argument as nothing at all, so it is quoted here.
    page.control(
        "TH",
        [name.as_str(), "1", "\"\"", source.trim(), "User Commands"],
    );

    page.control("SH", ["NAME"]);
    let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
    page.text([roman(format!("{name} - {about}"))]);

    page.control("SH", ["SYNOPSIS"]);
    page.text(synopsis(&cmd, &name));
    for sub in visible_subcommands(&cmd) {
        page.control("br", []);
        page.text(synopsis(sub, &format!("{name} {}", sub.get_name())));
    }

    page.control("SH", ["DESCRIPTION"]);
    let description = cmd
        .get_long_about()
        .or(cmd.get_about())
        .map(|a| a.to_string())
        .unwrap_or_default();
    paragraphs(&mut page, &description);

    page.control("SH", ["OPTIONS"]);
    page.text([roman(
        "Every command takes these options, before or after its name (--version only before).",
    )]);
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        describe_arg(&mut page, arg);
    }

    page.control("SH", ["COMMANDS"]);
    page.text([
        roman("With no command, "),
        bold(name.as_str()),
        roman(" lists your tokens."),
    ]);
    for sub in visible_subcommands(&cmd) {
        describe_subcommand(&mut page, sub, &name);
    }

    write_prose(&mut page);
    page.to_writer(out)
}

/// The subcommands a user can type: not hidden ones like `man`.
fn visible_subcommands(cmd: &Command) -> impl Iterator<Item = &Command> {
    cmd.get_subcommands().filter(|s| !s.is_hide_set())
}

/// A subcommand's own flags and arguments: the global ones, and `--help`, are documented once,
/// in OPTIONS.
fn own_args(cmd: &Command) -> impl Iterator<Item = &Arg> {
    cmd.get_arguments()
        .filter(|a| !a.is_hide_set() && !a.is_global_set() && a.get_id() != "help")
}

/// `npm-token create [OPTIONS]`, `npm-token revoke [OPTIONS] [ID|TOKEN]...`.
fn synopsis(cmd: &Command, path: &str) -> Vec<Inline> {
    let mut line = vec![bold(path)];
    if cmd
        .get_arguments()
        .any(|a| !a.is_positional() && !a.is_hide_set())
    {
        line.push(roman(" ["));
        line.push(italic("OPTIONS"));
        line.push(roman("]"));
    }
    for arg in cmd.get_positionals().filter(|a| !a.is_hide_set()) {
        let (open, close) = if arg.is_required_set() {
            (" <", ">")
        } else {
            (" [", "]")
        };
        line.push(roman(open));
        line.push(italic(value_name(arg)));
        line.push(roman(close));
        if takes_many(arg) {
            line.push(roman("..."));
        }
    }
    if cmd.has_subcommands() {
        line.push(roman(" ["));
        line.push(italic("COMMAND"));
        line.push(roman("]"));
    }
    line
}

fn describe_subcommand(page: &mut Roff, cmd: &Command, bin: &str) {
    page.control("SS", []);
    page.text(synopsis(cmd, &format!("{bin} {}", cmd.get_name())));
    let about = cmd
        .get_long_about()
        .or(cmd.get_about())
        .map(|a| a.to_string())
        .unwrap_or_default();
    paragraphs(page, &about);
    let aliases: Vec<&str> = cmd.get_visible_aliases().collect();
    if !aliases.is_empty() {
        page.control("PP", []);
        let mut line = vec![roman("Also spelled ")];
        for (i, alias) in aliases.iter().enumerate() {
            if i > 0 {
                line.push(roman(", "));
            }
            line.push(bold(format!("{bin} {alias}")));
        }
        line.push(roman("."));
        page.text(line);
    }
    for arg in own_args(cmd) {
        describe_arg(page, arg);
    }
    if cmd.get_arguments().any(Arg::is_global_set) {
        page.control("PP", []);
        page.text([
            roman("Also takes the options in "),
            bold("OPTIONS"),
            roman("."),
        ]);
    }
}

/// One `.TP` entry: the spellings of a flag and its value, then its help.
fn describe_arg(page: &mut Roff, arg: &Arg) {
    let mut header = Vec::new();
    if arg.is_positional() {
        header.push(italic(value_name(arg)));
    } else {
        let mut spellings: Vec<String> = Vec::new();
        spellings.extend(arg.get_short().map(|s| format!("-{s}")));
        spellings.extend(
            arg.get_visible_short_aliases()
                .unwrap_or_default()
                .iter()
                .map(|s| format!("-{s}")),
        );
        spellings.extend(arg.get_long().map(|l| format!("--{l}")));
        spellings.extend(
            arg.get_visible_aliases()
                .unwrap_or_default()
                .iter()
                .map(|l| format!("--{l}")),
        );
        for (i, spelling) in spellings.into_iter().enumerate() {
            if i > 0 {
                header.push(roman(", "));
            }
            header.push(bold(spelling));
        }
        if arg.get_action().takes_values() && arg.get_num_args().is_none_or(|n| n.takes_values()) {
            header.push(roman(" "));
            header.push(italic(value_name(arg)));
        }
    }
    page.control("TP", []);
    page.text(header);
    let help = arg
        .get_long_help()
        .or(arg.get_help())
        .map(|h| h.to_string())
        .unwrap_or_default();
    let mut body = help.trim_end().to_owned();
    let values: Vec<String> = arg
        .get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_owned())
        .collect();
    if !values.is_empty() && !matches!(arg.get_action(), clap::ArgAction::SetTrue) {
        if !body.is_empty() {
            body.push_str(". ");
        }
        body.push_str(&format!("One of: {}.", values.join(", ")));
    }
    if takes_many(arg) && !arg.is_positional() && !body.contains("repeatable") {
        body.push_str(" (repeatable)");
    }
    page.text([roman(body)]);
}

fn value_name(arg: &Arg) -> String {
    arg.get_value_names()
        .map(|names| names.join(" "))
        .unwrap_or_else(|| arg.get_id().as_str().to_uppercase())
}

fn takes_many(arg: &Arg) -> bool {
    matches!(arg.get_action(), clap::ArgAction::Append)
}

/// Text with blank lines between paragraphs, one `.PP` each.
fn paragraphs(page: &mut Roff, text: &str) {
    for (i, paragraph) in text.split("\n\n").enumerate() {
        if i > 0 {
            page.control("PP", []);
        }
        page.text([roman(paragraph.replace('\n', " "))]);
    }
}

/// A `.TP` list: a term in bold, then its text.
fn terms(page: &mut Roff, items: &[(&str, &str)]) {
    for (term, text) in items {
        page.control("TP", []);
        page.text([bold(*term)]);
        page.text([roman(*text)]);
    }
}

/// An example: what it does, then the command lines as typed.
fn example(page: &mut Roff, what: &str, lines: &[&str]) {
    page.control("PP", []);
    page.text([roman(what)]);
    page.control("RS", ["4"]);
    page.control("EX", []);
    for line in lines {
        page.text([roman(*line)]);
    }
    page.control("EE", []);
    page.control("RE", []);
}

/// The sections clap knows nothing about.
fn write_prose(page: &mut Roff) {
    page.control("SH", ["THE TABLE"]);
    paragraphs(
        page,
        "In a terminal, list prints a table of one line per token at any width: cells are cut \
         with an ellipsis (a name at its end, a list after the items that fit and a count such as +2, an \
         expiry to its phrase), never wrapped. id, name and expires are always shown. The other \
         columns are left out as the width requires: token, created, covers and CIDR first (each \
         only while id, name, access, expires and last used can be shown comfortably beside it), \
         then last used, then access. A line under the table says what was left out; --json \
         shows every field. npm's lines are printed only when stdout is not a terminal, or with \
         --lines.\n\n\
         Expired and revoked tokens say so in the expires cell (their id and expiry red), a token \
         expiring within 7 days says when (yellow), and the token in use has (in use) after its \
         name (green).\n\n\
         Days are calendar days in the local time zone (TZ): in 5 days is the number of days from \
         today to the date printed beside it, and under a day ahead an expiry is counted in \
         hours. --expires-within, --unused-for and status --fail-within count the same way: a \
         token shown in 5 days matches --expires-within 5, one last used 5 days ago matches \
         --unused-for 4.",
    );

    page.control("SH", ["CONFIGURATION"]);
    page.text([roman(
        "npm-token reads npm's configuration, the way npm reads it. Later sources override \
         earlier ones:",
    )]);
    page.control("IP", ["1.", "4"]);
    page.text([
        roman("the global npmrc, "),
        italic("<prefix>/etc/npmrc"),
        roman(", or the file named by "),
        bold("globalconfig"),
        roman(";"),
    ]);
    page.control("IP", ["2.", "4"]);
    page.text([
        roman("the user npmrc, "),
        italic("~/.npmrc"),
        roman(", or the file named by "),
        bold("--userconfig"),
        roman(" or "),
        bold("NPM_CONFIG_USERCONFIG"),
        roman(";"),
    ]);
    page.control("IP", ["3.", "4"]);
    page.text([
        roman("the project "),
        italic(".npmrc"),
        roman(", next to the nearest package.json or node_modules above the current directory;"),
    ]);
    page.control("IP", ["4.", "4"]);
    page.text([bold("npm_config_*"), roman(" environment variables;")]);
    page.control("IP", ["5.", "4"]);
    page.text([roman("flags, highest of all.")]);
    page.control("PP", []);
    page.text([roman(
        "npmrc files use npm's ini dialect: comments, quoted values, key[] arrays and ${VAR} \
         expansion. Credentials are found by the registry URL's \"nerf dart\", the URL without \
         its scheme, as npm finds them: //host[:port]/path/:_authToken (a bearer token), \
         :_auth, or :username with :_password. A top-level _authToken is refused, as in npm. \
         Credentials are sent only to the origin they were configured for.",
    )]);
    page.control("PP", []);
    page.text([roman(
        "The network settings are npm's too: proxy, https-proxy, noproxy, strict-ssl, ca, \
         cafile, cert and key, fetch-timeout and the fetch-retry settings.",
    )]);
    page.control("PP", []);
    page.text([roman(
        "GET requests are retried on transient failures, as npm retries them; a create or a \
         revoke only after a 429, which says the registry did not act on it. A 429 also holds \
         back every other request for its Retry-After, within fetch-retry-maxtimeout, and a \
         revoke's DELETE that still meets 429 after its retries stops its batch: the rest are \
         reported as not sent. Over \
         https, HTTP/2 is used where the registry offers it: a bulk revoke's DELETEs, and the \
         pages of a token list whose first page says how many there are, go out together as \
         streams of one connection (else at most 16 connections).",
    )]);

    page.control("SH", ["ENVIRONMENT"]);
    terms(
        page,
        &[
            (
                "npm_config_*",
                "Any npm setting: the prefix in any case, then the key with _ for -, e.g. \
                 npm_config_registry, or npm_config_password for create in CI. Overrides the \
                 npmrc files; flags override it.",
            ),
            (
                "NPM_CONFIG_USERCONFIG",
                "The user npmrc to read instead of ~/.npmrc.",
            ),
            (
                "NPM_CONFIG_GLOBALCONFIG, PREFIX",
                "The global npmrc, or the prefix whose etc/npmrc is read; without them, the \
                 prefix is the folder above the one holding node.",
            ),
            (
                "NO_COLOR",
                "When set to anything but empty or 0, no colour unless --color=always.",
            ),
            (
                "TERM",
                "When dumb, no colour unless --color=always, the table's borders in ASCII, \
                 and no status line on stderr while a request is out.",
            ),
            (
                "TZ",
                "The time zone dates are printed and days counted in; without it, \
                 /etc/localtime's (see THE TABLE).",
            ),
            (
                "HTTPS_PROXY, HTTP_PROXY, NO_PROXY",
                "The proxy for https and http registries, and the hosts that bypass it, when \
                 the proxy, https-proxy and noproxy settings are not set. Lower-case spellings \
                 are read too.",
            ),
            (
                "CI",
                "Not read. npm-token decides by whether it runs in a terminal: without one, it \
                 never prompts for a password or one-time password but stops with an error \
                 naming the flag to pass, so a CI job never waits.",
            ),
            ("HOME", "Where ~/.npmrc is."),
        ],
    );

    page.control("SH", ["FILES"]);
    terms(
        page,
        &[
            (
                "~/.npmrc",
                "The user configuration, usually where your credentials are.",
            ),
            (
                "<prefix>/etc/npmrc",
                "The global configuration, for every user of this npm.",
            ),
            (
                ".npmrc",
                "The project configuration, in the folder of the nearest package.json or \
                 node_modules.",
            ),
        ],
    );

    json_output::section(page);

    page.control("SH", ["EXIT STATUS"]);
    terms(
        page,
        &[
            ("0", "Done, all of it, including help and --version."),
            (
                "1",
                "Any error: bad flags or arguments (the error names the one that is wrong and \
                 gives a command line that works), settings that contradict each other \
                 (refused before anything is sent), missing credentials, a refused or failed \
                 request, a revoke of which any deletion failed, a rotation stopped at any \
                 step, an audit that found nothing but could not list the account's tokens, \
                 an output that did not reach its reader (npm-token list | head, a \
                 closed stdout). One line on stderr says what failed, what it left behind and \
                 what to do; with --json, npm's JSON error object also goes to stdout, unless \
                 the command's result is already there.",
            ),
            (
                "2",
                "Cancelled: a question at a prompt (Revoke them? [y/N]) was answered no, or \
                 the input ended. Nothing was done.",
            ),
            (
                "3",
                "status --fail-within: the token in use is expired, revoked, or expires within \
                 the days given. Its status is printed first. audit: it found something to \
                 report (even if part of the audit failed: the report says which).",
            ),
            (
                "130",
                "Interrupted (Ctrl-C). At a prompt, the terminal is restored first; while \
                 create, rotate or revoke waits on the registry, the last line says what may \
                 have been done and how to check (npm-token list). The process ends by the \
                 signal, so a shell running a script stops it too; a Ctrl-C ignored by \
                 whoever started the command (trap '' INT) stays ignored. SIGTERM (a \
                 cancelled CI job, 143) and SIGHUP (129) say the same line.",
            ),
        ],
    );

    page.control("SH", ["EXAMPLES"]);
    example(
        page,
        "List your tokens: a table in a terminal, npm's lines when piped.",
        &["npm-token"],
    );
    example(
        page,
        "In a script, each token's id and expiry (npmjs.org's tokens expire):",
        &["npm-token list --json | jq -r '.[] | [.id, .expiry] | @tsv'"],
    );
    example(
        page,
        "The ids of the tokens that can publish directly (granular tokens list their \
         permissions):",
        &[
            "npm-token list --json |",
            "  jq -r '.[] | select(any(.permissions[]?; .action == \"write\")) | .id'",
        ],
    );
    example(
        page,
        "Create a read-only token usable only from one network:",
        &["npm-token create --read-only --cidr 192.0.2.0/24"],
    );
    example(
        page,
        "Create a token without a prompt, the password kept out of shell history:",
        &["npm_config_password=\"$PASSWORD\" npm-token create --json | jq -r .token"],
    );
    example(
        page,
        "Revoke tokens by the ids list shows:",
        &["npm-token revoke 3f2a9c 7b1e04"],
    );
    example(
        page,
        "Before January 2027: what is not ready, then a token moved to stage-only:",
        &[
            "npm-token audit",
            "npm-token rotate 3f2a9c --packages-and-scopes-permission read-write-stage-only",
        ],
    );
    example(
        page,
        "List the tokens of another registry:",
        &["npm-token list --registry https://npm.example.com/"],
    );

    page.control("SH", ["SEE ALSO"]);
    page.text([bold("npm"), roman("(1), "), bold("npmrc"), roman("(5)")]);
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    fn page() -> String {
        let mut out = Vec::new();
        super::render(crate::cli::Cli::command(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Whatever the clap tree holds is on the page: a new subcommand or flag needs no edit here.
    #[test]
    fn every_visible_subcommand_and_flag_is_documented() {
        let page = page();
        let mut cmd = crate::cli::Cli::command();
        cmd.build();
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let synopsis = format!("\\fBnpm\\-token {}\\fR", sub.get_name());
            assert!(page.contains(&synopsis), "{synopsis} missing");
            for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
                if let Some(long) = arg.get_long() {
                    let flag = format!("\\fB\\-\\-{}\\fR", long.replace('-', "\\-"));
                    assert!(page.contains(&flag), "{flag} missing");
                }
            }
        }
    }

    /// Each command's JSON has its entry, npm's shapes first.
    #[test]
    fn json_output_is_documented_command_by_command() {
        let page = page();
        let section = page
            .split_once(".SH \"JSON OUTPUT\"\n")
            .and_then(|(_, rest)| rest.split("\n.SH ").next())
            .expect("a JSON OUTPUT section");
        for entry in [
            "list \\-\\-json",
            "list \\-\\-json with filters",
            "create \\-\\-json",
            "revoke ID... \\-\\-json",
            "revoke \\-\\-json with filters, \\-\\-dry\\-run or not",
            "rotate \\-\\-json",
            "status \\-\\-json",
            "audit \\-\\-json",
        ] {
            let entry = format!("\\fBnpm\\-token {entry}\\fR");
            assert!(section.contains(&format!(".TP\n{entry}\n")), "{entry}");
        }
    }

    #[test]
    fn one_page_that_refers_to_no_missing_page() {
        let page = page();
        assert_eq!(page.matches("\n.TH ").count(), 1);
        assert!(
            !page.contains("npm\\-token\\-"),
            "refers to a per-command page"
        );
        assert!(page.contains(".SH \"SEE ALSO\"\n\\fBnpm\\fR(1), \\fBnpmrc\\fR(5)\n"));
    }
}
