//! [`Query`]: a composable query over a root schema `S` and the sources joined to
//! it (`J`). Functions take a query and return a refined one, so filters compose;
//! a condition on a table the query has not joined does not compile.

use crate::ast::{Dir, Nulls, Op, Rpn};
use crate::dialect::Dialect;
use crate::driver::Backend;
use crate::expr::Cond;
pub use crate::expr::SortOrder;
use crate::scope::AllIn;
use crate::source::{ColumnRef, Source, SourceArg};
use crate::statement::Statement;
use quarry_core::{Error, Field, Schema};
use sea_query::{Expr, JoinType, LockBehavior, LockType, SelectStatement};
use std::marker::PhantomData;

/// How a joined source matches the rows before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LockStrength {
    /// `FOR UPDATE`.
    Update,
    /// `FOR SHARE`.
    Share,
}

/// What a locking SELECT does when a row is already locked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
    pub(crate) on: Rpn,
}

/// The parts of a query, independent of its types, in quarry's compact form.
#[derive(Clone, Debug)]
pub struct Parts {
    pub(crate) from: &'static str,
    /// The select list (items end with `Op::Item`).
    pub(crate) select: Rpn,
    /// Whole rows of the root schema, selected before `select`: its table and
    /// static field list.
    pub(crate) root: Option<(&'static str, &'static [quarry_core::FieldDef])>,
    /// A subquery read instead of the table (aliased as the table).
    pub(crate) from_sub: Option<Box<Parts>>,
    pub(crate) joins: Vec<JoinPart>,
    pub(crate) cond: Rpn,
    pub(crate) order: Rpn,
    pub(crate) group_by: Rpn,
    pub(crate) having: Rpn,
    pub(crate) limit: Option<u64>,
    pub(crate) offset: Option<u64>,
    pub(crate) distinct: bool,
    pub(crate) lock: Option<(LockStrength, LockWait)>,
}

impl Parts {
    pub(crate) fn new(from: &'static str) -> Self {
        Parts {
            from,
            select: Rpn::default(),
            root: None,
            from_sub: None,
            joins: Vec::new(),
            cond: Rpn::default(),
            order: Rpn::default(),
            group_by: Rpn::default(),
            having: Rpn::default(),
            limit: None,
            offset: None,
            distinct: false,
            lock: None,
        }
    }

    pub(crate) fn and_where(&mut self, c: Rpn) {
        if self.cond.is_empty() {
            self.cond = c;
        } else {
            self.cond.append(c);
            self.cond.push(Op::And);
        }
    }

    pub(crate) fn or_where(&mut self, c: Rpn) {
        if self.cond.is_empty() {
            self.cond = c;
        } else {
            self.cond.append(c);
            self.cond.push(Op::Or);
        }
    }

    /// LIMIT as sent: MySQL and SQLite need a LIMIT before an OFFSET.
    pub(crate) fn effective_limit(&self, dialect: Dialect) -> Option<u64> {
        match (self.limit, self.offset, dialect) {
            (None, Some(_), Dialect::MySql | Dialect::Sqlite) => Some(i64::MAX as u64),
            (l, _, _) => l,
        }
    }

    /// The shape of this query: its cache key.
    pub(crate) fn key(&self, dialect: Dialect, key: &mut Vec<Op>) {
        key.push(Op::From(crate::ast::Name(self.from)));
        if let Some(sub) = &self.from_sub {
            key.push(Op::Section(8));
            sub.key(dialect, key);
            key.push(Op::Section(8));
        }
        if let Some((_, fields)) = self.root {
            key.push(Op::Root(fields.as_ptr() as usize, fields.len()));
        }
        self.select.key(dialect, key);
        for j in &self.joins {
            key.push(Op::Join(
                j.kind,
                crate::ast::Name(j.table),
                j.alias.map(crate::ast::Name),
            ));
            j.on.key(dialect, key);
        }
        key.push(Op::Section(1));
        self.cond.key(dialect, key);
        key.push(Op::Section(2));
        self.group_by.key(dialect, key);
        key.push(Op::Section(3));
        self.having.key(dialect, key);
        key.push(Op::Section(4));
        self.order.key(dialect, key);
        key.push(Op::Tail(
            self.limit.is_some(),
            self.offset.is_some(),
            self.distinct,
            self.lock,
        ));
    }

    /// Every expression of the query (subqueries hold their own).
    fn rpns(&self) -> impl Iterator<Item = &Rpn> {
        [
            &self.select,
            &self.cond,
            &self.group_by,
            &self.having,
            &self.order,
        ]
        .into_iter()
        .chain(self.joins.iter().map(|j| &j.on))
    }

    /// Every expression of the query, to change (subqueries hold their own).
    fn rpns_mut(&mut self) -> impl Iterator<Item = &mut Rpn> {
        [
            &mut self.select,
            &mut self.cond,
            &mut self.group_by,
            &mut self.having,
            &mut self.order,
        ]
        .into_iter()
        .chain(self.joins.iter_mut().map(|j| &mut j.on))
    }

    /// True when an operation of the query (subqueries included) passes `f`.
    pub(crate) fn any_op(&self, f: fn(&Op) -> bool) -> bool {
        self.rpns().any(|r| r.any_op(f)) || self.from_sub.as_deref().is_some_and(|s| s.any_op(f))
    }

    /// True when the query holds an argument of a prepared query.
    pub(crate) fn has_params(&self) -> bool {
        self.any_op(Op::is_param)
    }

    /// True when the query tests a list argument of a prepared query.
    pub(crate) fn has_list_params(&self) -> bool {
        self.any_op(|o| matches!(o, Op::ParamIn(_)))
    }

    /// Selects the whole rows of the schema `(table, fields)` when nothing else
    /// is selected.
    pub(crate) fn root_unless_selected(
        &mut self,
        table: &'static str,
        fields: &'static [quarry_core::FieldDef],
    ) {
        if self.select.is_empty() {
            self.root = Some((table, fields));
        }
    }

    /// Replaces the arguments of a prepared query by their values.
    pub(crate) fn substitute(&mut self, args: &[crate::ast::ArgValue]) -> Result<(), Error> {
        if let Some(sub) = &mut self.from_sub {
            sub.substitute(args)?;
        }
        self.rpns_mut().try_for_each(|r| r.substitute(args))
    }

    /// Moves the values out in SQL order.
    pub(crate) fn take_values(self, dialect: Dialect, out: &mut impl crate::ast::ValueSink) {
        let limit = self.effective_limit(dialect);
        self.select.take_values(dialect, out);
        if let Some(sub) = self.from_sub {
            sub.take_values(dialect, out);
        }
        for j in self.joins {
            j.on.take_values(dialect, out);
        }
        self.cond.take_values(dialect, out);
        self.group_by.take_values(dialect, out);
        self.having.take_values(dialect, out);
        self.order.take_values(dialect, out);
        if let Some(l) = limit {
            out.value(sea_query::Value::BigUnsigned(Some(l)));
        }
        if let Some(o) = self.offset {
            out.value(sea_query::Value::BigUnsigned(Some(o)));
        }
    }

    /// The sea-query SELECT of these parts; `extra` select expressions come
    /// after the parts' own select list.
    pub(crate) fn to_select_with(&self, dialect: Dialect, extra: Vec<Expr>) -> SelectStatement {
        let mut q = sea_query::Query::select();
        if let Some((table, fields)) = self.root {
            q.exprs(
                fields
                    .iter()
                    .filter(|f| f.is_persisted())
                    .map(|f| Expr::col((table, f.column))),
            );
        }
        q.exprs(self.select.to_exprs(dialect).items);
        q.exprs(extra);
        match &self.from_sub {
            Some(sub) => q.from_subquery(sub.to_select(dialect), self.from),
            None => q.from(self.from),
        };
        for j in &self.joins {
            let kind = match j.kind {
                JoinKind::Inner => JoinType::InnerJoin,
                JoinKind::Left => JoinType::LeftJoin,
                JoinKind::Right => JoinType::RightJoin,
                JoinKind::Full => JoinType::FullOuterJoin,
            };
            let on =
                j.on.to_exprs(dialect)
                    .expr
                    .unwrap_or_else(|| Expr::cust("1 = 1"));
            match j.alias {
                Some(alias) => q.join_as(kind, j.table, alias, on),
                None => q.join(kind, j.table, on),
            };
        }
        if let Some(c) = self.cond.to_exprs(dialect).expr {
            q.and_where(c);
        }
        let group = self.group_by.to_exprs(dialect).items;
        if !group.is_empty() {
            q.add_group_by(group);
        }
        if let Some(h) = self.having.to_exprs(dialect).expr {
            q.and_having(h);
        }
        for (e, o, nulls) in self.order.to_exprs(dialect).orders {
            match nulls {
                Some(n) => q.order_by_expr_with_nulls(e, o, n),
                None => q.order_by_expr(e, o),
            };
        }
        if let Some(l) = self.effective_limit(dialect) {
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
        q
    }

    /// The sea-query SELECT of these parts.
    pub(crate) fn to_select(&self, dialect: Dialect) -> SelectStatement {
        self.to_select_with(dialect, Vec::new())
    }

    /// Compiles to a statement, through the SQL cache: a shape seen before skips
    /// SQL generation and only collects its values. A new shape is written by
    /// quarry's own writer (`crate::sql`); what it does not write goes through
    /// sea-query every time.
    pub(crate) fn compile(self, dialect: Dialect) -> Statement {
        if crate::cache::is_bypassed() {
            return match crate::sql::write_select(&self, dialect) {
                Some(sql) => self.with_sql(dialect, sql.into()),
                None => dialect.build(&self.to_select(dialect), self.from),
            };
        }
        let found = crate::cache::with_key_buffer(|shape| {
            self.key(dialect, shape);
            match crate::cache::lookup(dialect, shape) {
                crate::cache::Lookup::Hit(sql) => Ok(sql),
                crate::cache::Lookup::Uncacheable => Err(None),
                crate::cache::Lookup::Miss => Err(Some(shape.clone())),
            }
        });
        match found {
            Ok(sql) => self.with_sql(dialect, sql),
            Err(None) => dialect.build(&self.to_select(dialect), self.from),
            Err(Some(shape)) => {
                let sql: Option<std::sync::Arc<str>> =
                    crate::sql::write_select(&self, dialect).map(Into::into);
                crate::cache::store(dialect, &shape, sql.clone());
                match sql {
                    Some(sql) => self.with_sql(dialect, sql),
                    None => dialect.build(&self.to_select(dialect), self.from),
                }
            }
        }
    }

    /// The statement of `sql` (written for these parts) with the parts' values.
    fn with_sql(self, dialect: Dialect, sql: std::sync::Arc<str>) -> Statement {
        let table = self.from;
        let hint = self.select.values.len()
            + self.joins.iter().map(|j| j.on.values.len()).sum::<usize>()
            + self.cond.values.len()
            + self.having.values.len()
            + self.order.values.len()
            + usize::from(self.limit.is_some())
            + usize::from(self.offset.is_some());
        let mut values = Vec::with_capacity(hint);
        self.take_values(dialect, &mut values);
        Statement { sql, values, table }
    }

    /// Refuses, with a typed error, what the database cannot run, and an
    /// argument of a prepared query used in a query that is not prepared.
    pub(crate) fn check(&self, backend: &Backend) -> Result<(), Error> {
        if self.has_params() {
            return Err(Error::Query(
                "a prepared query's argument (Param) was used in a query that is not prepared: \
                 build the query inside Prepared::new"
                    .into(),
            ));
        }
        self.check_backend(backend)
    }

    /// Refuses, with a typed error, what the database cannot run.
    pub(crate) fn check_backend(&self, backend: &Backend) -> Result<(), Error> {
        let caps = &backend.capabilities;
        if self.lock.is_some() && !caps.row_locks {
            return Err(Error::Unsupported {
                feature: "row locks (FOR UPDATE / FOR SHARE)",
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

    /// A query over the rows another query of `S` returns (Ecto's
    /// `from p in subquery(q)`): the subquery is aliased as `S`'s table, so `S`'s
    /// columns refer to its rows. Filters, order and limits then apply to the
    /// subquery's result, such as "of the 10 newest, the cheapest".
    ///
    /// ```
    /// use quarry_query::{ColumnExt, Dialect, Query};
    /// # use quarry_core::doc_support::Product;
    /// let newest = Query::<Product>::new().order_by(Product::id.desc()).limit(10);
    /// let q = Query::from_subquery(newest).order_by(Product::price.asc()).limit(1);
    /// assert!(q.to_statement(Dialect::Sqlite).sql.contains(r#"FROM (SELECT "products"."id""#));
    /// ```
    pub fn from_subquery<J>(sub: Query<S, J>) -> Self {
        let mut inner = sub.parts;
        inner.root_unless_selected(S::TABLE, S::FIELDS);
        let mut parts = Parts::new(S::TABLE);
        parts.from_sub = Some(Box::new(inner));
        Query {
            parts,
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
        self.parts.and_where(c.rpn);
        self
    }

    /// Adds a condition whose sources were checked elsewhere (by [`crate::into_query::RootOf`]).
    pub(crate) fn filter_unchecked<L>(mut self, c: Cond<L>) -> Self {
        self.parts.and_where(c.rpn);
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
        self.parts.or_where(c.rpn);
        self
    }

    /// Adds an ORDER BY term.
    pub fn order_by<L: AllIn<(S, J), I>, I>(mut self, o: SortOrder<L>) -> Self {
        self.parts.order.append(o.expr);
        self.parts.order.push(Op::OrderItem(o.dir, o.nulls));
        self
    }

    /// Orders by a field of `S` chosen at run time (checked against the schema by
    /// [`Field::named`]).
    pub fn order_by_field(mut self, field: Field<S>, descending: bool) -> Self {
        let dir = if descending { Dir::Desc } else { Dir::Asc };
        self.parts
            .order
            .push(Op::col(S::TABLE, S::FIELDS[field.index()].column));
        self.parts.order.push(Op::OrderItem(dir, Nulls::Default));
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
                self.parts.order.push(Op::col(S::TABLE, f.column));
                self.parts
                    .order
                    .push(Op::OrderItem(Dir::Asc, Nulls::Default));
            }
        }
        self.limit(1)
    }

    /// The last row: the query's order reversed, or by primary key descending
    /// (Ecto's `last`).
    pub fn last(mut self) -> Self {
        if self.parts.order.is_empty() {
            for f in S::FIELDS.iter().filter(|f| f.primary_key) {
                self.parts.order.push(Op::col(S::TABLE, f.column));
                self.parts
                    .order
                    .push(Op::OrderItem(Dir::Desc, Nulls::Default));
            }
        } else {
            for op in &mut self.parts.order.ops {
                if let Op::OrderItem(dir, nulls) = op {
                    *dir = match dir {
                        Dir::Asc => Dir::Desc,
                        Dir::Desc => Dir::Asc,
                    };
                    *nulls = match nulls {
                        Nulls::First => Nulls::Last,
                        Nulls::Last => Nulls::First,
                        Nulls::Default => Nulls::Default,
                    };
                }
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
            on: on.rpn,
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
        self.parts.group_by.push(col.col());
        self.parts.group_by.push(Op::Item);
        self
    }

    /// HAVING a condition (usually on an aggregate: `count().gt(1)`).
    pub fn having<L: AllIn<(S, J), I>, I>(mut self, c: Cond<L>) -> Self {
        if self.parts.having.is_empty() {
            self.parts.having = c.rpn;
        } else {
            self.parts.having.append(c.rpn);
            self.parts.having.push(Op::And);
        }
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

    /// The WHERE expression for `dialect`, if any.
    pub fn condition(&self, dialect: Dialect) -> Option<Expr> {
        self.parts.cond.to_exprs(dialect).expr
    }

    /// True when the query joins other sources.
    pub fn has_joins(&self) -> bool {
        !self.parts.joins.is_empty()
    }

    /// The SELECT of every persisted column of `S`, for `dialect`.
    pub fn select_statement(&self, dialect: Dialect) -> SelectStatement {
        self.parts.to_select_with(dialect, root_columns::<S>())
    }

    /// Compiles the query for `dialect` (through the SQL cache).
    pub fn to_statement(&self, dialect: Dialect) -> Statement {
        self.clone().into_statement(dialect)
    }

    /// Compiles the query for `dialect`, consuming it (through the SQL cache).
    pub fn into_statement(self, dialect: Dialect) -> Statement {
        let mut parts = self.parts;
        parts.root_unless_selected(S::TABLE, S::FIELDS);
        parts.compile(dialect)
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
    let mut rpn = Rpn::default();
    rpn.push_sub(sub.into_parts_only(), Op::Exists);
    Cond::new(rpn)
}

/// An uncorrelated `NOT EXISTS (subquery)` condition.
pub fn not_exists<P: crate::select::Projection>(sub: crate::select::Select<P>) -> Cond<()> {
    let mut rpn = Rpn::default();
    rpn.push_sub(sub.into_parts_only(), Op::NotExists);
    Cond::new(rpn)
}
