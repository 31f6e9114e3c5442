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

/// `INSERT INTO t (a, b) VALUES (?, ?), ... [RETURNING c, ...]` for `rows` rows
/// (at least one column).
pub(crate) fn insert(
    dialect: Dialect,
    table: &str,
    columns: &[&'static str],
    rows: usize,
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
