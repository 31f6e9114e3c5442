//! Aggregates: count, count distinct, sum, avg, min, max.

use crate::dialect::Dialect;
use crate::ir::Parts;
use crate::query::root_columns;
use quarry_core::{Column, FieldValue, Schema, ValueType};
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

/// An aggregate over schema `S`, for [`super::Repo::aggregate`].
///
/// Results: count is an `I64`; sum is an `I64` for integer columns and an `F64`
/// for floats; avg is an `F64`; min and max have the column's type. Over no rows,
/// all but count are NULL.
pub struct Aggregate<S> {
    kind: Kind,
    field: Option<usize>,
    _marker: PhantomData<fn() -> S>,
}

impl<S: Schema> Aggregate<S> {
    fn of(kind: Kind, field: Option<usize>) -> Self {
        Aggregate {
            kind,
            field,
            _marker: PhantomData,
        }
    }
    /// `count(*)`.
    pub fn count() -> Self {
        Self::of(Kind::Count, None)
    }
    /// `count(DISTINCT col)`.
    pub fn count_distinct<T: FieldValue>(col: Column<S, T>) -> Self {
        Self::of(Kind::CountDistinct, Some(col.index()))
    }
    /// `sum(col)`.
    pub fn sum<T: quarry_core::changeset::Numeric>(col: Column<S, T>) -> Self {
        Self::of(Kind::Sum, Some(col.index()))
    }
    /// `avg(col)`.
    pub fn avg<T: quarry_core::changeset::Numeric>(col: Column<S, T>) -> Self {
        Self::of(Kind::Avg, Some(col.index()))
    }
    /// `min(col)`.
    pub fn min<T: FieldValue>(col: Column<S, T>) -> Self {
        Self::of(Kind::Min, Some(col.index()))
    }
    /// `max(col)`.
    pub fn max<T: FieldValue>(col: Column<S, T>) -> Self {
        Self::of(Kind::Max, Some(col.index()))
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
