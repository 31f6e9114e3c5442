//! Projections: what a query returns when it is not whole rows of its schema —
//! a column, a tuple of columns and aggregates, or whole (or optional) rows of
//! joined schemas. Each decodes by position, with no lookups by name.

use crate::dialect::Dialect;
use crate::driver::Backend;
use crate::ir::Parts;
use crate::ir::{Op, Rpn};
use crate::scope::{Nullity, One, Position};
use crate::source::{ColumnRef, Source};
use crate::statement::Statement;
use quarry_core::{Error, FieldValue, Nullable, Row, Schema};
use sea_query::SelectStatement;
use std::marker::PhantomData;

/// Something a query can select and decode.
pub trait Projection: Send + Sync {
    /// The Rust value of one row.
    type Output: Send;
    /// The sources it reads (checked against the query's scope).
    type Mentions;
    /// Pushes its select items (each ends with `Op::Item`).
    #[doc(hidden)]
    fn push(&self, out: &mut Rpn);
    /// Decodes from `row`, starting at column `*at`, advancing it.
    fn decode(&self, row: &dyn Row, at: &mut usize) -> Result<Self::Output, Error>;
}

impl<C: ColumnRef + Send + Sync> Projection for C {
    type Output = C::Value;
    type Mentions = C::Mentions;
    fn push(&self, out: &mut Rpn) {
        out.push(self.col());
        out.push(Op::Item);
    }
    fn decode(&self, row: &dyn Row, at: &mut usize) -> Result<C::Value, Error> {
        let v = row.get::<C::Value>(*at)?;
        *at += 1;
        Ok(v)
    }
}

/// A projection as selected in a query whose scope found its sources at `I`
/// (see [`crate::scope`]): what it decodes to there. A column of a source a
/// LEFT JOIN may leave empty decodes to an `Option` of its type (an `Option`
/// column stays one `Option`), a whole row of such a source to an `Option` of
/// the schema; everything else to its own output.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be selected here",
    label = "not a projection of this query's sources"
)]
pub trait ProjectIn<I>: Projection {
    /// The Rust value of one row, in this query.
    type Out: Send;
    /// Decodes from `row`, starting at column `*at`, advancing it.
    #[doc(hidden)]
    fn decode_in(&self, row: &dyn Row, at: &mut usize) -> Result<Self::Out, Error>;
}

impl<C: ColumnRef + Send + Sync, I: Position> ProjectIn<I> for C
where
    C::Value: Nullable,
{
    type Out = <I::Null as Nullity>::Of<C::Value>;
    fn decode_in(&self, row: &dyn Row, at: &mut usize) -> Result<Self::Out, Error> {
        let v = row.get::<Self::Out>(*at)?;
        *at += 1;
        Ok(v)
    }
}

/// A projection selected in a query (what [`crate::Query::select`] holds):
/// `P` decoded as its sources' places in the query's scope (`I`) make it.
pub struct Scoped<P, I>(P, PhantomData<fn() -> I>);

impl<P: ProjectIn<I>, I> Projection for Scoped<P, I> {
    type Output = P::Out;
    type Mentions = P::Mentions;
    fn push(&self, out: &mut Rpn) {
        self.0.push(out);
    }
    fn decode(&self, row: &dyn Row, at: &mut usize) -> Result<P::Out, Error> {
        self.0.decode_in(row, at)
    }
}

impl<P, I> Scoped<P, I> {
    pub(crate) fn new(p: P) -> Self {
        Scoped(p, PhantomData)
    }
}

macro_rules! tuple_projection {
    ($($name:ident),+) => {
        impl<$($name: Projection),+> Projection for ($($name,)+) {
            type Output = ($($name::Output,)+);
            type Mentions = tuple_projection!(@mentions $($name),+);
            #[allow(non_snake_case)]
            fn push(&self, out: &mut Rpn) {
                let ($($name,)+) = self;
                $($name.push(out);)+
            }
            #[allow(non_snake_case)]
            fn decode(&self, row: &dyn Row, at: &mut usize) -> Result<Self::Output, Error> {
                let ($($name,)+) = self;
                Ok(($($name.decode(row, at)?,)+))
            }
        }
    };
    (@mentions $head:ident) => { ($head::Mentions, ()) };
    (@index $head:ident) => { ($head, ()) };
    (@index $head:ident, $($rest:ident),+) => { ($head, tuple_projection!(@index $($rest),+)) };
    (@mentions $head:ident, $($rest:ident),+) => { ($head::Mentions, tuple_projection!(@mentions $($rest),+)) };
}
macro_rules! tuple_project_in {
    ($(($name:ident, $index:ident)),+) => {
        impl<$($name: ProjectIn<$index>, $index),+> ProjectIn<tuple_projection!(@index $($index),+)> for ($($name,)+) {
            type Out = ($($name::Out,)+);
            #[allow(non_snake_case)]
            fn decode_in(&self, row: &dyn Row, at: &mut usize) -> Result<Self::Out, Error> {
                let ($($name,)+) = self;
                Ok(($($name.decode_in(row, at)?,)+))
            }
        }
    };
}
tuple_project_in!((A, IA));
tuple_project_in!((A, IA), (B, IB));
tuple_project_in!((A, IA), (B, IB), (C, IC));
tuple_project_in!((A, IA), (B, IB), (C, IC), (D, ID));
tuple_project_in!((A, IA), (B, IB), (C, IC), (D, ID), (E, IE));
tuple_project_in!((A, IA), (B, IB), (C, IC), (D, ID), (E, IE), (F, IF));
tuple_project_in!(
    (A, IA),
    (B, IB),
    (C, IC),
    (D, ID),
    (E, IE),
    (F, IF),
    (G, IG)
);
tuple_project_in!(
    (A, IA),
    (B, IB),
    (C, IC),
    (D, ID),
    (E, IE),
    (F, IF),
    (G, IG),
    (H, IH)
);

tuple_projection!(A);
tuple_projection!(A, B);
tuple_projection!(A, B, C);
tuple_projection!(A, B, C, D);
tuple_projection!(A, B, C, D, E);
tuple_projection!(A, B, C, D, E, F);
tuple_projection!(A, B, C, D, E, F, G);
tuple_projection!(A, B, C, D, E, F, G, H);

fn source_columns<Src: Source>(out: &mut Rpn) {
    out.push(Op::Whole(
        crate::ir::Name(Src::name()),
        crate::ir::Fields(<Src::Schema as Schema>::FIELDS),
    ));
}

/// Whole rows of a source (see [`row`]).
pub struct Whole<Src>(PhantomData<fn() -> Src>);

/// Whole rows of a source that may be missing, as after a LEFT JOIN (see
/// [`maybe_row`]): `None` when the row's primary key is NULL.
pub struct MaybeWhole<Src>(PhantomData<fn() -> Src>);

/// Selects whole rows of `Src` (a schema, or an [`crate::Alias`]); after a
/// LEFT JOIN of `Src` they are `Option<Src::Schema>` (`None` when the row's
/// primary key is NULL), as with [`maybe_row`].
pub fn row<Src: Source>() -> Whole<Src> {
    Whole(PhantomData)
}

/// Selects whole rows of `Src` that may be missing, as an `Option` whatever
/// the join (a LEFT JOIN of `Src` already makes [`row`] one; `maybe_row` is
/// for the sources before a RIGHT or FULL JOIN, which the types do not track).
pub fn maybe_row<Src: Source>() -> MaybeWhole<Src> {
    MaybeWhole(PhantomData)
}

impl<Src: Source> Projection for Whole<Src> {
    type Output = Src::Schema;
    type Mentions = One<Src>;
    fn push(&self, out: &mut Rpn) {
        source_columns::<Src>(out);
    }
    fn decode(&self, row: &dyn Row, at: &mut usize) -> Result<Src::Schema, Error> {
        let v = <Src::Schema as Schema>::from_row(row, *at)?;
        *at += <Src::Schema as Schema>::persisted_count();
        Ok(v)
    }
}

impl<Src: Source, I: Position> ProjectIn<I> for Whole<Src> {
    type Out = <I::Null as Nullity>::RowOf<Src::Schema>;
    fn decode_in(&self, row: &dyn Row, at: &mut usize) -> Result<Self::Out, Error> {
        let v = <I::Null as Nullity>::row::<Src::Schema>(row, *at)?;
        *at += <Src::Schema as Schema>::persisted_count();
        Ok(v)
    }
}

impl<Src: Source, I> ProjectIn<I> for MaybeWhole<Src> {
    type Out = Option<Src::Schema>;
    fn decode_in(&self, row: &dyn Row, at: &mut usize) -> Result<Self::Out, Error> {
        self.decode(row, at)
    }
}

impl<Src: Source> Projection for MaybeWhole<Src> {
    type Output = Option<Src::Schema>;
    type Mentions = One<Src>;
    fn push(&self, out: &mut Rpn) {
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
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a numeric column type: sum and avg take integer or float columns",
    label = "sum/avg of a `{Self}` column"
)]
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

/// An aggregate expression returning `T`: usable in `select`, `having` and
/// `order_by` like a column.
pub struct Agg<M, T> {
    pub(crate) rpn: Rpn,
    _marker: PhantomData<fn() -> (M, T)>,
}

crate::computed::computed!(Agg, "this aggregate", Projection, ProjectIn);
crate::computed::comparisons!(Agg, "agg");

impl<M, T: FieldValue> Agg<M, T> {
    fn of(arg: Option<Op>, op: Op) -> Self {
        let mut rpn = Rpn::default();
        if let Some(a) = arg {
            rpn.push(a);
        }
        rpn.push(op);
        Agg {
            rpn,
            _marker: PhantomData,
        }
    }
}

/// `count(*)`.
pub fn count() -> Agg<(), i64> {
    Agg::of(None, Op::CountStar)
}

/// `count(DISTINCT col)`.
pub fn count_distinct<C: ColumnRef>(col: C) -> Agg<C::Mentions, i64> {
    Agg::of(Some(col.col()), Op::CountDistinct)
}

/// `sum(col)`: an `Option<i64>` for integer columns, `Option<f64>` for floats
/// (NULL over no rows).
pub fn sum<C: ColumnRef>(col: C) -> Agg<C::Mentions, <C::Value as Summable>::Sum>
where
    C::Value: Summable,
{
    Agg::of(
        Some(col.col()),
        Op::Sum {
            integer: <C::Value as Summable>::INTEGER,
        },
    )
}

/// `avg(col)` as an `Option<f64>`.
pub fn avg<C: ColumnRef>(col: C) -> Agg<C::Mentions, Option<f64>>
where
    C::Value: Summable,
{
    Agg::of(Some(col.col()), Op::Avg)
}

/// `min(col)`, NULL over no rows.
pub fn min<C: ColumnRef>(col: C) -> Agg<C::Mentions, <C::Value as Nullable>::Opt>
where
    C::Value: Nullable,
{
    Agg::of(Some(col.col()), Op::Min)
}

/// `max(col)`, NULL over no rows.
pub fn max<C: ColumnRef>(col: C) -> Agg<C::Mentions, <C::Value as Nullable>::Opt>
where
    C::Value: Nullable,
{
    Agg::of(Some(col.col()), Op::Max)
}

/// A query with a projection: what `repo.all(...)` returns rows of.
///
/// `O` is what the query refers to of an enclosing query: `()` for a query
/// that runs on its own, `One<Post>` for a correlated subquery of `Post`
/// (see [`Query::correlated`](crate::Query::correlated)), which only runs
/// inside a query that has `Post`.
pub struct Select<P, O = ()> {
    parts: Parts,
    projection: P,
    _outer: PhantomData<fn() -> O>,
}

impl<P: Projection, O, T> crate::expr::Subquery<T> for Select<P, O>
where
    P::Output: crate::expr::Comparable<T>,
{
    type Outer = O;
    fn into_parts(self) -> crate::ir::Parts {
        self.parts
    }
}

impl<P: Projection, O> Select<P, O> {
    pub(crate) fn new(mut parts: Parts, projection: P) -> Self {
        parts.select = Rpn::default();
        parts.root = None;
        projection.push(&mut parts.select);
        Select {
            parts,
            projection,
            _outer: PhantomData,
        }
    }

    /// The query parts, for use as a subquery.
    pub(crate) fn into_parts_only(self) -> Parts {
        self.parts
    }
}

impl<P: Projection> Select<P> {
    /// The query parts.
    pub(crate) fn parts_ref(&self) -> &Parts {
        &self.parts
    }

    /// The projection (what decodes a row).
    pub(crate) fn projection(&self) -> &P {
        &self.projection
    }

    /// The SELECT, for use as a subquery of a statement built for `dialect`.
    pub fn into_statement(mut self, dialect: Dialect) -> Result<SelectStatement, Error> {
        self.parts.resolve_prefixes(None, None)?;
        self.parts.to_select(dialect)
    }

    /// Compiles for `dialect` (through the SQL cache).
    pub fn to_statement(&self, dialect: Dialect) -> Result<Statement, Error> {
        self.parts.clone().compile(dialect)
    }

    /// Readies and compiles for `backend` (prefixes worked out with its
    /// default, [`Select::check`] unless the shape was checked before, see
    /// `Parts::fetch_statement`), giving back the projection to decode with.
    #[inline]
    pub(crate) fn fetch_statement(mut self, backend: &Backend) -> Result<(Statement, P), Error> {
        Ok((self.parts.fetch_statement(backend)?, self.projection))
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
    /// Decodes each row into `R` (usually a `#[derive(FromTuple)]` struct whose
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
