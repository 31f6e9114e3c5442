//! `alter table` changes: each database's [`Ddl`](super::Ddl) writes them.

use super::{CResult, Db};
use crate::command::Change;

/// The statements of one change of `alter table <table>`.
pub(crate) fn change(table: &str, change: &Change, backend: &Db) -> CResult<Vec<String>> {
    let (d, ddl) = (backend.dialect, backend.ddl);
    let what = format!("alter table {table}: {change}");
    match change {
        Change::Add {
            column,
            if_not_exists,
        } => ddl.add_column(d, table, column, *if_not_exists, &what),
        Change::Modify { column } => ddl.modify_column(d, table, column, &what),
        Change::Remove {
            name,
            column,
            if_exists,
        } => ddl.remove_column(d, table, name, column.as_ref(), *if_exists, &what),
        Change::Rename { from, to } => {
            let mut stmt = sea_query::Table::alter();
            stmt.table(table.to_string())
                .rename_column(from.clone(), to.clone());
            Ok(vec![d.build_schema(&stmt)])
        }
    }
}
