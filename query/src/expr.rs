//! Typed conditions on columns: `Product::price.gt(10.0)` compiles only when the
//! value has the column's type.

use quarry_core::{Column, FieldValue, ScalarValue, Schema, Value};
use sea_query::{Expr, ExprTrait};
use std::marker::PhantomData;

/// A boolean condition over schema `S`.
pub struct Cond<S> {
    pub(crate) expr: Expr,
    _marker: PhantomData<fn() -> S>,
}

impl<S> Clone for Cond<S> {
    fn clone(&self) -> Self {
        Cond::new(self.expr.clone())
    }
}

impl<S> std::fmt::Debug for Cond<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cond({:?})", self.expr)
    }
}

impl<S> Cond<S> {
    pub(crate) fn new(expr: Expr) -> Self {
        Cond {
            expr,
            _marker: PhantomData,
        }
    }
    /// Both conditions.
    pub fn and(self, other: Cond<S>) -> Cond<S> {
        Cond::new(self.expr.and(other.expr))
    }
    /// Either condition.
    pub fn or(self, other: Cond<S>) -> Cond<S> {
        Cond::new(self.expr.or(other.expr))
    }
    /// The negation.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Cond<S> {
        Cond::new(self.expr.not())
    }
    /// Always true.
    pub fn always() -> Cond<S> {
        Cond::new(Expr::cust("1 = 1"))
    }
    /// Always false.
    pub fn never() -> Cond<S> {
        Cond::new(Expr::cust("1 = 0"))
    }
    /// The sea-query expression.
    pub fn into_expr(self) -> Expr {
        self.expr
    }
}

/// A Rust value that can be compared with a column holding `T`.
///
/// Implemented for `T` itself, for a plain value against an `Option<T>` column,
/// and for `&str` against string columns.
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

pub(crate) fn col_expr<S: Schema>(index: usize) -> Expr {
    Expr::col((S::TABLE, S::FIELDS[index].column))
}

fn val(v: Value) -> Expr {
    Expr::val(crate::sql_value::to_sea(v))
}

/// Conditions and orderings on a typed column. In scope through `quarry::prelude`.
///
/// `is_null` / `is_not_null` build conditions (they read like SQL), so they take
/// the column by value.
#[allow(clippy::wrong_self_convention)]
pub trait ColumnExt<S, T> {
    /// `col = v`; comparing with `None` compiles to `IS NULL`, never `= NULL`.
    fn eq(self, v: impl Bind<T>) -> Cond<S>;
    /// `col <> v`; with `None`, `IS NOT NULL`.
    fn ne(self, v: impl Bind<T>) -> Cond<S>;
    /// `col > v`.
    fn gt(self, v: impl Bind<T>) -> Cond<S>;
    /// `col >= v`.
    fn ge(self, v: impl Bind<T>) -> Cond<S>;
    /// `col < v`.
    fn lt(self, v: impl Bind<T>) -> Cond<S>;
    /// `col <= v`.
    fn le(self, v: impl Bind<T>) -> Cond<S>;
    /// `col IN (...)`; an empty list matches nothing.
    fn in_list<B: Bind<T>>(self, values: impl IntoIterator<Item = B>) -> Cond<S>;
    /// `col NOT IN (...)`; an empty list matches everything.
    fn not_in<B: Bind<T>>(self, values: impl IntoIterator<Item = B>) -> Cond<S>;
    /// `col IS NULL`.
    fn is_null(self) -> Cond<S>;
    /// `col IS NOT NULL`.
    fn is_not_null(self) -> Cond<S>;
    /// Ascending order on this column.
    fn asc(self) -> SortOrder<S>;
    /// Descending order on this column.
    fn desc(self) -> SortOrder<S>;
}

/// One ORDER BY term over schema `S`.
pub struct SortOrder<S> {
    pub(crate) expr: Expr,
    pub(crate) order: sea_query::Order,
    _marker: PhantomData<fn() -> S>,
}

impl<S> Clone for SortOrder<S> {
    fn clone(&self) -> Self {
        SortOrder {
            expr: self.expr.clone(),
            order: self.order.clone(),
            _marker: PhantomData,
        }
    }
}

impl<S> SortOrder<S> {
    pub(crate) fn new(expr: Expr, order: sea_query::Order) -> Self {
        SortOrder {
            expr,
            order,
            _marker: PhantomData,
        }
    }
}

impl<S: Schema, T: FieldValue> ColumnExt<S, T> for Column<S, T> {
    fn eq(self, v: impl Bind<T>) -> Cond<S> {
        let v = v.bind();
        let c = col_expr::<S>(self.index());
        Cond::new(if v.is_null() {
            c.is_null()
        } else {
            c.eq(val(v))
        })
    }
    fn ne(self, v: impl Bind<T>) -> Cond<S> {
        let v = v.bind();
        let c = col_expr::<S>(self.index());
        Cond::new(if v.is_null() {
            c.is_not_null()
        } else {
            c.ne(val(v))
        })
    }
    fn gt(self, v: impl Bind<T>) -> Cond<S> {
        Cond::new(col_expr::<S>(self.index()).gt(val(v.bind())))
    }
    fn ge(self, v: impl Bind<T>) -> Cond<S> {
        Cond::new(col_expr::<S>(self.index()).gte(val(v.bind())))
    }
    fn lt(self, v: impl Bind<T>) -> Cond<S> {
        Cond::new(col_expr::<S>(self.index()).lt(val(v.bind())))
    }
    fn le(self, v: impl Bind<T>) -> Cond<S> {
        Cond::new(col_expr::<S>(self.index()).lte(val(v.bind())))
    }
    fn in_list<B: Bind<T>>(self, values: impl IntoIterator<Item = B>) -> Cond<S> {
        let values: Vec<Expr> = values.into_iter().map(|v| val(v.bind())).collect();
        if values.is_empty() {
            return Cond::never();
        }
        Cond::new(col_expr::<S>(self.index()).is_in(values))
    }
    fn not_in<B: Bind<T>>(self, values: impl IntoIterator<Item = B>) -> Cond<S> {
        let values: Vec<Expr> = values.into_iter().map(|v| val(v.bind())).collect();
        if values.is_empty() {
            return Cond::always();
        }
        Cond::new(col_expr::<S>(self.index()).is_not_in(values))
    }
    fn is_null(self) -> Cond<S> {
        Cond::new(col_expr::<S>(self.index()).is_null())
    }
    fn is_not_null(self) -> Cond<S> {
        Cond::new(col_expr::<S>(self.index()).is_not_null())
    }
    fn asc(self) -> SortOrder<S> {
        SortOrder::new(col_expr::<S>(self.index()), sea_query::Order::Asc)
    }
    fn desc(self) -> SortOrder<S> {
        SortOrder::new(col_expr::<S>(self.index()), sea_query::Order::Desc)
    }
}
