use std::io::{BufWriter, Write};

use super::{Context, Listed};
use crate::error::{AppError, Operation};
use crate::hygiene::Filters;
use crate::output::{OutputFormat, Printer};
use crate::registry::RegistryClient;

/// Lists the tokens (those the filters match, when given) in the printer's format; in a
/// table, the token this configuration uses is marked.
pub async fn run(
    client: &RegistryClient,
    filters: &Filters,
    printer: &Printer,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    let listed = Listed::fetch(client, ctx, Operation::List).await?;
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    // The typed view costs a decode per token: only for filters and the table.
    if filters.is_empty() && printer.format != OutputFormat::Table {
        printer.token_list(&mut out, &listed.tokens, &listed.ids, None)?;
        return Ok(out.flush()?);
    }
    let infos = listed.infos();
    let in_use = listed.in_use(&infos, ctx).one();
    for note in filters.blind_spots(&infos) {
        log::warn!("{note}");
    }
    let mut tokens = Vec::new();
    let mut ids = Vec::new();
    let mut marked = None;
    for (n, info) in infos.iter().enumerate() {
        if filters.reasons(info, printer.now).is_some() {
            if in_use == Some(n) {
                marked = Some(tokens.len());
            }
            tokens.push(listed.tokens[n].clone());
            ids.push(listed.ids[n].clone());
        }
    }
    if tokens.is_empty() && printer.format == OutputFormat::Table && !filters.is_empty() {
        out.write_all(b"No tokens match.\n")?;
    } else {
        printer.token_list(&mut out, &tokens, &ids, marked)?;
    }
    out.flush()?;
    Ok(())
}
