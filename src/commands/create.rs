use std::io::Write;

use serde_json::{Map, Value};

use super::{otplease, Context};
use crate::error::{AppError, Operation};
use crate::output::Printer;
use crate::prompt::{self, PromptError};
use crate::registry::{CreateTokenRequest, RegistryClient, TokenSpec};
use crate::secret::Secret;
use crate::settings::CreateSettings;

pub async fn run(
    client: &RegistryClient,
    options: &CreateSettings,
    printer: &Printer,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    let password = password(options, ctx)?;
    let spec = options.given.apply(TokenSpec::default());
    let result = create(client, password, spec, ctx).await?;
    write_created(printer, &result, out)
}

/// Prints a new token: its one showing. A reader that closed the output before it (`| head
/// -0`) is an error here, not the quiet success it is for a list: the token exists, and
/// nobody saw it.
pub fn write_created(
    printer: &Printer,
    result: &Map<String, Value>,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    out.write_all(printer.created_token(result).as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| {
            AppError::failed(format!(
                "the new token was created but could not be printed ({e}): nobody has seen it, \
                 so revoke it (`npm-token list` shows it) and create another"
            ))
        })
}

/// The account password creating a token needs: configured, or asked for on a terminal.
pub fn password(options: &CreateSettings, ctx: &Context) -> Result<Secret, AppError> {
    match &options.password {
        Some(p) => Ok(p.clone()),
        None if !ctx.interactive => Err(AppError::failed(
            "creating a token needs your password, and there is no terminal to ask for it: \
             pass --password <password> or set npm_config_password",
        )),
        None => {
            let typed = prompt::secret("npm password: ").map_err(|e| match e {
                PromptError::Eof => {
                    AppError::failed("no password given; creating a token needs your password")
                }
                PromptError::Io(e) => AppError::failed(format!("could not read the password: {e}")),
            })?;
            // A registry that echoes it back gets it masked, like any configured secret.
            ctx.redactor.register(&typed);
            Ok(typed)
        }
    }
}

/// Creates a token (answering a one-time-password challenge as npm does); returns the
/// registry's answer without the `key` and `updated` npm leaves out of its output.
pub async fn create(
    client: &RegistryClient,
    password: Secret,
    spec: TokenSpec,
    ctx: &Context,
) -> Result<Map<String, Value>, AppError> {
    let request = CreateTokenRequest { password, spec };
    log::info!("creating a token");
    let mut result = otplease(client, Operation::Create, ctx, || {
        client.create_token(&request)
    })
    .await?;
    result.shift_remove("key");
    result.shift_remove("updated");
    // The output shows it once; nothing else may (an error quoting it, a log line).
    if let Some(Value::String(token)) = result.get("token") {
        ctx.redactor.register(&Secret::new(token.clone()));
    }
    Ok(result)
}
