//! Scalar subqueries: a subquery of one column and at most one row used as a
//! value, in a select list (the number of comments of each post), in ORDER
//! BY, or compared in a condition. A correlated one
//! ([`Query::correlated`](crate::Query::correlated)) mentions the enclosing
//! query's table, which that query must then have.

use crate::ir::{Name, Op, Rpn};
use crate::select::{ProjectIn, Projection, Select};
use quarry_core::{Nullable, ScalarValue};
use std::marker::PhantomData;

/// The value of a scalar subquery, of type `T`, mentioning the sources `M`
/// of the enclosing query: usable in `select`, `order_by` and, compared with
/// a value, in `filter` (see [`scalar`]).
pub struct Scalar<M, T> {
    pub(crate) rpn: Rpn,
    _marker: PhantomData<fn() -> (M, T)>,
}

crate::computed::computed!(Scalar, "the subquery's value", Projection, ProjectIn);
crate::computed::comparisons!(Scalar, "(subquery)");

/// The value `sub` returns, as an expression: `(SELECT ..)`. `sub` selects
/// one column; the value is an `Option` of its type (`None` when the
/// subquery finds no row). More than one row is an error of the database.
///
/// ```
/// use quarry_query::{count, scalar, Alias, ColumnExt, Dialect, Query};
/// # use quarry_core::doc_support::Product;
/// // Each product with the number of products of the same name.
/// const MINE: Alias<Product, 1> = Alias::new();
/// let namesakes = Query::<Product>::correlated::<Alias<Product, 1>>()
///     .filter(Product::name.eq_col(MINE.col(Product::name)))
///     .select(count());
/// let q = Query::<Product>::new()
///     .join(MINE, MINE.col(Product::id).eq_col(Product::id))
///     .select((MINE.col(Product::name), scalar(namesakes).unwrap_or(0)));
/// let sql = q.to_statement(Dialect::Sqlite)?.sql;
/// assert!(sql.starts_with(r#"SELECT "products_1"."name", COALESCE((SELECT COUNT(*) FROM "products" WHERE "products"."name" = "products_1"."name"), ?) FROM"#), "{sql}");
/// # Ok::<(), quarry_core::Error>(())
/// ```
pub fn scalar<P: Projection, O>(sub: Select<P, O>) -> Scalar<O, <P::Output as Nullable>::Opt>
where
    P::Output: Nullable,
{
    let mut rpn = Rpn::default();
    rpn.push_sub(sub.into_parts_only(), Op::ScalarSub);
    Scalar {
        rpn,
        _marker: PhantomData,
    }
}

impl<M, T: ScalarValue> Scalar<M, Option<T>> {
    /// The value, or `default` when the subquery found no row (or a NULL):
    /// `COALESCE((SELECT ..), default)`, the default bound.
    pub fn unwrap_or(mut self, default: T) -> Scalar<M, T> {
        self.rpn.push_value(default.into_value());
        self.rpn.push(Op::Fragment(Name("COALESCE(?, ?)"), 2));
        Scalar {
            rpn: self.rpn,
            _marker: PhantomData,
        }
    }
}
