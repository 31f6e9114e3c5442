//! Connecting: URLs, pool options, pragmas, capability detection.

use crate::driver::SqliteDriver;
use async_trait::async_trait;
use quarry_core::{ConnectionError, ConnectionErrorKind, Error, Result};
use quarry_query::driver::PoolOptions;
use quarry_query::{Backend, Capabilities, Dialect, Driver, Repo};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use std::str::FromStr;
use std::sync::Arc;

/// A pool of SQLite connections; a [`Repo`].
#[derive(Clone)]
pub struct SqliteRepo {
    driver: Arc<SqliteDriver>,
}

impl std::fmt::Debug for SqliteRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteRepo")
            .field("backend", self.driver.backend())
            .finish()
    }
}

#[async_trait]
impl Repo for SqliteRepo {
    fn driver(&self) -> &dyn Driver {
        &*self.driver
    }
}

impl SqliteRepo {
    /// The sqlx pool underneath, for code that talks to sqlx directly beside
    /// quarry (benchmarks compare the two on the same pool).
    pub fn pool(&self) -> &sqlx::SqlitePool {
        self.driver.pool()
    }

    /// The driver, shareable as `Arc<dyn Driver>` (what `quarry::connect` returns).
    pub fn into_driver(self) -> Arc<dyn Driver> {
        self.driver
    }
}

fn is_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// Connects to a SQLite database: `sqlite::memory:` (a fresh in-memory database),
/// `sqlite://path/to/file.db` or `sqlite:file.db` (created if missing).
/// Foreign keys are enforced; files use WAL.
pub async fn connect(url: &str) -> Result<SqliteRepo> {
    connect_with(url, PoolOptions::default()).await
}

/// [`connect`] with pool options. An in-memory database lives in one connection,
/// so its pool has exactly one.
pub async fn connect_with(url: &str, options: PoolOptions) -> Result<SqliteRepo> {
    let memory = is_memory(url);
    let mut opts = SqliteConnectOptions::from_str(url)
        .map_err(|e| {
            Error::Connection(
                ConnectionError::new(
                    ConnectionErrorKind::InvalidUrl,
                    format!("invalid SQLite URL `{url}`: {e}"),
                )
                .with_source(e),
            )
        })?
        .foreign_keys(true)
        .create_if_missing(true)
        .busy_timeout(options.acquire_timeout);
    if let Some(cap) = options.statement_cache {
        opts = opts.statement_cache_capacity(cap);
    }
    if !memory {
        opts = opts.journal_mode(SqliteJournalMode::Wal);
    }
    let mut pool = SqlitePoolOptions::new().acquire_timeout(options.acquire_timeout);
    pool = if memory {
        pool.max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
    } else {
        pool.max_connections(options.max_connections)
    };
    let pool = pool.connect_with(opts).await.map_err(|e| {
        Error::Connection(
            ConnectionError::new(
                crate::error::connect_kind(&e),
                format!("cannot open SQLite database `{url}`: {e}"),
            )
            .with_source(e),
        )
    })?;
    let version: String = sqlx::query_scalar("SELECT sqlite_version()")
        .fetch_one(&pool)
        .await
        .map_err(crate::error::map_error)?;
    let backend = Backend {
        dialect: Dialect::Sqlite,
        name: "SQLite",
        capabilities: capabilities(&version),
        version,
    };
    Ok(SqliteRepo {
        driver: Arc::new(SqliteDriver::new(pool, backend)),
    })
}

fn capabilities(version: &str) -> Capabilities {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let v = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    let returning = v >= (3, 35);
    Capabilities {
        insert_returning: returning,
        update_returning: returning,
        delete_returning: returning,
        transactional_ddl: true,
        row_locks: false,
        ilike: false,
        window_functions: v >= (3, 25),
        max_params: if v >= (3, 32) { 32_766 } else { 999 },
        right_join: v >= (3, 39),
        full_join: v >= (3, 39),
    }
}
