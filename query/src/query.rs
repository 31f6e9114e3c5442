//! [`Query`]: a composable query over one schema. Functions take a query and return
//! a refined one, so filters compose.

use crate::dialect::Dialect;
pub use crate::expr::SortOrder;
use crate::expr::{col_expr, Cond};
use crate::statement::Statement;
use quarry_core::{Field, Schema};
use sea_query::{Expr, ExprTrait, SelectStatement};
use std::marker::PhantomData;

/// A query over schema `S`: filters, order, limit and offset.
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
pub struct Query<S> {
    cond: Option<Expr>,
    order: Vec<(Expr, sea_query::Order)>,
    limit: Option<u64>,
    offset: Option<u64>,
    distinct: bool,
    _marker: PhantomData<fn() -> S>,
}

impl<S> Clone for Query<S> {
    fn clone(&self) -> Self {
        Query {
            cond: self.cond.clone(),
            order: self.order.clone(),
            limit: self.limit,
            offset: self.offset,
            distinct: self.distinct,
            _marker: PhantomData,
        }
    }
}

impl<S> std::fmt::Debug for Query<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Query")
            .field("cond", &self.cond)
            .field("order", &self.order)
            .field("limit", &self.limit)
            .field("offset", &self.offset)
            .field("distinct", &self.distinct)
            .finish()
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

impl<S: Schema> From<Cond<S>> for Query<S> {
    fn from(c: Cond<S>) -> Self {
        Query::new().filter(c)
    }
}

impl<S: Schema> Query<S> {
    /// All rows.
    pub fn new() -> Self {
        Query {
            cond: None,
            order: Vec::new(),
            limit: None,
            offset: None,
            distinct: false,
            _marker: PhantomData,
        }
    }

    /// Adds a condition with AND.
    pub fn filter(mut self, c: Cond<S>) -> Self {
        self.cond = Some(match self.cond.take() {
            Some(e) => e.and(c.expr),
            None => c.expr,
        });
        self
    }

    /// Adds a condition with OR (Ecto's `or_where`).
    pub fn or_filter(mut self, c: Cond<S>) -> Self {
        self.cond = Some(match self.cond.take() {
            Some(e) => e.or(c.expr),
            None => c.expr,
        });
        self
    }

    /// Adds an ORDER BY term.
    pub fn order_by(mut self, o: SortOrder<S>) -> Self {
        self.order.push((o.expr, o.order));
        self
    }

    /// Orders by a field chosen at run time (checked against the schema).
    pub fn order_by_field(mut self, field: Field<S>, descending: bool) -> Self {
        let order = if descending {
            sea_query::Order::Desc
        } else {
            sea_query::Order::Asc
        };
        self.order.push((col_expr::<S>(field.index()), order));
        self
    }

    /// At most `n` rows (values above `i64::MAX` mean no practical limit and are
    /// clamped, since databases take a signed 64-bit limit).
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(std::cmp::min(n, i64::MAX as u64));
        self
    }

    /// Skips `n` rows (clamped to `i64::MAX`).
    pub fn offset(mut self, n: u64) -> Self {
        self.offset = Some(std::cmp::min(n, i64::MAX as u64));
        self
    }

    /// SELECT DISTINCT.
    pub fn distinct(mut self) -> Self {
        self.distinct = true;
        self
    }

    /// True when the query has a limit, an offset or DISTINCT (aggregates then
    /// wrap it in a subquery).
    pub fn is_windowed(&self) -> bool {
        self.limit.is_some() || self.offset.is_some() || self.distinct
    }

    /// The WHERE expression, if any.
    pub fn condition(&self) -> Option<&Expr> {
        self.cond.as_ref()
    }

    /// The SELECT of every persisted column of `S`.
    pub fn select_statement(&self) -> SelectStatement {
        let mut q = sea_query::Query::select();
        for (i, f) in S::FIELDS.iter().enumerate() {
            if f.is_persisted() {
                q.expr(col_expr::<S>(i));
            }
        }
        q.from(S::TABLE);
        self.apply(&mut q);
        q
    }

    /// Applies filters, order, limit, offset and DISTINCT to `q`.
    pub fn apply(&self, q: &mut SelectStatement) {
        if let Some(c) = &self.cond {
            q.and_where(c.clone());
        }
        for (e, o) in &self.order {
            q.order_by_expr(e.clone(), o.clone());
        }
        if let Some(l) = self.limit {
            q.limit(l);
        }
        if let Some(o) = self.offset {
            q.offset(o);
        }
        if self.distinct {
            q.distinct();
        }
    }

    /// Compiles the query for `dialect`.
    pub fn to_statement(&self, dialect: Dialect) -> Statement {
        dialect.build(&self.select_statement(), S::TABLE)
    }
}
