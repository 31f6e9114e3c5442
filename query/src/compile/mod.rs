//! Compiling a query's [`Parts`] to a [`Statement`]: through the SQL cache
//! ([`cache`]), quarry's writer ([`crate::sql`]) or sea-query; and the checks
//! that refuse what a database cannot run.

pub(crate) mod cache;

use crate::dialect::Dialect;
use crate::driver::Backend;
use crate::ir::{JoinKind, Parts, SetOp};
use crate::statement::Statement;
use quarry_core::{Error, QueryError};

impl Parts {
    /// Compiles to a statement, through the SQL cache: a shape seen before skips
    /// SQL generation and only collects its values. A new shape is written by
    /// quarry's own writer (`crate::sql`); what it does not write goes through
    /// sea-query every time. A malformed form is an internal error.
    pub(crate) fn compile(mut self, dialect: Dialect) -> Result<Statement, Error> {
        self.resolve_prefixes(None, None)?;
        if crate::compile::cache::is_bypassed() {
            return match crate::sql::write_select(&self, dialect) {
                Some(sql) => Ok(self.with_sql(dialect, sql.into())),
                None => Ok(dialect.build(&self.to_select(dialect)?, self.from)),
            };
        }
        let found = cache::with_key_buffer(dialect, |shape| {
            self.key(dialect, shape);
            match cache::lookup(shape) {
                crate::compile::cache::Lookup::Hit(sql) => Ok(sql),
                crate::compile::cache::Lookup::Uncacheable => Err(None),
                crate::compile::cache::Lookup::Miss => Err(Some(shape.clone())),
            }
        });
        match found {
            Ok(sql) => Ok(self.with_sql(dialect, sql)),
            Err(None) => Ok(dialect.build(&self.to_select(dialect)?, self.from)),
            Err(Some(shape)) => {
                let sql: Option<std::sync::Arc<str>> =
                    crate::sql::write_select(&self, dialect).map(Into::into);
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
    fn with_sql(self, dialect: Dialect, sql: std::sync::Arc<str>) -> Statement {
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
        if self.has_params() {
            return Err(Error::Query(QueryError::ParamOutsidePrepared));
        }
        self.check_backend(backend)
    }

    /// Refuses, with a typed error, what the database cannot run.
    pub(crate) fn check_backend(&self, backend: &Backend) -> Result<(), Error> {
        let caps = &backend.capabilities;
        if !caps.prefixes && self.has_prefix() {
            crate::prefix::supported(backend)?;
        }
        if self.lock.is_some() && !caps.row_locks {
            return Err(Error::Unsupported {
                feature: "row locks (FOR UPDATE / FOR SHARE)",
                backend: backend.name,
            });
        }
        if !caps.window_functions && self.any_op(|op| matches!(op, crate::ir::Op::Over { .. })) {
            return Err(Error::Unsupported {
                feature: "window functions",
                backend: backend.name,
            });
        }
        if !caps.array_overlaps
            && self.any_op(|op| {
                matches!(
                    op,
                    crate::ir::Op::Array(crate::ir::op::ArrayOp::Overlaps, _)
                )
            })
        {
            return Err(Error::Unsupported {
                feature: "overlaps on array columns (JSON_OVERLAPS)",
                backend: backend.name,
            });
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
            member.check_backend(backend)?;
        }
        if let Some(sub) = &self.from_sub {
            sub.check_backend(backend)?;
        }
        // Subqueries in expressions (EXISTS, IN, scalar): a lateral join or a
        // row lock inside one is refused as it would be at the top.
        for sub in self.rpns().flat_map(|r| r.subs.iter()) {
            sub.check_backend(backend)?;
        }
        if let Some(with) = &self.with {
            if !caps.recursive_cte {
                return Err(Error::Unsupported {
                    feature: "WITH RECURSIVE",
                    backend: backend.name,
                });
            }
            with.1.check_backend(backend)?;
        }
        for j in &self.joins {
            if let Some(sub) = &j.lateral {
                if !caps.lateral_join {
                    return Err(Error::Unsupported {
                        feature: "LATERAL JOIN",
                        backend: backend.name,
                    });
                }
                sub.check_backend(backend)?;
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
