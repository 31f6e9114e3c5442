//! Typed conditions: `Product::price.gt(10.0)` compiles only when the value has the
//! column's type, and a query accepts it only when the column's table is in scope.

use crate::source::ColumnRef;
use quarry_core::changeset::Text;
use quarry_core::{FieldValue, ScalarValue, Value};
use sea_query::{Expr, ExprTrait, Func};
use std::marker::PhantomData;

/// A boolean condition mentioning the sources `L` (see [`crate::scope`]).
pub struct Cond<L> {
    pub(crate) expr: Expr,
    _marker: PhantomData<fn() -> L>,
}

impl<L> Clone for Cond<L> {
    fn clone(&self) -> Self {
        Cond::new(self.expr.clone())
    }
}

impl<L> std::fmt::Debug for Cond<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cond({:?})", self.expr)
    }
}

impl<L> Cond<L> {
    pub(crate) fn new(expr: Expr) -> Self {
        Cond {
            expr,
            _marker: PhantomData,
        }
    }
    /// Both conditions.
    pub fn and<M>(self, other: Cond<M>) -> Cond<(L, M)> {
        Cond::new(self.expr.and(other.expr))
    }
    /// Either condition.
    pub fn or<M>(self, other: Cond<M>) -> Cond<(L, M)> {
        Cond::new(self.expr.or(other.expr))
    }
    /// The negation.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Cond<L> {
        Cond::new(self.expr.not())
    }
    /// The sea-query expression.
    pub fn into_expr(self) -> Expr {
        self.expr
    }
}

impl Cond<()> {
    /// Always true (mentions no table).
    pub fn always() -> Cond<()> {
        Cond::new(Expr::cust("1 = 1"))
    }
    /// Always false (mentions no table).
    pub fn never() -> Cond<()> {
        Cond::new(Expr::cust("1 = 0"))
    }
}

/// A Rust value that can be compared with a column holding `T`.
///
/// Implemented for `T` itself, for a plain value against an `Option<T>` column,
/// and for `&str` against string columns.
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot be compared with a column of type `{T}`",
    label = "expected a value of the column's type `{T}`"
)]
pub trait Bind<T> {
    /// The bound value.
    fn bind(self) -> Value;
}
impl<T: FieldValue> Bind<T> for T {
    fn bind(self) -> Value {
        self.to_value()
    }
}
impl<T: ScalarValue> Bind<Option<T>> for T {
    fn bind(self) -> Value {
        self.to_value()
    }
}
impl Bind<String> for &str {
    fn bind(self) -> Value {
        Value::String(self.to_string())
    }
}
impl Bind<Option<String>> for &str {
    fn bind(self) -> Value {
        Value::String(self.to_string())
    }
}

/// Column types that compare with each other in SQL: the same type, or a type
/// and its `Option` (a nullable foreign key and the key it references).
#[diagnostic::on_unimplemented(
    message = "a column of type `{Self}` cannot be compared with a column of type `{T}`",
    label = "the two columns hold different types"
)]
pub trait Comparable<T> {}
impl<T: FieldValue> Comparable<T> for T {}
impl<T: ScalarValue> Comparable<T> for Option<T> {}
impl<T: ScalarValue> Comparable<Option<T>> for T {}

pub(crate) fn val(v: Value) -> Expr {
    Expr::val(crate::sql_value::to_sea(v))
}

/// One ORDER BY term mentioning the source `L`.
pub struct SortOrder<L> {
    pub(crate) expr: Expr,
    pub(crate) order: sea_query::Order,
    pub(crate) nulls: Option<sea_query::NullOrdering>,
    _marker: PhantomData<fn() -> L>,
}

impl<L> Clone for SortOrder<L> {
    fn clone(&self) -> Self {
        SortOrder {
            expr: self.expr.clone(),
            order: self.order.clone(),
            nulls: self.nulls,
            _marker: PhantomData,
        }
    }
}

impl<L> SortOrder<L> {
    pub(crate) fn new(expr: Expr, order: sea_query::Order) -> Self {
        SortOrder {
            expr,
            order,
            nulls: None,
            _marker: PhantomData,
        }
    }
    /// NULLs before other values (emulated where the database has no NULLS FIRST).
    pub fn nulls_first(mut self) -> Self {
        self.nulls = Some(sea_query::NullOrdering::First);
        self
    }
    /// NULLs after other values (emulated where the database has no NULLS LAST).
    pub fn nulls_last(mut self) -> Self {
        self.nulls = Some(sea_query::NullOrdering::Last);
        self
    }
}

/// Conditions and orderings on a typed column (of a schema or of an alias). In
/// scope through `quarry::prelude`.
///
/// `is_null` / `is_not_null` build conditions (they read like SQL), so they take
/// the column by value.
#[allow(clippy::wrong_self_convention)]
pub trait ColumnExt: ColumnRef {
    /// `col = v`; comparing with `None` compiles to `IS NULL`, never `= NULL`.
    fn eq(self, v: impl Bind<Self::Value>) -> Cond<Self::Mentions> {
        let v = v.bind();
        Cond::new(if v.is_null() {
            self.expr().is_null()
        } else {
            self.expr().eq(val(v))
        })
    }
    /// `col <> v`; with `None`, `IS NOT NULL`.
    fn ne(self, v: impl Bind<Self::Value>) -> Cond<Self::Mentions> {
        let v = v.bind();
        Cond::new(if v.is_null() {
            self.expr().is_not_null()
        } else {
            self.expr().ne(val(v))
        })
    }
    /// `col > v`.
    fn gt(self, v: impl Bind<Self::Value>) -> Cond<Self::Mentions> {
        Cond::new(self.expr().gt(val(v.bind())))
    }
    /// `col >= v`.
    fn ge(self, v: impl Bind<Self::Value>) -> Cond<Self::Mentions> {
        Cond::new(self.expr().gte(val(v.bind())))
    }
    /// `col < v`.
    fn lt(self, v: impl Bind<Self::Value>) -> Cond<Self::Mentions> {
        Cond::new(self.expr().lt(val(v.bind())))
    }
    /// `col <= v`.
    fn le(self, v: impl Bind<Self::Value>) -> Cond<Self::Mentions> {
        Cond::new(self.expr().lte(val(v.bind())))
    }
    /// `col BETWEEN low AND high` (inclusive).
    fn between(
        self,
        low: impl Bind<Self::Value>,
        high: impl Bind<Self::Value>,
    ) -> Cond<Self::Mentions> {
        Cond::new(self.expr().between(val(low.bind()), val(high.bind())))
    }
    /// `col IN (...)`; an empty list matches nothing.
    fn in_list<B: Bind<Self::Value>>(
        self,
        values: impl IntoIterator<Item = B>,
    ) -> Cond<Self::Mentions> {
        let values: Vec<Expr> = values.into_iter().map(|v| val(v.bind())).collect();
        if values.is_empty() {
            return Cond::new(Expr::cust("1 = 0"));
        }
        Cond::new(self.expr().is_in(values))
    }
    /// `col NOT IN (...)`; an empty list matches everything.
    fn not_in<B: Bind<Self::Value>>(
        self,
        values: impl IntoIterator<Item = B>,
    ) -> Cond<Self::Mentions> {
        let values: Vec<Expr> = values.into_iter().map(|v| val(v.bind())).collect();
        if values.is_empty() {
            return Cond::new(Expr::cust("1 = 1"));
        }
        Cond::new(self.expr().is_not_in(values))
    }
    /// `col IN (subquery)`; the subquery selects one column of a comparable type.
    fn in_subquery<P>(self, sub: crate::select::Select<P>) -> Cond<Self::Mentions>
    where
        P: crate::select::Projection,
        P::Output: Comparable<Self::Value>,
    {
        Cond::new(self.expr().in_subquery(sub.into_statement()))
    }
    /// `col NOT IN (subquery)`.
    fn not_in_subquery<P>(self, sub: crate::select::Select<P>) -> Cond<Self::Mentions>
    where
        P: crate::select::Projection,
        P::Output: Comparable<Self::Value>,
    {
        Cond::new(self.expr().not_in_subquery(sub.into_statement()))
    }
    /// `col IS NULL`.
    fn is_null(self) -> Cond<Self::Mentions> {
        Cond::new(self.expr().is_null())
    }
    /// `col IS NOT NULL`.
    fn is_not_null(self) -> Cond<Self::Mentions> {
        Cond::new(self.expr().is_not_null())
    }
    /// `col = other` for two columns of comparable types (a join condition).
    fn eq_col<C: ColumnRef>(self, other: C) -> Cond<(Self::Mentions, C::Mentions)>
    where
        Self::Value: Comparable<C::Value>,
    {
        Cond::new(self.expr().eq(other.expr()))
    }
    /// `col <> other`.
    fn ne_col<C: ColumnRef>(self, other: C) -> Cond<(Self::Mentions, C::Mentions)>
    where
        Self::Value: Comparable<C::Value>,
    {
        Cond::new(self.expr().ne(other.expr()))
    }
    /// `col < other`.
    fn lt_col<C: ColumnRef>(self, other: C) -> Cond<(Self::Mentions, C::Mentions)>
    where
        Self::Value: Comparable<C::Value>,
    {
        Cond::new(self.expr().lt(other.expr()))
    }
    /// `col > other`.
    fn gt_col<C: ColumnRef>(self, other: C) -> Cond<(Self::Mentions, C::Mentions)>
    where
        Self::Value: Comparable<C::Value>,
    {
        Cond::new(self.expr().gt(other.expr()))
    }
    /// Ascending order on this column.
    fn asc(self) -> SortOrder<Self::Mentions> {
        SortOrder::new(self.expr(), sea_query::Order::Asc)
    }
    /// Descending order on this column.
    fn desc(self) -> SortOrder<Self::Mentions> {
        SortOrder::new(self.expr(), sea_query::Order::Desc)
    }
}

impl<C: ColumnRef> ColumnExt for C {}

/// Pattern matching on string columns.
pub trait TextExt: ColumnRef {
    /// `col LIKE pattern` (`%` and `_` are wildcards; case sensitivity is the
    /// database's: SQLite and MySQL's default collations ignore ASCII case).
    fn like(self, pattern: impl Into<String>) -> Cond<Self::Mentions> {
        Cond::new(self.expr().like(pattern.into()))
    }
    /// `col NOT LIKE pattern`.
    fn not_like(self, pattern: impl Into<String>) -> Cond<Self::Mentions> {
        Cond::new(self.expr().not_like(pattern.into()))
    }
    /// Case-insensitive LIKE on every database: `LOWER(col) LIKE LOWER(pattern)`
    /// (Postgres's ILIKE emulated portably).
    fn ilike(self, pattern: impl Into<String>) -> Cond<Self::Mentions> {
        let lhs: Expr = Func::lower(self.expr()).into();
        let rhs: Expr = Func::lower(val(Value::String(pattern.into()))).into();
        Cond::new(lhs.binary(sea_query::BinOper::Like, rhs))
    }
}

impl<C: ColumnRef> TextExt for C where C::Value: Text {}
