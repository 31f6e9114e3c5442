//! The [`Driver`] over sqlx's MySql pool and transactions.

use crate::error::map_error;
use crate::row::MySqlRowRef;
use async_trait::async_trait;
use futures_util::TryStreamExt;
use quarry_core::{Error, Result};
use quarry_query::{Backend, Driver, ExecResult, RowSink, Statement, TxDriver};
use sea_query_sqlx::SqlxValues;
use sqlx::{MySql, MySqlPool, Transaction};
use tokio::sync::Mutex;

async fn execute_on<'e, E>(ex: E, stmt: &Statement) -> Result<ExecResult>
where
    E: sqlx::Executor<'e, Database = MySql>,
{
    let q = sqlx::query_with(
        sqlx::AssertSqlSafe(stmt.sql.clone()),
        SqlxValues(sea_query::Values(stmt.values.clone())),
    );
    let done = q.execute(ex).await.map_err(map_error)?;
    Ok(ExecResult {
        rows_affected: done.rows_affected(),
        last_insert_id: i64::try_from(done.last_insert_id())
            .ok()
            .filter(|id| *id > 0),
    })
}

async fn fetch_on<'e, E>(ex: E, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()>
where
    E: sqlx::Executor<'e, Database = MySql>,
{
    let q = sqlx::query_with(
        sqlx::AssertSqlSafe(stmt.sql.clone()),
        SqlxValues(sea_query::Values(stmt.values.clone())),
    );
    let mut rows = q.fetch(ex);
    while let Some(row) = rows.try_next().await.map_err(map_error)? {
        sink(&MySqlRowRef(&row))?;
    }
    Ok(())
}

/// The pool-level driver.
pub(crate) struct MySqlDriver {
    pool: MySqlPool,
    backend: Backend,
}

impl MySqlDriver {
    pub(crate) fn pool(&self) -> &MySqlPool {
        &self.pool
    }

    pub(crate) fn new(pool: MySqlPool, backend: Backend) -> Self {
        MySqlDriver { pool, backend }
    }
}

#[async_trait]
impl Driver for MySqlDriver {
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
        Ok(Box::new(MySqlTx {
            tx: Mutex::new(Some(tx)),
            backend: self.backend.clone(),
        }))
    }
}

/// A transaction on one connection; dropped without commit, sqlx rolls it back.
pub(crate) struct MySqlTx {
    tx: Mutex<Option<Transaction<'static, MySql>>>,
    backend: Backend,
}

#[async_trait]
impl Driver for MySqlTx {
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
}

#[async_trait]
impl TxDriver for MySqlTx {
    async fn commit(&self) -> Result<()> {
        let tx = self.tx.lock().await.take().ok_or(Error::TransactionDone)?;
        tx.commit().await.map_err(map_error)
    }
    async fn rollback(&self) -> Result<()> {
        let tx = self.tx.lock().await.take().ok_or(Error::TransactionDone)?;
        tx.rollback().await.map_err(map_error)
    }
}
