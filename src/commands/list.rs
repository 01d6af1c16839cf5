use std::io::{BufWriter, Write};

use super::{Context, Listed};
use crate::error::{AppError, Operation};
use crate::hygiene::Filters;
use crate::output::{OutputFormat, Printer};
use crate::registry::RegistryClient;
use crate::token_info::TokenInfo;

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
    // The typed view costs a decode per token: only for filters and the table, and once.
    if filters.is_empty() && printer.format != OutputFormat::Table {
        printer.token_list(&mut out, &listed.tokens, &listed.ids, None)?;
        return Ok(out.flush()?);
    }
    let infos = listed.infos();
    for note in filters.blind_spots(&infos) {
        log::warn!("{note}");
    }
    let chosen: Vec<usize> = (0..infos.len())
        .filter(|&n| filters.reasons(&infos[n], printer.now).is_some())
        .collect();
    if printer.format == OutputFormat::Table {
        if chosen.is_empty() && !filters.is_empty() {
            out.write_all(b"No tokens match.\n")?;
        } else {
            let in_use = listed.in_use(&infos, ctx).one();
            let marked = chosen.iter().position(|&n| Some(n) == in_use);
            let rows: Vec<(&TokenInfo, &str)> = chosen
                .iter()
                .map(|&n| (&infos[n], listed.ids[n].as_str()))
                .collect();
            printer.table(&mut out, &rows, marked)?;
        }
    } else {
        let tokens: Vec<_> = chosen.iter().map(|&n| listed.tokens[n].clone()).collect();
        let ids: Vec<String> = chosen.iter().map(|&n| listed.ids[n].clone()).collect();
        printer.token_list(&mut out, &tokens, &ids, None)?;
    }
    out.flush()?;
    Ok(())
}
