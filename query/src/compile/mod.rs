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
        match cache::find(dialect, |shape| self.key(dialect, shape)) {
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
            + self.group_by.values.len()
            + self.having.values.len()
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
        scan(&self.group_by);
        scan(&self.having);
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
