//! The DELETE engine: revokes a batch of tokens, concurrently, each result reported.
//!
//! Politely: as many DELETEs in flight as the client allows (64 streams of one HTTP/2
//! connection where the registry offers HTTP/2, else 16 connections), and a 429 holds back
//! the whole batch for its `Retry-After` (the client's doing, see `registry::http`). A
//! DELETE is sent again only after a 429, which means it was not performed: each target
//! gets exactly one result, and a token is never counted twice. A DELETE that meets 429
//! after every retry stops the batch: the DELETEs not yet sent are reported as not sent,
//! in this call and in any later one given the same [`Refused`] (the token in use, revoked
//! after the others, is part of their batch).

use std::cell::Cell;

use super::{otplease, Context};
use crate::error::{AppError, Operation};
use crate::hygiene::Target;
use crate::registry::RegistryClient;

/// Set once a DELETE has met 429 after every retry: the registry keeps refusing, and the
/// batch sends no more (a storm of 429s would otherwise take each DELETE's waits in turn, for
/// hours over a long batch, and ask three times over what the registry asks less of).
#[derive(Default)]
pub struct Refused(Cell<bool>);

/// Revokes every target, each result in the targets' order. The first DELETE goes alone,
/// so that a one-time-password challenge is answered once (and the connection, HTTP/2 or
/// not, is known before the others share it); the rest run concurrently, at most
/// [`RegistryClient::max_in_flight`] at a time, with the password it got.
pub async fn delete_all(
    client: &RegistryClient,
    targets: &[Target],
    refused: &Refused,
    ctx: &Context,
) -> Vec<Result<(), AppError>> {
    use futures_util::stream::{self, StreamExt};
    let refused = &refused.0;
    let delete = |target: &Target| {
        let key = target.key.clone();
        async move {
            if refused.get() {
                ctx.progress.revoked_one();
                return Err(AppError::Failed {
                    code: Some("E429".to_owned()),
                    message: "not sent: the registry kept answering 429 Too Many Requests to this \
                              batch after waiting as long as it asked; try again later"
                        .to_owned(),
                });
            }
            log::info!("revoking {key}");
            let revoked = otplease(client, Operation::Revoke, ctx, || client.delete_token(&key));
            let revoked = revoked.await;
            if revoked.as_ref().is_err_and(|e| e.code() == Some("E429")) {
                refused.set(true);
            }
            ctx.progress.revoked_one();
            revoked
        }
    };
    let Some((first, rest)) = targets.split_first() else {
        return Vec::new();
    };
    let mut results = vec![delete(first).await];
    let in_flight = client.max_in_flight();
    log::debug!(
        "revoking {} more, at most {in_flight} at a time",
        rest.len()
    );
    let mut rest: Vec<(usize, Result<(), AppError>)> = stream::iter(rest.iter().enumerate())
        .map(|(n, target)| {
            let deleted = delete(target);
            async move { (n, deleted.await) }
        })
        .buffer_unordered(in_flight)
        .collect()
        .await;
    rest.sort_by_key(|(n, _)| *n);
    results.extend(rest.into_iter().map(|(_, result)| result));
    results
}
