//! DDL per database: one [`Ddl`] trait whose default methods write what
//! PostgreSQL (standard SQL) takes, and one file per database overriding only
//! what differs ([`postgres`], [`mysql`], [`sqlite`]).

mod mysql;
mod postgres;
mod sqlite;

use super::{column_def, foreign_key, quote, unsupported, CResult};
use crate::command::{Column, Constraint, Index};
use crate::types::Type;
use quarry_query::{Backend, Dialect, SeaBuilder};
use sea_query::{ColumnType, ConditionalStatement, Expr, StringLen};

/// How the runner keeps two runners from applying one migration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MigrationLock {
    /// `pg_try_advisory_xact_lock`, released when the session transaction ends.
    AdvisoryXact,
    /// `GET_LOCK`, released explicitly (and when the connection closes).
    NamedLock,
    /// The database's one write lock, taken by the session's first write (to
    /// `schema_migrations`, which must therefore exist first).
    WriteLock,
}

/// What a database's DDL looks like. Defaults are PostgreSQL's.
pub(crate) trait Ddl: Sync {
    /// The database's display name, for messages.
    fn name(&self) -> &'static str;

    /// The column type of a migration type (`column` gives size, precision
    /// and scale).
    fn column_type(&self, ty: &Type, column: &Column) -> ColumnType {
        standard_type(ty, column, &POSTGRES_TYPES)
    }

    /// The type of a generated integer key (with auto-increment).
    fn identity_type(&self, ty: &Type) -> ColumnType {
        match ty {
            Type::Integer => ColumnType::Integer,
            Type::SmallInt => ColumnType::SmallInteger,
            _ => ColumnType::BigInteger,
        }
    }

    /// How the runner locks.
    fn migration_lock(&self) -> MigrationLock {
        MigrationLock::AdvisoryXact
    }

    /// True when foreign keys are written in the column definition (SQLite)
    /// rather than as table-level constraints.
    fn inline_foreign_keys(&self) -> bool {
        false
    }

    /// `ALTER TABLE ... ADD COLUMN` (and its foreign key); `what` names the
    /// command in errors.
    fn add_column(
        &self,
        d: Dialect,
        table: &str,
        column: &Column,
        if_not_exists: bool,
        _what: &str,
    ) -> CResult<Vec<String>> {
        Ok(add_column(self, d, table, column, if_not_exists))
    }

    /// `ALTER TABLE ... ALTER/MODIFY COLUMN` (its old foreign key dropped, the
    /// new one added).
    fn modify_column(
        &self,
        d: Dialect,
        table: &str,
        column: &Column,
        _what: &str,
    ) -> CResult<Vec<String>> {
        let mut out = Vec::new();
        if let Some(r) = column.from.as_ref().and_then(|t| t.as_references()) {
            out.push(drop_foreign_key(
                d,
                table,
                &r.constraint_name(table, &column.name),
            ));
        }
        let mut stmt = sea_query::Table::alter();
        stmt.table(table.to_string())
            .modify_column(column_def(table, column, d, self));
        out.push(d.build_schema(&stmt));
        if let Some(r) = column.ty.as_references() {
            let mut fk = sea_query::Table::alter();
            fk.table(table.to_string())
                .add_foreign_key(&foreign_key(table, &column.name, r));
            out.push(d.build_schema(&fk));
        }
        Ok(out)
    }

    /// `ALTER TABLE ... DROP COLUMN [IF EXISTS]` (a foreign key on it goes
    /// with it here).
    fn remove_column(
        &self,
        d: Dialect,
        table: &str,
        name: &str,
        _column: Option<&Column>,
        if_exists: bool,
        _what: &str,
    ) -> CResult<Vec<String>> {
        let mut stmt = sea_query::Table::alter();
        stmt.table(table.to_string());
        if if_exists {
            stmt.drop_column_if_exists(name.to_string());
        } else {
            stmt.drop_column(name.to_string());
        }
        Ok(vec![d.build_schema(&stmt)])
    }

    /// `CREATE [UNIQUE] INDEX [IF NOT EXISTS] ... [WHERE ...]`.
    fn create_index(&self, d: Dialect, index: &Index, if_not_exists: bool) -> CResult<String> {
        Ok(d.build_schema(&index_statement(index, if_not_exists)))
    }

    /// `DROP INDEX [IF EXISTS] ...`.
    fn drop_index(&self, d: Dialect, index: &Index, if_exists: bool) -> CResult<String> {
        let mut stmt = sea_query::Index::drop();
        stmt.name(index.index_name());
        if if_exists {
            stmt.if_exists();
        }
        Ok(d.build_schema(&stmt))
    }

    /// `ALTER TABLE ... ADD CONSTRAINT ... CHECK (...)`.
    fn create_constraint(&self, d: Dialect, c: &Constraint, check: &str) -> CResult<String> {
        Ok(format!(
            "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({check})",
            quote(d, &c.table),
            quote(d, &c.name)
        ))
    }

    /// `ALTER TABLE ... DROP CONSTRAINT ...`.
    fn drop_constraint(&self, d: Dialect, c: &Constraint, _what: &str) -> CResult<String> {
        let mut stmt = sea_query::Table::alter();
        stmt.table(c.table.clone()).drop_constraint(c.name.clone());
        Ok(d.build_schema(&stmt))
    }
}

/// What compiling needs to know of a database: its dialect and its DDL.
#[derive(Clone, Copy)]
pub(crate) struct Db {
    /// The SQL dialect.
    pub dialect: Dialect,
    /// Its DDL.
    pub ddl: &'static dyn Ddl,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.ddl.name())
    }
}

impl Db {
    /// The database behind `backend` (MariaDB told from MySQL by its name).
    pub(crate) fn of(backend: &Backend) -> Self {
        Db::new(backend.dialect, backend.name)
    }

    /// The database of `dialect` whose server is called `name`.
    pub(crate) fn new(dialect: Dialect, name: &str) -> Self {
        let ddl: &'static dyn Ddl = match dialect.sea_builder() {
            SeaBuilder::Postgres => &postgres::Postgres,
            SeaBuilder::MySql if name == "MariaDB" => &mysql::MariaDb,
            SeaBuilder::MySql => &mysql::MySql,
            SeaBuilder::Sqlite => &sqlite::Sqlite,
        };
        Db { dialect, ddl }
    }
}

/// The type names that differ between PostgreSQL and MySQL/MariaDB (the rest
/// are sea-query's standard column types).
pub(crate) struct TypeNames {
    binary: &'static str,
    time: &'static str,
    datetime: &'static str,
    datetime_usec: &'static str,
    utc: &'static str,
    utc_usec: &'static str,
    map: &'static str,
    uuid: &'static str,
    /// The type of every array column, where the database has no arrays
    /// (`None`: a native `element[]`).
    array: Option<&'static str>,
}

const POSTGRES_TYPES: TypeNames = TypeNames {
    binary: "bytea",
    time: "time(0)",
    datetime: "timestamp(0)",
    datetime_usec: "timestamp",
    utc: "timestamptz(0)",
    utc_usec: "timestamptz",
    map: "jsonb",
    uuid: "uuid",
    array: None,
};

fn custom(s: &str) -> ColumnType {
    ColumnType::custom(s.to_string())
}

/// sea-query's standard column type of `ty`, with `names` for the types it
/// has no standard one for.
pub(crate) fn standard_type(ty: &Type, column: &Column, names: &TypeNames) -> ColumnType {
    match ty {
        Type::References(r) => standard_type(&r.ty, column, names),
        Type::Id | Type::BigInt => ColumnType::BigInteger,
        Type::Integer => ColumnType::Integer,
        Type::SmallInt => ColumnType::SmallInteger,
        Type::String => ColumnType::String(StringLen::N(column.size.unwrap_or(255))),
        Type::Text => ColumnType::Text,
        Type::Float => ColumnType::Double,
        Type::Decimal => match (column.precision, column.scale) {
            (Some(p), s) => ColumnType::Decimal(Some((p, s.unwrap_or(0)))),
            _ => ColumnType::Decimal(None),
        },
        Type::Boolean => ColumnType::Boolean,
        Type::Binary => custom(names.binary),
        Type::Date => ColumnType::Date,
        Type::Time => custom(names.time),
        Type::NaiveDateTime => custom(names.datetime),
        Type::NaiveDateTimeUsec => custom(names.datetime_usec),
        Type::UtcDateTime => custom(names.utc),
        Type::UtcDateTimeUsec => custom(names.utc_usec),
        Type::Map => custom(names.map),
        Type::Uuid => custom(names.uuid),
        Type::Custom(s) => custom(s),
        Type::Array(element) => match names.array {
            None => ColumnType::Array(sea_query::RcOrArc::new(standard_type(
                element, column, names,
            ))),
            Some(json) => custom(json),
        },
    }
}

/// `ALTER TABLE ... ADD COLUMN` of `column`, and its foreign key unless the
/// database writes it in the column.
pub(crate) fn add_column<D: Ddl + ?Sized>(
    ddl: &D,
    d: Dialect,
    table: &str,
    column: &Column,
    if_not_exists: bool,
) -> Vec<String> {
    let mut def = column_def(table, column, d, ddl);
    if column.primary_key {
        def.primary_key();
    }
    let mut stmt = sea_query::Table::alter();
    stmt.table(table.to_string());
    if if_not_exists {
        stmt.add_column_if_not_exists(def);
    } else {
        stmt.add_column(def);
    }
    let mut out = vec![d.build_schema(&stmt)];
    if let (false, Some(r)) = (ddl.inline_foreign_keys(), column.ty.as_references()) {
        let mut fk = sea_query::Table::alter();
        fk.table(table.to_string())
            .add_foreign_key(&foreign_key(table, &column.name, r));
        out.push(d.build_schema(&fk));
    }
    out
}

/// sea-query's CREATE INDEX of `index`.
pub(crate) fn index_statement(
    index: &Index,
    if_not_exists: bool,
) -> sea_query::IndexCreateStatement {
    let mut stmt = sea_query::Index::create();
    stmt.name(index.index_name()).table(index.table.clone());
    for c in &index.columns {
        stmt.col(c.clone());
    }
    if index.unique {
        stmt.unique();
    }
    if if_not_exists {
        stmt.if_not_exists();
    }
    if let Some(w) = &index.where_sql {
        stmt.and_where(Expr::cust(w.clone()));
    }
    stmt
}

/// `ALTER TABLE ... DROP FOREIGN KEY/CONSTRAINT name`.
pub(crate) fn drop_foreign_key(d: Dialect, table: &str, name: &str) -> String {
    let mut stmt = sea_query::Table::alter();
    stmt.table(table.to_string())
        .drop_foreign_key(name.to_string());
    d.build_schema(&stmt)
}

/// The error of a command this database cannot run.
pub(crate) fn refuse<T>(what: &str, hint: &str) -> CResult<T> {
    unsupported(what, hint)
}
