//! The migration lock, taken inside the runner's session transaction so two
//! runners never apply the same migration:
//!
//! - PostgreSQL: `pg_try_advisory_xact_lock` on a key of the current schema,
//!   released when the session transaction ends (even if the process dies);
//! - MySQL/MariaDB: `GET_LOCK` on a name of the current database, released
//!   explicitly (and by the server when the connection closes);
//! - SQLite: the session's first statement is a write to `schema_migrations`,
//!   which takes SQLite's single write lock until the transaction ends
//!   (waiting up to the connection's busy timeout).

use super::report::Event;
use super::versions::TABLE;
use crate::compile::{quote, Db, MigrationLock};
use crate::error::{MigrateError, Result};
use quarry_core::{Value, ValueType};
use quarry_query::Repo;
use std::time::{Duration, Instant};

/// A constant first key for Postgres advisory locks ("quar").
const PG_KEY: i32 = 0x7175_6172;

const MYSQL_NAME: &str = "CONCAT('quarry_migrations_', MD5(COALESCE(DATABASE(), '')))";

/// Takes the lock on `session` (a transaction of its own connection).
pub(crate) async fn acquire<R: Repo>(
    session: &R,
    timeout: Duration,
    emit: &(dyn Fn(Event) + Send + Sync),
) -> Result<()> {
    let backend = session.driver().backend();
    let d = backend.dialect;
    let started = Instant::now();
    match Db::of(backend).ddl.migration_lock() {
        MigrationLock::AdvisoryXact => {
            let sql = format!(
                "SELECT pg_try_advisory_xact_lock({PG_KEY}, hashtext(COALESCE(current_schema(), '')))"
            );
            let mut waited = false;
            loop {
                let rows = session.query_raw(&sql, vec![], &[ValueType::Bool]).await?;
                let got = rows
                    .first()
                    .and_then(|r| r.values.first())
                    .is_some_and(|v| *v == Value::Bool(true));
                if got {
                    return Ok(());
                }
                if started.elapsed() >= timeout {
                    return Err(MigrateError::LockTimeout {
                        seconds: timeout.as_secs(),
                    });
                }
                if !waited {
                    emit(Event::WaitingForLock);
                    waited = true;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        MigrationLock::NamedLock => {
            // Named after the current database: a prefixed run's own lock.
            let sql = super::prefix::tagged(backend, &format!("SELECT GET_LOCK({MYSQL_NAME}, ?)"))
                .into_owned();
            let try_lock = |secs: i64| {
                let sql = sql.clone();
                async move {
                    let rows = session
                        .query_raw(&sql, vec![Value::I64(secs)], &[ValueType::I64])
                        .await?;
                    Ok::<bool, MigrateError>(
                        rows.first()
                            .and_then(|r| r.values.first())
                            .and_then(|v| v.as_i64())
                            == Some(1),
                    )
                }
            };
            if try_lock(0).await? {
                return Ok(());
            }
            emit(Event::WaitingForLock);
            let seconds = i64::try_from(timeout.as_secs().max(1)).unwrap_or(i64::MAX);
            if try_lock(seconds).await? {
                return Ok(());
            }
            Err(MigrateError::LockTimeout {
                seconds: timeout.as_secs(),
            })
        }
        MigrationLock::WriteLock => {
            let sql = format!(
                "DELETE FROM {} WHERE {} IS NULL",
                quote(d, TABLE),
                quote(d, "version")
            );
            session.execute_raw(&sql, vec![]).await?;
            Ok(())
        }
    }
}

/// Releases what [`acquire`] took where ending the transaction does not
/// (MySQL's `GET_LOCK`).
pub(crate) async fn release<R: Repo>(session: &R) -> Result<()> {
    if Db::of(session.driver().backend()).ddl.migration_lock() == MigrationLock::NamedLock {
        let sql = format!("SELECT RELEASE_LOCK({MYSQL_NAME})");
        let sql = super::prefix::tagged(session.driver().backend(), &sql);
        session.query_raw(&sql, vec![], &[ValueType::I64]).await?;
    }
    Ok(())
}
