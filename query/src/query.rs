//! [`Query`]: a composable query over a root schema `S` and the sources joined to
//! it (`J`). Functions take a query and return a refined one, so filters compose;
//! a condition on a table the query has not joined does not compile.

use crate::dialect::Dialect;
use crate::driver::Backend;
use crate::expr::Cond;
pub use crate::expr::SortOrder;
use crate::ir::{Dir, JoinPart, Nulls, Op, Parts, Rpn};
pub use crate::ir::{JoinKind, LockStrength, LockWait, SetOp};
use crate::scope::{AllIn, Closed, Joins, LeftJoined, Parent};
use crate::source::{ColumnRef, Source, SourceArg};
use crate::statement::Statement;
use quarry_core::{Error, Field, Schema};
use sea_query::{Expr, SelectStatement};
use std::marker::PhantomData;

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
/// let stmt = q.to_statement(Dialect::Postgres)?;
/// assert_eq!(
///     &*stmt.sql,
///     r#"SELECT "products"."id", "products"."name", "products"."price", "products"."description" FROM "products" WHERE "products"."price" < $1 ORDER BY "products"."name" ASC LIMIT $2"#
/// );
/// # Ok::<(), quarry_core::Error>(())
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
        let mut parts = Parts::new(S::TABLE);
        parts.schema_prefix = S::PREFIX;
        Query {
            parts,
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
    /// assert!(q.to_statement(Dialect::Sqlite)?.sql.contains(r#"FROM (SELECT "products"."id""#));
    /// # Ok::<(), quarry_core::Error>(())
    /// ```
    pub fn from_subquery<J: Closed>(sub: Query<S, J>) -> Self {
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

impl<S: Schema> Query<S> {
    /// A correlated subquery over `S` that refers to the table `O` of the
    /// query it will be used in (Ecto's `parent_as`): `O`'s columns are in
    /// scope in its conditions, and wherever it goes (`exists`, `not_exists`,
    /// `in_subquery`, a scalar comparison or [`scalar`](crate::scalar) in a
    /// select list, a lateral join) the enclosing query must have `O`, or it
    /// does not compile. It cannot run on its own.
    ///
    /// `O` is a schema or an [`Alias`](crate::source::Alias) of one (when the
    /// subquery reads the same table as the query it is in, alias one of the
    /// two).
    ///
    /// ```
    /// use quarry_query::{exists, Alias, ColumnExt, Dialect, Query};
    /// # use quarry_core::doc_support::Product;
    /// // Products (joined as MINE) for which a cheaper product of the same
    /// // name exists (the guide, docs/queries.md, has examples over several
    /// // tables).
    /// const MINE: Alias<Product, 1> = Alias::new();
    /// let cheaper = Query::<Product>::correlated::<Alias<Product, 1>>()
    ///     .filter(Product::name.eq_col(MINE.col(Product::name)))
    ///     .filter(Product::price.lt_col(MINE.col(Product::price)))
    ///     .select(Product::id);
    /// let q = Query::<Product>::new()
    ///     .join(MINE, MINE.col(Product::id).eq_col(Product::id))
    ///     .filter(exists(cheaper));
    /// let sql = q.to_statement(Dialect::Postgres)?.sql;
    /// assert!(sql.ends_with(r#"WHERE EXISTS(SELECT "products"."id" FROM "products" WHERE "products"."name" = "products_1"."name" AND "products"."price" < "products_1"."price")"#), "{sql}");
    /// # Ok::<(), quarry_core::Error>(())
    /// ```
    ///
    /// Without the join of `MINE`, the query does not compile:
    ///
    /// ```compile_fail
    /// use quarry_query::{exists, Alias, ColumnExt, Query};
    /// # use quarry_core::doc_support::Product;
    /// const MINE: Alias<Product, 1> = Alias::new();
    /// let cheaper = Query::<Product>::correlated::<Alias<Product, 1>>()
    ///     .filter(Product::price.lt_col(MINE.col(Product::price)))
    ///     .select(Product::id);
    /// let q = Query::<Product>::new().filter(exists(cheaper));
    /// ```
    pub fn correlated<O: crate::source::Source>() -> Query<S, Parent<O>> {
        Query {
            parts: Parts::new(S::TABLE),
            _marker: PhantomData,
        }
    }
}

/// A query's parts as a member of a set operation: whole rows of `S`, with an
/// order, limit, offset or lock kept inside a subquery of its own.
fn set_member<S: Schema, J: Closed>(q: Query<S, J>) -> Parts {
    let mut parts = if q.parts.shapes_rows() {
        Query::from_subquery(q).parts
    } else {
        q.parts
    };
    parts.root_unless_selected(S::TABLE, S::FIELDS);
    parts
}

/// Set operations: the rows of two queries of the same schema combined. The
/// result is a query of `S` over the combined rows (aliased as `S`'s table),
/// so filters, order and limits added afterwards apply to the whole result,
/// as in Ecto's `union` / `union_all` / `intersect` / `except`. A query that
/// orders or limits its own rows keeps that inside its part.
///
/// `INTERSECT` / `EXCEPT` need MySQL 8.0.31+ or MariaDB 10.3+, and their ALL
/// forms Postgres, MariaDB 10.5+ or MySQL 8.0.31+ (SQLite has none):
/// elsewhere the query is [`Error::Unsupported`]
/// before anything is sent.
///
/// ```
/// use quarry_query::{ColumnExt, Dialect, Query};
/// # use quarry_core::doc_support::Product;
/// let cheap = Query::<Product>::new().filter(Product::price.lt(2.0));
/// let named = Query::<Product>::new().filter(Product::name.eq("Pear"));
/// let q = cheap.union(named).order_by(Product::name.asc()).limit(10);
/// let sql = q.to_statement(Dialect::Sqlite)?.sql;
/// assert!(sql.contains(" UNION SELECT "), "{sql}");
/// assert!(sql.ends_with(r#"ORDER BY "products"."name" ASC LIMIT ?"#), "{sql}");
/// # Ok::<(), quarry_core::Error>(())
/// ```
/// Recursive queries (`WITH RECURSIVE`): a tree of categories, a chain of
/// replies. The rows of `base`, then repeatedly the rows `step` finds from
/// the rows so far (`UNION ALL`), read as a query of `S`: filters, order and
/// limits added to the result apply to every row found.
///
/// The step reads the rows found so far through `cte`, an [`Alias`](crate::source::Alias) of `S`
/// joined with [`Query::join_cte`]. Counting, aggregating or bulk-writing over
/// a recursive query is a typed `Error::Query` (sea-query writes those); read
/// its rows instead.
///
/// ```
/// use quarry_query::{Alias, ColumnExt, Dialect, Query};
/// # use quarry_core::doc_support::Product;
/// // Products "descending" from product 1 through a (made-up) chain of ids.
/// const FOUND: Alias<Product, 1> = Alias::new();
/// let base = Query::<Product>::new().filter(Product::id.eq(1));
/// let step = Query::<Product>::new()
///     .join_cte(FOUND, Product::id.eq_col(FOUND.col(Product::id)));
/// let q = Query::recursive(FOUND, base, step).order_by(Product::name.asc());
/// let sql = q.to_statement(Dialect::Sqlite)?.sql;
/// assert!(sql.starts_with(r#"WITH RECURSIVE "products_1" AS (SELECT"#), "{sql}");
/// assert!(sql.contains(r#"INNER JOIN "products_1" ON"#), "{sql}");
/// assert!(sql.contains(r#"FROM "products_1" AS "products" ORDER BY"#), "{sql}");
/// # Ok::<(), quarry_core::Error>(())
/// ```
impl<S: Schema> Query<S> {
    /// The rows `base` finds and, repeatedly, those `step` finds from them.
    pub fn recursive<const N: u8, J: Closed, K: Closed>(
        cte: crate::source::Alias<S, N>,
        base: Query<S, J>,
        step: Query<S, K>,
    ) -> Query<S> {
        let _ = cte;
        let mut body = set_member(base);
        body.set_ops.push((SetOp::UnionAll, set_member(step)));
        let name = <crate::source::Alias<S, N> as Source>::name();
        let mut parts = Parts::new(S::TABLE);
        parts.with = Some(Box::new((crate::ir::Name(name), body)));
        Query {
            parts,
            _marker: PhantomData,
        }
    }
}

impl<S: Schema, J> Query<S, J> {
    /// INNER JOIN the rows a recursive query has found so far (`cte`, the
    /// alias given to [`Query::recursive`]), in the step of that query.
    pub fn join_cte<T: Schema, const N: u8, L, I>(
        mut self,
        cte: crate::source::Alias<T, N>,
        on: Cond<L>,
    ) -> Query<S, (crate::source::Alias<T, N>, J)>
    where
        L: AllIn<(S, (crate::source::Alias<T, N>, J)), I>,
    {
        let _ = cte;
        let mut join = JoinPart::new(
            JoinKind::Inner,
            <crate::source::Alias<T, N> as Source>::name(),
            None,
            on.rpn,
        );
        join.cte = true;
        self.parts.joins.push(join);
        self.retype()
    }

    fn combine<K: Closed>(self, op: SetOp, other: Query<S, K>) -> Query<S>
    where
        J: Closed,
    {
        let mut first = set_member(self);
        first.set_ops.push((op, set_member(other)));
        let mut parts = Parts::new(S::TABLE);
        parts.from_sub = Some(Box::new(first));
        Query {
            parts,
            _marker: PhantomData,
        }
    }

    /// `UNION`: rows of either query, duplicates removed.
    pub fn union<K: Closed>(self, other: Query<S, K>) -> Query<S>
    where
        J: Closed,
    {
        self.combine(SetOp::Union, other)
    }
    /// `UNION ALL`: rows of either query, duplicates kept.
    pub fn union_all<K: Closed>(self, other: Query<S, K>) -> Query<S>
    where
        J: Closed,
    {
        self.combine(SetOp::UnionAll, other)
    }
    /// `INTERSECT`: rows of both queries, duplicates removed.
    pub fn intersect<K: Closed>(self, other: Query<S, K>) -> Query<S>
    where
        J: Closed,
    {
        self.combine(SetOp::Intersect, other)
    }
    /// `INTERSECT ALL`: rows of both queries, duplicates kept.
    pub fn intersect_all<K: Closed>(self, other: Query<S, K>) -> Query<S>
    where
        J: Closed,
    {
        self.combine(SetOp::IntersectAll, other)
    }
    /// `EXCEPT`: rows of this query that the other does not return.
    pub fn except<K: Closed>(self, other: Query<S, K>) -> Query<S>
    where
        J: Closed,
    {
        self.combine(SetOp::Except, other)
    }
    /// `EXCEPT ALL`: like `except`, duplicates kept.
    pub fn except_all<K: Closed>(self, other: Query<S, K>) -> Query<S>
    where
        J: Closed,
    {
        self.combine(SetOp::ExceptAll, other)
    }
}

impl<S: Schema, J> Query<S, J> {
    pub(crate) fn retype<K>(self) -> Query<S, K> {
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
        self.parts.order.push(Op::col(
            S::TABLE,
            quarry_core::schema::field_def::<S>(field.index()).column,
        ));
        self.parts.order.push(Op::OrderItem(dir, Nulls::Default));
        self
    }

    /// Reads from (and, in `update_all` / `delete_all`, writes to) the
    /// tables of another schema (Postgres) or database (MySQL), Ecto's
    /// `from p in Post, prefix: "tenant_a"`: every table the query names
    /// (joins, subqueries that name none of their own, preloads) is written
    /// `"tenant_a"."table"`. It wins over a schema's prefix
    /// (`#[quarry(prefix = "...")]`) and a repo's default
    /// ([`Repo::with_prefix`](crate::Repo::with_prefix)).
    ///
    /// `prefix` is a [`Prefix`](crate::prefix::Prefix) or its text; text that
    /// is not a plain identifier is [`QueryError::InvalidPrefix`](quarry_core::QueryError::InvalidPrefix)
    /// when the query is compiled or run, never SQL. SQLite has no schemas:
    /// running a prefixed query there is [`Error::Unsupported`].
    ///
    /// ```
    /// use quarry_query::{from, ColumnExt, Dialect};
    /// # use quarry_core::doc_support::Product;
    /// let q = from::<Product>().filter(Product::price.lt(10.0)).prefix("tenant_a");
    /// let sql = q.to_statement(Dialect::Postgres)?.sql;
    /// assert!(sql.contains(r#" FROM "tenant_a"."products" WHERE "products"."price" < $1"#), "{sql}");
    /// let sql = q.to_statement(Dialect::MySql)?.sql;
    /// assert!(sql.contains(" FROM `tenant_a`.`products` "), "{sql}");
    /// assert!(from::<Product>().prefix("a; DROP TABLE x").to_statement(Dialect::Postgres).is_err());
    /// # Ok::<(), quarry_core::Error>(())
    /// ```
    pub fn prefix(mut self, prefix: impl crate::prefix::IntoPrefix) -> Self {
        self.parts.prefix = Some(crate::ir::prefix::Asked::new(prefix));
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

    /// Pushes a join of `A` (its ON checked by the caller), as a query with
    /// the joins `K`.
    pub(crate) fn join_kind<A: SourceArg, L, K>(
        mut self,
        kind: JoinKind,
        on: Cond<L>,
    ) -> Query<S, K> {
        let src_table = <<A::Src as Source>::Schema as Schema>::TABLE;
        let alias = if <A::Src as Source>::is_alias() {
            Some(<A::Src as Source>::name())
        } else {
            None
        };
        let mut join = JoinPart::new(kind, src_table, alias, on.rpn);
        join.schema_prefix = <<A::Src as Source>::Schema as Schema>::PREFIX;
        self.parts.joins.push(join);
        self.retype()
    }

    /// INNER JOIN `source` ON `on`: `q.join(table::<Store>(), Product::store_id.eq_col(Store::id))`.
    pub fn join<A: SourceArg, L: AllIn<(S, (A::Src, J)), I>, I>(
        self,
        _source: A,
        on: Cond<L>,
    ) -> Query<S, (A::Src, J)> {
        self.join_kind::<A, L, _>(JoinKind::Inner, on)
    }

    /// LEFT JOIN `source` ON `on`. A row without a match has NULLs for
    /// `source`'s columns, so they are selected as `Option`s: `select((Product::name,
    /// Store::name))` after `left_join(table::<Store>(), ..)` gives `(String,
    /// Option<String>)` rows (an `Option` column stays one `Option`), and
    /// `row::<Store>()` an `Option<Store>`.
    pub fn left_join<A: SourceArg, L: AllIn<(S, (LeftJoined<A::Src>, J)), I>, I>(
        self,
        _source: A,
        on: Cond<L>,
    ) -> Query<S, (LeftJoined<A::Src>, J)> {
        self.join_kind::<A, L, _>(JoinKind::Left, on)
    }

    /// RIGHT JOIN `source` ON `on` (a typed error where the database has none).
    ///
    /// The types do not track that a RIGHT JOIN may leave the sources before
    /// it empty: select their columns as `Option`s yourself (`maybe_row`,
    /// `Option` columns), or a NULL there is `Error::Decode`.
    pub fn right_join<A: SourceArg, L: AllIn<(S, (A::Src, J)), I>, I>(
        self,
        _source: A,
        on: Cond<L>,
    ) -> Query<S, (A::Src, J)> {
        self.join_kind::<A, L, _>(JoinKind::Right, on)
    }

    /// FULL OUTER JOIN `source` ON `on` (a typed error on MySQL/MariaDB).
    /// `source`'s columns are selected as `Option`s, as after a LEFT JOIN;
    /// the sources before it are not tracked (see [`Query::right_join`]).
    pub fn full_join<A: SourceArg, L: AllIn<(S, (LeftJoined<A::Src>, J)), I>, I>(
        self,
        _source: A,
        on: Cond<L>,
    ) -> Query<S, (LeftJoined<A::Src>, J)> {
        self.join_kind::<A, L, _>(JoinKind::Full, on)
    }

    /// GROUP BY a column (call again for more).
    pub fn group_by<C: ColumnRef, I>(mut self, col: C) -> Self
    where
        C::Mentions: AllIn<(S, J), I>,
    {
        let group_by = &mut self.parts.grouping_mut().group_by;
        group_by.push(col.col());
        group_by.push(Op::Item);
        self
    }

    /// HAVING a condition (usually on an aggregate: `count().gt(1)`).
    pub fn having<L: AllIn<(S, J), I>, I>(mut self, c: Cond<L>) -> Self {
        let having = &mut self.parts.grouping_mut().having;
        if having.is_empty() {
            *having = c.rpn;
        } else {
            having.append(c.rpn);
            having.push(Op::And);
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
    /// columns and aggregates, or whole rows of joined schemas. Columns (and
    /// whole rows) of a source a LEFT JOIN may leave empty come out as
    /// `Option`s (see [`Query::left_join`]).
    ///
    /// In a correlated subquery ([`Query::correlated`]) the result is a
    /// subquery of the enclosing query (`Select<_, One<O>>`), which cannot
    /// run on its own.
    #[allow(clippy::type_complexity)]
    pub fn select<P: crate::select::ProjectIn<I>, I>(
        self,
        projection: P,
    ) -> crate::select::Select<crate::select::Scoped<P, I>, J::Parents>
    where
        P::Mentions: AllIn<(S, J), I>,
        J: Joins,
    {
        crate::select::Select::new(self.parts, crate::select::Scoped::new(projection))
    }

    /// True when the query has a limit, an offset or DISTINCT (aggregates then
    /// wrap it in a subquery).
    pub fn is_windowed(&self) -> bool {
        self.parts.is_windowed()
    }

    /// The WHERE expression for `dialect`, if any.
    pub fn condition(&self, dialect: Dialect) -> Result<Option<Expr>, Error> {
        Ok(self.parts.cond.to_exprs(dialect)?.expr)
    }

    /// True when the query joins other sources.
    pub fn has_joins(&self) -> bool {
        !self.parts.joins.is_empty()
    }

    /// The SELECT of every persisted column of `S`, for `dialect`.
    pub fn select_statement(&self, dialect: Dialect) -> Result<SelectStatement, Error> {
        let mut parts = self.parts.clone();
        parts.resolve_prefixes(None, None)?;
        parts.to_select_with(dialect, root_columns::<S>())
    }

    /// [`Query::check`] after working out every table's prefix with the
    /// backend's default (a repo's [`Repo::with_prefix`](crate::Repo::with_prefix)).
    pub(crate) fn target(&mut self, backend: &Backend) -> Result<(), Error> {
        self.parts.target(backend)
    }

    /// Compiles the query for `dialect` (through the SQL cache).
    pub fn to_statement(&self, dialect: Dialect) -> Result<Statement, Error> {
        self.clone().into_statement(dialect)
    }

    /// Compiles the query for `dialect`, consuming it (through the SQL cache).
    pub fn into_statement(mut self, dialect: Dialect) -> Result<Statement, Error> {
        self.parts.resolve_prefixes(None, None)?;
        self.parts.root_unless_selected(S::TABLE, S::FIELDS);
        self.parts.compile_targeted(dialect)
    }

    /// Readies and compiles the query for a read on `backend` without moving
    /// it (its values are moved out; what is left is only to be dropped):
    /// prefixes worked out with the backend's default, [`Query::check`]
    /// unless the shape was checked before (`Parts::fetch_statement`).
    pub(crate) fn fetch_statement(&mut self, backend: &Backend) -> Result<Statement, Error> {
        self.parts.root_unless_selected(S::TABLE, S::FIELDS);
        self.parts.fetch_statement(backend)
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

/// `EXISTS (subquery)`. A correlated subquery ([`Query::correlated`]) makes
/// the condition mention its outer table (`O`), so it only filters a query
/// that has that table.
pub fn exists<P: crate::select::Projection, O>(sub: crate::select::Select<P, O>) -> Cond<O> {
    let mut rpn = Rpn::default();
    rpn.push_sub(sub.into_parts_only(), Op::Exists);
    Cond::new(rpn)
}

/// `NOT EXISTS (subquery)` (see [`exists`]).
pub fn not_exists<P: crate::select::Projection, O>(sub: crate::select::Select<P, O>) -> Cond<O> {
    let mut rpn = Rpn::default();
    rpn.push_sub(sub.into_parts_only(), Op::NotExists);
    Cond::new(rpn)
}

/// LATERAL joins: a correlated subquery ([`Query::correlated`]) joined to
/// each row of the query, such as the latest comment of each post. Postgres
/// and MySQL 8.0.14+ have them; MariaDB and SQLite refuse the query with
/// `Error::Unsupported` before anything is sent. (Written here, beside
/// [`Query`], so compile errors name `quarry::Query::<S, J>::..`.)
impl<S: Schema, J> Query<S, J> {
    fn lateral<T: Schema, const N: u8, K, L>(
        self,
        kind: JoinKind,
        sub: Query<T, K>,
    ) -> Query<S, L> {
        let mut parts = sub.parts;
        parts.root_unless_selected(T::TABLE, T::FIELDS);
        let mut q = self;
        let mut join = JoinPart::new(
            kind,
            <crate::source::Alias<T, N> as Source>::name(),
            None,
            Default::default(),
        );
        // The alias names the subquery's rows: never prefixed.
        join.cte = true;
        join.lateral = Some(Box::new(parts));
        q.parts.joins.push(join);
        q.retype()
    }

    /// `INNER JOIN LATERAL (sub) AS alias`: for each row, the rows of `sub`
    /// (whole rows of `T`, read through `alias`'s columns), which may refer
    /// to this query's tables; rows for which `sub` finds nothing are left
    /// out.
    pub fn join_lateral<T: Schema, const N: u8, K: Joins, I>(
        self,
        alias: crate::source::Alias<T, N>,
        sub: Query<T, K>,
    ) -> Query<S, (crate::source::Alias<T, N>, J)>
    where
        K::Parents: AllIn<(S, J), I>,
    {
        let _ = alias;
        self.lateral::<T, N, K, _>(JoinKind::Inner, sub)
    }

    /// `LEFT JOIN LATERAL (sub) AS alias ON 1 = 1`: like
    /// [`Query::join_lateral`], but a row for which `sub` finds nothing stays,
    /// with `alias`'s columns NULL (selected as `Option`s).
    ///
    /// ```
    /// use quarry_query::{Alias, ColumnExt, Dialect, Query};
    /// # use quarry_core::doc_support::Product;
    /// // Each product with the cheapest product of the same name (MINE is
    /// // the product, LOW the cheapest namesake).
    /// const MINE: Alias<Product, 1> = Alias::new();
    /// const LOW: Alias<Product, 2> = Alias::new();
    /// let cheapest = Query::<Product>::correlated::<Alias<Product, 1>>()
    ///     .filter(Product::name.eq_col(MINE.col(Product::name)))
    ///     .order_by(Product::price.asc())
    ///     .limit(1);
    /// let q = Query::<Product>::new()
    ///     .join(MINE, MINE.col(Product::id).eq_col(Product::id))
    ///     .left_join_lateral(LOW, cheapest)
    ///     .select((MINE.col(Product::name), LOW.col(Product::price)));
    /// let sql = q.to_statement(Dialect::Postgres)?.sql;
    /// assert!(sql.contains(r#" LEFT JOIN LATERAL (SELECT "products"."id", "#), "{sql}");
    /// assert!(sql.ends_with(r#"ORDER BY "products"."price" ASC LIMIT $1) AS "products_2" ON 1 = 1"#), "{sql}");
    /// # Ok::<(), quarry_core::Error>(())
    /// ```
    pub fn left_join_lateral<T: Schema, const N: u8, K: Joins, I>(
        self,
        alias: crate::source::Alias<T, N>,
        sub: Query<T, K>,
    ) -> Query<S, (LeftJoined<crate::source::Alias<T, N>>, J)>
    where
        K::Parents: AllIn<(S, J), I>,
    {
        let _ = alias;
        self.lateral::<T, N, K, _>(JoinKind::Left, sub)
    }
}
