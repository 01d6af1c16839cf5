//! Shell completion scripts, generated from the clap tree by `clap_complete`, with one
//! upstream bug in the bash script worked around.

use std::io::{self, Write};

use clap::Command;
use clap_complete::Shell;

/// Writes `shell`'s completion script for `cmd`, completing the command under its own name.
///
/// The script is built in memory first: `clap_complete` panics when its writer fails, and a
/// closed pipe (`npm-token completions bash | head`) must be an ordinary write error.
pub fn generate(shell: Shell, cmd: &mut Command, out: &mut dyn Write) -> io::Result<()> {
    let bin_name = cmd.get_name().to_owned();
    let mut script = Vec::new();
    clap_complete::generate(shell, cmd, &bin_name, &mut script);
    if shell == Shell::Bash {
        let text = String::from_utf8_lossy(&script);
        script = respell_bash_states(&text, &bin_name).into_bytes();
    }
    out.write_all(&script)
}

/// The bash script walks the words typed so far into a state named after the subcommand
/// path, then picks the candidates in a `case` on that state. For a binary name with a
/// hyphen, `clap_complete` spells the state two ways (clap-rs/clap#6421): the walk sets
/// `npm__token__subcmd__create`, the case arm reads `npm__subcmd__token__subcmd__create`, so
/// nothing after a subcommand ever completes. Respell the arms the way the walk does. Only
/// case-arm lines change, so a fixed `clap_complete` leaves nothing to respell.
fn respell_bash_states(script: &str, bin_name: &str) -> String {
    const SEP: &str = "__subcmd__";
    let wrong = format!("{}{SEP}", bin_name.replace('-', SEP));
    let right = format!("{}{SEP}", bin_name.replace('-', "__"));
    if wrong == right {
        return script.to_owned();
    }
    script
        .split_inclusive('\n')
        .map(|line| {
            let label = line.trim_start();
            let is_arm = label.starts_with(&wrong) && label.trim_end().ends_with(')');
            if is_arm {
                let indent = &line[..line.len() - label.len()];
                format!("{indent}{right}{}", &label[wrong.len()..])
            } else {
                line.to_owned()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn script(shell: Shell) -> String {
        let mut out = Vec::new();
        generate(shell, &mut crate::cli::Cli::command(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Every state the bash walk can reach (`cmd="..."`) has a case arm of the same name.
    #[test]
    fn every_bash_state_has_an_arm() {
        let script = script(Shell::Bash);
        let arms: Vec<&str> = script
            .lines()
            .filter_map(|line| line.trim().strip_suffix(')'))
            .collect();
        let states: Vec<&str> = script
            .lines()
            .filter_map(|line| line.trim().strip_prefix("cmd=\""))
            .filter_map(|rest| rest.strip_suffix('"'))
            .filter(|state| !state.is_empty())
            .collect();
        assert!(states.iter().any(|s| s.ends_with("__subcmd__create")));
        for state in states {
            assert!(arms.contains(&state), "no case arm for bash state {state}");
        }
    }

    #[test]
    fn respelling_touches_only_case_arms() {
        let script = "        npm__subcmd__token__subcmd__create)\n\
                      opts=\"npm__subcmd__token__subcmd__x\"\n\
                      npm__token)\n";
        assert_eq!(
            respell_bash_states(script, "npm-token"),
            "        npm__token__subcmd__create)\n\
             opts=\"npm__subcmd__token__subcmd__x\"\n\
             npm__token)\n"
        );
        assert_eq!(respell_bash_states(script, "plain"), script);
    }

    #[test]
    fn other_shells_are_clap_completes_own() {
        for shell in [Shell::Zsh, Shell::Fish, Shell::PowerShell, Shell::Elvish] {
            let mut expected = Vec::new();
            clap_complete::generate(
                shell,
                &mut crate::cli::Cli::command(),
                "npm-token",
                &mut expected,
            );
            assert_eq!(script(shell).into_bytes(), expected);
        }
    }
}
