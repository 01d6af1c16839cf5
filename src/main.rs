//! npm-token: list, create and revoke npm registry access tokens.
//!
//! `main` parses arguments, resolves settings, runs one command and maps the outcome to an
//! exit code; it prints errors and nothing else.

mod cidr;
mod cli;
mod commands;
mod error;
mod ids;
mod log;
mod npmrc;
mod output;
mod prompt;
#[cfg(test)]
mod proptests;
mod registry;
mod secret;
mod settings;
mod terminal;
mod text;
mod token_info;

use std::io::Write;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::CommandFactory;

use cli::{Cli, Job, Request};
use commands::Context;
use error::{AppError, Operation};
use npmrc::Env;
use output::Paint;
use registry::RegistryClient;
use secret::Redactor;
use settings::{CommandSettings, Loaded, Settings};
use terminal::Terminal;

fn main() -> ExitCode {
    let terminal = Terminal::detect();
    let env = Env::from_process();
    // Until settings say otherwise (an error in the settings themselves): colour on a
    // terminal that NO_COLOR and TERM=dumb do not forbid.
    let mut paint = settings::paint(None, &env, &terminal).1;
    let parsed = match cli::parse(std::env::args_os()) {
        Ok(parsed) => parsed,
        Err(e) => return clap_error(e),
    };
    let job = match parsed.cli.request() {
        Request::Registry(job) => job,
        Request::Completions(shell) => {
            return offline(|out| {
                clap_complete::generate(shell, &mut Cli::command(), "npm-token", out);
                Ok(())
            })
        }
        Request::Man => return offline(|out| clap_mangen::Man::new(Cli::command()).render(out)),
    };
    // npm's usage error comes before anything is read.
    if let Job::Revoke { ids } = &job {
        if let Err(e) = commands::revoke::check_args(ids) {
            report(&e, false, paint, &Redactor::default());
            return ExitCode::FAILURE;
        }
    }
    let loaded = Loaded::new(parsed.layer, &env);
    let json = loaded.json;
    // Holds every configured secret already, and any learnt later (a password or OTP typed
    // at a prompt, a web login's token): no error can print one.
    let redactor = loaded.redactor.clone();
    let result = Settings::resolve(job, loaded, &env, &terminal)
        .map_err(AppError::from)
        .and_then(|settings| {
            paint = settings.paint_stderr;
            run(settings)
        });
    match result {
        Ok(()) | Err(AppError::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e, json, paint, &redactor);
            ExitCode::FAILURE
        }
    }
}

/// Prints what the clap tree alone makes: no configuration, no network.
fn offline(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => match AppError::from(e) {
            AppError::BrokenPipe => ExitCode::SUCCESS,
            e => {
                report(&e, false, Paint(false), &Redactor::default());
                ExitCode::FAILURE
            }
        },
    }
}

fn run(settings: Settings) -> Result<(), AppError> {
    log::init(
        settings.loglevel,
        settings.redactor.clone(),
        settings.paint_stderr,
    );
    for warning in &settings.warnings {
        ::log::warn!("{warning}");
    }
    execute(settings)
}

fn execute(settings: Settings) -> Result<(), AppError> {
    let Settings {
        client,
        printer,
        command,
        auth,
        interactive,
        redactor,
        ..
    } = settings;
    let ctx = Context {
        auth,
        interactive,
        redactor,
    };
    let operation = match command {
        CommandSettings::List => Operation::List,
        CommandSettings::Create(_) => Operation::Create,
        CommandSettings::Revoke { .. } => Operation::Revoke,
    };
    let client =
        RegistryClient::new(client).map_err(|e| error::explain(e, operation, &ctx.auth))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AppError::failed(format!("could not start the async runtime: {e}")))?;
    let mut out = std::io::stdout().lock();
    runtime.block_on(async {
        match &command {
            CommandSettings::List => commands::list::run(&client, &printer, &ctx, &mut out).await,
            CommandSettings::Create(create) => {
                commands::create::run(&client, create, &printer, &ctx, &mut out).await
            }
            CommandSettings::Revoke { ids } => {
                commands::revoke::run(&client, ids, &printer, &ctx, &mut out).await
            }
        }
    })?;
    out.flush()?;
    Ok(())
}

/// One line on stderr, in npm's style; with `--json`, also npm's JSON error object on stdout.
/// Every known secret is masked first: the last line of defence, whatever the error quotes.
fn report(error: &AppError, json: bool, paint: Paint, redactor: &Redactor) {
    let (code, message) = match error {
        AppError::Usage(message) => (Some("EUSAGE"), message.as_str()),
        AppError::Failed { code, message } => (code.as_deref(), message.as_str()),
        AppError::BrokenPipe => return,
    };
    let message = redactor.redact(message);
    // Errors quote registry text and config values: nothing in them may act on the terminal.
    let shown = text::for_terminal_line(&message);
    if json {
        let body = serde_json::json!({
            "error": { "code": code, "summary": message, "detail": "" }
        });
        let _ = writeln!(
            std::io::stdout(),
            "{}",
            registry::js_stringify_pretty(&body)
        );
    }
    let label = paint.red("error");
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "npm-token {label} {shown}");
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
