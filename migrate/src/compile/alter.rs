//! `alter table` changes, one database at a time.

use super::{build, column_def, foreign_key, is_mariadb, quote, unsupported, CResult, Db};
use crate::command::{Change, Column};
use quarry_query::Dialect;

const SQLITE_REBUILD: &str = "SQLite cannot change a column in place; write up/down that creates the new table, copies the rows, drops the old table and renames the new one (SQLite's table rebuild), or use execute";

/// The statements of one change of `alter table <table>`.
pub(crate) fn change(table: &str, change: &Change, backend: &Db) -> CResult<Vec<String>> {
    let d = backend.dialect;
    let what = || format!("alter table {table}: {change}");
    match change {
        Change::Add {
            column,
            if_not_exists,
        } => {
            if d == Dialect::Sqlite && (*if_not_exists || column.primary_key) {
                return unsupported(
                    what(),
                    "SQLite cannot add a primary key column, nor add a column only if it does not exist",
                );
            }
            if d == Dialect::MySql && *if_not_exists && !is_mariadb(backend) {
                return unsupported(what(), "MySQL has no ADD COLUMN IF NOT EXISTS");
            }
            let mut def = column_def(table, column, d);
            if column.primary_key {
                def.primary_key();
            }
            let mut stmt = sea_query::Table::alter();
            stmt.table(table.to_string());
            if *if_not_exists {
                stmt.add_column_if_not_exists(def);
            } else {
                stmt.add_column(def);
            }
            let mut out = vec![build(&stmt, d)];
            if let (false, Some(r)) = (d == Dialect::Sqlite, column.ty.as_references()) {
                let mut fk = sea_query::Table::alter();
                fk.table(table.to_string())
                    .add_foreign_key(&foreign_key(table, &column.name, r));
                out.push(build(&fk, d));
            }
            Ok(out)
        }
        Change::Modify { column } => {
            if d == Dialect::Sqlite {
                return unsupported(what(), SQLITE_REBUILD);
            }
            let mut out = Vec::new();
            if let Some(r) = column.from.as_ref().and_then(|t| t.as_references()) {
                out.push(drop_foreign_key(
                    table,
                    &r.constraint_name(table, &column.name),
                    d,
                ));
            }
            let mut stmt = sea_query::Table::alter();
            stmt.table(table.to_string())
                .modify_column(column_def(table, column, d));
            out.push(build(&stmt, d));
            if let Some(r) = column.ty.as_references() {
                let mut fk = sea_query::Table::alter();
                fk.table(table.to_string())
                    .add_foreign_key(&foreign_key(table, &column.name, r));
                out.push(build(&fk, d));
            }
            Ok(out)
        }
        Change::Remove {
            name,
            column,
            if_exists,
        } => remove(table, name, column.as_ref(), *if_exists, backend, what),
        Change::Rename { from, to } => {
            let mut stmt = sea_query::Table::alter();
            stmt.table(table.to_string())
                .rename_column(from.clone(), to.clone());
            Ok(vec![build(&stmt, d)])
        }
    }
}

fn drop_foreign_key(table: &str, name: &str, d: Dialect) -> String {
    let mut stmt = sea_query::Table::alter();
    stmt.table(table.to_string())
        .drop_foreign_key(name.to_string());
    build(&stmt, d)
}

fn remove(
    table: &str,
    name: &str,
    column: Option<&Column>,
    if_exists: bool,
    backend: &Db,
    what: impl Fn() -> String,
) -> CResult<Vec<String>> {
    let d = backend.dialect;
    if if_exists && (d == Dialect::Sqlite || (d == Dialect::MySql && !is_mariadb(backend))) {
        return unsupported(
            what(),
            "no DROP COLUMN IF EXISTS on this database; use remove",
        );
    }
    let mut out = Vec::new();
    // MySQL will not drop a column its foreign key uses; Postgres and SQLite
    // drop the key with the column.
    if let (Dialect::MySql, Some(r)) = (d, column.and_then(|c| c.ty.as_references())) {
        out.push(drop_foreign_key(table, &r.constraint_name(table, name), d));
    }
    if d == Dialect::MySql && if_exists {
        out.push(format!(
            "ALTER TABLE {} DROP COLUMN IF EXISTS {}",
            quote(d, table),
            quote(d, name)
        ));
        return Ok(out);
    }
    let mut stmt = sea_query::Table::alter();
    stmt.table(table.to_string());
    if if_exists {
        stmt.drop_column_if_exists(name.to_string());
    } else {
        stmt.drop_column(name.to_string());
    }
    out.push(build(&stmt, d));
    Ok(out)
}
