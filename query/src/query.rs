//! [`Query`]: a composable query over a root schema `S` and the sources joined to
//! it (`J`). Functions take a query and return a refined one, so filters compose;
//! a condition on a table the query has not joined does not compile.

use crate::dialect::Dialect;
use crate::driver::Backend;
use crate::expr::Cond;
pub use crate::expr::SortOrder;
use crate::scope::AllIn;
use crate::source::{ColumnRef, Source, SourceArg};
use crate::statement::Statement;
use quarry_core::{Error, Field, Schema};
use sea_query::{
    Expr, ExprTrait, JoinType, LockBehavior, LockType, NullOrdering, Order, SelectStatement,
};
use std::marker::PhantomData;

/// How a joined source matches the rows before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinKind {
    /// Only matching pairs.
    Inner,
    /// Every row on the left, with NULLs where nothing matches.
    Left,
    /// Every row on the right (SQLite 3.39+, Postgres, MySQL).
    Right,
    /// Every row on both sides (Postgres, SQLite 3.39+; not MySQL).
    Full,
}

/// A row lock taken by a SELECT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockStrength {
    /// `FOR UPDATE`.
    Update,
    /// `FOR SHARE`.
    Share,
}

/// What a locking SELECT does when a row is already locked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockWait {
    /// Wait for the lock.
    Wait,
    /// Fail at once (`NOWAIT`).
    NoWait,
    /// Leave locked rows out (`SKIP LOCKED`).
    SkipLocked,
}

#[derive(Clone, Debug)]
pub(crate) struct JoinPart {
    pub(crate) kind: JoinKind,
    pub(crate) table: &'static str,
    pub(crate) alias: Option<&'static str>,
    pub(crate) on: Expr,
}

/// The parts of a query, independent of its types.
#[derive(Clone, Debug)]
pub(crate) struct Parts {
    pub(crate) from: &'static str,
    pub(crate) joins: Vec<JoinPart>,
    pub(crate) cond: Option<Expr>,
    pub(crate) order: Vec<(Expr, Order, Option<NullOrdering>)>,
    pub(crate) group_by: Vec<Expr>,
    pub(crate) having: Option<Expr>,
    pub(crate) limit: Option<u64>,
    pub(crate) offset: Option<u64>,
    pub(crate) distinct: bool,
    pub(crate) lock: Option<(LockStrength, LockWait)>,
}

impl Parts {
    fn new(from: &'static str) -> Self {
        Parts {
            from,
            joins: Vec::new(),
            cond: None,
            order: Vec::new(),
            group_by: Vec::new(),
            having: None,
            limit: None,
            offset: None,
            distinct: false,
            lock: None,
        }
    }

    /// The SELECT of `exprs` with every clause of these parts, copying them.
    pub(crate) fn build(&self, exprs: Vec<Expr>) -> SelectStatement {
        self.clone().into_statement(exprs)
    }

    /// The SELECT of `exprs` with every clause of these parts, moved in.
    pub(crate) fn into_statement(self, exprs: Vec<Expr>) -> SelectStatement {
        let tail = Tail::of(&self);
        let mut q = sea_query::Query::select();
        q.exprs(exprs);
        q.from(self.from);
        for j in self.joins {
            let kind = match j.kind {
                JoinKind::Inner => JoinType::InnerJoin,
                JoinKind::Left => JoinType::LeftJoin,
                JoinKind::Right => JoinType::RightJoin,
                JoinKind::Full => JoinType::FullOuterJoin,
            };
            match j.alias {
                Some(alias) => q.join_as(kind, j.table, alias, j.on),
                None => q.join(kind, j.table, j.on),
            };
        }
        if let Some(c) = self.cond {
            q.and_where(c);
        }
        if !self.group_by.is_empty() {
            q.add_group_by(self.group_by);
        }
        if let Some(h) = self.having {
            q.and_having(h);
        }
        for (e, o, nulls) in self.order {
            match nulls {
                Some(n) => q.order_by_expr_with_nulls(e, o, n),
                None => q.order_by_expr(e, o),
            };
        }
        tail.apply(&mut q);
        q
    }

    /// Applies WHERE, GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET, DISTINCT, locks.
    pub(crate) fn apply(&self, q: &mut SelectStatement) {
        if let Some(c) = &self.cond {
            q.and_where(c.clone());
        }
        if !self.group_by.is_empty() {
            q.add_group_by(self.group_by.clone());
        }
        if let Some(h) = &self.having {
            q.and_having(h.clone());
        }
        for (e, o, nulls) in &self.order {
            match nulls {
                Some(n) => q.order_by_expr_with_nulls(e.clone(), o.clone(), *n),
                None => q.order_by_expr(e.clone(), o.clone()),
            };
        }
        Tail::of(self).apply(q);
    }

    /// Refuses, with a typed error, what the database cannot run.
    pub(crate) fn check(&self, backend: &Backend) -> Result<(), Error> {
        let caps = &backend.capabilities;
        if self.lock.is_some() && !caps.row_locks {
            return Err(Error::Unsupported {
                feature: "row locks (FOR UPDATE / FOR SHARE)",
                backend: backend.name,
            });
        }
        if matches!(
            self.lock,
            Some((_, LockWait::SkipLocked | LockWait::NoWait))
        ) && !caps.row_locks
        {
            return Err(Error::Unsupported {
                feature: "SKIP LOCKED / NOWAIT",
                backend: backend.name,
            });
        }
        for j in &self.joins {
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

    pub(crate) fn is_windowed(&self) -> bool {
        self.limit.is_some() || self.offset.is_some() || self.distinct
    }
}

/// The clauses that come last: LIMIT, OFFSET, DISTINCT and locks.
#[derive(Clone, Copy)]
struct Tail {
    limit: Option<u64>,
    offset: Option<u64>,
    distinct: bool,
    lock: Option<(LockStrength, LockWait)>,
}

impl Tail {
    fn of(p: &Parts) -> Self {
        Tail {
            limit: p.limit,
            offset: p.offset,
            distinct: p.distinct,
            lock: p.lock,
        }
    }

    fn apply(self, q: &mut SelectStatement) {
        if let Some(l) = self.limit {
            q.limit(l);
        }
        if let Some(o) = self.offset {
            q.offset(o);
        }
        if self.distinct {
            q.distinct();
        }
        if let Some((strength, wait)) = self.lock {
            let t = match strength {
                LockStrength::Update => LockType::Update,
                LockStrength::Share => LockType::Share,
            };
            match wait {
                LockWait::Wait => q.lock(t),
                LockWait::NoWait => q.lock_with_behavior(t, LockBehavior::Nowait),
                LockWait::SkipLocked => q.lock_with_behavior(t, LockBehavior::SkipLocked),
            };
        }
    }
}

/// A query over schema `S` with the sources `J` joined to it (a type-level list;
/// `()` for none).
///
/// ```
/// use quarry_query::{from, ColumnExt, Dialect};
/// # use quarry_core::doc_support::Product;
/// fn cheap(q: quarry_query::Query<Product>) -> quarry_query::Query<Product> {
///     q.filter(Product::price.lt(10.0))
/// }
/// let q = cheap(from::<Product>()).order_by(Product::name.asc()).limit(5);
/// let stmt = q.to_statement(Dialect::Postgres);
/// assert_eq!(
///     &*stmt.sql,
///     r#"SELECT "products"."id", "products"."name", "products"."price", "products"."description" FROM "products" WHERE "products"."price" < $1 ORDER BY "products"."name" ASC LIMIT $2"#
/// );
/// ```
pub struct Query<S, J = ()> {
    pub(crate) parts: Parts,
    _marker: PhantomData<fn() -> (S, J)>,
}

impl<S, J> Clone for Query<S, J> {
    fn clone(&self) -> Self {
        Query {
            parts: self.parts.clone(),
            _marker: PhantomData,
        }
    }
}

impl<S, J> std::fmt::Debug for Query<S, J> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.parts.fmt(f)
    }
}

/// A query over all rows of `S` (Ecto's `from p in Product`).
pub fn from<S: Schema>() -> Query<S> {
    Query::new()
}

impl<S: Schema> Default for Query<S> {
    fn default() -> Self {
        Query::new()
    }
}

impl<S: Schema> Query<S> {
    /// All rows of `S`.
    pub fn new() -> Self {
        Query {
            parts: Parts::new(S::TABLE),
            _marker: PhantomData,
        }
    }
}

impl<S: Schema, J> Query<S, J> {
    fn retype<K>(self) -> Query<S, K> {
        Query {
            parts: self.parts,
            _marker: PhantomData,
        }
    }

    /// Adds a condition with AND. Every column in it must belong to `S` or to a
    /// joined source.
    pub fn filter<L: AllIn<(S, J), I>, I>(mut self, c: Cond<L>) -> Self {
        self.parts.cond = Some(match self.parts.cond.take() {
            Some(e) => e.and(c.expr),
            None => c.expr,
        });
        self
    }

    /// Adds a condition whose sources were checked elsewhere (by [`crate::into_query::RootOf`]).
    pub(crate) fn filter_unchecked<L>(mut self, c: Cond<L>) -> Self {
        self.parts.cond = Some(match self.parts.cond.take() {
            Some(e) => e.and(c.expr),
            None => c.expr,
        });
        self
    }

    /// Adds a condition with AND when `c` is `Some` (for filters assembled from
    /// optional inputs, such as a search form).
    pub fn filter_opt<L: AllIn<(S, J), I>, I>(self, c: Option<Cond<L>>) -> Self {
        match c {
            Some(c) => self.filter(c),
            None => self,
        }
    }

    /// Adds a condition with OR (Ecto's `or_where`).
    pub fn or_filter<L: AllIn<(S, J), I>, I>(mut self, c: Cond<L>) -> Self {
        self.parts.cond = Some(match self.parts.cond.take() {
            Some(e) => e.or(c.expr),
            None => c.expr,
        });
        self
    }

    /// Adds an ORDER BY term.
    pub fn order_by<L: AllIn<(S, J), I>, I>(mut self, o: SortOrder<L>) -> Self {
        self.parts.order.push((o.expr, o.order, o.nulls));
        self
    }

    /// Orders by a field of `S` chosen at run time (checked against the schema by
    /// [`Field::named`]).
    pub fn order_by_field(mut self, field: Field<S>, descending: bool) -> Self {
        let order = if descending { Order::Desc } else { Order::Asc };
        let e = Expr::col((S::TABLE, S::FIELDS[field.index()].column));
        self.parts.order.push((e, order, None));
        self
    }

    /// At most `n` rows (clamped to `i64::MAX`, the databases' largest limit).
    pub fn limit(mut self, n: u64) -> Self {
        self.parts.limit = Some(std::cmp::min(n, i64::MAX as u64));
        self
    }

    /// Skips `n` rows (clamped to `i64::MAX`).
    pub fn offset(mut self, n: u64) -> Self {
        self.parts.offset = Some(std::cmp::min(n, i64::MAX as u64));
        self
    }

    /// SELECT DISTINCT.
    pub fn distinct(mut self) -> Self {
        self.parts.distinct = true;
        self
    }

    /// The first row by primary key, unless the query is ordered (Ecto's `first`).
    pub fn first(mut self) -> Self {
        if self.parts.order.is_empty() {
            for f in S::FIELDS.iter().filter(|f| f.primary_key) {
                self.parts
                    .order
                    .push((Expr::col((S::TABLE, f.column)), Order::Asc, None));
            }
        }
        self.limit(1)
    }

    /// The last row: the query's order reversed, or by primary key descending
    /// (Ecto's `last`).
    pub fn last(mut self) -> Self {
        if self.parts.order.is_empty() {
            for f in S::FIELDS.iter().filter(|f| f.primary_key) {
                self.parts
                    .order
                    .push((Expr::col((S::TABLE, f.column)), Order::Desc, None));
            }
        } else {
            for (_, o, nulls) in &mut self.parts.order {
                *o = match o {
                    Order::Asc => Order::Desc,
                    _ => Order::Asc,
                };
                *nulls = match nulls {
                    Some(NullOrdering::First) => Some(NullOrdering::Last),
                    Some(NullOrdering::Last) => Some(NullOrdering::First),
                    None => None,
                };
            }
        }
        self.limit(1)
    }

    fn join_kind<A: SourceArg, L: AllIn<(S, (A::Src, J)), I>, I>(
        mut self,
        kind: JoinKind,
        on: Cond<L>,
    ) -> Query<S, (A::Src, J)> {
        let src_table = <<A::Src as Source>::Schema as Schema>::TABLE;
        let alias = if <A::Src as Source>::is_alias() {
            Some(<A::Src as Source>::name())
        } else {
            None
        };
        self.parts.joins.push(JoinPart {
            kind,
            table: src_table,
            alias,
            on: on.expr,
        });
        self.retype()
    }

    /// INNER JOIN `source` ON `on`: `q.join(table::<Store>(), Product::store_id.eq_col(Store::id))`.
    pub fn join<A: SourceArg, L: AllIn<(S, (A::Src, J)), I>, I>(
        self,
        _source: A,
        on: Cond<L>,
    ) -> Query<S, (A::Src, J)> {
        self.join_kind::<A, L, I>(JoinKind::Inner, on)
    }

    /// LEFT JOIN `source` ON `on`.
    pub fn left_join<A: SourceArg, L: AllIn<(S, (A::Src, J)), I>, I>(
        self,
        _source: A,
        on: Cond<L>,
    ) -> Query<S, (A::Src, J)> {
        self.join_kind::<A, L, I>(JoinKind::Left, on)
    }

    /// RIGHT JOIN `source` ON `on` (a typed error where the database has none).
    pub fn right_join<A: SourceArg, L: AllIn<(S, (A::Src, J)), I>, I>(
        self,
        _source: A,
        on: Cond<L>,
    ) -> Query<S, (A::Src, J)> {
        self.join_kind::<A, L, I>(JoinKind::Right, on)
    }

    /// FULL OUTER JOIN `source` ON `on` (a typed error on MySQL/MariaDB).
    pub fn full_join<A: SourceArg, L: AllIn<(S, (A::Src, J)), I>, I>(
        self,
        _source: A,
        on: Cond<L>,
    ) -> Query<S, (A::Src, J)> {
        self.join_kind::<A, L, I>(JoinKind::Full, on)
    }

    /// GROUP BY a column (call again for more).
    pub fn group_by<C: ColumnRef, I>(mut self, col: C) -> Self
    where
        C::Mentions: AllIn<(S, J), I>,
    {
        self.parts.group_by.push(col.expr());
        self
    }

    /// HAVING a condition (usually on an aggregate: `count().gt(1)`).
    pub fn having<L: AllIn<(S, J), I>, I>(mut self, c: Cond<L>) -> Self {
        self.parts.having = Some(match self.parts.having.take() {
            Some(e) => e.and(c.expr),
            None => c.expr,
        });
        self
    }

    /// `FOR UPDATE` (a typed error on SQLite, which has no row locks).
    pub fn for_update(mut self) -> Self {
        self.parts.lock = Some((LockStrength::Update, LockWait::Wait));
        self
    }

    /// `FOR SHARE` (a typed error on SQLite).
    pub fn for_share(mut self) -> Self {
        self.parts.lock = Some((LockStrength::Share, LockWait::Wait));
        self
    }

    /// With a row lock, skip rows locked by others (`SKIP LOCKED`).
    pub fn skip_locked(mut self) -> Self {
        let strength = self
            .parts
            .lock
            .map(|(s, _)| s)
            .unwrap_or(LockStrength::Update);
        self.parts.lock = Some((strength, LockWait::SkipLocked));
        self
    }

    /// With a row lock, fail at once on a locked row (`NOWAIT`).
    pub fn no_wait(mut self) -> Self {
        let strength = self
            .parts
            .lock
            .map(|(s, _)| s)
            .unwrap_or(LockStrength::Update);
        self.parts.lock = Some((strength, LockWait::NoWait));
        self
    }

    /// Selects `projection` instead of whole rows of `S`: a column, a tuple of
    /// columns and aggregates, or whole rows of joined schemas.
    pub fn select<P: crate::select::Projection, I>(self, projection: P) -> crate::select::Select<P>
    where
        P::Mentions: AllIn<(S, J), I>,
    {
        crate::select::Select::new(self.parts, projection)
    }

    /// True when the query has a limit, an offset or DISTINCT (aggregates then
    /// wrap it in a subquery).
    pub fn is_windowed(&self) -> bool {
        self.parts.is_windowed()
    }

    /// The WHERE expression, if any.
    pub fn condition(&self) -> Option<&Expr> {
        self.parts.cond.as_ref()
    }

    /// True when the query joins other sources.
    pub fn has_joins(&self) -> bool {
        !self.parts.joins.is_empty()
    }

    /// The SELECT of every persisted column of `S`.
    pub fn select_statement(&self) -> SelectStatement {
        self.parts.build(root_columns::<S>())
    }

    /// Applies filters, order, limit, offset and DISTINCT to `q`.
    pub fn apply(&self, q: &mut SelectStatement) {
        self.parts.apply(q)
    }

    /// Compiles the query for `dialect`.
    pub fn to_statement(&self, dialect: Dialect) -> Statement {
        dialect.build(&self.select_statement(), S::TABLE)
    }

    /// Refuses, with a typed error, what the database cannot run (row locks on
    /// SQLite, FULL JOIN on MySQL).
    pub fn check(&self, backend: &Backend) -> Result<(), Error> {
        self.parts.check(backend)
    }
}

/// Every persisted column of `S`, qualified by its table.
pub(crate) fn root_columns<S: Schema>() -> Vec<Expr> {
    S::FIELDS
        .iter()
        .filter(|f| f.is_persisted())
        .map(|f| Expr::col((S::TABLE, f.column)))
        .collect()
}

/// An uncorrelated `EXISTS (subquery)` condition.
pub fn exists<P: crate::select::Projection>(sub: crate::select::Select<P>) -> Cond<()> {
    Cond::new(Expr::exists(sub.into_statement()))
}

/// An uncorrelated `NOT EXISTS (subquery)` condition.
pub fn not_exists<P: crate::select::Projection>(sub: crate::select::Select<P>) -> Cond<()> {
    Cond::new(Expr::exists(sub.into_statement()).not())
}
