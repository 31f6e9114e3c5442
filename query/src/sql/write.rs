//! INSERT, UPDATE-by-key and DELETE-by-key text for schema rows, in sea-query's
//! spelling. Values are never written: every one is a placeholder.

use super::select::join_clauses;
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
    prefix: Option<crate::ir::Prefix>,
    table: &str,
    set: impl Iterator<Item = &'static str>,
    key: &RowKey<'_>,
) -> String {
    let mut buf = SqlBuf::new(dialect, 128);
    buf.push("UPDATE ");
    buf.table(prefix, table);
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
pub(crate) fn delete(
    dialect: Dialect,
    prefix: Option<crate::ir::Prefix>,
    table: &str,
    key: &RowKey<'_>,
) -> String {
    let mut buf = SqlBuf::new(dialect, 64);
    buf.push("DELETE FROM ");
    buf.table(prefix, table);
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
    prefix: Option<crate::ir::Prefix>,
    table: &str,
    columns: &[&'static str],
    rows: usize,
    returning: Option<&[&'static str]>,
) -> String {
    insert_on_conflict(dialect, prefix, table, columns, rows, None, returning)
}

/// [`insert`] with an upsert's conflict clause after the rows.
pub(crate) fn insert_on_conflict(
    dialect: Dialect,
    prefix: Option<crate::ir::Prefix>,
    table: &str,
    columns: &[&'static str],
    rows: usize,
    on_conflict: Option<&Conflict>,
    returning: Option<&[&'static str]>,
) -> String {
    let mut buf = SqlBuf::new(dialect, 32 + columns.len() * (16 + rows * 5));
    buf.push("INSERT INTO ");
    buf.table(prefix, table);
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

/// Which bulk statement [`bulk`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bulk {
    Update,
    Delete,
}

/// The terms of a bulk statement's WHERE, each in parentheses when there
/// are several: `(on1) AND (on2) AND (cond)`.
fn where_terms(terms: &[&crate::ir::Rpn], buf: &mut SqlBuf) -> Option<()> {
    let terms: Vec<&&crate::ir::Rpn> = terms.iter().filter(|t| !t.is_empty()).collect();
    let paren = terms.len() > 1;
    for (n, t) in terms.iter().enumerate() {
        buf.push(if n == 0 { " WHERE " } else { " AND " });
        if paren {
            buf.push("(");
        }
        super::expr::Writer::new(t)?.expr(buf)?;
        if paren {
            buf.push(")");
        }
    }
    Some(())
}

fn bulk_sets(table: &str, sets: &[Assign], qualified: bool, buf: &mut SqlBuf) {
    buf.push(" SET ");
    for (n, a) in sets.iter().enumerate() {
        if n > 0 {
            buf.push(", ");
        }
        let (Assign::Excluded(col)
        | Assign::Keep(col)
        | Assign::Param(col)
        | Assign::Inc(col)
        | Assign::Function(_, col)) = *a;
        if qualified {
            buf.column(table, col);
        } else {
            buf.ident(col);
        }
        buf.push(" = ");
        match *a {
            Assign::Inc(col) => {
                buf.column(table, col);
                buf.push(" + ");
                buf.param();
            }
            Assign::Keep(col) => buf.column(table, col),
            _ => buf.param(),
        }
    }
}

/// The joined tables of a `FROM` / `USING` list.
fn join_list(parts: &crate::ir::Parts, buf: &mut SqlBuf) {
    for (n, j) in parts.joins.iter().enumerate() {
        if n > 0 {
            buf.push(", ");
        }
        buf.table(j.prefix, j.table);
        if let Some(alias) = j.alias {
            buf.push(" AS ");
            buf.ident(alias);
        }
    }
}

/// An `update_all` (with `sets`) or `delete_all` of the rows `parts` selects
/// (filters and joins), written in `syntax` when it has joins, with a
/// RETURNING of `returning` (columns of the table, qualified). The values
/// are bound in text order: see `crate::write::bulk` for what that order is
/// in each syntax. `None`: a part this writer does not write.
pub(crate) fn bulk(
    dialect: Dialect,
    kind: Bulk,
    parts: &crate::ir::Parts,
    sets: &[Assign],
    syntax: Option<crate::dialect::JoinedWrite>,
    returning: Option<&[&'static str]>,
) -> Option<String> {
    use crate::dialect::JoinedWrite;
    let table = parts.from;
    let prefix = parts.from_prefix;
    let mut buf = SqlBuf::new(dialect, 128);
    let ons: Vec<&crate::ir::Rpn> = parts.joins.iter().map(|j| &j.on).collect();
    let multi_table = !parts.joins.is_empty() && syntax == Some(JoinedWrite::MultiTable);
    match kind {
        Bulk::Update => {
            buf.push("UPDATE ");
            buf.table(prefix, table);
            if multi_table {
                join_clauses(parts, &mut buf)?;
                bulk_sets(table, sets, true, &mut buf);
                where_terms(&[&parts.cond], &mut buf)?;
            } else {
                bulk_sets(table, sets, false, &mut buf);
                if !parts.joins.is_empty() {
                    buf.push(" FROM ");
                    join_list(parts, &mut buf);
                }
                let mut terms = ons;
                terms.push(&parts.cond);
                where_terms(&terms, &mut buf)?;
            }
        }
        Bulk::Delete => {
            if multi_table {
                // MySQL: a table of another database is named with it in
                // both places (no alias).
                buf.push("DELETE ");
                buf.table(prefix, table);
                buf.push(" FROM ");
                buf.table(prefix, table);
                join_clauses(parts, &mut buf)?;
                where_terms(&[&parts.cond], &mut buf)?;
            } else {
                buf.push("DELETE FROM ");
                buf.table(prefix, table);
                if !parts.joins.is_empty() {
                    buf.push(" USING ");
                    join_list(parts, &mut buf);
                }
                let mut terms = ons;
                terms.push(&parts.cond);
                where_terms(&terms, &mut buf)?;
            }
        }
    }
    if let Some(cols) = returning {
        buf.push(" RETURNING ");
        for (n, c) in cols.iter().enumerate() {
            if n > 0 {
                buf.push(", ");
            }
            buf.column(table, c);
        }
    }
    Some(buf.sql)
}
