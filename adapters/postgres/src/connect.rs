//! Connecting: URL, pool options, capability detection.

use crate::driver::PgDriver;
use async_trait::async_trait;
use quarry_core::{ConnectionError, ConnectionErrorKind, Error, Result};
use quarry_query::driver::PoolOptions;
use quarry_query::{Backend, Capabilities, Dialect, Driver, Repo};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;
use std::sync::Arc;

/// A pool of PostgreSQL connections; a [`Repo`].
#[derive(Clone)]
pub struct PostgresRepo {
    driver: Arc<PgDriver>,
}

impl std::fmt::Debug for PostgresRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresRepo")
            .field("backend", self.driver.backend())
            .finish()
    }
}

#[async_trait]
impl Repo for PostgresRepo {
    fn driver(&self) -> &dyn Driver {
        &*self.driver
    }
}

impl PostgresRepo {
    /// The sqlx pool underneath, for code that talks to sqlx directly beside
    /// quarry (benchmarks compare the two on the same pool).
    pub fn pool(&self) -> &sqlx::PgPool {
        self.driver.pool()
    }

    /// The driver, shareable as `Arc<dyn Driver>` (what `quarry::connect` returns).
    pub fn into_driver(self) -> Arc<dyn Driver> {
        self.driver
    }
}

/// Connects to `postgres://user:password@host:port/database` (all of libpq's URL
/// parameters that sqlx understands, such as `sslmode` and `options`).
pub async fn connect(url: &str) -> Result<PostgresRepo> {
    connect_with(url, PoolOptions::default()).await
}

/// [`connect`] with pool options.
pub async fn connect_with(url: &str, options: PoolOptions) -> Result<PostgresRepo> {
    let mut opts = PgConnectOptions::from_str(url).map_err(|e| {
        Error::Connection(
            ConnectionError::new(
                ConnectionErrorKind::InvalidUrl,
                format!("invalid PostgreSQL URL: {e}"),
            )
            .with_source(e),
        )
    })?;
    if let Some(cap) = options.statement_cache {
        opts = opts.statement_cache_capacity(cap);
    }
    let pool = PgPoolOptions::new()
        .max_connections(options.max_connections)
        .acquire_timeout(options.acquire_timeout)
        .connect_with(opts)
        .await
        .map_err(|e| {
            Error::Connection(
                ConnectionError::new(
                    crate::error::connect_kind(&e),
                    format!("cannot connect to PostgreSQL: {e}"),
                )
                .with_source(e),
            )
        })?;
    let version: String = sqlx::query_scalar("SHOW server_version")
        .fetch_one(&pool)
        .await
        .map_err(crate::error::map_error)?;
    let backend = Backend {
        dialect: Dialect::Postgres,
        name: "PostgreSQL",
        capabilities: Capabilities {
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
        },
        version,
    };
    Ok(PostgresRepo {
        driver: Arc::new(PgDriver::new(pool, backend)),
    })
}
