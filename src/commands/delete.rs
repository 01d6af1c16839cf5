//! The DELETE engine: revokes a batch of tokens, concurrently, each result reported.

use super::{otplease, Context};
use crate::error::{AppError, Operation};
use crate::hygiene::Target;
use crate::registry::RegistryClient;

/// How many DELETEs are in flight at once.
const CONCURRENT_DELETES: usize = 8;

/// Revokes every target, each result in the targets' order. The first DELETE goes alone,
/// so that a one-time-password challenge is answered once; the rest run concurrently, at
/// most `CONCURRENT_DELETES` at a time, with the password it got.
pub async fn delete_all(
    client: &RegistryClient,
    targets: &[Target],
    ctx: &Context,
) -> Vec<Result<(), AppError>> {
    use futures_util::stream::{self, StreamExt};
    let delete = |target: &Target| {
        let key = target.key.clone();
        async move {
            log::info!("revoking {key}");
            otplease(client, Operation::Revoke, ctx, || client.delete_token(&key)).await
        }
    };
    let Some((first, rest)) = targets.split_first() else {
        return Vec::new();
    };
    let mut results = vec![delete(first).await];
    let mut rest: Vec<(usize, Result<(), AppError>)> = stream::iter(rest.iter().enumerate())
        .map(|(n, target)| {
            let deleted = delete(target);
            async move { (n, deleted.await) }
        })
        .buffer_unordered(CONCURRENT_DELETES)
        .collect()
        .await;
    rest.sort_by_key(|(n, _)| *n);
    results.extend(rest.into_iter().map(|(_, result)| result));
    results
}
