//! Opening a test's sandbox: which database, its migrations (once per
//! process on a server, per database on SQLite).

use super::sandbox::Sandbox;
use quarry_core::Result;
use quarry_migrate::{Migration, Migrator, Target};
use quarry_query::driver::PoolOptions;
use quarry_query::Repo;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// An application's migrations: the `all()` of its `migrations/mod.rs`.
pub type Migrations = fn() -> Vec<Box<dyn Migration>>;

/// The environment variable read before `DATABASE_URL`, for a test
/// database of its own.
pub const TEST_DATABASE_URL: &str = "QUARRY_TEST_DATABASE_URL";

/// The database URL tests use: `QUARRY_TEST_DATABASE_URL`, else
/// `DATABASE_URL`, else `sqlite::memory:`.
pub fn database_url() -> String {
    std::env::var(TEST_DATABASE_URL)
        .or_else(|_| std::env::var("DATABASE_URL"))
        .unwrap_or_else(|_| "sqlite::memory:".to_string())
}

fn is_sqlite(url: &str) -> bool {
    url.get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("sqlite:"))
}

/// Opens a sandbox for one test on the database at `url`, with `migrations`
/// applied first:
///
/// - PostgreSQL, MySQL/MariaDB: a pool of one connection to `url`; the
///   migrations run once per process and URL (the first test runs them, the
///   others wait for it; other processes wait on the migrator's own lock,
///   then find nothing to do); then the sandbox's transaction begins.
/// - SQLite (any `sqlite:` URL): a fresh private in-memory database for each
///   test, the migrations run on it (a few milliseconds); the file the URL
///   names, if any, is not used. Nothing to share means nothing to isolate:
///   the tests of one process never wait for each other.
///
/// The sandbox rolls back when [`Sandbox::rollback`] is called or its last
/// clone is dropped.
pub async fn sandbox(url: &str, migrations: Option<Migrations>) -> Result<Sandbox> {
    if is_sqlite(url) {
        let repo = crate::connect("sqlite::memory:").await?;
        if let Some(all) = migrations {
            migrate(&repo, all).await?;
        }
        return Sandbox::new(&repo).await;
    }
    let options = PoolOptions {
        max_connections: 1,
        ..PoolOptions::default()
    };
    let repo = crate::connect_with(url, options).await?;
    if let Some(all) = migrations {
        migrate_once(url, &repo, all).await?;
    }
    Sandbox::new(&repo).await
}

async fn migrate<R: Repo>(repo: &R, all: Migrations) -> Result<()> {
    Migrator::new(repo, all())?.migrate(Target::All).await?;
    Ok(())
}

/// The migration runs of this process: one cell per URL and set of versions.
type Runs = Mutex<HashMap<String, Arc<tokio::sync::OnceCell<()>>>>;

fn runs() -> &'static Runs {
    static RUNS: OnceLock<Runs> = OnceLock::new();
    RUNS.get_or_init(Runs::default)
}

/// Runs `all` on `repo` unless this process already did for `url`. Tests on
/// other threads asking meanwhile wait for the run; a failed run is tried
/// again by the next test.
async fn migrate_once<R: Repo>(url: &str, repo: &R, all: Migrations) -> Result<()> {
    let versions: Vec<String> = all().iter().map(|m| m.version().to_string()).collect();
    let key = format!("{url} {}", versions.join(","));
    let cell = {
        let mut runs = runs()
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(runs.entry(key).or_default())
    };
    cell.get_or_try_init(|| migrate(repo, all)).await.map(drop)
}
