//! Migrations with a prefix (Ecto's `Ecto.Migrator.run(repo, :up, prefix:)`):
//! a migrator on a repo with a default prefix
//! ([`Repo::with_prefix`](quarry_query::Repo::with_prefix)) creates its tables
//! in that schema (Postgres) or database (MySQL) and keeps that prefix's own
//! `schema_migrations`, under a lock of its own, so each tenant is migrated
//! independently.
//!
//! The runner's session (one connection, in one transaction) makes the
//! prefix its default for the run: Postgres `SET LOCAL search_path`, MySQL
//! `USE` (and back afterwards). So every command, raw SQL included, and the
//! migration lock (keyed on the current schema / database) apply to the
//! prefix. SQLite has no schemas: a prefixed run is
//! [`Error::Unsupported`](quarry_core::Error::Unsupported).

use crate::compile::quote;
use crate::error::Result;
use quarry_core::{Error, Value, ValueType};
use quarry_query::prefix::{IntoPrefix, Prefix};
use quarry_query::{Repo, SeaBuilder};

/// The database's own default restored after a prefixed run (MySQL's
/// database before `USE`).
pub(crate) struct Entered {
    restore: Option<String>,
}

/// Makes the session's default schema / database the repo's prefix, if it
/// has one.
pub(crate) async fn enter<R: Repo>(session: &R) -> Result<Entered> {
    let backend = session.driver().backend();
    let Some(prefix) = backend.default_prefix else {
        return Ok(Entered { restore: None });
    };
    let d = backend.dialect;
    match d.sea_builder() {
        SeaBuilder::Postgres => {
            let sql = format!("SET LOCAL search_path TO {}", quote(d, prefix.as_str()));
            session.execute_raw(&sql, vec![]).await?;
            Ok(Entered { restore: None })
        }
        SeaBuilder::MySql => {
            let rows = session
                .query_raw(&once("SELECT DATABASE()"), vec![], &[ValueType::String])
                .await?;
            let restore = match rows.first().and_then(|r| r.values.first()) {
                Some(Value::String(db)) => Some(db.clone()),
                _ => None,
            };
            let sql = once(&format!("USE {}", quote(d, prefix.as_str())));
            session.execute_raw(&sql, vec![]).await?;
            Ok(Entered { restore })
        }
        SeaBuilder::Sqlite => Err(unsupported(backend.name).into()),
    }
}

/// `sql` with a text no statement had before. MariaDB evaluates
/// `DATABASE()` when it prepares a statement, and a prepared `USE` run a
/// second time on a connection leaves its database as it was: these must be
/// prepared afresh each time (a connection keeps its prepared statements by
/// text).
fn once(sql: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("/* quarry {n} */ {sql}")
}

/// Goes back to the session's own database (MySQL; Postgres's `SET LOCAL`
/// ends with the transaction).
pub(crate) async fn leave<R: Repo>(session: &R, entered: Entered) -> Result<()> {
    if let Some(db) = entered.restore {
        let d = session.driver().backend().dialect;
        session
            .execute_raw(&once(&format!("USE {}", quote(d, &db))), vec![])
            .await?;
    }
    Ok(())
}

/// Refuses a prefixed run where the database has no prefixes (SQLite),
/// before anything is sent.
pub(crate) fn check(backend: &quarry_query::Backend) -> Result<()> {
    if backend.default_prefix.is_some() && !backend.capabilities.prefixes {
        return Err(unsupported(backend.name).into());
    }
    Ok(())
}

/// `schema_migrations`, qualified by the repo's default prefix when it has
/// one (quoted for the dialect).
pub(crate) fn versions_table(backend: &quarry_query::Backend, table: &str) -> String {
    let d = backend.dialect;
    match backend.default_prefix {
        Some(p) => format!("{}.{}", quote(d, p.as_str()), quote(d, table)),
        None => quote(d, table),
    }
}

/// `sql` as a prefixed run sends it. MySQL and MariaDB bind a prepared
/// statement to the database current when it was prepared, and a
/// connection keeps its prepared statements by text: a statement of another
/// tenant's run (or of the connection's own database) must not be reused
/// after `USE`. So there each statement of a prefixed run carries the prefix
/// in a leading comment, which makes its text the prefix's own.
pub(crate) fn tagged<'s>(
    backend: &quarry_query::Backend,
    sql: &'s str,
) -> std::borrow::Cow<'s, str> {
    match backend.default_prefix {
        Some(p) if backend.dialect.sea_builder() == SeaBuilder::MySql => {
            std::borrow::Cow::Owned(format!("/* quarry prefix {p} */ {sql}"))
        }
        _ => std::borrow::Cow::Borrowed(sql),
    }
}

fn unsupported(backend: &'static str) -> Error {
    Error::Unsupported {
        feature:
            "migrations with a prefix (SQLite has no schemas; ATTACHed databases are not supported)",
        backend,
    }
}

/// Creates the schema (Postgres: `CREATE SCHEMA IF NOT EXISTS`) or database
/// (MySQL: `CREATE DATABASE IF NOT EXISTS`) `prefix`, for a new tenant;
/// nothing when it exists. `prefix` must be a plain identifier
/// ([`QueryError::InvalidPrefix`](quarry_core::QueryError::InvalidPrefix)
/// otherwise); SQLite is [`Error::Unsupported`].
///
/// ```no_run
/// # async fn demo(repo: &impl quarry_query::Repo, migrations: Vec<Box<dyn quarry_migrate::Migration>>) -> quarry_migrate::Result<()> {
/// use quarry_migrate::{create_prefix, Migrator, Target};
/// use quarry_query::Repo;
/// create_prefix(repo, "tenant_a").await?;
/// let tenant = repo.with_prefix("tenant_a")?;
/// Migrator::new(&tenant, migrations)?.migrate(Target::All).await?;
/// # Ok(()) }
/// ```
pub async fn create_prefix<R: Repo>(repo: &R, prefix: impl IntoPrefix) -> Result<()> {
    let prefix = prefix.into_prefix()?;
    let sql = prefix_ddl(repo, prefix, "CREATE", "IF NOT EXISTS", "")?;
    repo.execute_raw(&sql, vec![]).await?;
    Ok(())
}

/// Drops the schema (Postgres: `DROP SCHEMA IF EXISTS .. CASCADE`, with every
/// table in it) or database (MySQL: `DROP DATABASE IF EXISTS`) `prefix`;
/// nothing when it does not exist. Checked as [`create_prefix`].
pub async fn drop_prefix<R: Repo>(repo: &R, prefix: impl IntoPrefix) -> Result<()> {
    let prefix = prefix.into_prefix()?;
    let sql = prefix_ddl(repo, prefix, "DROP", "IF EXISTS", " CASCADE")?;
    repo.execute_raw(&sql, vec![]).await?;
    Ok(())
}

/// `CREATE SCHEMA IF NOT EXISTS "p"` and friends (the prefix is checked and
/// quoted).
fn prefix_ddl<R: Repo>(
    repo: &R,
    prefix: Prefix,
    verb: &str,
    condition: &str,
    pg_tail: &str,
) -> std::result::Result<String, Error> {
    let backend = repo.driver().backend();
    let d = backend.dialect;
    let name = quote(d, prefix.as_str());
    match d.sea_builder() {
        SeaBuilder::Postgres => Ok(format!("{verb} SCHEMA {condition} {name}{pg_tail}")),
        SeaBuilder::MySql => Ok(format!("{verb} DATABASE {condition} {name}")),
        SeaBuilder::Sqlite => Err(unsupported(backend.name)),
    }
}
