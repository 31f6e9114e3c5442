//! quarry's own SQL writer for the statements it models (a [`Parts`] SELECT),
//! written straight from the postfix form without building a sea-query tree.
//!
//! The text is exactly what sea-query writes for the same statement (same
//! quoting, placeholders and parentheses); `tests/sql_snapshots.rs` pins it and a
//! randomized test in [`expr`] compares the two writers expression by expression.
//! Statements quarry does not model (DDL, raw sea-query) still go through
//! sea-query.
//!
//! [`Parts`]: crate::ir::Parts

mod expr;
pub(crate) mod lower;
mod select;
pub(crate) mod write;

use crate::dialect::Dialect;

/// A SQL text being written for one dialect, numbering its placeholders.
pub(crate) struct SqlBuf {
    pub(crate) sql: String,
    dialect: Dialect,
    params: u32,
    /// The length of each list argument of a prepared query, by argument
    /// number (what `Op::ParamIn` expands to outside Postgres).
    lists: Vec<u32>,
}

impl SqlBuf {
    pub(crate) fn new(dialect: Dialect, capacity: usize) -> Self {
        SqlBuf {
            sql: String::with_capacity(capacity),
            dialect,
            params: 0,
            lists: Vec::new(),
        }
    }

    /// The length of list argument `n`, when known.
    pub(crate) fn list_len(&self, n: u16) -> Option<u32> {
        self.lists.get(usize::from(n)).copied()
    }

    pub(crate) fn dialect(&self) -> Dialect {
        self.dialect
    }

    pub(crate) fn push(&mut self, s: &str) {
        self.sql.push_str(s);
    }

    /// A quoted identifier (the quote character doubled inside it).
    pub(crate) fn ident(&mut self, name: &str) {
        self.dialect.write_ident(&mut self.sql, name);
    }

    /// A table, `"prefix"."table"` when it has a prefix.
    pub(crate) fn table(&mut self, prefix: Option<crate::ir::Prefix>, table: &str) {
        if let Some(p) = prefix {
            self.ident(p.as_str());
            self.sql.push('.');
        }
        self.ident(table);
    }

    /// `"table"."column"`.
    pub(crate) fn column(&mut self, table: &str, column: &str) {
        self.ident(table);
        self.sql.push('.');
        self.ident(column);
    }

    /// The next placeholder (`$n` on Postgres, `?` elsewhere).
    pub(crate) fn param(&mut self) {
        self.params += 1;
        self.dialect.write_placeholder(&mut self.sql, self.params);
    }
}

/// Writes a subquery where an expression holds one: SELECTs and expressions
/// nest in each other, and this is where the expression writer hands back to
/// the SELECT writer.
pub(crate) fn write_subquery(parts: &crate::ir::Parts, buf: &mut SqlBuf) -> Option<()> {
    select::write(parts, buf)
}

/// The SELECT of `parts` for `dialect` as SQL text, or `None` when a part of it
/// is not one quarry writes itself (the caller builds it through sea-query).
pub(crate) fn write_select(parts: &crate::ir::Parts, dialect: Dialect) -> Option<String> {
    write_select_with_lists(parts, dialect, Vec::new())
}

/// [`write_select`] of a prepared query whose list arguments have these
/// lengths (by argument number): outside Postgres each one is written as that
/// many placeholders.
pub(crate) fn write_select_with_lists(
    parts: &crate::ir::Parts,
    dialect: Dialect,
    lists: Vec<u32>,
) -> Option<String> {
    let mut buf = SqlBuf::new(dialect, 256);
    buf.lists = lists;
    select::write(parts, &mut buf)?;
    Some(buf.sql)
}

#[cfg(test)]
mod tests;
