//! The sandbox: one connection inside a transaction that is never committed.
//!
//! Every statement of a [`Sandbox`] runs on that connection. A transaction
//! opened on it is a savepoint (`quarry_sandbox_N`), so its commit is a
//! `RELEASE SAVEPOINT` and the outer rollback still undoes it. While a task
//! has a transaction open, the connection is its own: statements and
//! transactions of other tasks wait until it ends (as they would wait for a
//! connection of their own or for its row locks), statements of the same task
//! run inside it. On PostgreSQL, where a failed statement aborts the whole
//! transaction, a statement outside any transaction runs in a savepoint of its
//! own, so a failed one (an expected constraint error) leaves the sandbox
//! usable, as it leaves a pool usable.

use async_trait::async_trait;
use quarry_core::{ConnectionError, ConnectionErrorKind, Error, ErrorClass, Result, Value};
use quarry_query::driver::{Backend, Driver, DriverExt, ExecResult, RowSink, RunOptions, TxDriver};
use quarry_query::{Dialect, Repo, Statement};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// Which task runs this code: a spawned task's id, `None` for a runtime's
/// `block_on` future (the test body itself).
type TaskId = Option<tokio::task::Id>;

fn current_task() -> TaskId {
    tokio::task::try_id()
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The savepoint a PostgreSQL statement outside a transaction runs in.
const STATEMENT_SAVEPOINT: &str = "quarry_sandbox_stmt";

/// How long a task waits for a transaction of another task to end, by
/// default.
const DEFAULT_WAIT: Duration = Duration::from_secs(30);

/// A repo whose every statement runs inside one transaction that is rolled
/// back at the end: the test sandbox (Ecto's `Ecto.Adapters.SQL.Sandbox`).
///
/// Cheap to clone; clones (handed to spawned tasks) share the transaction.
/// [`Sandbox::rollback`] ends it; dropping the last clone rolls it back too
/// (also when a test panics), and the connection never goes back to its pool
/// with the transaction open. `#[quarry::test]` makes one per test; see
/// [`crate::testing`] for what a sandboxed test can and cannot do.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> quarry::Result<()> {
/// use quarry::prelude::*;
/// use quarry::testing::Sandbox;
///
/// let repo = quarry::connect("sqlite::memory:").await?;
/// repo.execute_raw("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)", vec![]).await?;
///
/// let sandbox = Sandbox::new(&repo).await?;
/// sandbox
///     .transaction(|tx| Box::pin(async move {
///         // Committed... into a savepoint of the sandbox.
///         tx.execute_raw("INSERT INTO notes (body) VALUES ('hi')", vec![]).await
///     }))
///     .await?;
/// assert_eq!(sandbox.query_raw("SELECT id FROM notes", vec![], &[]).await?.len(), 1);
/// sandbox.rollback().await?;
/// # drop(sandbox);
///
/// assert!(repo.query_raw("SELECT id FROM notes", vec![], &[]).await?.is_empty());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("backend", self.inner.conn.backend())
            .field("ended", &self.inner.ended.load(Ordering::Acquire))
            .finish()
    }
}

struct Inner {
    /// The outer transaction (the adapter rolls it back when dropped).
    conn: Box<dyn TxDriver>,
    /// Held by a task's open transaction for as long as it is open.
    owner: Arc<AsyncMutex<()>>,
    /// The task whose transaction holds `owner`.
    holder: Mutex<Option<TaskId>>,
    /// Savepoint rollbacks owed by transactions dropped without commit, sent
    /// before the next statement.
    owed: Mutex<Vec<String>>,
    /// The number of the next savepoint.
    next: AtomicU64,
    /// PostgreSQL: a statement outside a transaction runs in a savepoint.
    wrap: bool,
    /// The outer transaction is over (rolled back, or ended by the database).
    ended: AtomicBool,
    /// How long to wait for another task's transaction.
    wait: Duration,
}

impl Inner {
    fn held_here(&self) -> bool {
        *lock(&self.holder) == Some(current_task())
    }

    async fn sql(&self, sql: &str) -> Result<()> {
        self.conn
            .execute(&Statement::raw(sql.to_string(), []))
            .await
            .map(drop)
    }

    /// Sends what dropped transactions owe.
    async fn settle(&self) -> Result<()> {
        if self.ended.load(Ordering::Acquire) {
            return Err(Error::TransactionDone);
        }
        let owed = std::mem::take(&mut *lock(&self.owed));
        for sql in owed {
            self.sql(&sql).await?;
        }
        Ok(())
    }

    /// Notes an error that ended the outer transaction: a deadlock on
    /// MySQL/MariaDB rolls the whole transaction back, and later statements
    /// would run (and commit) outside it.
    fn note<T>(&self, out: Result<T>) -> Result<T> {
        if let Err(e) = &out {
            if e.class() == ErrorClass::Deadlock && self.conn.backend().dialect == Dialect::MySql {
                self.ended.store(true, Ordering::Release);
            }
        }
        out
    }

    /// Runs a statement on the connection as it is.
    async fn direct(
        &self,
        stmt: &Statement,
        options: RunOptions,
        sink: Option<&mut RowSink<'_>>,
    ) -> Result<ExecResult> {
        let out = self.conn.run(stmt, options, sink).await;
        self.note(out)
    }

    /// Waits for the connection: until no other task has a transaction open.
    async fn acquire(&self) -> Result<OwnedMutexGuard<()>> {
        match tokio::time::timeout(self.wait, Arc::clone(&self.owner).lock_owned()).await {
            Ok(guard) => Ok(guard),
            Err(_) => Err(Error::Connection(ConnectionError::new(
                ConnectionErrorKind::PoolTimeout,
                format!(
                    "the sandbox's connection was held by another task's transaction for more than {:?}: \
                     a task that waits for another task while it holds a transaction of the sandbox \
                     never gets it back (see docs/testing.md)",
                    self.wait
                ),
            ))),
        }
    }

    /// A statement outside any transaction of this task.
    async fn outside(
        &self,
        stmt: &Statement,
        options: RunOptions,
        sink: Option<&mut RowSink<'_>>,
    ) -> Result<ExecResult> {
        if self.held_here() {
            // Inside this task's own transaction: it sees that transaction's
            // rows, as everything of one test does in Ecto's sandbox.
            self.settle().await?;
            return self.direct(stmt, options, sink).await;
        }
        let _guard = self.acquire().await?;
        self.settle().await?;
        if !self.wrap {
            return self.direct(stmt, options, sink).await;
        }
        self.sql(&format!("SAVEPOINT {STATEMENT_SAVEPOINT}"))
            .await?;
        let mut pending = Owed::new(self, STATEMENT_SAVEPOINT);
        let out = self.direct(stmt, options, sink).await;
        let end = match &out {
            Ok(_) => format!("RELEASE SAVEPOINT {STATEMENT_SAVEPOINT}"),
            Err(_) => format!("ROLLBACK TO SAVEPOINT {STATEMENT_SAVEPOINT}"),
        };
        self.sql(&end).await?;
        if out.is_err() {
            self.sql(&format!("RELEASE SAVEPOINT {STATEMENT_SAVEPOINT}"))
                .await?;
        }
        pending.disarm();
        out
    }
}

/// A savepoint whose rollback is owed if the future running in it is dropped
/// before it ends.
struct Owed<'a> {
    inner: &'a Inner,
    savepoint: &'a str,
    armed: bool,
}

impl<'a> Owed<'a> {
    fn new(inner: &'a Inner, savepoint: &'a str) -> Self {
        Owed {
            inner,
            savepoint,
            armed: true,
        }
    }
    fn disarm(&mut self) {
        self.armed = false;
    }
}

impl Drop for Owed<'_> {
    fn drop(&mut self) {
        if self.armed {
            owe_rollback(self.inner, self.savepoint);
        }
    }
}

fn owe_rollback(inner: &Inner, savepoint: &str) {
    let mut owed = lock(&inner.owed);
    owed.push(format!("ROLLBACK TO SAVEPOINT {savepoint}"));
    owed.push(format!("RELEASE SAVEPOINT {savepoint}"));
}

impl Sandbox {
    /// Opens a sandbox on a connection of `repo`'s pool: a transaction that
    /// is only ever rolled back. `repo` must be a pool (a repo from
    /// [`connect`](crate::connect)), not a transaction.
    pub async fn new<R: Repo + ?Sized>(repo: &R) -> Result<Sandbox> {
        Sandbox::from_driver(repo.driver()).await
    }

    /// [`Sandbox::new`] on a driver.
    pub async fn from_driver(driver: &dyn Driver) -> Result<Sandbox> {
        let conn = driver.begin().await?;
        let wrap = conn.backend().dialect == Dialect::Postgres;
        Ok(Sandbox {
            inner: Arc::new(Inner {
                conn,
                owner: Arc::new(AsyncMutex::new(())),
                holder: Mutex::new(None),
                owed: Mutex::new(Vec::new()),
                next: AtomicU64::new(1),
                wrap,
                ended: AtomicBool::new(false),
                wait: DEFAULT_WAIT,
            }),
        })
    }

    /// Rolls the sandbox back now: everything it wrote is gone, and every
    /// clone's later statements fail with [`Error::TransactionDone`].
    pub async fn rollback(&self) -> Result<()> {
        if self.inner.ended.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        self.inner.conn.rollback().await
    }

    /// Whether the sandbox is over: rolled back, or its transaction ended by
    /// the database (a deadlock on MySQL/MariaDB ends the whole
    /// transaction; the sandbox then refuses further statements rather than
    /// run them outside it).
    pub fn is_ended(&self) -> bool {
        self.inner.ended.load(Ordering::Acquire)
    }
}

#[async_trait]
impl Driver for Sandbox {
    fn backend(&self) -> &Backend {
        self.inner.conn.backend()
    }
    async fn run(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> Result<ExecResult> {
        self.inner.outside(stmt, options, rows).await
    }
    async fn begin(&self) -> Result<Box<dyn TxDriver>> {
        let inner = &self.inner;
        let savepoint = format!(
            "quarry_sandbox_{}",
            inner.next.fetch_add(1, Ordering::Relaxed)
        );
        let guard = if inner.held_here() {
            None
        } else {
            let guard = inner.acquire().await?;
            *lock(&inner.holder) = Some(current_task());
            Some(guard)
        };
        let tx = SandboxTx {
            inner: Arc::clone(inner),
            savepoint,
            guard: Mutex::new(guard),
            finished: AtomicBool::new(false),
        };
        let begun = match inner.settle().await {
            Ok(()) => inner.sql(&format!("SAVEPOINT {}", tx.savepoint)).await,
            Err(e) => Err(e),
        };
        match begun {
            Ok(()) => Ok(Box::new(tx)),
            Err(e) => {
                tx.finish();
                Err(e)
            }
        }
    }
    async fn resolve_foreign_key(
        &self,
        table: &str,
        columns: &[(&str, Value)],
    ) -> Result<Option<String>> {
        self.inner.conn.resolve_foreign_key(table, columns).await
    }
}

#[async_trait]
impl Repo for Sandbox {
    fn driver(&self) -> &dyn Driver {
        self
    }
}

/// A transaction opened on a sandbox: a savepoint of its transaction.
struct SandboxTx {
    inner: Arc<Inner>,
    savepoint: String,
    /// The connection, while this (outermost of its task) transaction is open.
    guard: Mutex<Option<OwnedMutexGuard<()>>>,
    finished: AtomicBool,
}

impl SandboxTx {
    /// Marks the transaction over and gives the connection back.
    fn finish(&self) {
        self.finished.store(true, Ordering::Release);
        let guard = lock(&self.guard).take();
        if guard.is_some() {
            *lock(&self.inner.holder) = None;
        }
        drop(guard);
    }

    async fn end(&self, commit: bool) -> Result<()> {
        if self.finished.load(Ordering::Acquire) {
            return Err(Error::TransactionDone);
        }
        let sp = &self.savepoint;
        let out = async {
            self.inner.settle().await?;
            if commit {
                match self.inner.sql(&format!("RELEASE SAVEPOINT {sp}")).await {
                    Ok(()) => return Ok(()),
                    Err(e) => {
                        // An aborted transaction (PostgreSQL) cannot be
                        // released: roll it back, as COMMIT would.
                        let _ = self.rollback_to().await;
                        return Err(e);
                    }
                }
            }
            self.rollback_to().await
        }
        .await;
        self.finish();
        out
    }

    async fn rollback_to(&self) -> Result<()> {
        let sp = &self.savepoint;
        self.inner
            .sql(&format!("ROLLBACK TO SAVEPOINT {sp}"))
            .await?;
        self.inner.sql(&format!("RELEASE SAVEPOINT {sp}")).await
    }
}

impl Drop for SandboxTx {
    fn drop(&mut self) {
        if !self.finished.load(Ordering::Acquire) {
            owe_rollback(&self.inner, &self.savepoint);
            self.finish();
        }
    }
}

#[async_trait]
impl Driver for SandboxTx {
    fn backend(&self) -> &Backend {
        self.inner.conn.backend()
    }
    async fn run(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> Result<ExecResult> {
        self.inner.settle().await?;
        self.inner.direct(stmt, options, rows).await
    }
    fn is_transaction(&self) -> bool {
        true
    }
    async fn begin(&self) -> Result<Box<dyn TxDriver>> {
        Err(Error::Query(quarry_core::QueryError::NestedBegin))
    }
    async fn resolve_foreign_key(
        &self,
        table: &str,
        columns: &[(&str, Value)],
    ) -> Result<Option<String>> {
        self.inner.conn.resolve_foreign_key(table, columns).await
    }
}

#[async_trait]
impl TxDriver for SandboxTx {
    async fn commit(&self) -> Result<()> {
        self.end(true).await
    }
    async fn rollback(&self) -> Result<()> {
        self.end(false).await
    }
}
