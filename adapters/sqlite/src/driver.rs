//! The [`Driver`] over the pool, and the transaction [`TxDriver`]. By default a
//! statement runs right here, on the calling task: the connection is taken
//! from the pool without leaving the thread, the statement is prepared (or
//! found in the connection's cache), bound and stepped, and each row is handed
//! to the sink while SQLite holds it. With `spawn_blocking=true` the same work
//! runs on tokio's blocking pool ([`crate::blocking`]).

use crate::blocking;
use crate::exec::{self, Slot};
use crate::pool::{LentConn, Pool, PooledConn};
use crate::row::SqliteRow;
use async_trait::async_trait;
use quarry_core::{Error, Result, Value};
use quarry_query::driver::{PoolStatus, RunOptions};
use quarry_query::{Backend, Driver, ExecResult, RowSink, Statement, TxDriver};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

impl Slot for PooledConn {
    fn connection(&mut self) -> Result<&crate::statements::Conn> {
        self.conn()
    }
}

impl Slot for LentConn<'_> {
    fn connection(&mut self) -> Result<&crate::statements::Conn> {
        self.conn()
    }
}

/// A transaction's slot hands out its connection checked to still be inside
/// the transaction: SQLite ends a transaction by itself on some errors (an
/// interrupted write, a full disk), and what follows must not run outside it
/// unnoticed.
impl Slot for Option<PooledConn> {
    fn connection(&mut self) -> Result<&crate::statements::Conn> {
        let pooled = self.as_mut().ok_or_else(|| Error::TransactionDone)?;
        pooled.touch();
        let conn = pooled.conn()?;
        if conn.is_autocommit() {
            return Err(Error::TransactionDone);
        }
        Ok(conn)
    }
}

/// Runs `stmt` on `conn`, feeding its rows to `rows` if given (the attempt
/// that [`exec::run_waiting`] and [`exec::run_once`] make), interrupted at
/// `deadline`.
fn attempt(
    conn: &crate::statements::Conn,
    stmt: &Statement,
    rows: &mut Option<&mut RowSink<'_>>,
    progressed: &mut bool,
    deadline: Option<Instant>,
) -> Result<ExecResult> {
    exec::with_deadline(conn, deadline, || match rows {
        Some(sink) => exec::run(conn, stmt, progressed, false, |row| sink(&SqliteRow(row))),
        None => exec::run(conn, stmt, progressed, true, |_| Ok(())),
    })
}

/// Runs `stmt` here on the slot's connection, feeding its rows to `rows` if
/// given, waiting out locks, interrupted at `deadline`.
async fn run_inline<S: Slot + Send>(
    slot: &mut S,
    patience: std::time::Duration,
    stmt: &Statement,
    mut rows: Option<&mut RowSink<'_>>,
    deadline: Option<Instant>,
) -> Result<ExecResult> {
    exec::run_waiting(slot, patience, |conn, progressed| {
        attempt(conn, stmt, &mut rows, progressed, deadline)
    })
    .await
}

/// Runs `stmt` on the blocking pool, the connection held by `holder`.
async fn run_blocking<H: blocking::Holder>(
    holder: H,
    stmt: &Statement,
    rows: Option<&mut RowSink<'_>>,
    deadline: Option<Instant>,
) -> Result<ExecResult> {
    match rows {
        Some(sink) => blocking::fetch(holder, stmt, sink, deadline).await,
        None => blocking::execute(holder, stmt, deadline).await,
    }
}

/// When a statement run now with `options` is interrupted: the call's
/// timeout, else the pool's.
fn deadline(options: RunOptions, default: Option<Duration>) -> Option<Instant> {
    options.timeout.or(default).map(|t| Instant::now() + t)
}

/// The pool-level driver.
pub(crate) struct SqliteDriver {
    pool: Arc<Pool>,
    backend: Backend,
    spawn_blocking: bool,
    /// The pool's statement timeout.
    timeout: Option<Duration>,
}

impl SqliteDriver {
    pub(crate) fn new(
        pool: Arc<Pool>,
        backend: Backend,
        spawn_blocking: bool,
        timeout: Option<Duration>,
    ) -> Self {
        SqliteDriver {
            pool,
            backend,
            spawn_blocking,
            timeout,
        }
    }
}

#[async_trait]
impl Driver for SqliteDriver {
    fn backend(&self) -> &Backend {
        &self.backend
    }
    async fn run(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> Result<ExecResult> {
        let mut conn = self.pool.acquire().await?;
        let deadline = deadline(options, self.timeout);
        if self.spawn_blocking {
            return run_blocking(conn, stmt, rows, deadline).await;
        }
        run_inline(&mut conn, self.pool.busy_timeout(), stmt, rows, deadline).await
    }
    /// With a free connection (and not in `spawn_blocking` mode): the
    /// statement runs at once, as `run` would run it.
    fn run_now(
        &self,
        stmt: &Statement,
        options: RunOptions,
        mut rows: Option<&mut RowSink<'_>>,
    ) -> Option<Result<ExecResult>> {
        if self.spawn_blocking {
            return None;
        }
        let mut conn = match self.pool.try_lend()? {
            Ok(conn) => conn,
            Err(e) => return Some(Err(e)),
        };
        let deadline = deadline(options, self.timeout);
        exec::run_once(&mut conn, |conn, progressed| {
            attempt(conn, stmt, &mut rows, progressed, deadline)
        })
    }
    fn pool_status(&self) -> Option<PoolStatus> {
        Some(self.pool.status())
    }
    async fn close(&self, grace: Duration) -> Result<()> {
        self.pool.close(grace).await;
        Ok(())
    }
    async fn begin(&self) -> Result<Box<dyn TxDriver>> {
        let mut conn = self.pool.acquire().await?;
        // A deferred BEGIN takes no lock: it is instant in either mode.
        exec::run_sql(conn.conn()?, "BEGIN")?;
        conn.hold_for_transaction();
        Ok(Box::new(SqliteTx {
            slot: Arc::new(Mutex::new(Some(conn))),
            backend: self.backend.clone(),
            spawn_blocking: self.spawn_blocking,
            patience: self.pool.busy_timeout(),
            timeout: self.timeout,
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

/// A transaction: one connection inside BEGIN, in a slot its statements take
/// in turn. Dropped without commit (or with a statement's future dropped
/// mid-way), the connection is rolled back when it goes back to the pool.
pub(crate) struct SqliteTx {
    slot: Arc<Mutex<Option<PooledConn>>>,
    backend: Backend,
    spawn_blocking: bool,
    /// How long a statement waits for a lock another connection holds.
    patience: std::time::Duration,
    /// The pool's statement timeout.
    timeout: Option<Duration>,
}

impl SqliteTx {
    async fn lock(&self) -> tokio::sync::MutexGuard<'_, Option<PooledConn>> {
        match self.slot.try_lock() {
            Ok(guard) => guard,
            Err(_) => self.slot.lock().await,
        }
    }

    /// Takes the connection out to end the transaction with `sql`. Whatever
    /// happens, the connection then goes back to the pool (rolled back if the
    /// statement failed).
    async fn finish(&self, sql: &'static str) -> Result<()> {
        let mut conn = self
            .lock()
            .await
            .take()
            .ok_or_else(|| Error::TransactionDone)?;
        if conn.conn()?.is_autocommit() {
            // SQLite already rolled it back.
            return if sql == "COMMIT" {
                Err(Error::TransactionDone)
            } else {
                Ok(())
            };
        }
        if self.spawn_blocking {
            blocking::run_sql(conn, sql).await
        } else {
            // A COMMIT may wait for readers (rollback journal).
            exec::run_waiting(&mut conn, self.patience, |c, _| exec::run_sql(c, sql)).await
        }
    }
}

#[async_trait]
impl Driver for SqliteTx {
    fn backend(&self) -> &Backend {
        &self.backend
    }
    async fn run(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> Result<ExecResult> {
        let deadline = deadline(options, self.timeout);
        if self.spawn_blocking {
            let mut guard = Arc::clone(&self.slot).lock_owned().await;
            guard.connection()?;
            return run_blocking(guard, stmt, rows, deadline).await;
        }
        let mut guard = self.lock().await;
        run_inline(&mut *guard, self.patience, stmt, rows, deadline).await
    }
    /// When no other statement of the transaction holds its connection (and
    /// not in `spawn_blocking` mode): the statement runs at once, as `run`
    /// would run it.
    fn run_now(
        &self,
        stmt: &Statement,
        options: RunOptions,
        mut rows: Option<&mut RowSink<'_>>,
    ) -> Option<Result<ExecResult>> {
        if self.spawn_blocking {
            return None;
        }
        let mut guard = self.slot.try_lock().ok()?;
        let deadline = deadline(options, self.timeout);
        exec::run_once(&mut *guard, |conn, progressed| {
            attempt(conn, stmt, &mut rows, progressed, deadline)
        })
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
        self.finish("COMMIT").await
    }
    async fn rollback(&self) -> Result<()> {
        self.finish("ROLLBACK").await
    }
}
