//! [`fragment`]: a piece of SQL the query DSL does not model, with a declared
//! result type and its arguments always bound (Ecto's `fragment/1`).
//!
//! The SQL text is a `&'static str`: it is written in the program, never built
//! from input, so an identifier or keyword can never come from a value. Each
//! `?` in it is one argument, in order: a column (written as the qualified
//! column) or a value (bound as a parameter). A text whose `?` count differs
//! from its arguments is refused with a typed error before anything is sent.

use crate::expr::Cond;
use crate::ir::{Name, Op, Rpn};
use crate::scope::One;
use crate::source::ColumnRef;
use quarry_core::{FieldValue, Schema, Value};
use std::marker::PhantomData;

/// A SQL fragment whose value is a `T`, reading the sources `M`: usable in
/// `select`, in `filter` / `having` (through [`Fragment::cond`] for a `bool`
/// fragment, or a comparison), and in `order_by`.
///
/// ```
/// use quarry_query::{fragment, ColumnExt, Dialect, Query};
/// # use quarry_core::doc_support::Product;
/// let q = Query::<Product>::new()
///     .filter(fragment::<bool, _>("length(?) > ?", (Product::name, 3_i64)).cond())
///     .order_by(fragment::<f64, _>("coalesce(?, ?)", (Product::price, 0.0)).desc());
/// let sql = q.to_statement(Dialect::Postgres)?.sql;
/// assert!(sql.contains(r#"WHERE length("products"."name") > $1"#), "{sql}");
/// assert!(sql.ends_with(r#"ORDER BY coalesce("products"."price", $2) DESC"#), "{sql}");
/// # Ok::<(), quarry_core::Error>(())
/// ```
pub struct Fragment<M, T> {
    rpn: Rpn,
    _marker: PhantomData<fn() -> (M, T)>,
}

use crate::select::ProjectIn;
crate::computed::computed!(
    Fragment,
    "the fragment",
    crate::select::Projection,
    ProjectIn
);
crate::computed::comparisons!(Fragment, "fragment");

/// The fragment `sql` with `args` in place of its `?`s (in order), typed as
/// a `T`. `args` is one argument or a tuple of up to six; an argument is a
/// column or a value.
pub fn fragment<T: FieldValue, A: FragmentArgs>(
    sql: &'static str,
    args: A,
) -> Fragment<A::Mentions, T> {
    let mut rpn = Rpn::default();
    let count = args.push(&mut rpn);
    rpn.push(Op::Fragment(Name(sql), count));
    Fragment {
        rpn,
        _marker: PhantomData,
    }
}

impl<M> Fragment<M, bool> {
    /// The fragment as a condition, for `filter`, `or_filter` and `having`.
    pub fn cond(self) -> Cond<M> {
        Cond::new(self.rpn)
    }
}

/// One argument of a [`fragment`]: a column of a schema (qualified in the SQL)
/// or a value (bound).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a fragment argument",
    label = "expected a column (`Product::price`) or a value (an integer, float, bool, string or `Value`)"
)]
pub trait FragmentArg {
    /// The sources it reads (`()` for a value).
    type Mentions;
    /// Pushes the operand.
    #[doc(hidden)]
    fn push(self, rpn: &mut Rpn);
}

impl<S: Schema, T: FieldValue> FragmentArg for quarry_core::Column<S, T> {
    type Mentions = One<S>;
    fn push(self, rpn: &mut Rpn) {
        rpn.push(self.col());
    }
}

impl<S: Schema, T: FieldValue, const N: u8> FragmentArg for crate::source::AliasColumn<S, T, N> {
    type Mentions = <Self as ColumnRef>::Mentions;
    fn push(self, rpn: &mut Rpn) {
        rpn.push(self.col());
    }
}

macro_rules! value_args {
    ($($t:ty),*) => {$(
        impl FragmentArg for $t {
            type Mentions = ();
            fn push(self, rpn: &mut Rpn) {
                rpn.push_value(Value::from(self));
            }
        }
    )*};
}
value_args!(bool, i16, i32, i64, f32, f64, String, &str, Value);

/// The arguments of a [`fragment`]: one [`FragmentArg`] or a tuple of them.
pub trait FragmentArgs {
    /// The sources they read.
    type Mentions;
    /// Pushes the operands in order; returns how many.
    #[doc(hidden)]
    fn push(self, rpn: &mut Rpn) -> u8;
}

impl FragmentArgs for () {
    type Mentions = ();
    fn push(self, _: &mut Rpn) -> u8 {
        0
    }
}

impl<A: FragmentArg> FragmentArgs for A {
    type Mentions = A::Mentions;
    fn push(self, rpn: &mut Rpn) -> u8 {
        FragmentArg::push(self, rpn);
        1
    }
}

macro_rules! tuple_args {
    ($n:expr; $first:ident $($rest:ident)*; $mentions:ty) => {
        impl<$first: FragmentArg, $($rest: FragmentArg),*> FragmentArgs for ($first, $($rest,)*) {
            type Mentions = $mentions;
            #[allow(non_snake_case)]
            fn push(self, rpn: &mut Rpn) -> u8 {
                let ($first, $($rest,)*) = self;
                $first.push(rpn);
                $($rest.push(rpn);)*
                $n
            }
        }
    };
}
tuple_args!(1; A; A::Mentions);
tuple_args!(2; A B; (A::Mentions, B::Mentions));
tuple_args!(3; A B C; (A::Mentions, (B::Mentions, C::Mentions)));
tuple_args!(4; A B C D; (A::Mentions, (B::Mentions, (C::Mentions, D::Mentions))));
tuple_args!(5; A B C D E; (A::Mentions, (B::Mentions, (C::Mentions, (D::Mentions, E::Mentions)))));
tuple_args!(6; A B C D E F; (A::Mentions, (B::Mentions, (C::Mentions, (D::Mentions, (E::Mentions, F::Mentions))))));

/// The `?` slots of a fragment's text.
pub(crate) fn slots(sql: &str) -> usize {
    sql.matches('?').count()
}
