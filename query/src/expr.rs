//! Typed conditions: `Product::price.gt(10.0)` compiles only when the value has the
//! column's type, and a query accepts it only when the column's table is in scope.

use crate::ir::{Dir, Nulls, Op, Operand, Rpn};
use crate::source::ColumnRef;
use quarry_core::changeset::Text;
use quarry_core::{FieldValue, ScalarValue, Value};
use std::marker::PhantomData;

/// A boolean condition mentioning the sources `L` (see [`crate::scope`]).
pub struct Cond<L> {
    pub(crate) rpn: Rpn,
    _marker: PhantomData<fn() -> L>,
}

impl<L> Clone for Cond<L> {
    fn clone(&self) -> Self {
        Cond::new(self.rpn.clone())
    }
}

impl<L> std::fmt::Debug for Cond<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cond({:?}, {:?})", self.rpn.ops, self.rpn.values)
    }
}

impl<L> Cond<L> {
    pub(crate) fn new(rpn: Rpn) -> Self {
        Cond {
            rpn,
            _marker: PhantomData,
        }
    }
    /// Both conditions.
    pub fn and<M>(self, other: Cond<M>) -> Cond<(L, M)> {
        Cond::new(self.rpn.binary(other.rpn, Op::And))
    }
    /// Either condition.
    pub fn or<M>(self, other: Cond<M>) -> Cond<(L, M)> {
        Cond::new(self.rpn.binary(other.rpn, Op::Or))
    }
    /// The negation.
    #[allow(clippy::should_implement_trait)]
    pub fn not(mut self) -> Cond<L> {
        self.rpn.push(Op::Not);
        self
    }
}

impl Cond<()> {
    /// Always true (mentions no table).
    pub fn always() -> Cond<()> {
        Cond::new(Rpn::op(Op::lit("1 = 1")))
    }
    /// Always false (mentions no table).
    pub fn never() -> Cond<()> {
        Cond::new(Rpn::op(Op::lit("1 = 0")))
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
        self.into_value()
    }
}
impl<T: ScalarValue> Bind<Option<T>> for T {
    fn bind(self) -> Value {
        self.into_value()
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

/// What a column holding `T` can be compared with: any value [`Bind<T>`] takes, or a
/// [`Param`](crate::Param) of a prepared query whose type is the column's.
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot be compared with a column of type `{T}`",
    label = "expected a value of the column's type `{T}`"
)]
pub trait Arg<T> {
    /// The operand this binds.
    #[doc(hidden)]
    fn operand(self) -> Operand;
}

// The same values as `Bind` (a blanket impl over `Bind` would overlap with
// `Param`'s, as far as coherence can tell).
impl<T: FieldValue> Arg<T> for T {
    fn operand(self) -> Operand {
        Operand::Value(self.bind())
    }
}
impl<T: ScalarValue> Arg<Option<T>> for T {
    fn operand(self) -> Operand {
        Operand::Value(Bind::<Option<T>>::bind(self))
    }
}
impl Arg<String> for &str {
    fn operand(self) -> Operand {
        Operand::Value(Bind::<String>::bind(self))
    }
}
impl Arg<Option<String>> for &str {
    fn operand(self) -> Operand {
        Operand::Value(Bind::<Option<String>>::bind(self))
    }
}

/// A LIKE pattern: a string, or a `Param<String>` of a prepared query.
#[diagnostic::on_unimplemented(
    message = "a `{Self}` is not a LIKE pattern",
    label = "expected a string (or a Param<String> of a prepared query)"
)]
pub trait Pattern {
    /// The operand this binds.
    #[doc(hidden)]
    fn operand(self) -> Operand;
}

impl<P: Into<String>> Pattern for P {
    fn operand(self) -> Operand {
        Operand::Value(Value::String(self.into()))
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

/// One ORDER BY term mentioning the source `L`.
pub struct SortOrder<L> {
    pub(crate) expr: Rpn,
    pub(crate) dir: Dir,
    pub(crate) nulls: Nulls,
    _marker: PhantomData<fn() -> L>,
}

impl<L> Clone for SortOrder<L> {
    fn clone(&self) -> Self {
        SortOrder {
            expr: self.expr.clone(),
            dir: self.dir,
            nulls: self.nulls,
            _marker: PhantomData,
        }
    }
}

impl<L> SortOrder<L> {
    pub(crate) fn new(expr: Rpn, dir: Dir) -> Self {
        SortOrder {
            expr,
            dir,
            nulls: Nulls::Default,
            _marker: PhantomData,
        }
    }
    /// NULLs before other values (emulated where the database has no NULLS FIRST).
    pub fn nulls_first(mut self) -> Self {
        self.nulls = Nulls::First;
        self
    }
    /// NULLs after other values (emulated where the database has no NULLS LAST).
    pub fn nulls_last(mut self) -> Self {
        self.nulls = Nulls::Last;
        self
    }
}

/// `col <op> value`.
fn compare<L>(col: Op, v: Operand, op: Op) -> Cond<L> {
    let mut rpn = Rpn::op(col);
    rpn.push_operand(v);
    rpn.push(op);
    Cond::new(rpn)
}

fn unary<L>(col: Op, op: Op) -> Cond<L> {
    let mut rpn = Rpn::op(col);
    rpn.push(op);
    Cond::new(rpn)
}

fn columns<L>(a: Op, b: Op, op: Op) -> Cond<L> {
    let mut rpn = Rpn::op(a);
    rpn.push(b);
    rpn.push(op);
    Cond::new(rpn)
}

fn list<L, B>(
    col: Op,
    values: impl IntoIterator<Item = B>,
    bind: impl Fn(B) -> Value,
    negate: bool,
) -> Cond<L> {
    Cond::new(Rpn::in_values(
        col,
        values.into_iter().map(bind).collect(),
        negate,
    ))
}

fn subquery<L, T, Q: Subquery<T>>(col: Op, sub: Q, op: Op) -> Cond<(L, Q::Outer)> {
    let mut rpn = Rpn::op(col);
    rpn.push_sub(sub.into_parts(), op);
    Cond::new(rpn)
}

/// `col <op> (scalar subquery)`.
fn scalar_compare<L, T, Q: Subquery<T>>(col: Op, sub: Q, op: Op) -> Cond<(L, Q::Outer)> {
    let mut rpn = Rpn::op(col);
    rpn.push_sub(sub.into_parts(), Op::ScalarSub);
    rpn.push(op);
    Cond::new(rpn)
}

/// A subquery a column holding `T` can be tested against with
/// [`ColumnExt::in_subquery`]: a [`Select`](crate::Select) of one column whose
/// values compare with `T`.
#[diagnostic::on_unimplemented(
    message = "this subquery's values cannot be compared with a column of type `{T}`",
    label = "expected a query selecting one column comparable with `{T}`"
)]
pub trait Subquery<T> {
    /// The sources of the enclosing query it refers to (`()` unless it is
    /// correlated: see [`Query::correlated`](crate::Query::correlated)).
    type Outer;
    /// The subquery's parts.
    #[doc(hidden)]
    fn into_parts(self) -> crate::ir::Parts;
}

/// A list argument that can be tested against a column holding `T` (with
/// [`ColumnExt::in_param`]): a [`ListParam`](crate::ListParam) of `T`'s type
/// (the column may be `Option<T>`).
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot be tested against a column of type `{T}`",
    label = "expected a ListParam of the column's type `{T}`"
)]
pub trait ListArg<T> {
    /// The argument's number.
    #[doc(hidden)]
    fn number(self) -> u16;
}

/// Conditions and orderings on a typed column (of a schema or of an alias). In
/// scope through `quarry::prelude`.
///
/// `is_null` / `is_not_null` build conditions (they read like SQL), so they take
/// the column by value.
#[allow(clippy::wrong_self_convention)]
pub trait ColumnExt: ColumnRef {
    /// `col = v`; comparing with `None` compiles to `IS NULL`, never `= NULL`.
    fn eq(self, v: impl Arg<Self::Value>) -> Cond<Self::Mentions> {
        match v.operand() {
            Operand::Value(v) if v.is_null() => unary(self.col(), Op::IsNull),
            v => compare(self.col(), v, Op::Eq),
        }
    }
    /// `col <> v`; with `None`, `IS NOT NULL`.
    fn ne(self, v: impl Arg<Self::Value>) -> Cond<Self::Mentions> {
        match v.operand() {
            Operand::Value(v) if v.is_null() => unary(self.col(), Op::IsNotNull),
            v => compare(self.col(), v, Op::Ne),
        }
    }
    /// `col > v`.
    fn gt(self, v: impl Arg<Self::Value>) -> Cond<Self::Mentions> {
        compare(self.col(), v.operand(), Op::Gt)
    }
    /// `col >= v`.
    fn ge(self, v: impl Arg<Self::Value>) -> Cond<Self::Mentions> {
        compare(self.col(), v.operand(), Op::Ge)
    }
    /// `col < v`.
    fn lt(self, v: impl Arg<Self::Value>) -> Cond<Self::Mentions> {
        compare(self.col(), v.operand(), Op::Lt)
    }
    /// `col <= v`.
    fn le(self, v: impl Arg<Self::Value>) -> Cond<Self::Mentions> {
        compare(self.col(), v.operand(), Op::Le)
    }
    /// `col BETWEEN low AND high` (inclusive).
    fn between(
        self,
        low: impl Arg<Self::Value>,
        high: impl Arg<Self::Value>,
    ) -> Cond<Self::Mentions> {
        let mut rpn = Rpn::op(self.col());
        rpn.push_operand(low.operand());
        rpn.push_operand(high.operand());
        rpn.push(Op::Between);
        Cond::new(rpn)
    }
    /// `col IN (...)`; an empty list matches nothing.
    fn in_list<B: Bind<Self::Value>>(
        self,
        values: impl IntoIterator<Item = B>,
    ) -> Cond<Self::Mentions> {
        list(self.col(), values, B::bind, false)
    }
    /// `col NOT IN (...)`; an empty list matches everything.
    fn not_in<B: Bind<Self::Value>>(
        self,
        values: impl IntoIterator<Item = B>,
    ) -> Cond<Self::Mentions> {
        list(self.col(), values, B::bind, true)
    }
    /// `col IN (list argument)` of a [`Prepared`](crate::Prepared) query: the
    /// list is given each time the query runs (one array on Postgres); an
    /// empty list matches nothing.
    fn in_param(self, list: impl ListArg<Self::Value>) -> Cond<Self::Mentions> {
        let mut rpn = Rpn::op(self.col());
        rpn.push(Op::ParamIn(list.number()));
        Cond::new(rpn)
    }
    /// `col IN (subquery)`; the subquery selects one column of a comparable
    /// type. A correlated subquery's outer table must be in the query.
    fn in_subquery<Q: Subquery<Self::Value>>(self, sub: Q) -> Cond<(Self::Mentions, Q::Outer)> {
        subquery(self.col(), sub, Op::InSub)
    }
    /// `col NOT IN (subquery)`.
    fn not_in_subquery<Q: Subquery<Self::Value>>(self, sub: Q) -> Cond<(Self::Mentions, Q::Outer)> {
        subquery(self.col(), sub, Op::NotInSub)
    }
    /// `col = (subquery)`: compared with the one value a scalar subquery
    /// returns (no row is NULL, so the comparison is not true). A subquery
    /// returning more than one row is an error of the database.
    ///
    /// ```
    /// use quarry_query::{avg, ColumnExt, Dialect, Query};
    /// # use quarry_core::doc_support::Product;
    /// // Products dearer than the average.
    /// let average = Query::<Product>::new().select(avg(Product::price));
    /// let q = Query::<Product>::new().filter(Product::price.gt_scalar(average));
    /// let sql = q.to_statement(Dialect::Postgres)?.sql;
    /// assert!(sql.ends_with(r#"WHERE "products"."price" > (SELECT CAST(AVG("products"."price") AS DOUBLE PRECISION) FROM "products")"#), "{sql}");
    /// # Ok::<(), quarry_core::Error>(())
    /// ```
    fn eq_scalar<Q: Subquery<Self::Value>>(self, sub: Q) -> Cond<(Self::Mentions, Q::Outer)> {
        scalar_compare(self.col(), sub, Op::Eq)
    }
    /// `col <> (subquery)` (see [`ColumnExt::eq_scalar`]).
    fn ne_scalar<Q: Subquery<Self::Value>>(self, sub: Q) -> Cond<(Self::Mentions, Q::Outer)> {
        scalar_compare(self.col(), sub, Op::Ne)
    }
    /// `col > (subquery)` (see [`ColumnExt::eq_scalar`]).
    fn gt_scalar<Q: Subquery<Self::Value>>(self, sub: Q) -> Cond<(Self::Mentions, Q::Outer)> {
        scalar_compare(self.col(), sub, Op::Gt)
    }
    /// `col >= (subquery)` (see [`ColumnExt::eq_scalar`]).
    fn ge_scalar<Q: Subquery<Self::Value>>(self, sub: Q) -> Cond<(Self::Mentions, Q::Outer)> {
        scalar_compare(self.col(), sub, Op::Ge)
    }
    /// `col < (subquery)` (see [`ColumnExt::eq_scalar`]).
    fn lt_scalar<Q: Subquery<Self::Value>>(self, sub: Q) -> Cond<(Self::Mentions, Q::Outer)> {
        scalar_compare(self.col(), sub, Op::Lt)
    }
    /// `col <= (subquery)` (see [`ColumnExt::eq_scalar`]).
    fn le_scalar<Q: Subquery<Self::Value>>(self, sub: Q) -> Cond<(Self::Mentions, Q::Outer)> {
        scalar_compare(self.col(), sub, Op::Le)
    }
    /// `col IS NULL`.
    fn is_null(self) -> Cond<Self::Mentions> {
        unary(self.col(), Op::IsNull)
    }
    /// `col IS NOT NULL`.
    fn is_not_null(self) -> Cond<Self::Mentions> {
        unary(self.col(), Op::IsNotNull)
    }
    /// `col = other` for two columns of comparable types (a join condition).
    fn eq_col<C: ColumnRef>(self, other: C) -> Cond<(Self::Mentions, C::Mentions)>
    where
        Self::Value: Comparable<C::Value>,
    {
        columns(self.col(), other.col(), Op::Eq)
    }
    /// `col <> other`.
    fn ne_col<C: ColumnRef>(self, other: C) -> Cond<(Self::Mentions, C::Mentions)>
    where
        Self::Value: Comparable<C::Value>,
    {
        columns(self.col(), other.col(), Op::Ne)
    }
    /// `col < other`.
    fn lt_col<C: ColumnRef>(self, other: C) -> Cond<(Self::Mentions, C::Mentions)>
    where
        Self::Value: Comparable<C::Value>,
    {
        columns(self.col(), other.col(), Op::Lt)
    }
    /// `col > other`.
    fn gt_col<C: ColumnRef>(self, other: C) -> Cond<(Self::Mentions, C::Mentions)>
    where
        Self::Value: Comparable<C::Value>,
    {
        columns(self.col(), other.col(), Op::Gt)
    }
    /// Ascending order on this column.
    fn asc(self) -> SortOrder<Self::Mentions> {
        SortOrder::new(Rpn::op(self.col()), Dir::Asc)
    }
    /// Descending order on this column.
    fn desc(self) -> SortOrder<Self::Mentions> {
        SortOrder::new(Rpn::op(self.col()), Dir::Desc)
    }
}

impl<C: ColumnRef> ColumnExt for C {}

/// `text` with LIKE's wildcards (`%`, `_`) and its escape character (`\`)
/// escaped, so it matches itself literally inside a LIKE pattern.
///
/// ```
/// assert_eq!(quarry_query::expr::escape_like(r"50%_off\"), r"50\%\_off\\");
/// ```
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A LIKE condition on `col` with `text` escaped and wrapped in wildcards.
fn like_escaped<C: ColumnRef>(col: C, before: &str, text: &str, after: &str) -> Cond<C::Mentions> {
    let pattern = format!("{before}{}{after}", escape_like(text));
    compare(col.col(), Operand::Value(Value::String(pattern)), Op::Like)
}

/// Pattern matching on string columns. Every LIKE is written with
/// `ESCAPE '\'`, so a backslash escapes `%`, `_` and itself on every database.
pub trait TextExt: ColumnRef {
    /// `col LIKE pattern` (`%` and `_` are wildcards, `\` escapes them; case
    /// sensitivity is the database's: SQLite and MySQL's default collations
    /// ignore ASCII case). For text from users, prefer [`TextExt::starts_with`],
    /// [`TextExt::contains`] and [`TextExt::ends_with`], which escape it.
    fn like(self, pattern: impl Pattern) -> Cond<Self::Mentions> {
        compare(self.col(), pattern.operand(), Op::Like)
    }
    /// `col NOT LIKE pattern`.
    fn not_like(self, pattern: impl Pattern) -> Cond<Self::Mentions> {
        compare(self.col(), pattern.operand(), Op::NotLike)
    }
    /// Case-insensitive LIKE on every database: `LOWER(col) LIKE LOWER(pattern)`
    /// (Postgres's ILIKE emulated portably).
    fn ilike(self, pattern: impl Pattern) -> Cond<Self::Mentions> {
        let mut rpn = Rpn::op(self.col());
        rpn.push(Op::Lower);
        rpn.push_operand(pattern.operand());
        rpn.push(Op::Lower);
        rpn.push(Op::Like);
        Cond::new(rpn)
    }
    /// The column starts with `prefix`, taken literally (`%`, `_` and `\` in
    /// it are escaped): `col LIKE 'prefix%' ESCAPE '\'`.
    ///
    /// ```
    /// # use quarry_core::doc_support::Product;
    /// use quarry_query::TextExt;
    /// let c = Product::name.starts_with("100%");
    /// # let _ = c;
    /// ```
    fn starts_with(self, prefix: &str) -> Cond<Self::Mentions> {
        like_escaped(self, "", prefix, "%")
    }
    /// The column contains `text`, taken literally: `col LIKE '%text%'`.
    fn contains(self, text: &str) -> Cond<Self::Mentions> {
        like_escaped(self, "%", text, "%")
    }
    /// The column ends with `suffix`, taken literally: `col LIKE '%suffix'`.
    fn ends_with(self, suffix: &str) -> Cond<Self::Mentions> {
        like_escaped(self, "%", suffix, "")
    }
}

impl<C: ColumnRef> TextExt for C where C::Value: Text {}
