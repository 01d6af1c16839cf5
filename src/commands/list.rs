use std::io::{BufWriter, Write};

use super::{otplease, Context, PageProgress};
use crate::error::{AppError, Operation};
use crate::ids::shortest_unique_ids;
use crate::output::Printer;
use crate::registry::RegistryClient;

/// npm's minimum id length.
pub const MIN_ID_LEN: usize = 6;

pub async fn run(
    client: &RegistryClient,
    printer: &Printer,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    log::info!("getting the token list");
    let progress = PageProgress::new(printer);
    let on_page = |pages, n| progress.page_done(pages, n);
    let tokens = otplease(client, Operation::List, ctx, || {
        client.list_tokens(&on_page)
    })
    .await?;
    drop(progress);
    let keys: Vec<&str> = tokens.iter().map(|t| t.key()).collect();
    let ids = shortest_unique_ids(&keys, MIN_ID_LEN);
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    printer.token_list(&mut out, &tokens, &ids)?;
    out.flush()?;
    Ok(())
}
