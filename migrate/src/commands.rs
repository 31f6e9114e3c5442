//! [`Commands`]: what a migration's `change`, `up` or `down` records, in order.
//! Nothing runs while a migration records; the runner compiles and runs the
//! commands afterwards.

use crate::command::{Change, Column, Command, Constraint, Index, Table};
use crate::types::Type;

/// The columns of a table being created (the block of Ecto's `create table`).
#[derive(Debug, Default)]
pub struct NewTable {
    columns: Vec<Column>,
    checks: Vec<(String, String)>,
}

impl NewTable {
    /// Adds a column: `t.add("name", Type::String).not_null()`.
    #[allow(clippy::indexing_slicing)] // `last` is the column just pushed
    pub fn add(&mut self, name: impl Into<String>, ty: impl Into<Type>) -> &mut Column {
        self.columns.push(Column::new(name, ty));
        let last = self.columns.len() - 1;
        &mut self.columns[last]
    }

    /// `inserted_at` and `updated_at`, `NOT NULL`, as `:naive_datetime`
    /// (Ecto's `timestamps()`).
    pub fn timestamps(&mut self) {
        self.timestamps_of(Type::NaiveDateTime);
    }

    /// `timestamps()` of another type (for example `Type::UtcDateTime`).
    pub fn timestamps_of(&mut self, ty: Type) {
        self.add("inserted_at", ty.clone()).not_null();
        self.add("updated_at", ty).not_null();
    }

    /// A named check constraint declared with the table (works on SQLite, which
    /// cannot add one to an existing table).
    pub fn check(&mut self, name: impl Into<String>, expr: impl Into<String>) {
        self.checks.push((name.into(), expr.into()));
    }
}

/// The changes of `alter table` (the block of Ecto's `alter table`).
#[derive(Debug, Default)]
pub struct AlterTable {
    changes: Vec<Change>,
    /// Returned if a change without a column were ever pushed (never happens),
    /// so no code path panics.
    scratch: Option<Column>,
}

impl AlterTable {
    fn push_column(&mut self, change: Change) -> &mut Column {
        self.changes.push(change);
        match self.changes.last_mut() {
            Some(Change::Add { column, .. })
            | Some(Change::Modify { column })
            | Some(Change::Remove {
                column: Some(column),
                ..
            }) => column,
            _ => self
                .scratch
                .get_or_insert_with(|| Column::new("", Type::Id)),
        }
    }

    /// Adds a column (reversed by removing it).
    pub fn add(&mut self, name: impl Into<String>, ty: impl Into<Type>) -> &mut Column {
        self.push_column(Change::Add {
            column: Column::new(name, ty),
            if_not_exists: false,
        })
    }

    /// Adds a column unless it exists (Postgres, MariaDB).
    pub fn add_if_not_exists(
        &mut self,
        name: impl Into<String>,
        ty: impl Into<Type>,
    ) -> &mut Column {
        self.push_column(Change::Add {
            column: Column::new(name, ty),
            if_not_exists: true,
        })
    }

    /// Changes a column's type (and nullability or default, when set on the
    /// returned column). Reversible when `.from(old_type)` is given.
    pub fn modify(&mut self, name: impl Into<String>, ty: impl Into<Type>) -> &mut Column {
        self.push_column(Change::Modify {
            column: Column::new(name, ty),
        })
    }

    /// Drops a column. Not reversible: use [`AlterTable::remove_column`] to give
    /// its type.
    pub fn remove(&mut self, name: impl Into<String>) {
        self.changes.push(Change::Remove {
            name: name.into(),
            column: None,
            if_exists: false,
        });
    }

    /// Drops a column whose definition is given, so the removal is reversible
    /// (Ecto's `remove :col, :type`). A `references` type drops the foreign key
    /// first.
    pub fn remove_column(&mut self, name: impl Into<String>, ty: impl Into<Type>) -> &mut Column {
        let name = name.into();
        self.push_column(Change::Remove {
            column: Some(Column::new(name.clone(), ty)),
            name,
            if_exists: false,
        })
    }

    /// Drops a column if it exists (Postgres, MariaDB).
    pub fn remove_if_exists(
        &mut self,
        name: impl Into<String>,
        ty: impl Into<Type>,
    ) -> &mut Column {
        let name = name.into();
        self.push_column(Change::Remove {
            column: Some(Column::new(name.clone(), ty)),
            name,
            if_exists: true,
        })
    }

    /// Renames a column.
    pub fn rename(&mut self, from: impl Into<String>, to: impl Into<String>) {
        self.changes.push(Change::Rename {
            from: from.into(),
            to: to.into(),
        });
    }

    /// Adds `inserted_at` and `updated_at`. Existing rows need a value: on
    /// SQLite and MySQL give them a default, or add them nullable.
    pub fn timestamps(&mut self) {
        self.add("inserted_at", Type::NaiveDateTime).not_null();
        self.add("updated_at", Type::NaiveDateTime).not_null();
    }
}

/// The commands of one direction of a migration, recorded in order.
///
/// ```
/// use quarry_migrate::prelude::*;
/// let mut m = Commands::new();
/// m.create_table("stores", |t| {
///     t.add("name", Type::String);
///     t.timestamps();
/// });
/// m.alter_table("products", |t| {
///     t.add("store_id", references("stores"));
/// });
/// m.create_index(unique_index("stores", ["name"]));
/// assert_eq!(m.len(), 3);
/// ```
#[derive(Debug, Default)]
pub struct Commands {
    list: Vec<Command>,
    problems: Vec<String>,
}

impl Commands {
    /// No commands yet.
    pub fn new() -> Self {
        Commands::default()
    }

    /// How many commands were recorded.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The recorded commands.
    pub fn commands(&self) -> &[Command] {
        &self.list
    }

    /// Problems found while recording (irreversible commands in a reversal, a
    /// missing `change`...). The runner refuses to run a migration that has any.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// Records a command as is.
    pub fn push(&mut self, command: Command) {
        self.list.push(command);
    }

    /// Records a problem that stops the migration before anything runs.
    pub fn problem(&mut self, message: impl Into<String>) {
        self.problems.push(message.into());
    }

    /// Takes the recorded commands and problems.
    pub fn into_parts(self) -> (Vec<Command>, Vec<String>) {
        (self.list, self.problems)
    }

    /// `create table`: `m.create_table("stores", |t| { t.add("name", Type::String); })`,
    /// or `m.create_table(table("tags").no_primary_key(), ...)`.
    pub fn create_table(&mut self, table: impl Into<Table>, f: impl FnOnce(&mut NewTable)) {
        self.create(table.into(), false, f);
    }

    /// `create_if_not_exists table`.
    pub fn create_table_if_not_exists(
        &mut self,
        table: impl Into<Table>,
        f: impl FnOnce(&mut NewTable),
    ) {
        self.create(table.into(), true, f);
    }

    fn create(&mut self, table: Table, if_not_exists: bool, f: impl FnOnce(&mut NewTable)) {
        let mut t = NewTable::default();
        f(&mut t);
        self.list.push(Command::CreateTable {
            table,
            columns: t.columns,
            checks: t.checks,
            if_not_exists,
        });
    }

    /// `alter table`: add, modify, remove and rename columns.
    pub fn alter_table(&mut self, table: impl Into<String>, f: impl FnOnce(&mut AlterTable)) {
        let mut t = AlterTable::default();
        f(&mut t);
        self.list.push(Command::AlterTable {
            table: table.into(),
            changes: t.changes,
        });
    }

    /// `rename table`.
    pub fn rename_table(&mut self, from: impl Into<String>, to: impl Into<String>) {
        self.list.push(Command::RenameTable {
            from: from.into(),
            to: to.into(),
        });
    }

    /// `drop table` (not reversible: use `up`/`down`).
    pub fn drop_table(&mut self, table: impl Into<String>) {
        self.list.push(Command::DropTable {
            table: table.into(),
            if_exists: false,
        });
    }

    /// `drop_if_exists table`.
    pub fn drop_table_if_exists(&mut self, table: impl Into<String>) {
        self.list.push(Command::DropTable {
            table: table.into(),
            if_exists: true,
        });
    }

    /// `create index` (see [`crate::index`], [`crate::unique_index`]).
    pub fn create_index(&mut self, index: Index) {
        self.list.push(Command::CreateIndex {
            index,
            if_not_exists: false,
        });
    }

    /// `create_if_not_exists index` (Postgres, SQLite, MariaDB).
    pub fn create_index_if_not_exists(&mut self, index: Index) {
        self.list.push(Command::CreateIndex {
            index,
            if_not_exists: true,
        });
    }

    /// `drop index` (reversed by creating it again).
    pub fn drop_index(&mut self, index: Index) {
        self.list.push(Command::DropIndex {
            index,
            if_exists: false,
        });
    }

    /// `drop_if_exists index` (Postgres, SQLite, MariaDB).
    pub fn drop_index_if_exists(&mut self, index: Index) {
        self.list.push(Command::DropIndex {
            index,
            if_exists: true,
        });
    }

    /// `create constraint` (a check constraint; see [`crate::check_constraint`]).
    /// SQLite cannot add one to an existing table: declare it with
    /// [`NewTable::check`].
    pub fn create_constraint(&mut self, constraint: Constraint) {
        self.list.push(Command::CreateConstraint(constraint));
    }

    /// `drop constraint` (reversible when its check expression is given).
    pub fn drop_constraint(&mut self, constraint: Constraint) {
        self.list.push(Command::DropConstraint(constraint));
    }

    /// Raw SQL (not reversible: use [`Commands::execute_reversible`] in `change`).
    pub fn execute(&mut self, sql: impl Into<String>) {
        self.list.push(Command::Execute {
            up: sql.into(),
            down: None,
        });
    }

    /// Raw SQL with the SQL that undoes it (Ecto's `execute(up, down)`).
    pub fn execute_reversible(&mut self, up: impl Into<String>, down: impl Into<String>) {
        self.list.push(Command::Execute {
            up: up.into(),
            down: Some(down.into()),
        });
    }

    /// Records the reverse of what `f` records: each command undone, last first.
    /// A command that cannot be undone is recorded as a problem naming it. This
    /// is how a `change` is rolled back.
    pub fn reverse_of(&mut self, f: impl FnOnce(&mut Commands)) {
        let mut forward = Commands::new();
        f(&mut forward);
        self.problems.append(&mut forward.problems);
        for cmd in forward.list.iter().rev() {
            match cmd.reverse() {
                Ok(back) => self.list.push(back),
                Err(not) => self.problems.push(format!("`{}` is not reversible", not.0)),
            }
        }
    }
}
