//! MySQL's and MariaDB's DDL: their own type names, `GET_LOCK`, no partial
//! indexes, `DROP INDEX ... ON table`, a column's foreign key dropped before the
//! column; MariaDB adds the `IF [NOT] EXISTS` forms MySQL lacks.

use super::{
    add_column, drop_foreign_key, index_statement, refuse, standard_type, Ddl, MigrationLock,
    TypeNames,
};
use crate::command::{Column, Index};
use crate::compile::{quote, CResult};
use crate::types::Type;
use quarry_query::Dialect;
use sea_query::ColumnType;

const TYPES: TypeNames = TypeNames {
    binary: "longblob",
    time: "time",
    datetime: "datetime",
    datetime_usec: "datetime(6)",
    utc: "datetime",
    utc_usec: "datetime(6)",
    map: "json",
    array: Some("json"),
    uuid: "binary(16)",
};

/// MySQL.
pub(crate) struct MySql;

/// MariaDB: MySQL's DDL with `IF [NOT] EXISTS` on columns and indexes.
pub(crate) struct MariaDb;

/// The DDL both share; `if_exists` tells whether the server has the
/// `IF [NOT] EXISTS` forms on columns and indexes.
trait MySqlFamily {
    const NAME: &'static str;
    const IF_EXISTS: bool;
}

impl MySqlFamily for MySql {
    const NAME: &'static str = "MySQL";
    const IF_EXISTS: bool = false;
}

impl MySqlFamily for MariaDb {
    const NAME: &'static str = "MariaDB";
    const IF_EXISTS: bool = true;
}

impl<T: MySqlFamily + Sync> Ddl for T {
    fn name(&self) -> &'static str {
        T::NAME
    }

    fn column_type(&self, ty: &Type, column: &Column) -> ColumnType {
        standard_type(ty, column, &TYPES)
    }

    fn migration_lock(&self) -> MigrationLock {
        MigrationLock::NamedLock
    }

    fn add_column(
        &self,
        d: Dialect,
        table: &str,
        column: &Column,
        if_not_exists: bool,
        what: &str,
    ) -> CResult<Vec<String>> {
        if if_not_exists && !T::IF_EXISTS {
            return refuse(what, "MySQL has no ADD COLUMN IF NOT EXISTS");
        }
        Ok(add_column(self, d, table, column, if_not_exists))
    }

    fn remove_column(
        &self,
        d: Dialect,
        table: &str,
        name: &str,
        column: Option<&Column>,
        if_exists: bool,
        what: &str,
    ) -> CResult<Vec<String>> {
        if if_exists && !T::IF_EXISTS {
            return refuse(
                what,
                "no DROP COLUMN IF EXISTS on this database; use remove",
            );
        }
        let mut out = Vec::new();
        // MySQL will not drop a column its foreign key uses.
        if let Some(r) = column.and_then(|c| c.ty.as_references()) {
            out.push(drop_foreign_key(d, table, &r.constraint_name(table, name)));
        }
        if if_exists {
            out.push(format!(
                "ALTER TABLE {} DROP COLUMN IF EXISTS {}",
                quote(d, table),
                quote(d, name)
            ));
            return Ok(out);
        }
        let mut stmt = sea_query::Table::alter();
        stmt.table(table.to_string()).drop_column(name.to_string());
        out.push(d.build_schema(&stmt));
        Ok(out)
    }

    fn create_index(&self, d: Dialect, index: &Index, if_not_exists: bool) -> CResult<String> {
        let name = index.index_name();
        if index.where_sql.is_some() {
            return refuse(
                &format!("create index {name} where ..."),
                "MySQL and MariaDB have no partial indexes",
            );
        }
        if if_not_exists && !T::IF_EXISTS {
            return refuse(
                &format!("create index if not exists {name}"),
                "MySQL has no CREATE INDEX IF NOT EXISTS; use create_index",
            );
        }
        let sql = d.build_schema(&index_statement(index, if_not_exists));
        if if_not_exists {
            // sea-query's MySQL builder leaves IF NOT EXISTS out; MariaDB has it.
            return Ok(sql.replacen("INDEX ", "INDEX IF NOT EXISTS ", 1));
        }
        Ok(sql)
    }

    fn drop_index(&self, d: Dialect, index: &Index, if_exists: bool) -> CResult<String> {
        let name = index.index_name();
        if if_exists && !T::IF_EXISTS {
            return refuse(
                &format!("drop index if exists {name}"),
                "MySQL has no DROP INDEX IF EXISTS; use drop_index",
            );
        }
        let ie = if if_exists { "IF EXISTS " } else { "" };
        Ok(format!(
            "DROP INDEX {ie}{} ON {}",
            quote(d, &name),
            quote(d, &index.table)
        ))
    }
}
