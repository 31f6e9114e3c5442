//! [`Timed`]: a repo whose statements run with a timeout of their own
//! ([`Repo::with_timeout`]).

use super::{Repo, Transaction};
use crate::driver::{refuse_options, Backend, Driver, ExecResult, RowSink, RunOptions, TxDriver};
use crate::statement::Statement;
use async_trait::async_trait;
use quarry_core::{Result, Value};

/// A repo whose every statement runs with [`RunOptions`] (a statement
/// timeout): what [`Repo::with_timeout`] gives. Transactions it opens keep the
/// timeout for their statements.
pub struct Timed<'r, R: ?Sized> {
    repo: &'r R,
    driver: TimedDriver<&'r dyn Driver>,
}

impl<'r, R: Repo + ?Sized> Timed<'r, R> {
    pub(crate) fn new(repo: &'r R, options: RunOptions) -> Self {
        Timed {
            repo,
            driver: TimedDriver {
                inner: repo.driver(),
                options,
            },
        }
    }
}

impl<R: ?Sized> std::fmt::Debug for Timed<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timed")
            .field("options", &self.driver.options)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl<R: Repo + ?Sized> Repo for Timed<'_, R> {
    fn driver(&self) -> &dyn Driver {
        &self.driver
    }

    /// A transaction whose statements keep this timeout; inside a transaction
    /// (a savepoint) the savepoint's statements do not.
    async fn begin(&self) -> Result<Transaction> {
        if self.repo.driver().is_transaction() {
            // A transaction handle: nesting goes through its savepoints.
            return self.repo.begin().await;
        }
        Ok(Transaction::new(self.driver.begin().await?))
    }
}

/// The driver of a [`Timed`] repo (over `&dyn Driver`) and of the
/// transactions it opens (over their `Box<dyn TxDriver>`): every statement
/// runs with `options`.
struct TimedDriver<D> {
    inner: D,
    options: RunOptions,
}

#[async_trait]
impl<D> Driver for TimedDriver<D>
where
    D: std::ops::Deref + Send + Sync,
    D::Target: Driver,
{
    fn backend(&self) -> &Backend {
        self.inner.backend()
    }
    async fn run(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> Result<ExecResult> {
        refuse_options(self.backend(), options)?;
        self.inner.run(stmt, self.options, rows).await
    }
    fn run_now(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> Option<Result<ExecResult>> {
        if options.timeout.is_some() {
            // `run` refuses it.
            return None;
        }
        self.inner.run_now(stmt, self.options, rows)
    }
    /// A transaction whose statements keep the options (inside one, the
    /// inner driver refuses to begin another).
    async fn begin(&self) -> Result<Box<dyn TxDriver>> {
        Ok(Box::new(TimedDriver {
            inner: self.inner.begin().await?,
            options: self.options,
        }))
    }
    async fn resolve_foreign_key(
        &self,
        table: &str,
        columns: &[(&str, Value)],
    ) -> Result<Option<String>> {
        self.inner.resolve_foreign_key(table, columns).await
    }
}

#[async_trait]
impl TxDriver for TimedDriver<Box<dyn TxDriver>> {
    async fn commit(&self) -> Result<()> {
        self.inner.commit().await
    }
    async fn rollback(&self) -> Result<()> {
        self.inner.rollback().await
    }
}
