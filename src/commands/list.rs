use std::io::{BufWriter, Write};

use super::{otplease, Context, PageProgress, Ui};
use crate::error::{AppError, Operation};
use crate::ids::shortest_unique_ids;
use crate::output;
use crate::registry::RegistryClient;

/// npm's minimum id length.
pub const MIN_ID_LEN: usize = 6;

pub async fn run(
    client: &RegistryClient,
    ui: &Ui,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    log::info!("getting the token list");
    let progress = PageProgress::new(ui);
    let on_page = |pages, n| progress.page_done(pages, n);
    let tokens = otplease(client, Operation::List, ctx, || {
        client.list_tokens(&on_page)
    })
    .await?;
    drop(progress);
    let keys: Vec<&str> = tokens.iter().map(|t| t.key()).collect();
    let ids = shortest_unique_ids(&keys, MIN_ID_LEN);
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    output::write_token_list(&mut out, &tokens, &ids, ui.format, ui.paint)?;
    out.flush()?;
    Ok(())
}
