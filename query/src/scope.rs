//! Type-level bookkeeping of which schemas a query can see, so a condition on a
//! table that is not in the query does not compile.
//!
//! A query over `S` with joins `A` then `B` has the scope `(B, (A, (S, ())))`. A
//! condition records the sources it mentions (`One<T>`, pairs of those for `and`
//! / `or`); [`AllIn`] proves every one of them is in the scope. The index
//! parameters (`Here`, `There<I>`) are inferred; they only exist to keep the
//! impls apart.

use std::marker::PhantomData;

/// Index: the source is the head of the scope.
pub struct Here;
/// Index: the source is somewhere in the tail.
pub struct There<I>(PhantomData<I>);

/// A condition or projection that mentions the source `T` once.
pub struct One<T>(PhantomData<T>);

/// Proof that the scope list contains the source `T` (at index `I`).
#[diagnostic::on_unimplemented(
    message = "`{T}` is not part of this query",
    label = "this query cannot see `{T}`",
    note = "join `{T}` first (`.join(table::<{T}>(), on)` or `.join_assoc(..)`), or use a column of the query's own schema"
)]
pub trait Has<T, I> {}
impl<H, Tail> Has<H, Here> for (H, Tail) {}
impl<H, Tail, X, I> Has<X, There<I>> for (H, Tail) where Tail: Has<X, I> {}

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
