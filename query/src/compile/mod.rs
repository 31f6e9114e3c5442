//! Compiling a query's [`Parts`] to a [`Statement`]: through the SQL cache
//! ([`cache`]), quarry's writer ([`crate::sql`]) or sea-query; and the checks
//! that refuse what a database cannot run.

pub(crate) mod cache;

use crate::dialect::Dialect;
use crate::driver::Backend;
use crate::ir::op::ArrayOp;
use crate::ir::{JoinKind, Op, Parts, SetOp};
use crate::statement::Statement;
use quarry_core::{Error, QueryError};

impl Parts {
    /// Compiles to a statement, through the SQL cache: a shape seen before skips
    /// SQL generation and only collects its values. A new shape is written by
    /// quarry's own writer (`crate::sql`); what it does not write goes through
    /// sea-query every time. A malformed form is an internal error.
    pub(crate) fn compile(mut self, dialect: Dialect) -> Result<Statement, Error> {
        self.resolve_prefixes(None, None)?;
        self.compile_targeted(dialect)
    }

    /// [`Parts::compile`] of parts whose prefixes are resolved (by
    /// [`Parts::target`]), without moving them (a read compiles the query where
    /// it lies): the values are moved out, the rest is left for the caller to
    /// drop.
    pub(crate) fn compile_targeted(&mut self, dialect: Dialect) -> Result<Statement, Error> {
        let found = cache::find(dialect, |shape| self.key(dialect, shape));
        self.compile_found(dialect, found)
    }

    /// [`Parts::target`] then [`Parts::compile_targeted`] for a query about
    /// to be read, without the checks when they are already known to pass: a
    /// shape's cache entry here is keyed by the capabilities it was checked
    /// against as well, and is stored only once the checks passed. The checks
    /// read nothing the key does not hold (the operations, prefixes, joins,
    /// nested queries and lock), so a hit has passed them before.
    pub(crate) fn fetch_statement(&mut self, backend: &Backend) -> Result<Statement, Error> {
        self.resolve_prefixes(None, backend.default_prefix)?;
        let dialect = backend.dialect;
        let checked = Op::Checked(
            crate::ir::Name(dialect.name()),
            checked_capabilities(&backend.capabilities),
        );
        let found = cache::find_from(checked, |shape| self.key(dialect, shape));
        if let cache::Found::Hit(sql) = found {
            return Ok(self.with_sql(dialect, sql));
        }
        self.check(backend)?;
        self.compile_found(dialect, found)
    }

    /// Compiles for what the SQL cache found for the parts' shape.
    fn compile_found(&mut self, dialect: Dialect, found: cache::Found) -> Result<Statement, Error> {
        match found {
            cache::Found::Hit(sql) => Ok(self.with_sql(dialect, sql)),
            cache::Found::Uncacheable => Ok(dialect.build(&self.to_select(dialect)?, self.from)),
            cache::Found::Bypassed => match crate::sql::write_select(self, dialect) {
                Some(sql) => Ok(self.with_sql(dialect, sql.into())),
                None => Ok(dialect.build(&self.to_select(dialect)?, self.from)),
            },
            cache::Found::Miss(shape) => {
                let sql: Option<std::sync::Arc<str>> =
                    crate::sql::write_select(self, dialect).map(Into::into);
                let stmt = match sql.clone() {
                    Some(sql) => self.with_sql(dialect, sql),
                    None => dialect.build(&self.to_select(dialect)?, self.from),
                };
                cache::store(&shape, sql);
                Ok(stmt)
            }
        }
    }

    /// The statement of `sql` (written for these parts) with the parts' values.
    fn with_sql(&mut self, dialect: Dialect, sql: std::sync::Arc<str>) -> Statement {
        let table = self.from;
        let hint = self.select.values.len()
            + self.joins.iter().map(|j| j.on.values.len()).sum::<usize>()
            + self.cond.values.len()
            + self
                .grouping
                .as_deref()
                .map_or(0, |g| g.group_by.values.len() + g.having.values.len())
            + self.order.values.len()
            + usize::from(self.limit.is_some())
            + usize::from(self.offset.is_some());
        if hint == 0 && self.is_flat() {
            // No value anywhere (a bare read): nothing to walk.
            return Statement {
                sql,
                values: Vec::new(),
                table,
            };
        }
        let mut values = Vec::with_capacity(hint);
        self.take_values(dialect, &mut values);
        Statement { sql, values, table }
    }

    /// Readies the query for `backend`: every table's prefix worked out with
    /// the backend's default ([`Backend::default_prefix`]), then
    /// [`Parts::check`].
    pub(crate) fn target(&mut self, backend: &Backend) -> Result<(), Error> {
        self.resolve_prefixes(None, backend.default_prefix)?;
        self.check(backend)
    }

    /// Refuses, with a typed error, what the database cannot run, and an
    /// argument of a prepared query used in a query that is not prepared.
    pub(crate) fn check(&self, backend: &Backend) -> Result<(), Error> {
        self.check_level(backend, true)
    }

    /// Refuses, with a typed error, what the database cannot run.
    pub(crate) fn check_backend(&self, backend: &Backend) -> Result<(), Error> {
        self.check_level(backend, false)
    }

    /// The checks of [`Parts::check`] (`refuse_params`) or
    /// [`Parts::check_backend`]: each level of the query reads its own
    /// operations once, then checks the queries it nests the same way, so the
    /// whole query is walked once.
    ///
    /// A capability read here must be one of [`checked_capabilities`]' bits,
    /// and anything else read here part of the query's key ([`Parts::key`]):
    /// [`Parts::fetch_statement`] skips these checks for a shape cached as
    /// checked against the same bits.
    fn check_level(&self, backend: &Backend, refuse_params: bool) -> Result<(), Error> {
        let caps = &backend.capabilities;
        let (mut params, mut window, mut overlaps) = (false, false, false);
        let mut scan = |rpn: &crate::ir::Rpn| {
            for op in &rpn.ops {
                match op {
                    Op::Param(_) | Op::ParamIn(_) => params = true,
                    Op::Over { .. } => window = true,
                    Op::Array(ArrayOp::Overlaps, _) => overlaps = true,
                    _ => {}
                }
            }
        };
        scan(&self.select);
        scan(&self.cond);
        scan(self.group_by());
        scan(self.having());
        scan(&self.order);
        for j in &self.joins {
            scan(&j.on);
        }
        if refuse_params && params {
            return Err(Error::Query(QueryError::ParamOutsidePrepared));
        }
        if !caps.prefixes
            && (self.from_prefix.is_some() || self.joins.iter().any(|j| j.prefix.is_some()))
        {
            crate::prefix::supported(backend)?;
        }
        if self.lock.is_some() && !caps.row_locks {
            return Err(Error::Unsupported {
                feature: "row locks (FOR UPDATE / FOR SHARE)",
                backend: backend.name,
            });
        }
        if window && !caps.window_functions {
            return Err(Error::Unsupported {
                feature: "window functions",
                backend: backend.name,
            });
        }
        if overlaps && !caps.array_overlaps {
            return Err(Error::Unsupported {
                feature: "overlaps on array columns (JSON_OVERLAPS)",
                backend: backend.name,
            });
        }
        if !self.nests() {
            return self.check_joins(backend, refuse_params);
        }
        for (op, member) in &self.set_ops {
            let runs = match op {
                SetOp::Union | SetOp::UnionAll => true,
                SetOp::Intersect | SetOp::Except => caps.intersect_except,
                SetOp::IntersectAll | SetOp::ExceptAll => caps.intersect_except_all,
            };
            if !runs {
                return Err(Error::Unsupported {
                    feature: op.keyword(),
                    backend: backend.name,
                });
            }
            member.check_level(backend, refuse_params)?;
        }
        if let Some(sub) = &self.from_sub {
            sub.check_level(backend, refuse_params)?;
        }
        // Subqueries in expressions (EXISTS, IN, scalar): a lateral join or a
        // row lock inside one is refused as it would be at the top.
        for sub in self.rpns().flat_map(|r| r.subs.iter()) {
            sub.check_level(backend, refuse_params)?;
        }
        if let Some(with) = &self.with {
            if !caps.recursive_cte {
                return Err(Error::Unsupported {
                    feature: "WITH RECURSIVE",
                    backend: backend.name,
                });
            }
            with.1.check_level(backend, refuse_params)?;
        }
        self.check_joins(backend, refuse_params)
    }

    /// The joins' checks of [`Parts::check_level`].
    fn check_joins(&self, backend: &Backend, refuse_params: bool) -> Result<(), Error> {
        let caps = &backend.capabilities;
        for j in &self.joins {
            if let Some(sub) = &j.lateral {
                if !caps.lateral_join {
                    return Err(Error::Unsupported {
                        feature: "LATERAL JOIN",
                        backend: backend.name,
                    });
                }
                sub.check_level(backend, refuse_params)?;
            }
            if j.kind == JoinKind::Full && !caps.full_join {
                return Err(Error::Unsupported {
                    feature: "FULL JOIN",
                    backend: backend.name,
                });
            }
            if j.kind == JoinKind::Right && !caps.right_join {
                return Err(Error::Unsupported {
                    feature: "RIGHT JOIN",
                    backend: backend.name,
                });
            }
        }
        Ok(())
    }
}

/// The capabilities [`Parts::check`] reads, one bit each: the part of a
/// checked shape's cache key that says what it was checked against.
fn checked_capabilities(c: &crate::driver::Capabilities) -> u16 {
    [
        c.prefixes,
        c.row_locks,
        c.window_functions,
        c.array_overlaps,
        c.intersect_except,
        c.intersect_except_all,
        c.recursive_cte,
        c.lateral_join,
        c.full_join,
        c.right_join,
    ]
    .iter()
    .enumerate()
    .fold(0, |bits, (i, on)| bits | (u16::from(*on) << i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::Capabilities;
    use crate::ir::{LockStrength, LockWait, Rpn};

    fn backend(row_locks: bool) -> Backend {
        Backend {
            dialect: Dialect::Postgres,
            name: "PostgreSQL",
            version: String::new(),
            capabilities: Capabilities {
                row_locks,
                ..Capabilities::ALL
            },
            default_prefix: None,
        }
    }

    /// `SELECT id FROM <table> FOR UPDATE`, a shape of its own per test.
    fn locking(table: &'static str) -> Parts {
        let mut p = Parts::new(table);
        p.select = Rpn::op(Op::col(table, "id"));
        p.select.push(Op::Item);
        p.lock = Some((LockStrength::Update, LockWait::Wait));
        p
    }

    fn refused_row_locks(result: Result<Statement, Error>) -> bool {
        matches!(result, Err(Error::Unsupported { feature, .. }) if feature.contains("row locks"))
    }

    #[test]
    fn a_shape_checked_for_one_backend_is_checked_again_for_another() {
        let table = "checked_for_one_backend";
        // Checked, compiled and cached where row locks exist.
        for _ in 0..2 {
            assert!(locking(table).fetch_statement(&backend(true)).is_ok());
        }
        // The same shape where they do not: refused every time, never a hit.
        for _ in 0..2 {
            assert!(refused_row_locks(
                locking(table).fetch_statement(&backend(false))
            ));
        }
        assert!(locking(table).fetch_statement(&backend(true)).is_ok());
    }

    #[test]
    fn a_shape_compiled_unchecked_is_still_checked_when_read() {
        let table = "compiled_unchecked";
        // `compile` (a statement asked for by hand) caches the shape without
        // checking it; a read of the same shape must not take that as checked.
        for _ in 0..2 {
            assert!(locking(table).compile(Dialect::Postgres).is_ok());
        }
        assert!(refused_row_locks(
            locking(table).fetch_statement(&backend(false))
        ));
    }

    #[test]
    fn an_argument_outside_a_prepared_query_is_refused_on_every_read() {
        for _ in 0..3 {
            let mut p = Parts::new("argument_outside");
            p.cond = Rpn::op(Op::col("argument_outside", "id"));
            p.cond.push(Op::Param(0));
            p.cond.push(Op::Eq);
            assert!(matches!(
                p.fetch_statement(&backend(true)),
                Err(Error::Query(QueryError::ParamOutsidePrepared))
            ));
        }
    }
}
