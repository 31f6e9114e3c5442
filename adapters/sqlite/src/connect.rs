//! Connecting: URLs, pool options, pragmas, capability detection.

use crate::driver::SqliteDriver;
use crate::pool::{Pool, Setup, DEFAULT_STATEMENT_CACHE};
use async_trait::async_trait;
use quarry_core::Result;
use quarry_query::driver::PoolOptions;
use quarry_query::{Backend, Capabilities, Dialect, Driver, Repo};
use std::sync::Arc;

/// A pool of SQLite connections; a [`Repo`]. Cheap to clone (a pool handle).
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
    /// The driver, shareable as `Arc<dyn Driver>` (what `quarry::connect` returns).
    pub fn into_driver(self) -> Arc<dyn Driver> {
        self.driver
    }
}

/// Connects to a SQLite database with the default [`PoolOptions`]; see the
/// [crate documentation](crate) for the URLs, the pool and the threading model.
pub async fn connect(url: &str) -> Result<SqliteRepo> {
    connect_with(url, PoolOptions::default()).await
}

/// [`connect`] with pool options: up to `max_connections` connections to a
/// file (an in-memory database has exactly one), `acquire_timeout` both for
/// waiting for a free connection and as SQLite's busy timeout, and
/// `statement_cache` prepared statements kept per connection (100 when
/// `None`). The first connection is opened here, so a bad path fails here.
pub async fn connect_with(url: &str, options: PoolOptions) -> Result<SqliteRepo> {
    let target = crate::url::parse(url)?;
    let size = if target.memory {
        1
    } else {
        usize::try_from(options.max_connections).unwrap_or(usize::MAX)
    };
    let spawn_blocking = target.spawn_blocking;
    let setup = Setup {
        url: url.to_string(),
        target,
        busy_timeout: options.acquire_timeout,
        statement_cache: options.statement_cache.unwrap_or(DEFAULT_STATEMENT_CACHE),
    };
    let pool = Pool::open(setup, size, options.acquire_timeout)?;
    let version = rusqlite::version().to_string();
    let backend = Backend {
        dialect: Dialect::Sqlite,
        name: "SQLite",
        capabilities: capabilities(&version),
        version,
        default_prefix: None,
    };
    Ok(SqliteRepo {
        driver: Arc::new(SqliteDriver::new(
            pool,
            backend,
            spawn_blocking,
            options.statement_timeout,
        )),
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
        intersect_except: true,
        intersect_except_all: false,
        recursive_cte: v >= (3, 8),
        lateral_join: false,
        // json_each (the JSON1 functions are built into the bundled SQLite).
        array_overlaps: true,
        prefixes: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_follow_the_version() {
        let old = capabilities("3.31.1");
        assert!(!old.insert_returning && !old.right_join);
        assert_eq!(old.max_params, 999);
        let new = capabilities("3.45.0");
        assert!(new.insert_returning && new.delete_returning && new.full_join);
        assert_eq!(new.max_params, 32_766);
    }
}
