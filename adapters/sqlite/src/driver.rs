//! The [`Driver`] over sqlx's SQLite pool and transactions.

use crate::error::map_error;
use crate::row::SqliteRowRef;
use async_trait::async_trait;
use futures_util::TryStreamExt;
use quarry_core::{Error, Result, Value};
use quarry_query::{Backend, Driver, ExecResult, RowSink, Statement, TxDriver};
use sea_query_sqlx::SqlxValues;
use sqlx::{Sqlite, SqlitePool, Transaction};
use tokio::sync::Mutex;

/// Runs a statement on any sqlx SQLite executor.
async fn execute_on<'e, E>(ex: E, stmt: &Statement) -> Result<ExecResult>
where
    E: sqlx::Executor<'e, Database = Sqlite>,
{
    let q = sqlx::query_with(
        sqlx::AssertSqlSafe(stmt.sql.clone()),
        SqlxValues(sea_query::Values(stmt.values.clone())),
    );
    let done = q.execute(ex).await.map_err(map_error)?;
    Ok(ExecResult {
        rows_affected: done.rows_affected(),
        last_insert_id: Some(done.last_insert_rowid()),
    })
}

/// Streams the rows of a statement on any sqlx SQLite executor into `sink`.
async fn fetch_on<'e, E>(ex: E, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()>
where
    E: sqlx::Executor<'e, Database = Sqlite>,
{
    let q = sqlx::query_with(
        sqlx::AssertSqlSafe(stmt.sql.clone()),
        SqlxValues(sea_query::Values(stmt.values.clone())),
    );
    let mut rows = q.fetch(ex);
    while let Some(row) = rows.try_next().await.map_err(map_error)? {
        sink(&SqliteRowRef(&row))?;
    }
    Ok(())
}

/// The pool-level driver.
pub(crate) struct SqliteDriver {
    pool: SqlitePool,
    backend: Backend,
}

impl SqliteDriver {
    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub(crate) fn new(pool: SqlitePool, backend: Backend) -> Self {
        SqliteDriver { pool, backend }
    }
}

#[async_trait]
impl Driver for SqliteDriver {
    fn backend(&self) -> &Backend {
        &self.backend
    }
    async fn execute(&self, stmt: &Statement) -> Result<ExecResult> {
        execute_on(&self.pool, stmt).await
    }
    async fn fetch(&self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()> {
        fetch_on(&self.pool, stmt, sink).await
    }
    async fn begin(&self) -> Result<Box<dyn TxDriver>> {
        let tx = self.pool.begin().await.map_err(map_error)?;
        Ok(Box::new(SqliteTx {
            tx: Mutex::new(Some(tx)),
            backend: self.backend.clone(),
        }))
    }
    async fn resolve_foreign_key(
        &self,
        table: &str,
        columns: &[(&str, Value)],
    ) -> Result<Option<String>> {
        crate::foreign_key::resolve(self, table, columns).await
    }
}

/// A transaction: one connection inside BEGIN. Dropped without commit, sqlx rolls
/// it back before the connection is reused.
pub(crate) struct SqliteTx {
    tx: Mutex<Option<Transaction<'static, Sqlite>>>,
    backend: Backend,
}

#[async_trait]
impl Driver for SqliteTx {
    fn backend(&self) -> &Backend {
        &self.backend
    }
    async fn execute(&self, stmt: &Statement) -> Result<ExecResult> {
        let mut guard = self.tx.lock().await;
        let tx = guard.as_mut().ok_or(Error::TransactionDone)?;
        execute_on(&mut **tx, stmt).await
    }
    async fn fetch(&self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()> {
        let mut guard = self.tx.lock().await;
        let tx = guard.as_mut().ok_or(Error::TransactionDone)?;
        fetch_on(&mut **tx, stmt, sink).await
    }
    async fn begin(&self) -> Result<Box<dyn TxDriver>> {
        Err(Error::Query(quarry_core::QueryError::NestedBegin))
    }
    async fn resolve_foreign_key(
        &self,
        table: &str,
        columns: &[(&str, Value)],
    ) -> Result<Option<String>> {
        crate::foreign_key::resolve(self, table, columns).await
    }
}

#[async_trait]
impl TxDriver for SqliteTx {
    async fn commit(&self) -> Result<()> {
        let tx = self.tx.lock().await.take().ok_or(Error::TransactionDone)?;
        tx.commit().await.map_err(map_error)
    }
    async fn rollback(&self) -> Result<()> {
        let tx = self.tx.lock().await.take().ok_or(Error::TransactionDone)?;
        tx.rollback().await.map_err(map_error)
    }
}
