use std::io::Write;

use super::{otplease, Context};
use crate::error::{AppError, Operation};
use crate::output::Printer;
use crate::prompt::{self, PromptError};
use crate::registry::{CreateTokenRequest, RegistryClient};
use crate::settings::CreateSettings;

pub async fn run(
    client: &RegistryClient,
    options: &CreateSettings,
    printer: &Printer,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    let password =
        match &options.password {
            Some(p) => p.clone(),
            None if !ctx.interactive => return Err(AppError::failed(
                "creating a token needs your password, and there is no terminal to ask for it: \
                 pass --password <password> or set npm_config_password",
            )),
            None => prompt::secret("npm password: ").map_err(|e| match e {
                PromptError::Eof => {
                    AppError::failed("no password given; creating a token needs your password")
                }
                PromptError::Io(e) => AppError::failed(format!("could not read the password: {e}")),
            })?,
        };
    ctx.redactor.register(&password);
    let request = CreateTokenRequest {
        password,
        spec: options.spec.clone(),
    };
    log::info!("creating a token");
    let mut result = otplease(client, Operation::Create, ctx, || {
        client.create_token(&request)
    })
    .await?;
    result.shift_remove("key");
    result.shift_remove("updated");
    out.write_all(printer.created_token(&result).as_bytes())?;
    Ok(())
}
