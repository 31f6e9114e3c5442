//! INSERT, UPDATE-by-key and DELETE-by-key text for schema rows, in sea-query's
//! spelling. Values are never written: every one is a placeholder.

use super::SqlBuf;
use crate::dialect::Dialect;

/// The key of a row: its primary key columns, then the optimistic lock column
/// (`Some(true)` when the expected version is NULL: `IS NULL`, nothing bound).
pub(crate) struct RowKey<'a> {
    pub(crate) columns: &'a [&'static str],
    pub(crate) lock: Option<(&'static str, bool)>,
}

fn where_key(key: &RowKey<'_>, buf: &mut SqlBuf) {
    buf.push(" WHERE ");
    let mut first = true;
    let mut term = |buf: &mut SqlBuf, column: &str, null: bool| {
        if !first {
            buf.push(" AND ");
        }
        first = false;
        buf.ident(column);
        if null {
            buf.push(" IS NULL");
        } else {
            buf.push(" = ");
            buf.param();
        }
    };
    for c in key.columns {
        term(buf, c, false);
    }
    if let Some((c, null)) = key.lock {
        term(buf, c, null);
    }
}

/// `UPDATE t SET a = ?, b = ? WHERE <key>`.
pub(crate) fn update(
    dialect: Dialect,
    table: &str,
    set: impl Iterator<Item = &'static str>,
    key: &RowKey<'_>,
) -> String {
    let mut buf = SqlBuf::new(dialect, 128);
    buf.push("UPDATE ");
    buf.ident(table);
    buf.push(" SET ");
    for (n, c) in set.enumerate() {
        if n > 0 {
            buf.push(", ");
        }
        buf.ident(c);
        buf.push(" = ");
        buf.param();
    }
    where_key(key, &mut buf);
    buf.sql
}

/// `DELETE FROM t WHERE <key>`.
pub(crate) fn delete(dialect: Dialect, table: &str, key: &RowKey<'_>) -> String {
    let mut buf = SqlBuf::new(dialect, 64);
    buf.push("DELETE FROM ");
    buf.ident(table);
    where_key(key, &mut buf);
    buf.sql
}

/// What an upsert's conflict clause names: the columns of a unique index, or
/// a constraint (where the dialect has `ON CONFLICT ON CONSTRAINT`).
#[derive(Clone, Debug)]
pub(crate) enum ConflictTarget {
    Columns(Vec<&'static str>),
    Constraint(String),
}

/// One assignment of an upsert's update, `"c" = ...`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Assign {
    /// The value the INSERT proposed (`excluded."c"`, MySQL `VALUES(c)`).
    Excluded(&'static str),
    /// The stored value (`"t"."c"`): a no-op that still makes the statement
    /// see the row (its RETURNING gives it).
    Keep(&'static str),
    /// A bound value.
    Param(&'static str),
    /// The stored value plus a bound value.
    Inc(&'static str),
    /// The stored value through a function (MySQL `LAST_INSERT_ID("c")`).
    Function(&'static str, &'static str),
}

/// An upsert's conflict clause: its target and assignments (none: `DO
/// NOTHING`, where the dialect has it).
#[derive(Clone, Debug)]
pub(crate) struct Conflict {
    pub(crate) target: ConflictTarget,
    pub(crate) sets: Vec<Assign>,
}

fn conflict(buf: &mut SqlBuf, table: &str, c: &Conflict) {
    use crate::dialect::UpsertSyntax;
    let syntax = buf.dialect().upsert_syntax();
    match syntax {
        UpsertSyntax::OnDuplicateKeyUpdate => buf.push(" ON DUPLICATE KEY UPDATE "),
        _ => {
            buf.push(" ON CONFLICT ");
            match &c.target {
                ConflictTarget::Columns(cols) => {
                    buf.push("(");
                    for (n, col) in cols.iter().enumerate() {
                        if n > 0 {
                            buf.push(", ");
                        }
                        buf.ident(col);
                    }
                    buf.push(")");
                }
                ConflictTarget::Constraint(name) => {
                    buf.push("ON CONSTRAINT ");
                    buf.ident(name);
                }
            }
            if c.sets.is_empty() {
                buf.push(" DO NOTHING");
                return;
            }
            buf.push(" DO UPDATE SET ");
        }
    }
    for (n, a) in c.sets.iter().enumerate() {
        if n > 0 {
            buf.push(", ");
        }
        let (Assign::Excluded(col)
        | Assign::Keep(col)
        | Assign::Param(col)
        | Assign::Inc(col)
        | Assign::Function(_, col)) = *a;
        buf.ident(col);
        buf.push(" = ");
        match *a {
            Assign::Excluded(col) => {
                let dialect = buf.dialect();
                dialect.write_excluded(&mut buf.sql, col);
            }
            Assign::Keep(col) => buf.column(table, col),
            Assign::Param(_) => buf.param(),
            Assign::Inc(col) => {
                buf.column(table, col);
                buf.push(" + ");
                buf.param();
            }
            Assign::Function(f, col) => {
                buf.push(f);
                buf.push("(");
                buf.column(table, col);
                buf.push(")");
            }
        }
    }
}

/// `INSERT INTO t (a, b) VALUES (?, ?), ... [RETURNING c, ...]` for `rows` rows
/// (at least one column).
pub(crate) fn insert(
    dialect: Dialect,
    table: &str,
    columns: &[&'static str],
    rows: usize,
    returning: Option<&[&'static str]>,
) -> String {
    insert_on_conflict(dialect, table, columns, rows, None, returning)
}

/// [`insert`] with an upsert's conflict clause after the rows.
pub(crate) fn insert_on_conflict(
    dialect: Dialect,
    table: &str,
    columns: &[&'static str],
    rows: usize,
    on_conflict: Option<&Conflict>,
    returning: Option<&[&'static str]>,
) -> String {
    let mut buf = SqlBuf::new(dialect, 32 + columns.len() * (16 + rows * 5));
    buf.push("INSERT INTO ");
    buf.ident(table);
    buf.push(" (");
    for (n, c) in columns.iter().enumerate() {
        if n > 0 {
            buf.push(", ");
        }
        buf.ident(c);
    }
    buf.push(") VALUES ");
    for r in 0..rows {
        buf.push(if r == 0 { "(" } else { ", (" });
        for n in 0..columns.len() {
            if n > 0 {
                buf.push(", ");
            }
            buf.param();
        }
        buf.push(")");
    }
    if let Some(c) = on_conflict {
        conflict(&mut buf, table, c);
    }
    if let Some(cols) = returning {
        buf.push(" RETURNING ");
        for (n, c) in cols.iter().enumerate() {
            if n > 0 {
                buf.push(", ");
            }
            buf.ident(c);
        }
    }
    buf.sql
}
