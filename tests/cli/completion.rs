//! Shell completion in real bash (with bash-completion), zsh and fish, and the man page
//! rendered by real groff. `scripts/test.sh` installs them with apt-get where it can; a
//! missing one fails the test when `CI` is set, and is skipped with a note otherwise.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::BIN;

const BASH_COMPLETION: &str = "/usr/share/bash-completion/bash_completion";

/// `program` from PATH, or None (with a note) when it is missing outside CI.
fn require(program: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(program))
            .find(|candidate| candidate.is_file())
    });
    found.or_else(|| missing(program))
}

fn missing<T>(what: &str) -> Option<T> {
    if std::env::var_os("CI").is_some() {
        panic!("{what} is not installed (scripts/test.sh installs it with apt-get)");
    }
    eprintln!("note: {what} is not installed; skipping its test");
    None
}

fn npm_token(args: &[&str]) -> String {
    let output = Command::new(BIN).args(args).output().unwrap();
    assert!(output.status.success(), "npm-token {args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// The completion script for `shell`, written where `file_name` says in a fresh folder.
fn script_in(shell: &str, file_name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(file_name),
        npm_token(&["completions", shell]),
    )
    .unwrap();
    dir
}

/// The candidates a shell printed, one a line, sorted.
fn candidates(output: Output) -> Vec<String> {
    assert!(output.status.success(), "{output:?}");
    let mut words: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter(|line| !line.is_empty())
        .map(|line| line.split('\t').next().unwrap_or_default().to_owned())
        .collect();
    words.sort();
    words.dedup();
    words
}

/// What each line completes to, the same in every shell.
const CASES: &[(&str, &[&str])] = &[
    ("npm-token --j", &["--json"]),
    ("npm-token re", &["remove", "revoke"]),
    (
        "npm-token create --re",
        &["--read-only", "--readonly", "--registry"],
    ),
    ("npm-token create --bypass", &["--bypass-2fa"]),
    ("npm-token revoke --j", &["--json"]),
    ("npm-token rm --j", &["--json"]),
    (
        "npm-token list --p",
        &["--parseable", "--porcelain", "--prefix", "--proxy"],
    ),
    (
        "npm-token create --orgs-permission ",
        &["no-access", "read-only", "read-write"],
    ),
    ("npm-token list --color a", &["always", "auto"]),
];

#[track_caller]
fn check(shell: &str, complete: impl Fn(&str) -> Vec<String>) {
    let mut wrong = Vec::new();
    for (line, expected) in CASES {
        let got = complete(line);
        if got != *expected {
            wrong.push(format!(
                "{shell}: {line:?} completed to {got:?}, not {expected:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Calls the function `complete -F` registered for npm-token, as bash does on TAB.
const BASH_DRIVER: &str = r#"
source "$BASH_COMPLETION" && source "$SCRIPT" || exit 2
spec=$(complete -p npm-token) || exit 3
fn=${spec##* -F }; fn=${fn%% *}
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
COMPREPLY=()
"$fn" npm-token "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;

#[test]
fn bash_completes_after_the_subcommand() {
    let Some(bash) = require("bash") else { return };
    if !Path::new(BASH_COMPLETION).is_file() {
        missing::<()>("bash-completion");
        return;
    }
    let dir = script_in("bash", "npm-token");
    check("bash", |line| {
        let mut words: Vec<&str> = line.split(' ').collect();
        if line.ends_with(' ') {
            words.pop();
            words.push("");
        }
        let output = Command::new(&bash)
            .args(["--norc", "--noprofile", "-c", BASH_DRIVER, "bash"])
            .args(&words)
            .env("BASH_COMPLETION", BASH_COMPLETION)
            .env("SCRIPT", dir.path().join("npm-token"))
            .output()
            .unwrap();
        candidates(output)
    });
}

/// Types the line into an interactive zsh in a pseudo-terminal (zsh/zpty) and completes it
/// with a key bound to `complete-word` followed by an end marker, so that nothing is typed
/// ahead of the completion; `compadd` is wrapped to print every candidate it adds.
const ZSH_DRIVER: &str = r#"
zmodload zsh/zpty || exit 2
zpty z 'zsh -f -i'
zpty -w z "PROMPT= RPROMPT=; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a hits; builtin compadd -A hits "$@"; (( $#hits )) || return 1
  builtin compadd "$@"; print; print -rl -- "<c>"${^hits}
}'
zpty -w z 'complete-then-mark() { zle complete-word; print; print -- "<do""ne>"; }'
zpty -w z 'zle -N complete-then-mark; bindkey "^T" complete-then-mark; print -- "<rea""dy>"'
zpty -r z out '*<ready>*' || exit 3
zpty -w -n z "$2"$'\C-t'
zpty -r z out '*<done>*' || exit 4
print -r -- "${out//$'\r'/}" | sed -n 's/^.*<c>//p'
zpty -d z
"#;

#[test]
fn zsh_completes_after_the_subcommand() {
    let Some(zsh) = require("zsh") else { return };
    let dir = script_in("zsh", "_npm-token");
    check("zsh", |line| {
        let output = Command::new(&zsh)
            .args(["-f", "-c", ZSH_DRIVER, "zsh"])
            .arg(dir.path())
            .arg(line)
            .env("HOME", dir.path())
            .output()
            .unwrap();
        candidates(output)
    });
}

#[test]
fn fish_completes_after_the_subcommand() {
    let Some(fish) = require("fish") else { return };
    let dir = script_in("fish", "npm-token.fish");
    check("fish", |line| {
        let output = Command::new(&fish)
            .args([
                "--no-config",
                "-c",
                "source $argv[1]; and complete -C $argv[2]",
            ])
            .arg(dir.path().join("npm-token.fish"))
            .arg(line)
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path())
            .output()
            .unwrap();
        candidates(output)
    });
}

/// The commands and flags `--help` lists (`-h`: one line each), read from the binary's own
/// help, not from the tree the man page is generated from.
fn help_listing(args: &[&str]) -> (Vec<String>, Vec<String>) {
    let help = npm_token(&[args, &["-h"]].concat());
    let mut commands = Vec::new();
    let mut flags = Vec::new();
    let mut section = "";
    for line in help.lines() {
        if !line.starts_with(' ') {
            section = line;
            continue;
        }
        let first = line.split_whitespace().next().unwrap_or_default();
        match section {
            "Commands:" if line.starts_with("  ") && !line.starts_with("   ") => {
                commands.push(first.to_owned());
            }
            // `Options:`, and the `Global options:` and `Network options:` headings.
            heading if heading.ends_with("ptions:") && first.starts_with('-') => {
                let spellings = line.split("  ").find(|s| !s.trim().is_empty()).unwrap();
                for spelling in spellings.split([',', ' ']) {
                    if spelling.starts_with('-') {
                        flags.push(spelling.to_owned());
                    }
                }
            }
            _ => {}
        }
    }
    (commands, flags)
}

/// The page as `man` shows it, in one long line per paragraph so that nothing is hyphenated.
fn rendered_man_page() -> Option<String> {
    let roff = npm_token(&["man"]);
    let groff = require("groff")?;
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("npm-token.1");
    std::fs::write(&page, roff).unwrap();
    let output = Command::new(groff)
        .args(["-man", "-Tutf8", "-rLL=1000n", "-P-cbou", "-ww"])
        .arg(&page)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let warnings = String::from_utf8_lossy(&output.stderr);
    assert!(warnings.is_empty(), "groff warns:\n{warnings}");
    // Some groff builds print `\-` as a minus sign or a hyphen; the page means ASCII.
    let text = String::from_utf8(output.stdout).unwrap();
    Some(text.replace(['\u{2212}', '\u{2010}'], "-"))
}

/// The lines under `heading`, up to the next line at column 0 (a heading, or the footer).
fn section<'a>(page: &'a str, heading: &str) -> &'a str {
    let start = page
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("no {heading} section in:\n{page}"));
    let body = &page[start + heading.len() + 2..];
    let end = body
        .match_indices('\n')
        .map(|(i, _)| i)
        .find(|&i| body[i + 1..].starts_with(|c: char| !c.is_whitespace()))
        .unwrap_or(body.len());
    &body[..end]
}

#[test]
fn man_page_has_every_section_command_and_flag() {
    let Some(page) = rendered_man_page() else {
        return;
    };
    for heading in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "COMMANDS",
        "CONFIGURATION",
        "ENVIRONMENT",
        "FILES",
        "EXIT STATUS",
        "EXAMPLES",
        "SEE ALSO",
    ] {
        assert!(
            !section(&page, heading).trim().is_empty(),
            "{heading} is empty"
        );
    }

    let has_flag = |text: &str, flag: &str| {
        text.split(|c: char| c.is_whitespace() || c == ',')
            .any(|word| word == flag)
    };
    let (commands, global_flags) = help_listing(&[]);
    assert!(commands.contains(&"create".to_owned()) && global_flags.contains(&"--json".to_owned()));
    let options = section(&page, "OPTIONS");
    for flag in &global_flags {
        assert!(has_flag(options, flag), "OPTIONS does not document {flag}");
    }
    let listing = section(&page, "COMMANDS");
    let synopsis = section(&page, "SYNOPSIS");
    for command in &commands {
        if command == "help" {
            // clap's own `help` takes no flags: `help -h` asks for a command named -h.
            continue;
        }
        let heading = format!("   npm-token {command}");
        assert!(
            synopsis.contains(&format!("npm-token {command}")),
            "SYNOPSIS lacks {command}"
        );
        // The command's block: from its heading (indented 3) to the next one.
        let start = listing
            .find(&format!("\n{heading}"))
            .unwrap_or_else(|| panic!("COMMANDS lacks {command}:\n{listing}"));
        let block = &listing[start + 1..];
        let block = &block[..block[3..].find("\n   n").map_or(block.len(), |i| i + 3)];
        let (_, flags) = help_listing(&[command]);
        for flag in flags.iter().filter(|f| !global_flags.contains(f)) {
            assert!(
                has_flag(block, flag),
                "npm-token {command}: {flag} is not documented"
            );
        }
    }
    assert!(has_flag(listing, "--read-only") && has_flag(listing, "--readonly"));

    // Only pages that exist: npm-token(1) itself, and npm's own.
    assert!(
        !page.contains("npm-token-"),
        "a reference to a page that is not generated"
    );
    assert_eq!(section(&page, "SEE ALSO").trim(), "npm(1), npmrc(5)");
}

#[test]
fn man_page_examples_are_laid_out_as_examples() {
    let roff = npm_token(&["man"]);
    let examples = &roff[roff.find(".SH EXAMPLES").unwrap()..];
    let examples = &examples[..examples.find(".SH \"SEE ALSO\"").unwrap()];
    assert!(examples.matches(".EX\n").count() >= 3, "{examples}");
    assert_eq!(
        examples.matches(".EX\n").count(),
        examples.matches(".EE\n").count()
    );
    assert!(examples.contains("npm\\-token create \\-\\-read\\-only \\-\\-cidr 192.0.2.0/24\n"));
}
