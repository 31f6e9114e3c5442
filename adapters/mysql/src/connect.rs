//! Connecting: URL, pool options, MariaDB/MySQL detection and capabilities.

use crate::driver::MySqlDriver;
use async_trait::async_trait;
use quarry_core::{ConnectionError, ConnectionErrorKind, Error, Result};
use quarry_query::driver::PoolOptions;
use quarry_query::{Backend, Capabilities, Dialect, Driver, Repo};
use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
use std::str::FromStr;
use std::sync::Arc;

/// A pool of MySQL or MariaDB connections; a [`Repo`].
#[derive(Clone)]
pub struct MySqlRepo {
    driver: Arc<MySqlDriver>,
}

impl std::fmt::Debug for MySqlRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MySqlRepo")
            .field("backend", self.driver.backend())
            .finish()
    }
}

#[async_trait]
impl Repo for MySqlRepo {
    fn driver(&self) -> &dyn Driver {
        &*self.driver
    }
}

impl MySqlRepo {
    /// The sqlx pool underneath, for code that talks to sqlx directly beside
    /// quarry (benchmarks compare the two on the same pool).
    pub fn pool(&self) -> &sqlx::MySqlPool {
        self.driver.pool()
    }

    /// The driver, shareable as `Arc<dyn Driver>` (what `quarry::connect` returns).
    pub fn into_driver(self) -> Arc<dyn Driver> {
        self.driver
    }
}

/// Connects to `mysql://user:password@host:port/database` (or `mariadb://...`).
/// Sessions use UTC and utf8mb4.
pub async fn connect(url: &str) -> Result<MySqlRepo> {
    connect_with(url, PoolOptions::default()).await
}

/// [`connect`] with pool options.
pub async fn connect_with(url: &str, options: PoolOptions) -> Result<MySqlRepo> {
    let url = match url.strip_prefix("mariadb://") {
        Some(rest) => format!("mysql://{rest}"),
        None => url.to_string(),
    };
    let mut opts = MySqlConnectOptions::from_str(&url)
        .map_err(|e| {
            Error::Connection(
                ConnectionError::new(
                    ConnectionErrorKind::InvalidUrl,
                    format!("invalid MySQL URL: {e}"),
                )
                .with_source(e),
            )
        })?
        .charset("utf8mb4")
        .timezone(Some("+00:00".to_string()));
    if let Some(cap) = options.statement_cache {
        opts = opts.statement_cache_capacity(cap);
    }
    let pool = MySqlPoolOptions::new()
        .max_connections(options.max_connections)
        .acquire_timeout(options.acquire_timeout)
        .connect_with(opts)
        .await
        .map_err(|e| {
            Error::Connection(
                ConnectionError::new(
                    crate::error::connect_kind(&e),
                    format!("cannot connect to MySQL/MariaDB: {e}"),
                )
                .with_source(e),
            )
        })?;
    let version: String = sqlx::query_scalar("SELECT VERSION()")
        .fetch_one(&pool)
        .await
        .map_err(crate::error::map_error)?;
    let (name, capabilities) = capabilities(&version);
    let backend = Backend {
        dialect: Dialect::MySql,
        name,
        capabilities,
        version,
    };
    Ok(MySqlRepo {
        driver: Arc::new(MySqlDriver::new(pool, backend)),
    })
}

/// The server's name and capabilities from its `SELECT VERSION()` string.
///
/// ```
/// let (name, caps) = quarry_mysql::capabilities("10.11.19-MariaDB-0+deb12u1");
/// assert_eq!(name, "MariaDB");
/// assert!(caps.insert_returning && !caps.update_returning);
/// let (name, caps) = quarry_mysql::capabilities("8.0.36");
/// assert_eq!(name, "MySQL");
/// assert!(!caps.insert_returning);
/// ```
pub fn capabilities(version: &str) -> (&'static str, Capabilities) {
    let mariadb = version.to_ascii_lowercase().contains("mariadb");
    let mut parts = version
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let v = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    let returning = mariadb && v >= (10, 5);
    let caps = Capabilities {
        insert_returning: returning,
        update_returning: false,
        delete_returning: returning,
        transactional_ddl: false,
        row_locks: true,
        ilike: false,
        window_functions: if mariadb { v >= (10, 2) } else { v >= (8, 0) },
        max_params: 65_535,
        right_join: true,
        full_join: false,
    };
    (if mariadb { "MariaDB" } else { "MySQL" }, caps)
}
