//! Prefixes: the Postgres schema or MySQL database a table is read from and
//! written to (Ecto's query prefix, `@schema_prefix` and a repo's default
//! prefix), for schema-per-tenant applications.
//!
//! A table's prefix is, first found: the query's ([`Query::prefix`]), the
//! schema's (`#[quarry(prefix = "...")]`), the repo's default
//! ([`Repo::with_prefix`]); none of them: the connection's own schema or
//! database, with the table name unqualified as before. A query's prefix
//! holds for every table it names (joins, subqueries, preloads) unless a
//! subquery names its own.
//!
//! A prefix comes from outside (a tenant's name): [`Prefix::new`] takes only a
//! plain identifier and anything else is
//! [`QueryError::InvalidPrefix`](quarry_core::QueryError::InvalidPrefix); it is
//! then quoted as an identifier of the dialect. SQLite has no schemas: a
//! statement with a prefix is [`Error::Unsupported`] there (ATTACHed
//! databases are not supported).
//!
//! [`Query::prefix`]: crate::Query::prefix
//! [`Repo::with_prefix`]: crate::Repo::with_prefix

use crate::driver::{Backend, Driver, ExecResult, PoolStatus, RowSink, RunOptions, TxDriver};
pub use crate::ir::prefix::{is_plain_identifier, IntoPrefix, Prefix};
use crate::statement::Statement;
use async_trait::async_trait;
use quarry_core::{Error, Result, Value};

use crate::ir::prefix::of_schema;

/// The prefix a schema-row statement (insert, update or delete of a struct,
/// an `insert_all`) writes to: the schema's, else the repo's default; refused
/// where the database has no prefixes.
pub(crate) fn for_schema<S: quarry_core::Schema>(
    backend: &crate::driver::Backend,
) -> Result<Option<Prefix>, Error> {
    let p = of_schema(S::PREFIX)?.or(backend.default_prefix);
    if p.is_some() {
        supported(backend)?;
    }
    Ok(p)
}

/// Refuses a prefix where the database has none (SQLite).
pub(crate) fn supported(backend: &crate::driver::Backend) -> Result<(), Error> {
    if backend.capabilities.prefixes {
        Ok(())
    } else {
        Err(Error::Unsupported {
            feature: "prefixes (schemas / databases; ATTACHed databases are not supported)",
            backend: backend.name,
        })
    }
}

/// A sea-query table reference: `prefix.table`, or `table` alone.
pub(crate) fn table_ref(prefix: Option<Prefix>, table: &'static str) -> sea_query::TableRef {
    use sea_query::IntoTableRef;
    match prefix {
        Some(p) => (
            sea_query::Alias::new(p.as_str()),
            sea_query::Alias::new(table),
        )
            .into_table_ref(),
        None => table.into_table_ref(),
    }
}

/// A driver whose backend names a default prefix (a
/// [`Prefixed`](crate::repo::Prefixed) repo's, a prefixed query's preloads'),
/// over `&dyn Driver`; the transactions it opens are one over their
/// `Box<dyn TxDriver>`, so their statements keep the prefix.
pub(crate) struct PrefixedDriver<D> {
    inner: D,
    backend: Backend,
}

impl<'r> PrefixedDriver<&'r dyn Driver> {
    /// `inner` with `prefix` as its default.
    pub(crate) fn new(inner: &'r dyn Driver, prefix: Prefix) -> Self {
        let mut backend = inner.backend().clone();
        backend.default_prefix = Some(prefix);
        PrefixedDriver { inner, backend }
    }
}

#[async_trait]
impl<D> Driver for PrefixedDriver<D>
where
    D: std::ops::Deref + Send + Sync,
    D::Target: Driver,
{
    fn backend(&self) -> &Backend {
        &self.backend
    }
    async fn run(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> Result<ExecResult> {
        self.inner.run(stmt, options, rows).await
    }
    fn run_now(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> Option<Result<ExecResult>> {
        self.inner.run_now(stmt, options, rows)
    }
    fn is_transaction(&self) -> bool {
        self.inner.is_transaction()
    }
    fn pool_status(&self) -> Option<PoolStatus> {
        self.inner.pool_status()
    }
    async fn close(&self, grace: std::time::Duration) -> Result<()> {
        self.inner.close(grace).await
    }
    async fn begin(&self) -> Result<Box<dyn TxDriver>> {
        Ok(Box::new(PrefixedDriver {
            inner: self.inner.begin().await?,
            backend: self.backend.clone(),
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
impl TxDriver for PrefixedDriver<Box<dyn TxDriver>> {
    async fn commit(&self) -> Result<()> {
        self.inner.commit().await
    }
    async fn rollback(&self) -> Result<()> {
        self.inner.rollback().await
    }
}
