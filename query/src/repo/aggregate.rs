//! Aggregates: count, count distinct, sum, avg, min, max.

use crate::dialect::Dialect;
use crate::ir::Parts;
use crate::query::root_columns;
use crate::select::Summable;
use quarry_core::{Column, FieldValue, Nullable, Schema, ValueType};
use sea_query::{Expr, Func, SelectStatement};
use std::marker::PhantomData;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Count,
    CountDistinct,
    Sum,
    Avg,
    Min,
    Max,
}

/// An aggregate over schema `S` whose result is a `T`, for
/// [`super::Repo::aggregate`].
///
/// Results: count is an `i64`; sum is an `Option<i64>` for integer columns and
/// an `Option<f64>` for floats; avg is an `Option<f64>`; min and max are an
/// `Option` of the column's type. Over no rows, all but count are `None`.
///
/// ```
/// # use quarry_core::doc_support::Product;
/// use quarry_query::Aggregate;
/// let total: Aggregate<Product, Option<f64>> = Aggregate::sum(Product::price);
/// let dearest: Aggregate<Product, Option<f64>> = Aggregate::max(Product::price);
/// let rows: Aggregate<Product, i64> = Aggregate::count();
/// # let _ = (total, dearest, rows);
/// ```
pub struct Aggregate<S, T> {
    kind: Kind,
    field: Option<usize>,
    _marker: PhantomData<fn() -> (S, T)>,
}

impl<S: Schema> Aggregate<S, i64> {
    /// `count(*)`.
    pub fn count() -> Self {
        Self::of(Kind::Count, None)
    }
    /// `count(DISTINCT col)`.
    pub fn count_distinct<C: FieldValue>(col: Column<S, C>) -> Self {
        Self::of(Kind::CountDistinct, Some(col.index()))
    }
}

impl<S: Schema> Aggregate<S, Option<f64>> {
    /// `avg(col)` of a numeric column.
    pub fn avg<C: Summable>(col: Column<S, C>) -> Self {
        Self::of(Kind::Avg, Some(col.index()))
    }
}

impl<S: Schema, T: FieldValue> Aggregate<S, T> {
    fn of(kind: Kind, field: Option<usize>) -> Self {
        Aggregate {
            kind,
            field,
            _marker: PhantomData,
        }
    }
}

impl<S: Schema> Aggregate<S, ()> {
    /// `sum(col)`: `Option<i64>` for integer columns, `Option<f64>` for floats.
    pub fn sum<C: Summable>(col: Column<S, C>) -> Aggregate<S, C::Sum> {
        Aggregate::of(Kind::Sum, Some(col.index()))
    }
    /// `min(col)`: an `Option` of the column's type.
    pub fn min<C: Nullable>(col: Column<S, C>) -> Aggregate<S, C::Opt> {
        Aggregate::of(Kind::Min, Some(col.index()))
    }
    /// `max(col)`: an `Option` of the column's type.
    pub fn max<C: Nullable>(col: Column<S, C>) -> Aggregate<S, C::Opt> {
        Aggregate::of(Kind::Max, Some(col.index()))
    }
}

impl<S: Schema, T> Aggregate<S, T> {
    /// The SQL function's name (for errors).
    pub(crate) fn name(&self) -> &'static str {
        match self.kind {
            Kind::Count => "count",
            Kind::CountDistinct => "count_distinct",
            Kind::Sum => "sum",
            Kind::Avg => "avg",
            Kind::Min => "min",
            Kind::Max => "max",
        }
    }

    /// The result type.
    pub fn result_type(&self) -> ValueType {
        let col_ty = self
            .field
            .map(|i| quarry_core::schema::field_def::<S>(i).ty);
        match self.kind {
            Kind::Count | Kind::CountDistinct => ValueType::I64,
            Kind::Avg => ValueType::F64,
            Kind::Sum if col_ty.map(ValueType::is_integer).unwrap_or(false) => ValueType::I64,
            Kind::Sum => ValueType::F64,
            Kind::Min | Kind::Max => col_ty.unwrap_or(ValueType::I64),
        }
    }

    /// The SELECT computing this aggregate over a query's parts, and the result
    /// type.
    pub(crate) fn statement(
        &self,
        parts: &Parts,
        dialect: Dialect,
    ) -> Result<(SelectStatement, ValueType), quarry_core::Error> {
        let ty = self.result_type();
        let wrap = parts.is_windowed();
        let arg = |i: usize| -> Expr {
            if wrap {
                Expr::col(("quarry_sub", quarry_core::schema::field_def::<S>(i).column))
            } else {
                Expr::col((S::TABLE, quarry_core::schema::field_def::<S>(i).column))
            }
        };
        let call: Expr = match (self.kind, self.field) {
            (Kind::Count, _) | (_, None) => Func::count(Expr::cust("*")).into(),
            (Kind::CountDistinct, Some(i)) => Func::count_distinct(arg(i)).into(),
            (Kind::Sum, Some(i)) => Func::sum(arg(i)).into(),
            (Kind::Avg, Some(i)) => Func::avg(arg(i)).into(),
            (Kind::Min, Some(i)) => Func::min(arg(i)).into(),
            (Kind::Max, Some(i)) => Func::max(arg(i)).into(),
        };
        // Postgres and MySQL return DECIMAL/NUMERIC for sums and averages; cast to
        // the documented result type so every database decodes the same.
        let call = match self.kind {
            Kind::Sum | Kind::Avg => crate::sql::lower::cast(call, dialect, ty == ValueType::I64),
            _ => call,
        };
        if wrap {
            let mut q = sea_query::Query::select();
            q.expr(call);
            q.from_subquery(
                parts.to_select_with(dialect, root_columns::<S>())?,
                "quarry_sub",
            );
            Ok((q, ty))
        } else {
            Ok((parts.to_select_with(dialect, vec![call])?, ty))
        }
    }
}
