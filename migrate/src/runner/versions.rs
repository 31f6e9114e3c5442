//! The `schema_migrations` table: which versions are applied.

use crate::command::{table, Column, Command};
use crate::compile::{compile, quote, CompileError, Db};
use crate::types::Type;
use quarry_core::{Error, Result, Value, ValueType};
use quarry_query::{log, Dialect, Repo, SeaBuilder};
use std::collections::BTreeSet;

/// The table recording applied versions.
pub const TABLE: &str = "schema_migrations";

/// Creates `schema_migrations(version bigint primary key, inserted_at)` unless
/// it exists.
pub(crate) async fn ensure<R: Repo>(repo: &R) -> Result<()> {
    let backend = repo.driver().backend();
    let mut version = Column::new("version", Type::BigInt);
    version.primary_key();
    let cmd = Command::CreateTable {
        table: table(TABLE).no_primary_key(),
        columns: vec![version, Column::new("inserted_at", Type::NaiveDateTime)],
        checks: Vec::new(),
        if_not_exists: true,
    };
    let sql = compile(&cmd, &Db::of(backend)).map_err(|e| match e {
        CompileError::Unsupported { hint, .. } | CompileError::Invalid(hint) => {
            Error::Query(hint.into())
        }
    })?;
    for s in sql {
        let sent = super::prefix::tagged(repo.driver().backend(), &s);
        repo.execute_raw(&sent, vec![]).await?;
    }
    Ok(())
}

/// True when `schema_migrations` exists (a read, for commands that change
/// nothing).
pub(crate) async fn exists<R: Repo>(repo: &R) -> Result<bool> {
    let backend = repo.driver().backend();
    if let Some(p) = backend.default_prefix {
        // The prefix's own table (the prefix is bound, not written).
        let sql = match backend.dialect.sea_builder() {
            SeaBuilder::Postgres => {
                "SELECT 1 FROM information_schema.tables \
                 WHERE table_schema = $1 AND table_name = 'schema_migrations'"
            }
            _ => {
                "SELECT 1 FROM information_schema.tables \
                 WHERE table_schema = ? AND table_name = 'schema_migrations'"
            }
        };
        let at = vec![Value::String(p.as_str().to_string())];
        let rows = repo.query_raw(sql, at, &[ValueType::I64]).await?;
        return Ok(!rows.is_empty());
    }
    let sql = match backend.dialect.sea_builder() {
        SeaBuilder::Sqlite => {
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        }
        SeaBuilder::Postgres => {
            "SELECT 1 FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
        }
        SeaBuilder::MySql => {
            "SELECT 1 FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_name = 'schema_migrations'"
        }
    };
    let rows = repo.query_raw(sql, vec![], &[ValueType::I64]).await?;
    Ok(!rows.is_empty())
}

/// The applied versions, or none when `schema_migrations` does not exist
/// (nothing is created).
pub(crate) async fn applied_if_any<R: Repo>(repo: &R) -> Result<BTreeSet<i64>> {
    if exists(repo).await? {
        applied(repo).await
    } else {
        Ok(BTreeSet::new())
    }
}

/// The applied versions.
pub(crate) async fn applied<R: Repo>(repo: &R) -> Result<BTreeSet<i64>> {
    let backend = repo.driver().backend();
    let d = backend.dialect;
    let sql = format!(
        "SELECT {} FROM {} ORDER BY {}",
        quote(d, "version"),
        super::prefix::versions_table(backend, TABLE),
        quote(d, "version")
    );
    let rows = repo.query_raw(&sql, vec![], &[ValueType::I64]).await?;
    Ok(rows
        .iter()
        .filter_map(|r| r.values.first().and_then(|v| v.as_i64()))
        .collect())
}

/// `schema_migrations` as sea-query names it: in the repo's default prefix
/// when it has one.
fn table_ref(backend: &quarry_query::Backend) -> sea_query::TableRef {
    use sea_query::IntoTableRef;
    match backend.default_prefix {
        Some(p) => (
            sea_query::Alias::new(p.as_str()),
            sea_query::Alias::new(TABLE),
        )
            .into_table_ref(),
        None => TABLE.into_table_ref(),
    }
}

/// Records `version` as applied.
pub(crate) async fn insert<R: Repo>(repo: &R, version: i64) -> Result<()> {
    let backend = repo.driver().backend();
    let d = backend.dialect;
    let now = chrono::Utc::now().naive_utc();
    let now = chrono::SubsecRound::trunc_subsecs(now, 0);
    let mut q = sea_query::Query::insert();
    q.into_table(table_ref(backend))
        .columns(["version", "inserted_at"])
        .values([
            quarry_query::sql_value::to_sea(Value::I64(version)).into(),
            quarry_query::sql_value::to_sea(Value::DateTime(now)).into(),
        ])
        .map_err(|e| Error::Query(quarry_core::QueryError::Build(e.to_string())))?;
    let stmt = d.build(&q, TABLE);
    log::execute(repo.driver(), &stmt).await.map(drop)
}

/// Forgets `version`.
pub(crate) async fn delete<R: Repo>(repo: &R, version: i64) -> Result<()> {
    let backend = repo.driver().backend();
    let d: Dialect = backend.dialect;
    let mut q = sea_query::Query::delete();
    q.from_table(table_ref(backend))
        .and_where(sea_query::ExprTrait::eq(
            sea_query::Expr::col("version"),
            sea_query::Expr::val(version),
        ));
    let stmt = d.build(&q, TABLE);
    log::execute(repo.driver(), &stmt).await.map(drop)
}
