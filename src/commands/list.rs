use std::io::Write;

use super::{otplease, Context};
use crate::error::{AppError, Operation};
use crate::ids::shortest_unique_ids;
use crate::output;
use crate::registry::RegistryClient;
use crate::settings::OutputFormat;

/// npm's minimum id length.
pub const MIN_ID_LEN: usize = 6;

pub async fn run(
    client: &RegistryClient,
    format: OutputFormat,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    log::info!("getting the token list");
    let tokens = otplease(client, Operation::List, ctx, || client.list_tokens()).await?;
    let keys: Vec<&str> = tokens.iter().map(|t| t.key()).collect();
    let ids = shortest_unique_ids(&keys, MIN_ID_LEN);
    out.write_all(output::token_list(&tokens, &ids, format).as_bytes())?;
    Ok(())
}
