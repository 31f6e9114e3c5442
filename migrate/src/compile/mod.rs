//! Commands to SQL for one database, through sea-query's schema builders.
//!
//! sea-query panics on a few statements a database cannot run (SQLite cannot
//! alter foreign keys, MySQL has no `DROP INDEX IF EXISTS`...). Those are checked
//! here first and become [`CompileError::Unsupported`]; the builder is never
//! asked for them.

mod alter;
pub(crate) mod dialect;
mod quote;

use crate::command::{Column, Command, Constraint, PrimaryKey, Table};
use crate::types::{DefaultValue, OnDelete, OnUpdate, References};
pub(crate) use dialect::{Db, Ddl, MigrationLock};
use quarry_query::Dialect;
use sea_query::{Check, ColumnDef, Expr, ForeignKey, ForeignKeyAction};

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
            format!("sea-query cannot build it for {}", backend.ddl.name()),
        )
    })
}

fn compile_checked(command: &Command, backend: &Db) -> CResult<Vec<String>> {
    let (d, ddl) = (backend.dialect, backend.ddl);
    match command {
        Command::CreateTable {
            table,
            columns,
            checks,
            if_not_exists,
        } => create_table(table, columns, checks, *if_not_exists, backend).map(|s| vec![s]),
        Command::DropTable { table, if_exists } => {
            let mut stmt = sea_query::Table::drop();
            stmt.table(table.clone());
            if *if_exists {
                stmt.if_exists();
            }
            Ok(vec![d.build_schema(&stmt)])
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
            Ok(vec![d.build_schema(&stmt)])
        }
        Command::CreateIndex {
            index,
            if_not_exists,
        } => {
            if index.columns.is_empty() {
                return Err(CompileError::Invalid(format!(
                    "index {} has no columns",
                    index.index_name()
                )));
            }
            Ok(vec![ddl.create_index(d, index, *if_not_exists)?])
        }
        Command::DropIndex { index, if_exists } => Ok(vec![ddl.drop_index(d, index, *if_exists)?]),
        Command::CreateConstraint(c) => create_constraint(c, backend).map(|s| vec![s]),
        Command::DropConstraint(c) => Ok(vec![ddl.drop_constraint(d, c, &command.to_string())?]),
        Command::Execute { up, .. } => Ok(vec![up.clone()]),
    }
}

fn identity_column(name: &str, ty: &crate::types::Type, ddl: &dyn Ddl) -> ColumnDef {
    let mut def = ColumnDef::new_with_type(name.to_string(), ddl.identity_type(ty));
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

/// A column-level foreign key clause (SQLite cannot add a table-level one
/// later, and drops a column-level one with its column).
fn inline_foreign_key(d: Dialect, table: &str, column: &str, r: &References) -> String {
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

/// The definition of `column` (type, null, default; where foreign keys are
/// inline, its foreign key).
pub(crate) fn column_def<D: Ddl + ?Sized>(
    table: &str,
    column: &Column,
    d: Dialect,
    ddl: &D,
) -> ColumnDef {
    let mut def =
        ColumnDef::new_with_type(column.name.clone(), ddl.column_type(&column.ty, column));
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
    if let (true, Some(r)) = (ddl.inline_foreign_keys(), column.ty.as_references()) {
        extra.push(inline_foreign_key(d, table, &column.name, r));
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
    backend: &Db,
) -> CResult<String> {
    let (d, ddl) = (backend.dialect, backend.ddl);
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
            stmt.col(identity_column(name, ty, ddl));
        } else {
            let mut def = column_def(&table.name, &Column::new(*name, ty.clone()), d, ddl);
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
        let mut def = column_def(&table.name, c, d, ddl);
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
    if !ddl.inline_foreign_keys() {
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
    Ok(d.build_schema(&stmt))
}

fn create_constraint(c: &Constraint, backend: &Db) -> CResult<String> {
    let Some(check) = &c.check else {
        return Err(CompileError::Invalid(format!(
            "constraint {} on {} has no check expression",
            c.name, c.table
        )));
    };
    backend.ddl.create_constraint(backend.dialect, c, check)
}

#[cfg(test)]
mod tests;
