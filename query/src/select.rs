//! Projections: what a query returns when it is not whole rows of its schema —
//! a column, a tuple of columns and aggregates, or whole (or optional) rows of
//! joined schemas. Each decodes by position, with no lookups by name.

use crate::dialect::Dialect;
use crate::driver::Backend;
use crate::query::Parts;
use crate::scope::One;
use crate::source::{ColumnRef, Source};
use crate::statement::Statement;
use quarry_core::{Error, FieldValue, Nullable, Row, Schema};
use sea_query::{Expr, ExprTrait, Func, SelectStatement};
use std::marker::PhantomData;

/// Something a query can select and decode.
pub trait Projection: Send + Sync {
    /// The Rust value of one row.
    type Output: Send;
    /// The sources it reads (checked against the query's scope).
    type Mentions;
    /// Pushes its SQL expressions; `dialect` is known when the statement is built
    /// for a database (aggregates cast their results then).
    fn exprs(&self, dialect: Option<Dialect>, out: &mut Vec<Expr>);
    /// Decodes from `row`, starting at column `*at`, advancing it.
    fn decode(&self, row: &dyn Row, at: &mut usize) -> Result<Self::Output, Error>;
}

impl<C: ColumnRef + Send + Sync> Projection for C {
    type Output = C::Value;
    type Mentions = C::Mentions;
    fn exprs(&self, _dialect: Option<Dialect>, out: &mut Vec<Expr>) {
        out.push(self.expr());
    }
    fn decode(&self, row: &dyn Row, at: &mut usize) -> Result<C::Value, Error> {
        let v = row.get::<C::Value>(*at)?;
        *at += 1;
        Ok(v)
    }
}

macro_rules! tuple_projection {
    ($($name:ident),+) => {
        impl<$($name: Projection),+> Projection for ($($name,)+) {
            type Output = ($($name::Output,)+);
            type Mentions = tuple_projection!(@mentions $($name),+);
            #[allow(non_snake_case)]
            fn exprs(&self, dialect: Option<Dialect>, out: &mut Vec<Expr>) {
                let ($($name,)+) = self;
                $($name.exprs(dialect, out);)+
            }
            #[allow(non_snake_case)]
            fn decode(&self, row: &dyn Row, at: &mut usize) -> Result<Self::Output, Error> {
                let ($($name,)+) = self;
                Ok(($($name.decode(row, at)?,)+))
            }
        }
    };
    (@mentions $head:ident) => { ($head::Mentions, ()) };
    (@mentions $head:ident, $($rest:ident),+) => { ($head::Mentions, tuple_projection!(@mentions $($rest),+)) };
}
tuple_projection!(A);
tuple_projection!(A, B);
tuple_projection!(A, B, C);
tuple_projection!(A, B, C, D);
tuple_projection!(A, B, C, D, E);
tuple_projection!(A, B, C, D, E, F);
tuple_projection!(A, B, C, D, E, F, G);
tuple_projection!(A, B, C, D, E, F, G, H);

fn source_columns<Src: Source>(out: &mut Vec<Expr>) {
    for f in <Src::Schema as Schema>::FIELDS
        .iter()
        .filter(|f| f.is_persisted())
    {
        out.push(Expr::col((Src::name(), f.column)));
    }
}

/// Whole rows of a source (see [`row`]).
pub struct Whole<Src>(PhantomData<fn() -> Src>);

/// Whole rows of a source that may be missing, as after a LEFT JOIN (see
/// [`maybe_row`]): `None` when the row's primary key is NULL.
pub struct MaybeWhole<Src>(PhantomData<fn() -> Src>);

/// Selects whole rows of `Src` (a schema, or an [`crate::Alias`]).
pub fn row<Src: Source>() -> Whole<Src> {
    Whole(PhantomData)
}

/// Selects whole rows of `Src` that a LEFT JOIN may leave empty.
pub fn maybe_row<Src: Source>() -> MaybeWhole<Src> {
    MaybeWhole(PhantomData)
}

impl<Src: Source> Projection for Whole<Src> {
    type Output = Src::Schema;
    type Mentions = One<Src>;
    fn exprs(&self, _dialect: Option<Dialect>, out: &mut Vec<Expr>) {
        source_columns::<Src>(out);
    }
    fn decode(&self, row: &dyn Row, at: &mut usize) -> Result<Src::Schema, Error> {
        let v = <Src::Schema as Schema>::from_row(row, *at)?;
        *at += <Src::Schema as Schema>::persisted_count();
        Ok(v)
    }
}

impl<Src: Source> Projection for MaybeWhole<Src> {
    type Output = Option<Src::Schema>;
    type Mentions = One<Src>;
    fn exprs(&self, _dialect: Option<Dialect>, out: &mut Vec<Expr>) {
        source_columns::<Src>(out);
    }
    fn decode(&self, row: &dyn Row, at: &mut usize) -> Result<Option<Src::Schema>, Error> {
        let fields = <Src::Schema as Schema>::FIELDS;
        let width = <Src::Schema as Schema>::persisted_count();
        let mut missing = false;
        for (offset, f) in fields.iter().filter(|f| f.is_persisted()).enumerate() {
            if f.primary_key && row.value(*at + offset, f.ty)?.is_null() {
                missing = true;
            }
        }
        let out = if missing {
            None
        } else {
            Some(<Src::Schema as Schema>::from_row(row, *at)?)
        };
        *at += width;
        Ok(out)
    }
}

/// Numeric column types and what their sum is.
pub trait Summable: FieldValue {
    /// `Option<i64>` for integers, `Option<f64>` for floats.
    type Sum: FieldValue;
    /// True for integer columns.
    const INTEGER: bool;
}
macro_rules! summable {
    ($($t:ty => $sum:ty, $int:expr);*) => {$(
        impl Summable for $t { type Sum = $sum; const INTEGER: bool = $int; }
        impl Summable for Option<$t> { type Sum = $sum; const INTEGER: bool = $int; }
    )*};
}
summable!(i16 => Option<i64>, true; i32 => Option<i64>, true; i64 => Option<i64>, true; f32 => Option<f64>, false; f64 => Option<f64>, false);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AggKind {
    Count,
    CountDistinct,
    Sum { integer: bool },
    Avg,
    Min,
    Max,
}

/// An aggregate expression returning `T`: usable in `select`, `having` and
/// `order_by` like a column.
pub struct Agg<M, T> {
    kind: AggKind,
    arg: Option<Expr>,
    _marker: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for Agg<M, T> {
    fn clone(&self) -> Self {
        Agg {
            kind: self.kind,
            arg: self.arg.clone(),
            _marker: PhantomData,
        }
    }
}

impl<M, T: FieldValue> Agg<M, T> {
    fn of(kind: AggKind, arg: Option<Expr>) -> Self {
        Agg {
            kind,
            arg,
            _marker: PhantomData,
        }
    }

    fn call(&self) -> Expr {
        match (self.kind, self.arg.clone()) {
            (AggKind::Count, _) | (_, None) => Func::count(Expr::cust("*")).into(),
            (AggKind::CountDistinct, Some(a)) => Func::count_distinct(a).into(),
            (AggKind::Sum { .. }, Some(a)) => Func::sum(a).into(),
            (AggKind::Avg, Some(a)) => Func::avg(a).into(),
            (AggKind::Min, Some(a)) => Func::min(a).into(),
            (AggKind::Max, Some(a)) => Func::max(a).into(),
        }
    }

    /// The aggregate cast so every database returns the same type (Postgres and
    /// MySQL return DECIMAL/NUMERIC for sums and averages).
    fn typed_call(&self, dialect: Option<Dialect>) -> Expr {
        let call = self.call();
        let integer = matches!(self.kind, AggKind::Sum { integer: true });
        match (self.kind, dialect) {
            (AggKind::Sum { .. } | AggKind::Avg, Some(Dialect::Postgres)) => {
                call.cast_as(if integer {
                    "BIGINT"
                } else {
                    "DOUBLE PRECISION"
                })
            }
            (AggKind::Sum { .. } | AggKind::Avg, Some(Dialect::MySql)) => {
                call.cast_as(if integer { "SIGNED" } else { "DOUBLE" })
            }
            (AggKind::Sum { .. } | AggKind::Avg, Some(Dialect::Sqlite)) => {
                call.cast_as(if integer { "INTEGER" } else { "REAL" })
            }
            _ => call,
        }
    }
}

/// `count(*)`.
pub fn count() -> Agg<(), i64> {
    Agg::of(AggKind::Count, None)
}

/// `count(DISTINCT col)`.
pub fn count_distinct<C: ColumnRef>(col: C) -> Agg<C::Mentions, i64> {
    Agg::of(AggKind::CountDistinct, Some(col.expr()))
}

/// `sum(col)`: an `Option<i64>` for integer columns, `Option<f64>` for floats
/// (NULL over no rows).
pub fn sum<C: ColumnRef>(col: C) -> Agg<C::Mentions, <C::Value as Summable>::Sum>
where
    C::Value: Summable,
{
    Agg::of(
        AggKind::Sum {
            integer: <C::Value as Summable>::INTEGER,
        },
        Some(col.expr()),
    )
}

/// `avg(col)` as an `Option<f64>`.
pub fn avg<C: ColumnRef>(col: C) -> Agg<C::Mentions, Option<f64>>
where
    C::Value: Summable,
{
    Agg::of(AggKind::Avg, Some(col.expr()))
}

/// `min(col)`, NULL over no rows.
pub fn min<C: ColumnRef>(col: C) -> Agg<C::Mentions, <C::Value as Nullable>::Opt>
where
    C::Value: Nullable,
{
    Agg::of(AggKind::Min, Some(col.expr()))
}

/// `max(col)`, NULL over no rows.
pub fn max<C: ColumnRef>(col: C) -> Agg<C::Mentions, <C::Value as Nullable>::Opt>
where
    C::Value: Nullable,
{
    Agg::of(AggKind::Max, Some(col.expr()))
}

impl<M: Send + Sync, T: FieldValue> Projection for Agg<M, T> {
    type Output = T;
    type Mentions = M;
    fn exprs(&self, dialect: Option<Dialect>, out: &mut Vec<Expr>) {
        out.push(self.typed_call(dialect));
    }
    fn decode(&self, row: &dyn Row, at: &mut usize) -> Result<T, Error> {
        let v = row.get::<T>(*at)?;
        *at += 1;
        Ok(v)
    }
}

impl<M, T: FieldValue> Agg<M, T> {
    /// `agg > v` (for HAVING).
    pub fn gt(&self, v: impl crate::expr::Bind<T>) -> crate::expr::Cond<M> {
        crate::expr::Cond::new(self.call().gt(crate::expr::val(v.bind())))
    }
    /// `agg >= v`.
    pub fn ge(&self, v: impl crate::expr::Bind<T>) -> crate::expr::Cond<M> {
        crate::expr::Cond::new(self.call().gte(crate::expr::val(v.bind())))
    }
    /// `agg < v`.
    pub fn lt(&self, v: impl crate::expr::Bind<T>) -> crate::expr::Cond<M> {
        crate::expr::Cond::new(self.call().lt(crate::expr::val(v.bind())))
    }
    /// `agg <= v`.
    pub fn le(&self, v: impl crate::expr::Bind<T>) -> crate::expr::Cond<M> {
        crate::expr::Cond::new(self.call().lte(crate::expr::val(v.bind())))
    }
    /// `agg = v`.
    pub fn eq(&self, v: impl crate::expr::Bind<T>) -> crate::expr::Cond<M> {
        crate::expr::Cond::new(self.call().eq(crate::expr::val(v.bind())))
    }
    /// Ascending order by this aggregate.
    pub fn asc(&self) -> crate::expr::SortOrder<M> {
        crate::expr::SortOrder::new(self.call(), sea_query::Order::Asc)
    }
    /// Descending order by this aggregate.
    pub fn desc(&self) -> crate::expr::SortOrder<M> {
        crate::expr::SortOrder::new(self.call(), sea_query::Order::Desc)
    }
}

/// A query with a projection: what `repo.all(...)` returns rows of.
pub struct Select<P> {
    parts: Parts,
    projection: P,
}

impl<P: Projection> Select<P> {
    pub(crate) fn new(parts: Parts, projection: P) -> Self {
        Select { parts, projection }
    }

    /// The SELECT, for use as a subquery.
    pub fn into_statement(self) -> SelectStatement {
        let mut exprs = Vec::new();
        self.projection.exprs(None, &mut exprs);
        self.parts.into_statement(exprs)
    }

    /// Compiles for `dialect`.
    pub fn to_statement(&self, dialect: Dialect) -> Statement {
        let mut exprs = Vec::new();
        self.projection.exprs(Some(dialect), &mut exprs);
        dialect.build(&self.parts.clone().into_statement(exprs), self.parts.from)
    }

    /// Compiles for `dialect`, giving back the projection to decode with.
    pub(crate) fn into_parts(self, dialect: Dialect) -> (Statement, P) {
        let mut exprs = Vec::new();
        self.projection.exprs(Some(dialect), &mut exprs);
        let from = self.parts.from;
        (
            dialect.build(&self.parts.into_statement(exprs), from),
            self.projection,
        )
    }

    /// Refuses what the database cannot run.
    pub fn check(&self, backend: &Backend) -> Result<(), Error> {
        self.parts.check(backend)
    }

    /// The root table.
    pub fn from_table(&self) -> &'static str {
        self.parts.from
    }
}

impl<P: Projection> Select<P> {
    /// Decodes each row into `R` (usually a `#[derive(FromRow)]` struct whose
    /// fields have the projection's types, in order).
    pub fn as_struct<R: From<P::Output> + Send>(self) -> SelectAs<P, R> {
        SelectAs {
            select: self,
            _marker: PhantomData,
        }
    }
}

/// A [`Select`] decoded into a struct `R`.
pub struct SelectAs<P, R> {
    pub(crate) select: Select<P>,
    _marker: PhantomData<fn() -> R>,
}
