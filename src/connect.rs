//! `quarry::connect(url)`: picks the adapter by URL scheme among the compiled ones.

use async_trait::async_trait;
use quarry_core::{Error, Result};
use quarry_query::driver::PoolOptions;
use quarry_query::{Driver, Repo};
use std::sync::Arc;

/// A Repo over whichever database the URL named. Cheap to clone (a pool handle).
#[derive(Clone)]
pub struct AnyRepo {
    driver: Arc<dyn Driver>,
}

impl std::fmt::Debug for AnyRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnyRepo")
            .field("backend", self.driver.backend())
            .finish()
    }
}

impl AnyRepo {
    /// Wraps a driver (what adapters hand out).
    pub fn from_driver(driver: Arc<dyn Driver>) -> Self {
        AnyRepo { driver }
    }

    /// The driver underneath (to build repos of your own on it, such as a
    /// [`ReplicatedRepo`](crate::replica::ReplicatedRepo)).
    pub fn into_driver(self) -> Arc<dyn Driver> {
        self.driver
    }
}

#[async_trait]
impl Repo for AnyRepo {
    fn driver(&self) -> &dyn Driver {
        &*self.driver
    }
}

/// Connects to the database at `url` with default pool options:
/// `sqlite::memory:`, `sqlite://file.db`, `postgres://...`, `mysql://...`,
/// `mariadb://...`. A scheme whose adapter is not compiled in is
/// [`Error::AdapterNotEnabled`], naming the cargo feature to enable.
pub async fn connect(url: &str) -> Result<AnyRepo> {
    connect_with(url, PoolOptions::default()).await
}

/// [`connect`] with pool options.
pub async fn connect_with(url: &str, options: PoolOptions) -> Result<AnyRepo> {
    let scheme = url.split(':').next().unwrap_or("").to_ascii_lowercase();
    match scheme.as_str() {
        "sqlite" => {
            #[cfg(feature = "sqlite")]
            {
                let repo = quarry_sqlite::connect_with(url, options).await?;
                Ok(AnyRepo::from_driver(repo.into_driver()))
            }
            #[cfg(not(feature = "sqlite"))]
            {
                let _ = options;
                Err(Error::AdapterNotEnabled {
                    scheme,
                    feature: "sqlite",
                })
            }
        }
        "postgres" | "postgresql" => {
            #[cfg(feature = "postgres")]
            {
                let repo = quarry_postgres::connect_with(url, options).await?;
                Ok(AnyRepo::from_driver(repo.into_driver()))
            }
            #[cfg(not(feature = "postgres"))]
            {
                let _ = options;
                Err(Error::AdapterNotEnabled {
                    scheme,
                    feature: "postgres",
                })
            }
        }
        "mysql" | "mariadb" => {
            #[cfg(feature = "mysql")]
            {
                let repo = quarry_mysql::connect_with(url, options).await?;
                Ok(AnyRepo::from_driver(repo.into_driver()))
            }
            #[cfg(not(feature = "mysql"))]
            {
                let _ = options;
                Err(Error::AdapterNotEnabled {
                    scheme,
                    feature: "mysql",
                })
            }
        }
        _ => Err(Error::UnsupportedUrl(url.to_string())),
    }
}
