//! npm-token: list, create and revoke npm registry access tokens.
//!
//! `main` parses arguments, resolves settings, runs one command and maps the outcome to an
//! exit code; it prints errors and nothing else.

mod audit;
mod cidr;
mod cli;
mod commands;
mod completions;
mod error;
mod hygiene;
mod ids;
mod interrupt;
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
mod terminal;
mod text;
mod token_info;
mod usage;

use std::io::Write;
use std::process::ExitCode;

use clap::error::ErrorKind;

use clap::CommandFactory;
use cli::{Cli, Job, Request};
use commands::Context;
use error::{AppError, Operation};
use npmrc::Env;
use output::{Paint, Progress};
use registry::RegistryClient;
use secret::Redactor;
use settings::{CommandSettings, Loaded, Settings};
use terminal::Terminal;

fn main() -> ExitCode {
    ignore_file_size_signal();
    let terminal = Terminal::detect();
    let env = Env::from_process();
    // Until settings say otherwise (an error in the settings themselves): colour on a
    // terminal that NO_COLOR and TERM=dumb do not forbid.
    let mut paint = settings::paint(None, &env, &terminal).1;
    let parsed = match cli::parse(std::env::args_os()) {
        Ok(parsed) => parsed,
        Err(e) => return clap_error(e, paint),
    };
    // A closed stdout (`>&-`) swallows every write without an error (Rust's stdout treats
    // EBADF as success): nothing could be shown, so nothing is done.
    if stdout_is_closed() {
        report(
            &AppError::failed(
                "the output (stdout) is closed, so nothing could be shown: nothing was done; \
                 run the command with its output open (a file, a pipe or a terminal)",
            ),
            false,
            paint,
            &Redactor::default(),
        );
        return ExitCode::FAILURE;
    }
    let job = match parsed.cli.request() {
        Request::Registry(job) => job,
        Request::Completions(shell) => {
            return offline(|out| completions::generate(shell, &mut Cli::command(), out))
        }
        Request::Man => return offline(|out| man::render(Cli::command(), out)),
    };
    // npm's usage error comes before anything is read.
    if let Job::Revoke(revoke) = &job {
        if let Err(e) = commands::revoke::check_args(&revoke.ids, &revoke.filters) {
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
        Ok(()) => ExitCode::SUCCESS,
        Err(AppError::Found) => ExitCode::from(3),
        Err(e @ AppError::Cancelled(_)) => {
            report(&e, false, paint, &redactor);
            ExitCode::from(2)
        }
        Err(e @ AppError::Check(_)) => {
            // The output already says it all (as JSON, too): one line on stderr, exit 3.
            report(&e, false, paint, &redactor);
            ExitCode::from(3)
        }
        Err(e) => {
            report(&e, json, paint, &redactor);
            ExitCode::FAILURE
        }
    }
}

/// A write past the file size limit (`ulimit -f`) kills the process with SIGXFSZ by
/// default, before it can remove a half-written file or say anything. Ignored, the write
/// fails with EFBIG instead, and `rotate --save` cleans up and says so.
fn ignore_file_size_signal() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_IGN at start-up, before any thread.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// Whether stdout was closed when the process started (`>&-`). Rust's runtime then opens
/// the null device in its place (read-write, where a shell's `>/dev/null` is write-only),
/// so that every write succeeds and goes nowhere.
fn stdout_is_closed() -> bool {
    terminal::stdout_null_mode() == Some(terminal::NullMode::ReadWrite)
}

/// Prints what the clap tree alone makes: no configuration, no network.
fn offline(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(
                &AppError::from(e),
                false,
                Paint(false),
                &Redactor::default(),
            );
            ExitCode::FAILURE
        }
    }
}

fn run(settings: Settings) -> Result<(), AppError> {
    // One status line for the run, which log lines clear before they print.
    let progress = Progress::new(settings.printer.progress);
    log::init(
        settings.loglevel,
        settings.redactor.clone(),
        settings.paint_stderr,
        progress.clone(),
    );
    for warning in &settings.warnings {
        ::log::warn!("{warning}");
    }
    execute(settings, progress)
}

fn execute(settings: Settings, progress: Progress) -> Result<(), AppError> {
    let Settings {
        client,
        printer,
        command,
        auth,
        token_in_use,
        interactive,
        redactor,
        loglevel,
        output_discarded,
        stdout_terminal,
        ..
    } = settings;
    let ctx = Context {
        auth,
        interactive,
        output_discarded,
        stdout_terminal,
        token_in_use,
        redactor,
        otps: Default::default(),
        asking_otp: Default::default(),
        otp_declined: Default::default(),
        notices: loglevel >= log::LogLevel::Notice,
        progress,
    };
    let operation = match command {
        CommandSettings::List { .. }
        | CommandSettings::Status { .. }
        | CommandSettings::Audit(_) => Operation::List,
        CommandSettings::Create(_) | CommandSettings::Rotate { .. } => Operation::Create,
        CommandSettings::Revoke(_) => Operation::Revoke,
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
            CommandSettings::List { filters } => {
                commands::list::run(&client, filters, &printer, &ctx, &mut out).await
            }
            CommandSettings::Create(create) => {
                commands::create::run(&client, create, &printer, &ctx, &mut out).await
            }
            CommandSettings::Revoke(job) => {
                commands::revoke::run(&client, job, &printer, &ctx, &mut out).await
            }
            CommandSettings::Status {
                fail_within,
                source,
            } => {
                let source = source.as_ref();
                commands::status::run(&client, *fail_within, source, &printer, &ctx, &mut out).await
            }
            CommandSettings::Audit(audit) => {
                commands::audit::run(&client, audit, &printer, &ctx, &mut out).await
            }
            CommandSettings::Rotate {
                job,
                given,
                saved_at,
            } => {
                let saved_at = saved_at.as_ref();
                commands::rotate::run(&client, job, given, saved_at, &printer, &ctx, &mut out).await
            }
        }
    })?;
    out.flush()?;
    Ok(())
}

/// What a closed stdout is reported as: whatever the command did, its output did not all
/// reach the reader, and a script must not take the command for a success.
const BROKEN_PIPE: &str = "the output was closed before all of it was written (broken pipe): \
                           what the command did is not all shown";

/// One line on stderr, in npm's style; with `--json`, also npm's JSON error object on stdout.
/// Every known secret is masked first: the last line of defence, whatever the error quotes.
fn report(error: &AppError, json: bool, paint: Paint, redactor: &Redactor) {
    let (code, message) = match error {
        AppError::AfterOutput(inner) => return report(inner, false, paint, redactor),
        AppError::Usage(message) => (Some("EUSAGE"), message.as_str()),
        AppError::Failed { code, message } => (code.as_deref(), message.as_str()),
        AppError::Check(message) => (Some("ECHECK"), message.as_str()),
        AppError::Found => return,
        AppError::BrokenPipe => (Some("EPIPE"), BROKEN_PIPE),
        AppError::Cancelled(message) => {
            let _ = writeln!(std::io::stderr(), "{}", text::for_terminal_line(message));
            return;
        }
    };
    let message = redactor.redact(message);
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
    // A usage error's message has its tip and pointer to help on lines of their own (the
    // only line breaks a message holds: registry text in one is escaped where it is put in).
    // Errors quote registry text and config values: nothing in a line may act on the terminal.
    let lines: Vec<&str> = match error {
        AppError::Usage(_) => message.lines().collect(),
        _ => vec![&message],
    };
    for line in lines {
        let _ = writeln!(
            stderr,
            "npm-token {label} {}",
            text::for_terminal_line(line)
        );
    }
}
/// Help and version print normally; every usage error is one style, npm's, exit 1: what
/// was wrong, clap's tip when it has one (a similar flag or subcommand), an example, and
/// where help is (`usage::message`).
fn clap_error(e: clap::Error, paint: Paint) -> ExitCode {
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    report(
        &AppError::Usage(usage::message(&e, &args)),
        false,
        paint,
        &typed_secrets(&args),
    );
    ExitCode::FAILURE
}

/// The secrets a command line may hold, for a usage error that quotes it (`unexpected
/// argument 'npm_…'`): the values of `--password` and `--otp`, and any argument that looks
/// like a token (npm's `npm_` prefix, or as long as a token is) rather than an id.
fn typed_secrets(args: &[std::ffi::OsString]) -> Redactor {
    let redactor = Redactor::default();
    let mut value_of_secret_flag = false;
    for arg in args.iter().skip(1).filter_map(|arg| arg.to_str()) {
        let flag_value = ["--password=", "--otp="]
            .iter()
            .find_map(|flag| arg.strip_prefix(flag));
        let looks_like_a_token =
            !arg.starts_with('-') && (arg.starts_with("npm_") || arg.chars().count() >= 32);
        if let Some(value) = flag_value {
            redactor.register(&secret::Secret::new(value));
        } else if value_of_secret_flag || looks_like_a_token {
            redactor.register(&secret::Secret::new(arg));
        }
        value_of_secret_flag = matches!(arg, "--password" | "--otp");
    }
    redactor
}
