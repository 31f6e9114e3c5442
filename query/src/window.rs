//! Window functions: `row_number`, `rank`, `dense_rank`, `lag` / `lead`, and
//! the aggregates (`sum`, `avg`, `count`, `min`, `max`) over a window of
//! rows (`OVER (PARTITION BY .. ORDER BY ..)`), with typed results.
//!
//! A windowed value goes in a select list (and may order the query); SQL
//! does not allow one in WHERE: filter on it through a subquery in FROM.
//! Databases without window functions (MySQL before 8.0, MariaDB before 10.2,
//! SQLite before 3.25) refuse such a query with `Error::Unsupported`.
//!
//! ```
//! use quarry_query::{over, row_number, sum, ColumnExt, Dialect, Query};
//! # use quarry_core::doc_support::Product;
//! let q = Query::<Product>::new().select((
//!     Product::name,
//!     row_number().over(over().order_by(Product::price.desc())),
//!     sum(Product::price).over(over().order_by(Product::id.asc())),
//! ));
//! let sql = q.to_statement(Dialect::Postgres)?.sql;
//! assert!(sql.contains(r#"ROW_NUMBER() OVER (ORDER BY "products"."price" DESC)"#), "{sql}");
//! assert!(sql.contains(r#"CAST(SUM("products"."price") OVER (ORDER BY "products"."id" ASC) AS DOUBLE PRECISION)"#), "{sql}");
//! # Ok::<(), quarry_core::Error>(())
//! ```

use crate::expr::SortOrder;
use crate::ir::{Op, Rpn};
use crate::select::Agg;
use crate::source::ColumnRef;
use quarry_core::Nullable;
use std::marker::PhantomData;

/// A window: the partitions and order of the rows a window function sees.
/// Reads the sources `M`. Start with [`over`].
pub struct Window<M> {
    partitions: Rpn,
    orders: Rpn,
    counts: (u8, u8),
    _marker: PhantomData<fn() -> M>,
}

/// An empty window (every row of the result, in no particular order).
pub fn over() -> Window<()> {
    Window {
        partitions: Rpn::default(),
        orders: Rpn::default(),
        counts: (0, 0),
        _marker: PhantomData,
    }
}

impl<M> Window<M> {
    fn retype<N>(self) -> Window<N> {
        Window {
            partitions: self.partitions,
            orders: self.orders,
            counts: self.counts,
            _marker: PhantomData,
        }
    }

    /// Also partitions the rows by `col` (`PARTITION BY`), up to 255 terms.
    pub fn partition_by<C: ColumnRef>(mut self, col: C) -> Window<(C::Mentions, M)> {
        self.partitions.push(col.col());
        self.counts.0 = self.counts.0.saturating_add(1);
        self.retype()
    }

    /// Also orders the rows of each partition by `order` (`col.asc()`,
    /// `col.desc()`), up to 255 terms.
    pub fn order_by<L>(mut self, order: SortOrder<L>) -> Window<(L, M)> {
        self.orders.append(order.expr);
        self.orders.push(Op::OrderItem(order.dir, order.nulls));
        self.counts.1 = self.counts.1.saturating_add(1);
        self.retype()
    }
}

/// A window function whose value is a `T`, reading `M`: give it a window with
/// [`WindowFn::over`].
pub struct WindowFn<M, T> {
    rpn: Rpn,
    _marker: PhantomData<fn() -> (M, T)>,
}

fn function<M, T>(rpn: Rpn) -> WindowFn<M, T> {
    WindowFn {
        rpn,
        _marker: PhantomData,
    }
}

/// `ROW_NUMBER()`: 1, 2, 3... within each partition.
pub fn row_number() -> WindowFn<(), i64> {
    function(Rpn::op(Op::RowNumber))
}

/// `RANK()`: ties share a rank and leave gaps (1, 1, 3).
pub fn rank() -> WindowFn<(), i64> {
    function(Rpn::op(Op::Rank))
}

/// `DENSE_RANK()`: ties share a rank, no gaps (1, 1, 2).
pub fn dense_rank() -> WindowFn<(), i64> {
    function(Rpn::op(Op::DenseRank))
}

/// `LAG(col)`: the value of the previous row (`None` on the first).
pub fn lag<C: ColumnRef>(col: C) -> WindowFn<C::Mentions, <C::Value as Nullable>::Opt>
where
    C::Value: Nullable,
{
    lag_by(col, 1)
}

/// `LAG(col, n)`: the value `n` rows back.
pub fn lag_by<C: ColumnRef>(col: C, n: u8) -> WindowFn<C::Mentions, <C::Value as Nullable>::Opt>
where
    C::Value: Nullable,
{
    let mut rpn = Rpn::op(col.col());
    rpn.push(Op::Lag(n));
    function(rpn)
}

/// `LEAD(col)`: the value of the next row (`None` on the last).
pub fn lead<C: ColumnRef>(col: C) -> WindowFn<C::Mentions, <C::Value as Nullable>::Opt>
where
    C::Value: Nullable,
{
    lead_by(col, 1)
}

/// `LEAD(col, n)`: the value `n` rows ahead.
pub fn lead_by<C: ColumnRef>(col: C, n: u8) -> WindowFn<C::Mentions, <C::Value as Nullable>::Opt>
where
    C::Value: Nullable,
{
    let mut rpn = Rpn::op(col.col());
    rpn.push(Op::Lead(n));
    function(rpn)
}

fn windowed<M, T>(mut rpn: Rpn, window: Window<impl Sized>) -> Windowed<M, T> {
    let (partitions, orders) = window.counts;
    rpn.append(window.partitions);
    rpn.append(window.orders);
    rpn.push(Op::Over { partitions, orders });
    Windowed {
        rpn,
        _marker: PhantomData,
    }
}

impl<M, T> WindowFn<M, T> {
    /// The function over `window`.
    pub fn over<W>(self, window: Window<W>) -> Windowed<(M, W), T> {
        windowed(self.rpn, window)
    }
}

impl<M, T> Agg<M, T> {
    /// The aggregate over `window` (a running total, a per-partition average):
    /// one value per row instead of one per group.
    pub fn over<W>(self, window: Window<W>) -> Windowed<(M, W), T> {
        windowed(self.rpn, window)
    }
}

/// A windowed value of type `T` reading `M`: a select item, or an ORDER BY
/// term through [`Windowed::asc`] / [`Windowed::desc`].
pub struct Windowed<M, T> {
    rpn: Rpn,
    _marker: PhantomData<fn() -> (M, T)>,
}

use crate::select::ProjectIn;
crate::computed::computed!(
    Windowed,
    "the windowed value",
    crate::select::Projection,
    ProjectIn
);
