//! The connection pool: up to `max_connections` rusqlite connections (one for
//! an in-memory database), handed out behind an async semaphore. Taking a free
//! connection is a few atomic operations on the calling task; only a caller
//! that finds none waits (asynchronously, up to the acquire timeout).
//!
//! A connection comes back clean: one returned inside a transaction (a
//! transaction dropped without commit, or a future dropped mid-way) is rolled
//! back first.

use crate::error::open_error;
use crate::url::Target;
use quarry_core::{ConnectionError, ConnectionErrorKind, Error, Result};
use rusqlite::Connection;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::{Semaphore, TryAcquireError};

/// Prepared statements kept per connection when `PoolOptions::statement_cache`
/// is `None` (sqlx's default, which quarry used before).
pub(crate) const DEFAULT_STATEMENT_CACHE: usize = 100;

/// How connections are opened and set up.
pub(crate) struct Setup {
    pub(crate) url: String,
    pub(crate) target: Target,
    pub(crate) busy_timeout: Duration,
    pub(crate) statement_cache: usize,
}

impl Setup {
    /// Opens and sets up one connection: busy timeout, foreign keys on, WAL for
    /// files that may be written, the statement cache size. Statements run on
    /// the calling task then wait for locks asynchronously
    /// ([`crate::exec::run_waiting`]); on the blocking pool, SQLite's busy
    /// timeout sleeps that thread.
    pub(crate) fn open(&self) -> Result<Connection> {
        let t = &self.target;
        let fail = |e| open_error(e, &self.url);
        let conn = Connection::open_with_flags(&t.filename, t.flags).map_err(fail)?;
        // rusqlite takes milliseconds as an i32 (about 24 days).
        let busy = self.busy_timeout.min(Duration::from_millis(i32::MAX as u64));
        conn.busy_timeout(busy).map_err(fail)?;
        conn.execute_batch("PRAGMA foreign_keys = ON").map_err(fail)?;
        if !t.memory && !t.read_only {
            conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
                .map_err(fail)?;
        }
        if !t.spawn_blocking {
            crate::exec::wait_asynchronously(&conn).map_err(fail)?;
        }
        conn.set_prepared_statement_cache_capacity(self.statement_cache);
        Ok(conn)
    }
}

/// The pool behind a [`crate::SqliteRepo`].
pub(crate) struct Pool {
    setup: Setup,
    /// One permit per connection that may be out.
    permits: Semaphore,
    idle: Mutex<Vec<Connection>>,
    /// For each connection a transaction holds, the task that last used it:
    /// a task waiting for a connection that only its own transactions hold
    /// would wait forever.
    tx_tasks: Mutex<Vec<TaskOf>>,
    size: usize,
    acquire_timeout: Duration,
}

/// Who runs the caller: a tokio task, or (for the future a runtime's
/// `block_on` drives, which is no task) the thread it runs on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TaskOf {
    Task(tokio::task::Id),
    Thread(std::thread::ThreadId),
}

impl TaskOf {
    fn current() -> TaskOf {
        match tokio::task::try_id() {
            Some(id) => TaskOf::Task(id),
            None => TaskOf::Thread(std::thread::current().id()),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Pool {
    /// A pool of `size` connections, the first opened now (so a bad path or
    /// URL fails here).
    pub(crate) fn open(setup: Setup, size: usize, acquire_timeout: Duration) -> Result<Arc<Pool>> {
        let size = size.max(1);
        let first = setup.open()?;
        Ok(Arc::new(Pool {
            setup,
            permits: Semaphore::new(size),
            idle: Mutex::new(vec![first]),
            tx_tasks: Mutex::new(Vec::new()),
            size,
            acquire_timeout,
        }))
    }

    /// A connection for the caller: a free one at once, else the first one
    /// freed, within the acquire timeout. Fails at once when every connection is
    /// held by a transaction of the calling task.
    pub(crate) async fn acquire(self: &Arc<Self>) -> Result<PooledConn> {
        match self.permits.try_acquire() {
            Ok(permit) => permit.forget(),
            Err(TryAcquireError::NoPermits) => {
                self.refuse_self_wait()?;
                match tokio::time::timeout(self.acquire_timeout, self.permits.acquire()).await {
                    Ok(Ok(permit)) => permit.forget(),
                    Ok(Err(_)) => return Err(closed()),
                    Err(_) => return Err(self.timed_out()),
                }
            }
            Err(TryAcquireError::Closed) => return Err(closed()),
        }
        let conn = lock(&self.idle).pop();
        let conn = match conn {
            Some(c) => c,
            None => match self.setup.open() {
                Ok(c) => c,
                Err(e) => {
                    self.permits.add_permits(1);
                    return Err(e);
                }
            },
        };
        Ok(PooledConn {
            conn: Some(conn),
            pool: Arc::clone(self),
            tx_task: None,
        })
    }

    /// How long a statement waits for a lock another connection holds.
    pub(crate) fn busy_timeout(&self) -> Duration {
        self.setup.busy_timeout
    }

    fn refuse_self_wait(&self) -> Result<()> {
        let me = TaskOf::current();
        let held = lock(&self.tx_tasks).iter().filter(|t| **t == me).count();
        if held < self.size {
            return Ok(());
        }
        let what = if self.setup.target.memory {
            "the in-memory SQLite database has one connection, and a transaction on this task holds it".to_string()
        } else {
            format!(
                "all {} connections of the SQLite pool are held by transactions on this task",
                self.size
            )
        };
        Err(Error::Connection(ConnectionError::new(
            ConnectionErrorKind::HeldByTransaction,
            format!(
                "{what}: run this statement through the transaction handle (the `tx` of `repo.transaction(|tx| ..)`) instead of the repo, which would wait for the transaction to end"
            ),
        )))
    }

    fn timed_out(&self) -> Error {
        Error::Connection(ConnectionError::new(
            ConnectionErrorKind::PoolTimeout,
            format!(
                "no SQLite connection became free within {:?} (all {} in use)",
                self.acquire_timeout, self.size
            ),
        ))
    }

    /// Records that `now` instead of `before` holds a transaction's connection.
    fn retrack(&self, before: Option<&TaskOf>, now: Option<&TaskOf>) {
        let mut tasks = lock(&self.tx_tasks);
        if let Some(old) = before {
            if let Some(i) = tasks.iter().position(|t| t == old) {
                tasks.swap_remove(i);
            }
        }
        if let Some(new) = now {
            tasks.push(new.clone());
        }
    }

    /// Takes a connection back, rolled back if it is still inside a
    /// transaction. A file connection that cannot be rolled back is closed
    /// (the pool opens a fresh one); the in-memory one is the database, so it
    /// is kept.
    fn give_back(&self, conn: Connection) {
        let clean = conn.is_autocommit()
            || crate::exec::run_sql(&conn, "ROLLBACK").is_ok()
            || conn.is_autocommit();
        if clean || self.setup.target.memory {
            lock(&self.idle).push(conn);
        }
        self.permits.add_permits(1);
    }
}

fn closed() -> Error {
    Error::Connection(ConnectionError::new(
        ConnectionErrorKind::PoolClosed,
        "the SQLite pool is closed",
    ))
}

/// A connection out of the pool; dropping it gives it back.
pub(crate) struct PooledConn {
    conn: Option<Connection>,
    pool: Arc<Pool>,
    /// Set while a transaction holds the connection: the task that last used it.
    tx_task: Option<TaskOf>,
}

impl PooledConn {
    /// The connection.
    pub(crate) fn conn(&self) -> Result<&Connection> {
        self.conn.as_ref().ok_or(Error::TransactionDone)
    }

    /// Marks the connection as held by a transaction of the calling task.
    pub(crate) fn hold_for_transaction(&mut self) {
        self.touch();
    }

    /// Records the calling task as the one using this transaction's connection
    /// (a transaction may move between tasks).
    pub(crate) fn touch(&mut self) {
        let now = TaskOf::current();
        if self.tx_task.as_ref() != Some(&now) {
            self.pool.retrack(self.tx_task.as_ref(), Some(&now));
            self.tx_task = Some(now);
        }
    }
}

impl Drop for PooledConn {
    fn drop(&mut self) {
        if let Some(task) = self.tx_task.take() {
            self.pool.retrack(Some(&task), None);
        }
        if let Some(conn) = self.conn.take() {
            self.pool.give_back(conn);
        }
    }
}
