//! npm-token: list, create and revoke npm registry access tokens.
//!
//! `main` parses arguments, resolves settings, runs one command and maps the outcome to an
//! exit code; it prints errors and nothing else.

mod cidr;
mod cli;
mod commands;
mod completions;
mod error;
mod ids;
mod jsontext;
mod log;
mod man;
mod npmrc;
mod output;
mod prompt;
#[cfg(test)]
mod proptests;
mod registry;
mod secret;
mod settings;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, Parser};

use cli::{Cli, Command};
use commands::Context;
use error::AppError;
use registry::RegistryClient;
use settings::Settings;

/// Whether stderr gets colour: settings decide once resolved; before that (an error in the
/// settings themselves), a terminal that NO_COLOR does not forbid.
static STDERR_COLOR: AtomicBool = AtomicBool::new(false);

fn main() -> ExitCode {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty() && v != "0");
    STDERR_COLOR.store(
        std::io::stderr().is_terminal()
            && !no_color
            && std::env::var_os("TERM").is_none_or(|t| t != "dumb"),
        Ordering::Relaxed,
    );
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(e),
    };
    let json = cli.global.json;
    match run(cli) {
        Ok(()) | Err(AppError::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e, json);
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), AppError> {
    match &cli.command {
        Some(Command::Revoke(args)) => commands::revoke::check_args(&args.ids)?,
        // Generated from the clap tree alone: no configuration, no network.
        Some(Command::Completions { shell }) => {
            let mut out = std::io::stdout().lock();
            completions::generate(*shell, &mut Cli::command(), &mut out)?;
            return Ok(out.flush()?);
        }
        Some(Command::Man) => {
            let mut out = std::io::stdout().lock();
            man::render(Cli::command(), &mut out)?;
            return Ok(out.flush()?);
        }
        _ => {}
    }
    let env = npmrc::Env::from_process();
    let settings = Settings::resolve(&cli, &env)?;
    STDERR_COLOR.store(settings.color_stderr, Ordering::Relaxed);
    log::init(
        &settings.loglevel,
        settings.redactor.clone(),
        output::Paint(settings.color_stderr),
    );
    for warning in &settings.warnings {
        ::log::warn!("{warning}");
    }
    let result = execute(cli.command, &settings);
    // Last line of defence: no configured secret leaves in an error message.
    result.map_err(|e| match e {
        AppError::Failed { code, message } => AppError::Failed {
            code,
            message: settings.redactor.redact(&message),
        },
        AppError::Usage(message) => AppError::Usage(settings.redactor.redact(&message)),
        other => other,
    })
}

fn execute(command: Option<Command>, settings: &Settings) -> Result<(), AppError> {
    let client = RegistryClient::new(settings.client_options())
        .map_err(|e| AppError::failed(e.to_string()))?;
    let ctx = Context::new(settings);
    let ui = commands::Ui {
        format: settings.format,
        paint: output::Paint(settings.color),
        progress: std::io::stderr().is_terminal() && settings.loglevel != "silent",
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AppError::failed(format!("could not start the async runtime: {e}")))?;
    let mut out = std::io::stdout().lock();
    runtime.block_on(async {
        match command {
            None | Some(Command::List) => commands::list::run(&client, &ui, &ctx, &mut out).await,
            Some(Command::Create(_)) => {
                commands::create::run(&client, &settings.create, &ui, &ctx, &mut out).await
            }
            Some(Command::Revoke(args)) => {
                commands::revoke::run(&client, &args.ids, &ui, &ctx, &mut out).await
            }
            Some(Command::Completions { .. } | Command::Man) => {
                unreachable!("handled before settings are resolved")
            }
        }
    })?;
    out.flush()?;
    Ok(())
}

/// One line on stderr, in npm's style; with `--json`, also npm's JSON error object on stdout.
fn report(error: &AppError, json: bool) {
    let (code, message) = match error {
        AppError::Usage(message) => (Some("EUSAGE"), message.as_str()),
        AppError::Failed { code, message } => (code.as_deref(), message.as_str()),
        AppError::BrokenPipe => return,
    };
    if json {
        let body = serde_json::json!({
            "error": { "code": code, "summary": message, "detail": "" }
        });
        let text = serde_json::to_string_pretty(&body).unwrap_or_default();
        let _ = writeln!(std::io::stdout(), "{text}");
    }
    let label = output::Paint(STDERR_COLOR.load(Ordering::Relaxed)).red("error");
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "npm-token {label} {message}");
    if matches!(error, AppError::Usage(_)) {
        let _ = writeln!(
            stderr,
            "npm-token {label} Run `npm-token --help` for usage."
        );
    }
}

/// Help and version print normally; usage errors exit 1 as in npm, with npm's wording for an
/// unknown subcommand.
fn clap_error(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::InvalidSubcommand => {
            let name = match e.get(ContextKind::InvalidSubcommand) {
                Some(ContextValue::String(s)) => s.clone(),
                _ => String::new(),
            };
            let usage = Cli::command().render_usage();
            eprintln!("npm-token error {name} is not a recognized subcommand.\n\n{usage}\n\nRun `npm-token --help` for more.");
            ExitCode::FAILURE
        }
        _ => {
            let _ = e.print();
            ExitCode::FAILURE
        }
    }
}
