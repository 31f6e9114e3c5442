//! [`Prefixed`]: a repo whose statements target a prefix by default
//! ([`Repo::with_prefix`]).

use super::{Repo, Transaction};
use crate::driver::Driver;
use crate::prefix::{Prefix, PrefixedDriver};
use async_trait::async_trait;
use quarry_core::Result;

/// A repo whose every statement — reads, writes, preloads, aggregates, bulk
/// writes, and those of the transactions it opens — targets a prefix (a
/// Postgres schema, a MySQL database) where neither the query
/// ([`Query::prefix`](crate::Query::prefix)) nor the schema
/// (`#[quarry(prefix = "...")]`) names one: what [`Repo::with_prefix`] gives,
/// Ecto's `default_options` / `prefix:` option. Raw SQL runs as written.
pub struct Prefixed<'r, R: ?Sized> {
    repo: &'r R,
    prefix: Prefix,
    driver: PrefixedDriver<&'r dyn crate::driver::Driver>,
}

impl<'r, R: Repo + ?Sized> Prefixed<'r, R> {
    pub(crate) fn new(repo: &'r R, prefix: Prefix) -> Self {
        Prefixed {
            repo,
            prefix,
            driver: PrefixedDriver::new(repo.driver(), prefix),
        }
    }

    /// The prefix this repo's statements target by default.
    pub fn prefix(&self) -> Prefix {
        self.prefix
    }
}

impl<R: ?Sized> std::fmt::Debug for Prefixed<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prefixed")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl<R: Repo + ?Sized> Repo for Prefixed<'_, R> {
    fn driver(&self) -> &dyn Driver {
        &self.driver
    }

    /// A transaction whose statements keep this prefix (inside a
    /// transaction: a savepoint, keeping it too).
    async fn begin(&self) -> Result<Transaction> {
        if self.repo.driver().is_transaction() {
            let savepoint = self.repo.begin().await?;
            return Ok(savepoint.with_backend(self.driver.backend().clone()));
        }
        Ok(Transaction::new(self.driver.begin().await?))
    }
}
