//! SQLite's DDL: its declared types, the write lock, foreign keys in the
//! column definition, and what it cannot alter in place (constraints, column
//! changes, primary key columns, `IF [NOT] EXISTS` on columns).

use super::{add_column, refuse, Ddl, MigrationLock};
use crate::command::{Column, Constraint};
use crate::compile::CResult;
use crate::types::Type;
use quarry_query::Dialect;
use sea_query::ColumnType;

const REBUILD: &str = "SQLite cannot change a column in place; write up/down that creates the new table, copies the rows, drops the old table and renames the new one (SQLite's table rebuild), or use execute";

/// SQLite.
pub(crate) struct Sqlite;

/// SQLite's declared types, as the adapter decodes them.
fn declared(ty: &Type) -> &str {
    match ty {
        Type::References(r) => declared(&r.ty),
        Type::Id | Type::BigInt | Type::Integer | Type::SmallInt => "INTEGER",
        Type::String
        | Type::Text
        | Type::Date
        | Type::Time
        | Type::NaiveDateTime
        | Type::NaiveDateTimeUsec
        | Type::UtcDateTime
        | Type::UtcDateTimeUsec
        | Type::Map
        | Type::Array(_)
        | Type::Uuid
        // Exact: SQLite's NUMERIC affinity would keep 15 digits of a decimal.
        | Type::Decimal => "TEXT",
        Type::Float => "REAL",
        Type::Boolean => "BOOLEAN",
        Type::Binary => "BLOB",
        Type::Custom(s) => s,
    }
}

impl Ddl for Sqlite {
    fn name(&self) -> &'static str {
        "SQLite"
    }

    fn column_type(&self, ty: &Type, _column: &Column) -> ColumnType {
        ColumnType::custom(declared(ty).to_string())
    }

    fn identity_type(&self, _ty: &Type) -> ColumnType {
        ColumnType::custom("INTEGER".to_string())
    }

    fn migration_lock(&self) -> MigrationLock {
        MigrationLock::WriteLock
    }

    fn inline_foreign_keys(&self) -> bool {
        true
    }

    fn add_column(
        &self,
        d: Dialect,
        table: &str,
        column: &Column,
        if_not_exists: bool,
        what: &str,
    ) -> CResult<Vec<String>> {
        if if_not_exists || column.primary_key {
            return refuse(
                what,
                "SQLite cannot add a primary key column, nor add a column only if it does not exist",
            );
        }
        Ok(add_column(self, d, table, column, false))
    }

    fn modify_column(
        &self,
        _d: Dialect,
        _table: &str,
        _column: &Column,
        what: &str,
    ) -> CResult<Vec<String>> {
        refuse(what, REBUILD)
    }

    fn remove_column(
        &self,
        d: Dialect,
        table: &str,
        name: &str,
        _column: Option<&Column>,
        if_exists: bool,
        what: &str,
    ) -> CResult<Vec<String>> {
        if if_exists {
            return refuse(
                what,
                "no DROP COLUMN IF EXISTS on this database; use remove",
            );
        }
        let mut stmt = sea_query::Table::alter();
        stmt.table(table.to_string()).drop_column(name.to_string());
        Ok(vec![d.build_schema(&stmt)])
    }

    fn create_constraint(&self, _d: Dialect, c: &Constraint, _check: &str) -> CResult<String> {
        refuse(
            &format!("create constraint {} on {}", c.name, c.table),
            "SQLite cannot add a constraint to an existing table; declare it in create_table with t.check(name, expr)",
        )
    }

    fn drop_constraint(&self, _d: Dialect, _c: &Constraint, what: &str) -> CResult<String> {
        refuse(
            what,
            "SQLite cannot drop a constraint from an existing table; recreate the table in up/down (SQLite's table rebuild)",
        )
    }
}
