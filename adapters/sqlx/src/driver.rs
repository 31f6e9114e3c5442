//! The [`Driver`] over quarry's pool of sqlx connections, and its transactions.

use crate::bind::arguments;
use crate::error::{is_fatal, map_error};
use crate::pool::{self, Conn, Pool, Pooled};
use crate::row::{cells, RowRef};
use crate::wire::Wire;
use crate::{SqlxBackend, Timed};
use async_trait::async_trait;
use futures_util::TryStreamExt;
use quarry_core::{Error, Result, Value, ValueType};
use quarry_query::driver::{PoolOptions, PoolStatus, RunOptions};
use quarry_query::{Backend, Driver, ExecResult, Repo, RowSink, Statement, TxDriver};
use sqlx::Database;
use sqlx_core::transaction::TransactionManager;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

type Tm<B> = <<B as SqlxBackend>::Db as Database>::TransactionManager;

/// The SQL `sql` with `values` on one connection.
async fn execute_sql<B: SqlxBackend>(
    conn: &mut Conn<B>,
    named: bool,
    sql: Arc<str>,
    values: &[sea_query::Value],
) -> Result<ExecResult> {
    let args = arguments::<B>(values)?;
    conn.start();
    let q = <B::Db as Wire>::query(sql, args, named);
    let done = <B::Db as Wire>::execute(&mut conn.raw, q)
        .await
        .map_err(map_error::<B>);
    finish(conn, done.map(|d| B::exec_result(&d)))
}

/// A statement on one connection, its rows fed to `sink`.
async fn fetch_on<B: SqlxBackend>(
    conn: &mut Conn<B>,
    named: bool,
    stmt: &Statement,
    sink: &mut RowSink<'_>,
) -> Result<()> {
    fetch_sql(conn, named, stmt.sql.clone(), &stmt.values, sink).await
}

/// The SQL `sql` with `values` on one connection, its rows fed to `sink`.
async fn fetch_sql<B: SqlxBackend>(
    conn: &mut Conn<B>,
    named: bool,
    sql: Arc<str>,
    values: &[sea_query::Value],
    sink: &mut RowSink<'_>,
) -> Result<()> {
    let args = arguments::<B>(values)?;
    conn.start();
    let q = <B::Db as Wire>::query(sql, args, named);
    let mut rows = <B::Db as Wire>::fetch(&mut conn.raw, q);
    let mut kinds = Vec::new();
    let read = loop {
        match rows.try_next().await {
            Ok(Some(row)) => {
                if kinds.is_empty() {
                    kinds = cells::<B>(&row);
                }
                // A sink error stops reading between two rows: the connection
                // stays usable (sqlx drains the rest before its next statement).
                if let Err(e) = sink(&RowRef::<B> {
                    row: &row,
                    cells: &kinds,
                }) {
                    break Err(e);
                }
            }
            Ok(None) => break Ok(()),
            Err(e) => break Err(map_error::<B>(e)),
        }
    };
    drop(rows);
    finish(conn, read)
}

/// The SQL `sql` with `values` on one connection, its rows fed to `sink` if
/// given (then its result is [`ExecResult::default()`]).
async fn run_sql<B: SqlxBackend>(
    conn: &mut Conn<B>,
    named: bool,
    sql: Arc<str>,
    values: &[sea_query::Value],
    sink: Option<&mut RowSink<'_>>,
) -> Result<ExecResult> {
    match sink {
        Some(sink) => fetch_sql(conn, named, sql, values, sink)
            .await
            .map(|()| ExecResult::default()),
        None => execute_sql(conn, named, sql, values).await,
    }
}

/// A statement on one connection, with its timeout (see [`timed_of`]) if
/// any, its rows fed to `sink` if given.
async fn run_stmt<B: SqlxBackend>(
    conn: &mut Conn<B>,
    named: bool,
    stmt: &Statement,
    timed: Option<Timed>,
    sink: Option<&mut RowSink<'_>>,
    in_tx: bool,
) -> Result<ExecResult> {
    match timed {
        // Boxed: its three statements' state would otherwise make every
        // statement's future (moved and boxed on each call) that much larger.
        Some(timed) => Box::pin(run_timed(conn, named, stmt, timed, sink, in_tx)).await,
        None => run_sql(conn, named, stmt.sql.clone(), &stmt.values, sink).await,
    }
}

/// A statement run with a timeout: the backend's statements before and after
/// it on the same connection, its SQL as the backend rewrote it. A failed
/// restore leaves the connection marked busy, so the pool does not reuse it
/// with the statement's timeout still set.
async fn run_timed<B: SqlxBackend>(
    conn: &mut Conn<B>,
    named: bool,
    stmt: &Statement,
    timed: Timed,
    sink: Option<&mut RowSink<'_>>,
    in_tx: bool,
) -> Result<ExecResult> {
    if let Some(before) = timed.before {
        execute_sql(conn, false, before.into(), &[]).await?;
    }
    let sql: Arc<str> = match timed.sql {
        Some(sql) => sql.into(),
        None => stmt.sql.clone(),
    };
    let out = run_sql(conn, named, sql, &stmt.values, sink).await;
    if let Some(after) = timed.after {
        let restored = execute_sql(conn, false, after.into(), &[]).await;
        // In a transaction the failed statement may have aborted it: the
        // restore then fails, and the transaction's end restores instead.
        if restored.is_err() && !(in_tx && out.is_err()) {
            conn.start();
        }
    }
    out
}

/// How a statement with `options` runs on a pool whose own timeout is
/// `default`: `None` when it runs as it is.
fn timed_of<B: SqlxBackend>(
    stmt: &Statement,
    options: RunOptions,
    default: Option<Duration>,
    backend: &Backend,
    in_tx: bool,
) -> Option<Timed> {
    let timeout = options.timeout.or(if B::TIMEOUT_PER_STATEMENT {
        default
    } else {
        None
    })?;
    Some(B::timed(&stmt.sql, timeout, default, backend, in_tx))
}

/// Ends a statement: the connection is usable again unless it failed.
fn finish<B: SqlxBackend, T>(conn: &mut Conn<B>, out: Result<T>) -> Result<T> {
    if !matches!(&out, Err(e) if is_fatal(e)) {
        conn.done();
    }
    out
}

/// Closes a dead connection at once (the pool opens a fresh one when needed) and
/// has the pool's other connections checked before their next use.
fn discard<B: SqlxBackend>(pool: &Pool<B>, conn: Pooled<B>) {
    drop(Pooled::<B>::take(conn));
    pool.manager().suspect_all();
}

/// The pool-level driver.
pub(crate) struct SqlxDriver<B: SqlxBackend> {
    pool: Pool<B>,
    backend: Backend,
    /// Named (cached, server-side) prepared statements.
    named: bool,
    /// The pool's own statement timeout.
    timeout: Option<Duration>,
    /// Behind a transaction-mode pooler (URL `pooler=transaction`): a
    /// statement outside a transaction runs in one of its own, so all its
    /// protocol round trips reach the same server connection.
    pooler: bool,
    /// Set by `close`: no new work is taken.
    closing: AtomicBool,
}

impl<B: SqlxBackend> SqlxDriver<B> {
    /// A connection for new work (refused once the pool is closing).
    async fn get(&self) -> Result<Pooled<B>> {
        if self.closing.load(Ordering::Acquire) {
            return Err(pool::closed::<B>());
        }
        pool::get(&self.pool).await
    }

    /// A statement behind a transaction-mode pooler. sqlx sends an unnamed
    /// statement in two round trips (parse and describe, then bind and
    /// execute), each ending in a Sync after which the pooler may hand the
    /// next one to another server connection. Without values and rows it
    /// goes over the simple protocol (one message: also what `CREATE
    /// DATABASE` needs); otherwise inside BEGIN and COMMIT (sent over the
    /// simple protocol), where the pooler keeps one server connection.
    async fn run_pooled(
        &self,
        conn: &mut Conn<B>,
        stmt: &Statement,
        options: RunOptions,
        sink: Option<&mut RowSink<'_>>,
    ) -> Result<ExecResult> {
        let timed = timed_of::<B>(stmt, options, self.timeout, &self.backend, true);
        if sink.is_none() && stmt.values.is_empty() && timed.is_none() {
            conn.start();
            let done = <B::Db as Wire>::execute_simple(&mut conn.raw, stmt.sql.clone())
                .await
                .map_err(map_error::<B>);
            return finish(conn, done.map(|d| B::exec_result(&d)));
        }
        conn.start();
        let begun = Tm::<B>::begin(&mut conn.raw, None)
            .await
            .map_err(map_error::<B>);
        finish(conn, begun)?;
        let out = run_stmt(conn, false, stmt, timed, sink, true).await;
        conn.start();
        let end = match &out {
            Ok(_) => Tm::<B>::commit(&mut conn.raw).await,
            Err(_) => Tm::<B>::rollback(&mut conn.raw).await,
        }
        .map_err(map_error::<B>);
        let end = finish(conn, end);
        match (out, end) {
            (Ok(r), Ok(())) => Ok(r),
            (Err(e), _) | (Ok(_), Err(e)) => Err(e),
        }
    }
}

#[async_trait]
impl<B: SqlxBackend> Driver for SqlxDriver<B> {
    fn backend(&self) -> &Backend {
        &self.backend
    }

    async fn run(
        &self,
        stmt: &Statement,
        options: RunOptions,
        sink: Option<&mut RowSink<'_>>,
    ) -> Result<ExecResult> {
        let mut conn = self.get().await?;
        let out = if self.pooler {
            // Boxed for the same reason as `run_timed`.
            Box::pin(self.run_pooled(&mut conn, stmt, options, sink)).await
        } else {
            let timed = timed_of::<B>(stmt, options, self.timeout, &self.backend, false);
            run_stmt(&mut conn, self.named, stmt, timed, sink, false).await
        };
        if matches!(&out, Err(e) if is_fatal(e)) {
            discard(&self.pool, conn);
        }
        out
    }

    fn pool_status(&self) -> Option<PoolStatus> {
        Some(pool::status(&self.pool))
    }

    async fn close(&self, grace: Duration) -> Result<()> {
        self.closing.store(true, Ordering::Release);
        let deadline = Instant::now() + grace;
        while pool::status(&self.pool).in_use > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        self.pool.close();
        tracing::info!(target: "quarry::pool", database = B::NAME, "pool closed");
        Ok(())
    }

    async fn begin(&self) -> Result<Box<dyn TxDriver>> {
        let mut conn = self.get().await?;
        conn.start();
        let begun = Tm::<B>::begin(&mut conn.raw, None)
            .await
            .map_err(map_error::<B>);
        match finish(&mut conn, begun) {
            Ok(()) => Ok(Box::new(SqlxTx {
                conn: Mutex::new(Some(conn)),
                pool: self.pool.clone(),
                backend: self.backend.clone(),
                named: self.named,
                timeout: self.timeout,
            })),
            Err(e) => {
                if is_fatal(&e) {
                    discard(&self.pool, conn);
                }
                Err(e)
            }
        }
    }
}

/// A transaction on one connection. Dropped without commit or rollback, its
/// rollback is queued on the connection and sent before the connection's next
/// statement.
pub(crate) struct SqlxTx<B: SqlxBackend> {
    conn: Mutex<Option<Pooled<B>>>,
    pool: Pool<B>,
    backend: Backend,
    named: bool,
    timeout: Option<Duration>,
}

impl<B: SqlxBackend> SqlxTx<B> {
    /// Ends the transaction with `end` (commit or rollback).
    async fn end<F>(&self, end: F) -> Result<()>
    where
        F: for<'c> FnOnce(
            &'c mut <B::Db as Database>::Connection,
        ) -> futures_util::future::BoxFuture<
            'c,
            std::result::Result<(), sqlx::Error>,
        >,
    {
        let mut conn = self
            .conn
            .lock()
            .await
            .take()
            .ok_or(Error::TransactionDone)?;
        conn.start();
        let out = end(&mut conn.raw).await.map_err(map_error::<B>);
        let out = finish(&mut conn, out);
        match &out {
            Err(e) if is_fatal(e) => discard(&self.pool, conn),
            // A failed COMMIT (a deferred constraint) leaves sqlx counting the
            // transaction as open: roll it back before the connection is reused.
            Err(_) if Tm::<B>::get_transaction_depth(&conn.raw) > 0 => {
                Tm::<B>::start_rollback(&mut conn.raw)
            }
            _ => {}
        }
        out
    }
}

impl<B: SqlxBackend> Drop for SqlxTx<B> {
    /// Rolls back now, on a task of its own, so that the transaction's locks go
    /// at once (without a runtime: queued, sent before the connection's next
    /// statement).
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.get_mut().take() else {
            return;
        };
        if Tm::<B>::get_transaction_depth(&conn.raw) == 0 {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            Tm::<B>::start_rollback(&mut conn.raw);
            return;
        };
        let pool = self.pool.clone();
        runtime.spawn(async move {
            conn.start();
            let out = Tm::<B>::rollback(&mut conn.raw)
                .await
                .map_err(map_error::<B>);
            if finish(&mut conn, out).is_err() {
                discard(&pool, conn);
            }
        });
    }
}

#[async_trait]
impl<B: SqlxBackend> Driver for SqlxTx<B> {
    fn backend(&self) -> &Backend {
        &self.backend
    }

    async fn run(
        &self,
        stmt: &Statement,
        options: RunOptions,
        sink: Option<&mut RowSink<'_>>,
    ) -> Result<ExecResult> {
        let mut guard = self.conn.lock().await;
        let conn = guard.as_mut().ok_or(Error::TransactionDone)?;
        let timed = timed_of::<B>(stmt, options, self.timeout, &self.backend, true);
        let out = run_stmt(conn, self.named, stmt, timed, sink, true).await;
        if let Some(conn) = guard.take_if(|_| out.as_ref().is_err_and(is_fatal)) {
            discard(&self.pool, conn);
        }
        out
    }

    async fn begin(&self) -> Result<Box<dyn TxDriver>> {
        Err(Error::Query(quarry_core::QueryError::NestedBegin))
    }
}

#[async_trait]
impl<B: SqlxBackend> TxDriver for SqlxTx<B> {
    async fn commit(&self) -> Result<()> {
        self.end(|c| Box::pin(Tm::<B>::commit(c))).await
    }

    async fn rollback(&self) -> Result<()> {
        self.end(|c| Box::pin(Tm::<B>::rollback(c))).await
    }
}

/// A pool of connections to one database; a [`Repo`]. Cheap to clone.
pub struct SqlxRepo<B: SqlxBackend> {
    driver: Arc<SqlxDriver<B>>,
}

impl<B: SqlxBackend> Clone for SqlxRepo<B> {
    fn clone(&self) -> Self {
        SqlxRepo {
            driver: Arc::clone(&self.driver),
        }
    }
}

impl<B: SqlxBackend> std::fmt::Debug for SqlxRepo<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlxRepo")
            .field("backend", &self.driver.backend)
            .finish()
    }
}

#[async_trait]
impl<B: SqlxBackend> Repo for SqlxRepo<B> {
    fn driver(&self) -> &dyn Driver {
        &*self.driver
    }
}

impl<B: SqlxBackend> SqlxRepo<B> {
    /// The driver, shareable as `Arc<dyn Driver>` (what `quarry::connect` returns).
    pub fn into_driver(self) -> Arc<dyn Driver> {
        self.driver
    }
}

/// Connects to `url` with `options`: opens one connection (so that a wrong URL,
/// password or database fails here) and reads the server's version and
/// capabilities on it.
///
/// Besides the database's own URL parameters, `prepared_statements=false` (or
/// `true`) sets [`PoolOptions::named_prepared_statements`], and
/// `pooler=transaction` says a transaction-mode pooler (PgBouncer) is in
/// between: no named prepared statements, and each statement outside a
/// transaction runs in one of its own (BEGIN and COMMIT over the simple
/// protocol: two more round trips) or, without values and rows, over the
/// simple protocol (see docs/scale-out.md).
pub async fn connect<B: SqlxBackend>(url: &str, options: PoolOptions) -> Result<SqlxRepo<B>> {
    let (url, named, pooler) = own_params::<B>(url)?;
    let named = if pooler { Some(false) } else { named };
    // A statement cache of 0 keeps nothing: sqlx would still name each
    // statement (and leave it on the server), so prepare them unnamed.
    let named =
        named.unwrap_or(options.named_prepared_statements) && options.statement_cache != Some(0);
    let pool = pool::build::<B>(&url, &options)?;
    let mut conn = pool::get(&pool).await?;
    let mut version = String::new();
    let stmt = Statement::raw(B::VERSION_SQL, []);
    if pooler {
        // Its two round trips must reach one server connection (see run_pooled).
        Tm::<B>::begin(&mut conn.raw, None)
            .await
            .map_err(map_error::<B>)?;
    }
    fetch_on(&mut conn, named, &stmt, &mut |row| {
        if let Value::String(v) = row.value(0, ValueType::String)? {
            version = v;
        }
        Ok(())
    })
    .await?;
    if pooler {
        Tm::<B>::commit(&mut conn.raw)
            .await
            .map_err(map_error::<B>)?;
    }
    drop(conn);
    Ok(SqlxRepo {
        driver: Arc::new(SqlxDriver {
            pool,
            backend: B::backend(version),
            named,
            timeout: options.statement_timeout,
            pooler,
            closing: AtomicBool::new(false),
        }),
    })
}

/// `url` without quarry's own parameters `prepared_statements` and `pooler`,
/// and their values.
fn own_params<B: SqlxBackend>(url: &str) -> Result<(String, Option<bool>, bool)> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), None, false));
    };
    let mut named = None;
    let mut pooler = false;
    let mut rest = Vec::new();
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("prepared_statements", v)) => {
                named = Some(match v {
                    "true" | "on" | "1" => true,
                    "false" | "off" | "0" => false,
                    other => {
                        return Err(Error::Connection(quarry_core::ConnectionError::new(
                            quarry_core::ConnectionErrorKind::InvalidUrl,
                            format!(
                                "invalid {} URL: prepared_statements={other} (true or false)",
                                B::NAME
                            ),
                        )))
                    }
                })
            }
            Some(("pooler", v)) => {
                pooler = match v {
                    "transaction" => true,
                    "none" | "session" => false,
                    other => {
                        return Err(Error::Connection(quarry_core::ConnectionError::new(
                            quarry_core::ConnectionErrorKind::InvalidUrl,
                            format!(
                                "invalid {} URL: pooler={other} (transaction, session or none)",
                                B::NAME
                            ),
                        )))
                    }
                }
            }
            _ => rest.push(pair),
        }
    }
    let url = if rest.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    Ok((url, named, pooler))
}
