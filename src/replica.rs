//! Read replicas: [`connect`] a repo to a primary and its replicas. Reads go
//! to a replica (round-robin, skipping one that cannot be reached), writes
//! and transactions to the primary; see [`ReplicatedRepo`] and
//! docs/scale-out.md.
//!
//! ```no_run
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> quarry::Result<()> {
//! use quarry::prelude::*;
//! let repo = quarry::replica::connect(
//!     "postgres://app@db-primary/shop",
//!     &["postgres://app@db-replica-1/shop", "postgres://app@db-replica-2/shop"],
//! )
//! .await?;
//! // A replica answers (it may lag behind the primary):
//! let rows = repo.query_raw("SELECT pg_is_in_recovery()", vec![], &[quarry::schema::ValueType::Bool]).await?;
//! // Reading one's own writes: the primary.
//! let n = repo.primary().count(quarry::from::<Product>()).await?;
//! // Writes through the replica handle are refused before they are sent:
//! let refused = repo.replica().execute_raw("DELETE FROM products", vec![]).await;
//! assert!(matches!(refused, Err(quarry::Error::ReadOnly { .. })));
//! # Ok(()) }
//! # #[derive(quarry::Schema, Clone, Debug)]
//! # #[quarry(table = "products")]
//! # struct Product { meta: quarry::Meta, id: i64 }
//! ```

use crate::connect::connect_with as connect_one;
use quarry_core::Result;
use quarry_query::driver::PoolOptions;
pub use quarry_query::replica::{is_read, PrimaryRepo, ReplicaRepo, ReplicatedRepo};

/// Connects to a primary and its replicas with default pool options (each
/// gets a pool of its own). Every server must be reachable now; later a
/// replica that goes away is skipped until it is back.
pub async fn connect(primary_url: &str, replica_urls: &[&str]) -> Result<ReplicatedRepo> {
    connect_with(primary_url, replica_urls, PoolOptions::default()).await
}

/// [`connect`] with pool options (the same for every pool).
pub async fn connect_with(
    primary_url: &str,
    replica_urls: &[&str],
    options: PoolOptions,
) -> Result<ReplicatedRepo> {
    connect_with_retry_after(
        primary_url,
        replica_urls,
        options,
        std::time::Duration::from_secs(5),
    )
    .await
}

/// [`connect_with`], with how long a replica that could not be reached stays
/// out of the rotation before it is tried again.
pub async fn connect_with_retry_after(
    primary_url: &str,
    replica_urls: &[&str],
    options: PoolOptions,
    retry_after: std::time::Duration,
) -> Result<ReplicatedRepo> {
    let primary = connect_one(primary_url, options.clone()).await?;
    let mut replicas = Vec::with_capacity(replica_urls.len());
    for url in replica_urls {
        replicas.push(connect_one(url, options.clone()).await?.into_driver());
    }
    Ok(ReplicatedRepo::with_retry_after(
        primary.into_driver(),
        replicas,
        retry_after,
    ))
}
