//! Commands to SQL for one database, through sea-query's schema builders.
//!
//! sea-query panics on a few statements a database cannot run (SQLite cannot
//! alter foreign keys, MySQL has no `DROP INDEX IF EXISTS`...). Those are checked
//! here first and become [`CompileError::Unsupported`]; the builder is never
//! asked for them.

mod alter;
mod quote;
mod types;

use crate::command::{Column, Command, Constraint, Index, PrimaryKey, Table};
use crate::types::{DefaultValue, OnDelete, OnUpdate, References};
use quarry_query::{Backend, Dialect};

/// What compiling needs to know of a database: its dialect and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Db {
    /// The dialect.
    pub dialect: Dialect,
    /// `PostgreSQL`, `MySQL`, `MariaDB` or `SQLite`.
    pub name: String,
}

impl Db {
    /// The database behind `backend`.
    pub(crate) fn of(backend: &Backend) -> Self {
        Db {
            dialect: backend.dialect,
            name: backend.name.to_string(),
        }
    }
}
use sea_query::{
    Check, ColumnDef, ConditionalStatement, Expr, ForeignKey, ForeignKeyAction, MysqlQueryBuilder,
    PostgresQueryBuilder, SchemaStatementBuilder, SqliteQueryBuilder,
};

pub(crate) use quote::quote;

/// Why a command cannot be compiled for a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CompileError {
    /// The database cannot run it; `hint` says what to do instead.
    Unsupported {
        /// The command (or part of it).
        command: String,
        /// What to do instead.
        hint: String,
    },
    /// The command is malformed.
    Invalid(String),
}

pub(crate) type CResult<T> = Result<T, CompileError>;

pub(crate) fn unsupported<T>(command: impl Into<String>, hint: impl Into<String>) -> CResult<T> {
    Err(CompileError::Unsupported {
        command: command.into(),
        hint: hint.into(),
    })
}

/// Builds a sea-query schema statement for `dialect`.
pub(crate) fn build<S: SchemaStatementBuilder>(stmt: &S, dialect: Dialect) -> String {
    match dialect {
        Dialect::Postgres => stmt.build(PostgresQueryBuilder),
        Dialect::MySql => stmt.build(MysqlQueryBuilder),
        Dialect::Sqlite => stmt.build(SqliteQueryBuilder),
    }
}

/// True on MariaDB (which has `IF [NOT] EXISTS` where MySQL has not).
pub(crate) fn is_mariadb(backend: &Db) -> bool {
    backend.name == "MariaDB"
}

/// The SQL statements of `command` on `backend`, in order.
pub(crate) fn compile(command: &Command, backend: &Db) -> CResult<Vec<String>> {
    // Every case sea-query would panic on is refused before building; this
    // only keeps a future sea-query panic from crossing the library boundary.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        compile_checked(command, backend)
    }))
    .unwrap_or_else(|_| {
        unsupported(
            command.to_string(),
            format!("sea-query cannot build it for {}", backend.name),
        )
    })
}

fn compile_checked(command: &Command, backend: &Db) -> CResult<Vec<String>> {
    let d = backend.dialect;
    match command {
        Command::CreateTable {
            table,
            columns,
            checks,
            if_not_exists,
        } => create_table(table, columns, checks, *if_not_exists, d).map(|s| vec![s]),
        Command::DropTable { table, if_exists } => {
            let mut stmt = sea_query::Table::drop();
            stmt.table(table.clone());
            if *if_exists {
                stmt.if_exists();
            }
            Ok(vec![build(&stmt, d)])
        }
        Command::AlterTable { table, changes } => {
            let mut out = Vec::new();
            for change in changes {
                out.extend(alter::change(table, change, backend)?);
            }
            Ok(out)
        }
        Command::RenameTable { from, to } => {
            let mut stmt = sea_query::Table::rename();
            stmt.table(from.clone(), to.clone());
            Ok(vec![build(&stmt, d)])
        }
        Command::CreateIndex {
            index,
            if_not_exists,
        } => create_index(index, *if_not_exists, backend).map(|s| vec![s]),
        Command::DropIndex { index, if_exists } => {
            drop_index(index, *if_exists, backend).map(|s| vec![s])
        }
        Command::CreateConstraint(c) => create_constraint(c, d).map(|s| vec![s]),
        Command::DropConstraint(c) => {
            if d == Dialect::Sqlite {
                return unsupported(
                    command.to_string(),
                    "SQLite cannot drop a constraint from an existing table; recreate the table in up/down (SQLite's table rebuild)",
                );
            }
            let mut stmt = sea_query::Table::alter();
            stmt.table(c.table.clone()).drop_constraint(c.name.clone());
            Ok(vec![build(&stmt, d)])
        }
        Command::Execute { up, .. } => Ok(vec![up.clone()]),
    }
}

fn identity_column(name: &str, ty: &crate::types::Type, d: Dialect) -> ColumnDef {
    let mut def = ColumnDef::new_with_type(name.to_string(), types::identity_type(ty, d));
    def.not_null().auto_increment().primary_key();
    def
}

fn fk_action_delete(a: OnDelete) -> Option<ForeignKeyAction> {
    match a {
        OnDelete::Nothing => None,
        OnDelete::DeleteAll => Some(ForeignKeyAction::Cascade),
        OnDelete::NilifyAll => Some(ForeignKeyAction::SetNull),
        OnDelete::Restrict => Some(ForeignKeyAction::Restrict),
    }
}

fn fk_action_update(a: OnUpdate) -> Option<ForeignKeyAction> {
    match a {
        OnUpdate::Nothing => None,
        OnUpdate::UpdateAll => Some(ForeignKeyAction::Cascade),
        OnUpdate::NilifyAll => Some(ForeignKeyAction::SetNull),
        OnUpdate::Restrict => Some(ForeignKeyAction::Restrict),
    }
}

fn action_sql(a: ForeignKeyAction) -> &'static str {
    match a {
        ForeignKeyAction::Restrict => "RESTRICT",
        ForeignKeyAction::Cascade => "CASCADE",
        ForeignKeyAction::SetNull => "SET NULL",
        ForeignKeyAction::SetDefault => "SET DEFAULT",
        _ => "NO ACTION",
    }
}

/// SQLite's column-level foreign key clause (SQLite cannot add a table-level
/// one later, and drops a column-level one with its column).
fn inline_foreign_key(table: &str, column: &str, r: &References) -> String {
    let d = Dialect::Sqlite;
    let mut sql = format!(
        "CONSTRAINT {} REFERENCES {} ({})",
        quote(d, &r.constraint_name(table, column)),
        quote(d, &r.table),
        quote(d, &r.column)
    );
    if let Some(a) = fk_action_delete(r.on_delete) {
        sql.push_str(" ON DELETE ");
        sql.push_str(action_sql(a));
    }
    if let Some(a) = fk_action_update(r.on_update) {
        sql.push_str(" ON UPDATE ");
        sql.push_str(action_sql(a));
    }
    sql
}

/// The table-level foreign key of `column` (Postgres, MySQL).
pub(crate) fn foreign_key(table: &str, column: &str, r: &References) -> sea_query::TableForeignKey {
    let mut fk = sea_query::TableForeignKey::new();
    fk.name(r.constraint_name(table, column))
        .from_tbl(table.to_string())
        .from_col(column.to_string())
        .to_tbl(r.table.clone())
        .to_col(r.column.clone());
    if let Some(a) = fk_action_delete(r.on_delete) {
        fk.on_delete(a);
    }
    if let Some(a) = fk_action_update(r.on_update) {
        fk.on_update(a);
    }
    fk
}

/// The definition of `column` (type, null, default; on SQLite its foreign key).
pub(crate) fn column_def(table: &str, column: &Column, d: Dialect) -> ColumnDef {
    let mut def = ColumnDef::new_with_type(column.name.clone(), types::column_type(column, d));
    match column.null {
        Some(true) => {
            def.null();
        }
        Some(false) => {
            def.not_null();
        }
        None => {}
    }
    let mut extra = Vec::new();
    match &column.default {
        Some(DefaultValue::Value(v)) => {
            def.default(Expr::val(v.clone()));
        }
        Some(DefaultValue::Sql(sql)) => extra.push(format!("DEFAULT {sql}")),
        None => {}
    }
    if let (Dialect::Sqlite, Some(r)) = (d, column.ty.as_references()) {
        extra.push(inline_foreign_key(table, &column.name, r));
    }
    if !extra.is_empty() {
        def.extra(extra.join(" "));
    }
    def
}

fn create_table(
    table: &Table,
    columns: &[Column],
    checks: &[(String, String)],
    if_not_exists: bool,
    d: Dialect,
) -> CResult<String> {
    if table.name.is_empty() {
        return Err(CompileError::Invalid("create table needs a name".into()));
    }
    let mut stmt = sea_query::Table::create();
    stmt.table(table.name.clone());
    if if_not_exists {
        stmt.if_not_exists();
    }
    let keys: Vec<&Column> = columns.iter().filter(|c| c.primary_key).collect();
    let generated = match &table.primary_key {
        PrimaryKey::Default => Some(("id", crate::types::Type::Id)),
        PrimaryKey::Custom { name, ty } => Some((name.as_str(), ty.clone())),
        PrimaryKey::None => None,
    };
    if let Some((name, ty)) = &generated {
        if !keys.is_empty() {
            return Err(CompileError::Invalid(format!(
                "table {} has the generated key `{name}` and primary key columns ({}): use table(\"{}\").no_primary_key()",
                table.name,
                keys.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", "),
                table.name
            )));
        }
        if ty.is_integer() {
            stmt.col(identity_column(name, ty, d));
        } else {
            let mut def = column_def(&table.name, &Column::new(*name, ty.clone()), d);
            def.not_null().primary_key();
            stmt.col(def);
        }
    }
    if generated.is_none() && columns.is_empty() {
        return Err(CompileError::Invalid(format!(
            "table {} has no columns",
            table.name
        )));
    }
    for c in columns {
        let mut def = column_def(&table.name, c, d);
        if c.primary_key && keys.len() == 1 {
            def.not_null().primary_key();
        }
        stmt.col(def);
    }
    if keys.len() > 1 {
        let mut pk = sea_query::Index::create();
        for c in &keys {
            pk.col(c.name.clone());
        }
        stmt.primary_key(&mut pk);
    }
    if d != Dialect::Sqlite {
        for c in columns {
            if let Some(r) = c.ty.as_references() {
                let mut create = ForeignKey::create();
                create
                    .name(r.constraint_name(&table.name, &c.name))
                    .from(table.name.clone(), c.name.clone())
                    .to(r.table.clone(), r.column.clone());
                if let Some(a) = fk_action_delete(r.on_delete) {
                    create.on_delete(a);
                }
                if let Some(a) = fk_action_update(r.on_update) {
                    create.on_update(a);
                }
                stmt.foreign_key(&mut create);
            }
        }
    }
    for (name, expr) in checks {
        stmt.check(Check::named(name.clone(), Expr::cust(expr.clone())));
    }
    Ok(build(&stmt, d))
}

fn create_index(index: &Index, if_not_exists: bool, backend: &Db) -> CResult<String> {
    let d = backend.dialect;
    let name = index.index_name();
    if index.columns.is_empty() {
        return Err(CompileError::Invalid(format!(
            "index {name} has no columns"
        )));
    }
    if d == Dialect::MySql && index.where_sql.is_some() {
        return unsupported(
            format!("create index {name} where ..."),
            "MySQL and MariaDB have no partial indexes",
        );
    }
    if d == Dialect::MySql && if_not_exists && !is_mariadb(backend) {
        return unsupported(
            format!("create index if not exists {name}"),
            "MySQL has no CREATE INDEX IF NOT EXISTS; use create_index",
        );
    }
    let mut stmt = sea_query::Index::create();
    stmt.name(name).table(index.table.clone());
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
    let sql = build(&stmt, d);
    if d == Dialect::MySql && if_not_exists {
        // sea-query's MySQL builder leaves IF NOT EXISTS out; MariaDB has it.
        return Ok(sql.replacen("INDEX ", "INDEX IF NOT EXISTS ", 1));
    }
    Ok(sql)
}

fn drop_index(index: &Index, if_exists: bool, backend: &Db) -> CResult<String> {
    let d = backend.dialect;
    let name = index.index_name();
    if d == Dialect::MySql {
        if if_exists && !is_mariadb(backend) {
            return unsupported(
                format!("drop index if exists {name}"),
                "MySQL has no DROP INDEX IF EXISTS; use drop_index",
            );
        }
        let ie = if if_exists { "IF EXISTS " } else { "" };
        return Ok(format!(
            "DROP INDEX {ie}{} ON {}",
            quote(d, &name),
            quote(d, &index.table)
        ));
    }
    let mut stmt = sea_query::Index::drop();
    stmt.name(name);
    if if_exists {
        stmt.if_exists();
    }
    Ok(build(&stmt, d))
}

fn create_constraint(c: &Constraint, d: Dialect) -> CResult<String> {
    let Some(check) = &c.check else {
        return Err(CompileError::Invalid(format!(
            "constraint {} on {} has no check expression",
            c.name, c.table
        )));
    };
    if d == Dialect::Sqlite {
        return unsupported(
            format!("create constraint {} on {}", c.name, c.table),
            "SQLite cannot add a constraint to an existing table; declare it in create_table with t.check(name, expr)",
        );
    }
    Ok(format!(
        "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({check})",
        quote(d, &c.table),
        quote(d, &c.name)
    ))
}

#[cfg(test)]
mod tests;
