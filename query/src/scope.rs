//! Type-level bookkeeping of which schemas a query can see, so a condition on a
//! table that is not in the query does not compile.
//!
//! A query over `S` with joins `A` then `B` has the scope `(B, (A, (S, ())))`. A
//! condition records the sources it mentions (`One<T>`, pairs of those for `and`
//! / `or`); [`AllIn`] proves every one of them is in the scope. The index
//! parameters (`Here`, `There<I>`, ...) are inferred; they keep the impls apart
//! and tell a projection where its source was found:
//!
//! - a source joined with a LEFT (or FULL) JOIN is `LeftJoined<T>` in the
//!   scope; found there (index [`HereMaybe`]), its columns project as `Option`
//!   ([`MaybeNull`]);
//! - a correlated subquery ([`Query::correlated`](crate::Query::correlated))
//!   ends its list of joins with `Parent<O>` instead of `()`: the table `O` of
//!   the query it will be used in is in scope (index [`InParent`]), and the
//!   subquery's conditions then mention `O`, so the enclosing query must have
//!   it.

use quarry_core::{Error, FieldValue, Nullable, Row, Schema};
use std::marker::PhantomData;

/// Index: the source is the head of the scope.
pub struct Here;
/// Index: the source is the head of the scope, joined by an outer join that
/// may leave it empty (see [`LeftJoined`]).
pub struct HereMaybe;
/// Index: the source is somewhere in the tail.
pub struct There<I>(PhantomData<I>);
/// Index: the source is the table of the enclosing query a correlated subquery
/// refers to (see [`Parent`]).
pub struct InParent;

/// A condition or projection that mentions the source `T` once.
pub struct One<T>(PhantomData<T>);

/// In a scope: the source `T`, joined by a LEFT (or FULL) JOIN, so a row of
/// the query may have none of it (its columns are NULL there).
pub struct LeftJoined<T>(PhantomData<T>);

/// The end of a correlated subquery's scope: the table `O` of the enclosing
/// query, which the subquery's conditions may refer to (Ecto's `parent_as`).
pub struct Parent<O>(PhantomData<O>);

/// Proof that the scope list contains the source `T` (at index `I`).
#[diagnostic::on_unimplemented(
    message = "`{T}` is not part of this query",
    label = "this query cannot see `{T}`",
    note = "join `{T}` first (`.join(table::<{T}>(), on)` or `.join_assoc(..)`), or use a column of the query's own schema"
)]
pub trait Has<T, I> {}
impl<H, Tail> Has<H, Here> for (H, Tail) {}
impl<H, Tail> Has<H, HereMaybe> for (LeftJoined<H>, Tail) {}
impl<H, Tail, X, I> Has<X, There<I>> for (H, Tail) where Tail: Has<X, I> {}
impl<O> Has<O, InParent> for Parent<O> {}

/// Proof that every source a condition mentions is in the scope `Sc`.
#[diagnostic::on_unimplemented(
    message = "this expression uses a table that is not part of the query",
    label = "a column here belongs to a schema the query has not joined"
)]
pub trait AllIn<Sc, I> {}
impl<Sc> AllIn<Sc, ()> for () {}
impl<Sc, T, I> AllIn<Sc, I> for One<T> where Sc: Has<T, I> {}
impl<Sc, A, B, IA, IB> AllIn<Sc, (IA, IB)> for (A, B)
where
    A: AllIn<Sc, IA>,
    B: AllIn<Sc, IB>,
{
}

/// A query's list of joins: what the enclosing query must have in scope for
/// it (`()` for an ordinary query, `One<O>` for a correlated subquery of `O`).
pub trait Joins {
    /// The sources of the enclosing query this one refers to.
    type Parents;
}
impl Joins for () {
    type Parents = ();
}
impl<H, Tail: Joins> Joins for (H, Tail) {
    type Parents = Tail::Parents;
}
impl<O> Joins for Parent<O> {
    type Parents = One<O>;
}

/// A list of joins that refers to no enclosing query: a query that can run on
/// its own.
#[diagnostic::on_unimplemented(
    message = "this query refers to a table of an enclosing query, so it cannot run on its own",
    label = "a correlated subquery (`Query::correlated`)",
    note = "use it inside a query that has that table: `exists(..)`, `in_subquery(..)`, `scalar(..)` or a lateral join"
)]
pub trait Closed {}
impl Closed for () {}
impl<H, Tail: Closed> Closed for (H, Tail) {}

/// Whether a projected column can be NULL because of an outer join
/// ([`NotNull`] or [`MaybeNull`]).
pub trait Nullity {
    /// A column of type `T` projected here.
    type Of<T: Nullable>: FieldValue;
    /// A whole row of `R` projected here.
    type RowOf<R: Schema>: Send;
    /// Decodes a whole row of `R` at column `at`.
    #[doc(hidden)]
    fn row<R: Schema>(row: &dyn Row, at: usize) -> Result<Self::RowOf<R>, Error>;
}

/// A source that every row has: its columns project as their own types.
pub struct NotNull;
/// A source an outer join may leave empty: its columns project as `Option`
/// (an `Option` column stays `Option`, not `Option<Option<_>>`) and its whole
/// rows as `Option` of the schema.
pub struct MaybeNull;

impl Nullity for NotNull {
    type Of<T: Nullable> = T;
    type RowOf<R: Schema> = R;
    fn row<R: Schema>(row: &dyn Row, at: usize) -> Result<R, Error> {
        R::from_row(row, at)
    }
}

impl Nullity for MaybeNull {
    type Of<T: Nullable> = T::Opt;
    type RowOf<R: Schema> = Option<R>;
    fn row<R: Schema>(row: &dyn Row, at: usize) -> Result<Option<R>, Error> {
        // Missing when a primary key column is NULL.
        for (offset, f) in R::FIELDS.iter().filter(|f| f.is_persisted()).enumerate() {
            if f.primary_key && row.value(at + offset, f.ty)?.is_null() {
                return Ok(None);
            }
        }
        R::from_row(row, at).map(Some)
    }
}

/// Where a source was found in a scope (an index of [`Has`]), and so whether
/// its columns may be NULL.
pub trait Position {
    /// [`NotNull`] or [`MaybeNull`].
    type Null: Nullity;
}
impl Position for Here {
    type Null = NotNull;
}
impl Position for HereMaybe {
    type Null = MaybeNull;
}
impl<I: Position> Position for There<I> {
    type Null = I::Null;
}
impl Position for InParent {
    type Null = NotNull;
}
