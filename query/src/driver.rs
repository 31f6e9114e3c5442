//! The adapter boundary. An adapter implements [`Driver`] (and [`TxDriver`] for its
//! transactions); everything else — every Repo operation — is shared.
//!
//! Nothing here names a driver crate: a statement goes in as SQL and
//! sea-query values, rows come back through quarry's [`Row`] trait.

use crate::dialect::Dialect;
use crate::statement::Statement;
use async_trait::async_trait;
pub use quarry_core::PoolStatus;
use quarry_core::{Result, Row, Value};
use std::future::Future;

/// What a database can do, detected when the adapter connects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// `INSERT ... RETURNING`.
    pub insert_returning: bool,
    /// `UPDATE ... RETURNING`.
    pub update_returning: bool,
    /// `DELETE ... RETURNING`.
    pub delete_returning: bool,
    /// DDL inside transactions.
    pub transactional_ddl: bool,
    /// `FOR UPDATE` / `FOR SHARE`.
    pub row_locks: bool,
    /// Native `ILIKE`.
    pub ilike: bool,
    /// Window functions.
    pub window_functions: bool,
    /// The most bind parameters one statement may carry.
    pub max_params: usize,
    /// `RIGHT JOIN`.
    pub right_join: bool,
    /// `FULL OUTER JOIN`.
    pub full_join: bool,
    /// `INTERSECT` and `EXCEPT` (every database has `UNION` / `UNION ALL`).
    pub intersect_except: bool,
    /// `INTERSECT ALL` and `EXCEPT ALL`.
    pub intersect_except_all: bool,
    /// `WITH RECURSIVE` (MySQL 8.0+, MariaDB 10.2.2+, SQLite 3.8.3+, Postgres).
    pub recursive_cte: bool,
    /// `JOIN LATERAL (subquery)` (Postgres, MySQL 8.0.14+; not MariaDB or
    /// SQLite).
    pub lateral_join: bool,
    /// `overlaps` on array columns ([`crate::ArrayExt::overlaps`]): Postgres
    /// `&&`, SQLite `json_each`, `JSON_OVERLAPS` on MySQL 8.0.17+ and
    /// MariaDB 10.9+.
    pub array_overlaps: bool,
    /// Tables in another schema (Postgres) or database (MySQL) of the same
    /// connection, named `prefix.table` (see [`crate::prefix`]). SQLite's
    /// ATTACHed databases are not supported: false there.
    pub prefixes: bool,
}

impl Capabilities {
    /// Everything quarry can ask of a database, with 65,535 bind parameters
    /// per statement: what PostgreSQL has, and where an adapter starts before
    /// turning off what its server lacks.
    ///
    /// ```
    /// use quarry_query::Capabilities;
    /// let caps = Capabilities { lateral_join: false, ..Capabilities::ALL };
    /// assert!(caps.full_join && !caps.lateral_join);
    /// ```
    pub const ALL: Capabilities = Capabilities {
        insert_returning: true,
        update_returning: true,
        delete_returning: true,
        transactional_ddl: true,
        row_locks: true,
        ilike: true,
        window_functions: true,
        max_params: 65_535,
        right_join: true,
        full_join: true,
        intersect_except: true,
        intersect_except_all: true,
        recursive_cte: true,
        lateral_join: true,
        array_overlaps: true,
        prefixes: true,
    };
}

/// The database behind a driver: its dialect, name, version and capabilities.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backend {
    /// The SQL dialect.
    pub dialect: Dialect,
    /// A display name (`SQLite`, `PostgreSQL`, `MariaDB`, `MySQL`).
    pub name: &'static str,
    /// The server version string.
    pub version: String,
    /// What it can do.
    pub capabilities: Capabilities,
    /// The prefix this handle's statements target where neither the query
    /// nor the schema names one (set by
    /// [`Repo::with_prefix`](crate::Repo::with_prefix); `None` for a pool).
    pub default_prefix: Option<crate::ir::Prefix>,
}

/// The result of a statement that returns no rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExecResult {
    /// Rows inserted, updated or deleted.
    pub rows_affected: u64,
    /// The last generated id (MySQL/MariaDB, SQLite), if any.
    pub last_insert_id: Option<i64>,
}

/// Receives rows one at a time while the adapter reads them.
pub type RowSink<'a> = dyn FnMut(&dyn Row) -> Result<()> + Send + 'a;

/// How one statement runs, beyond its SQL: what a caller asked for this call
/// (through [`Repo::with_timeout`](crate::Repo::with_timeout)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunOptions {
    /// Cancel the statement when it runs longer than this; it then fails with
    /// [`Error::Timeout`](quarry_core::Error::Timeout). `None`: the pool's
    /// [`PoolOptions::statement_timeout`], if any.
    pub timeout: Option<std::time::Duration>,
}

impl RunOptions {
    /// Options with a statement timeout.
    pub fn with_timeout(timeout: std::time::Duration) -> Self {
        RunOptions {
            timeout: Some(timeout),
        }
    }
}

/// A connection pool or transaction of one database, as the shared layer sees it.
///
/// An adapter (or a wrapper around another driver) runs statements through
/// one required method, [`run`](Driver::run), and may add a synchronous fast
/// path, [`run_now`](Driver::run_now). Callers use the conveniences of
/// [`DriverExt`] (`execute`, `fetch`, `execute_with`, `fetch_with`), which
/// every driver has.
#[async_trait]
pub trait Driver: Send + Sync {
    /// The database and its capabilities.
    fn backend(&self) -> &Backend;

    /// Runs one statement with `options`. Given `rows`, each row the
    /// statement returns goes to the sink, one at a time and in order, and
    /// the first error from the sink stops the statement and is returned;
    /// without `rows`, rows it returns are read and dropped.
    ///
    /// The result counts the rows the statement changed (and the generated
    /// id, where the database reports one); with `rows`, an adapter that
    /// does not learn these while streaming returns
    /// [`ExecResult::default()`].
    ///
    /// An adapter that cannot apply [`RunOptions::timeout`] refuses it with
    /// [`refuse_options`] (an [`Error::Unsupported`](quarry_core::Error::Unsupported)
    /// for `"statement timeouts"`) before running anything.
    async fn run(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> Result<ExecResult>;

    /// [`run`](Driver::run) here and now, on the calling thread, when the
    /// driver can do so without waiting for anything (SQLite, whose
    /// statements run on the calling task, with a free connection): the
    /// shared layer tries this before `run`, which saves a boxed future per
    /// statement. `None` when it would have to wait (for a connection, a
    /// lock, the network): nothing ran, the sink saw no row, and the caller
    /// awaits `run`. The default is `None`. A driver wrapping another
    /// forwards it only when nothing has to happen before the inner driver
    /// runs the statement (a transaction's owed savepoint rollbacks, say).
    fn run_now(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> Option<Result<ExecResult>> {
        let _ = (stmt, options, rows);
        None
    }

    /// True for the driver of a [`Transaction`](crate::Transaction) (nested
    /// work goes through its savepoints).
    fn is_transaction(&self) -> bool {
        false
    }

    /// How many connections the pool holds and how they are used now; `None`
    /// for a driver without a pool of its own (a transaction).
    fn pool_status(&self) -> Option<PoolStatus> {
        None
    }

    /// Stops handing out connections, waits up to `grace` for the statements
    /// in flight to finish, then closes every connection. Afterwards each
    /// operation fails with a `PoolClosed` connection error. The default does
    /// nothing (a driver without a pool).
    async fn close(&self, grace: std::time::Duration) -> Result<()> {
        let _ = grace;
        Ok(())
    }

    /// Starts a transaction on a connection of its own.
    async fn begin(&self) -> Result<Box<dyn TxDriver>>;

    /// For databases that do not name a violated foreign key (SQLite): the name of
    /// the foreign key of `table` that `columns` (column, value) violate. The
    /// default knows nothing.
    async fn resolve_foreign_key(
        &self,
        _table: &str,
        _columns: &[(&str, Value)],
    ) -> Result<Option<String>> {
        Ok(None)
    }
}

/// What callers use on any [`Driver`]: [`Driver::run`] for a statement
/// without rows, or with its rows fed to a sink, with or without
/// [`RunOptions`]. Implemented for every driver; none of these adds a boxed
/// future to the one of `run`.
///
/// These go straight to the driver: the shared layer runs its statements
/// through its logging (`quarry::sql` events), which also tries
/// [`Driver::run_now`] first.
pub trait DriverExt: Driver {
    /// Runs a statement that returns no rows (its rows, if any, are dropped).
    fn execute<'a>(
        &'a self,
        stmt: &'a Statement,
    ) -> impl Future<Output = Result<ExecResult>> + Send + 'a {
        self.run(stmt, RunOptions::default(), None)
    }

    /// Runs a statement and feeds each row to `sink`, in order. Stops at the
    /// first error from the sink.
    fn fetch<'a>(
        &'a self,
        stmt: &'a Statement,
        sink: &'a mut RowSink<'_>,
    ) -> impl Future<Output = Result<()>> + Send + 'a {
        let run = self.run(stmt, RunOptions::default(), Some(sink));
        async move { run.await.map(drop) }
    }

    /// [`execute`](DriverExt::execute) with options for this call (a driver
    /// that cannot apply them refuses them).
    fn execute_with<'a>(
        &'a self,
        stmt: &'a Statement,
        options: RunOptions,
    ) -> impl Future<Output = Result<ExecResult>> + Send + 'a {
        self.run(stmt, options, None)
    }

    /// [`fetch`](DriverExt::fetch) with options for this call (see
    /// [`execute_with`](DriverExt::execute_with)).
    fn fetch_with<'a>(
        &'a self,
        stmt: &'a Statement,
        sink: &'a mut RowSink<'_>,
        options: RunOptions,
    ) -> impl Future<Output = Result<()>> + Send + 'a {
        let run = self.run(stmt, options, Some(sink));
        async move { run.await.map(drop) }
    }
}

impl<D: Driver + ?Sized> DriverExt for D {}

/// For a driver that cannot apply statement timeouts: `Ok` when `options`
/// ask for none, else the error its [`Driver::run`] returns before running
/// anything ([`Error::Unsupported`](quarry_core::Error::Unsupported) for
/// `"statement timeouts"` on `backend`).
pub fn refuse_options(backend: &Backend, options: RunOptions) -> Result<()> {
    if options.timeout.is_some() {
        return Err(quarry_core::Error::Unsupported {
            feature: "statement timeouts",
            backend: backend.name,
        });
    }
    Ok(())
}

/// An open transaction. Dropping it without commit rolls it back.
#[async_trait]
pub trait TxDriver: Driver {
    /// Commits.
    async fn commit(&self) -> Result<()>;
    /// Rolls back.
    async fn rollback(&self) -> Result<()>;
}

/// Pool settings every adapter accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolOptions {
    /// The most connections the pool opens (in-memory SQLite always uses one).
    pub max_connections: u32,
    /// How long to wait for a free connection (and SQLite's busy timeout).
    pub acquire_timeout: std::time::Duration,
    /// Prepared statements cached per connection (`None`: the driver's default;
    /// `Some(0)` on Postgres and MySQL: none kept, as with
    /// `named_prepared_statements: false`).
    pub statement_cache: Option<usize>,
    /// Keep statements prepared on the server, by name, and reuse them on the
    /// same connection (Postgres parses a repeated statement once per
    /// connection). `false` prepares every statement unnamed (Postgres) or closes
    /// it after use (MySQL): one more round trip per statement. The URL
    /// parameter `prepared_statements=false` does the same. Behind a
    /// transaction-mode pooler such as PgBouncer this is not enough (an
    /// unnamed statement still takes two round trips, which the pooler may
    /// send to two server connections): use the URL parameter
    /// `pooler=transaction`, which also turns this off (docs/scale-out.md).
    /// Ignored by SQLite.
    pub named_prepared_statements: bool,
    /// A pooled connection that sat idle at least this long is pinged (one round
    /// trip) before it is handed out, and replaced if dead; one in steady use is
    /// never pinged. `None`: never ping (a dead connection is then found by the
    /// statement that uses it, which fails with a `Lost` connection error). Either
    /// way, once one connection is found dead, the pool's other connections are
    /// checked before their next use, so a server restart costs at most the
    /// statements in flight. Ignored by SQLite.
    pub health_check_after_idle: Option<std::time::Duration>,
    /// Every statement is cancelled when it runs longer than this, and fails
    /// with [`Error::Timeout`](quarry_core::Error::Timeout); a call can set its
    /// own with [`Repo::with_timeout`](crate::Repo::with_timeout). PostgreSQL
    /// applies it as the session's `statement_timeout` (no extra round trip),
    /// MariaDB as `max_statement_time` on each statement, MySQL as
    /// `max_execution_time` (SELECT only), SQLite by interrupting the
    /// statement. `None` (the default): no timeout.
    pub statement_timeout: Option<std::time::Duration>,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_connections: 10,
            acquire_timeout: std::time::Duration::from_secs(30),
            statement_cache: None,
            named_prepared_statements: true,
            health_check_after_idle: Some(std::time::Duration::from_secs(1)),
            statement_timeout: None,
        }
    }
}
