//! The typed arguments of a prepared query: [`Param`] (one value) and
//! [`ListParam`] (a list, for `IN`), and the tuples of them a query is built
//! with ([`ParamList`]).

use crate::expr::{Arg, ListArg, Pattern};
use crate::ir::ArgValue;
use crate::ir::Operand;
use quarry_core::{FieldValue, ScalarValue, ValueType};
use std::marker::PhantomData;

/// Argument `n` of a [`Prepared`](super::Prepared) query, of type `T`: used
/// where a value of `T` would be (`col.eq(p)`, `col.gt(p)`, `col.like(p)`,
/// ...), given each time the query runs.
pub struct Param<T> {
    pub(super) n: u16,
    _type: PhantomData<fn() -> T>,
}

/// List argument `n` of a [`Prepared`](super::Prepared) query: a `Vec<T>` given
/// each time the query runs, tested with
/// [`ColumnExt::in_param`](crate::ColumnExt::in_param). On Postgres it is one
/// array parameter (`= ANY($1)`), so the SQL is the same for every length;
/// elsewhere the SQL for each length is written once. An empty list matches
/// nothing.
pub struct ListParam<T> {
    pub(super) n: u16,
    _type: PhantomData<fn() -> T>,
}

macro_rules! token {
    ($name:ident) => {
        impl<T> $name<T> {
            fn new(n: u16) -> Self {
                $name {
                    n,
                    _type: PhantomData,
                }
            }
        }
        impl<T> Clone for $name<T> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<T> Copy for $name<T> {}
        impl<T> std::fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.n)
            }
        }
    };
}

token!(Param);
token!(ListParam);

impl<T: ScalarValue> Arg<T> for Param<T> {
    fn operand(self) -> Operand {
        Operand::Param(self.n)
    }
}

impl<T: ScalarValue> Arg<Option<T>> for Param<T> {
    fn operand(self) -> Operand {
        Operand::Param(self.n)
    }
}

impl Pattern for Param<String> {
    fn operand(self) -> Operand {
        Operand::Param(self.n)
    }
}

/// Item types a [`ListParam`] takes: those Postgres binds as an array (booleans,
/// integers, floats, strings).
#[diagnostic::on_unimplemented(
    message = "a list argument of `{Self}` is not supported",
    label = "list arguments hold bool, i16, i32, i64, f32, f64 or String"
)]
pub trait ListItem: ScalarValue {
    /// The item as the driver's value (no detour through a quarry value).
    #[doc(hidden)]
    fn into_sea(self) -> sea_query::Value;
}

macro_rules! list_item {
    ($($t:ty => $variant:ident),+) => {
        $(impl ListItem for $t {
            fn into_sea(self) -> sea_query::Value {
                sea_query::Value::$variant(Some(self))
            }
        })+
    };
}

list_item!(
    bool => Bool,
    i16 => SmallInt,
    i32 => Int,
    i64 => BigInt,
    f32 => Float,
    f64 => Double,
    String => String
);

impl<T: ListItem> ListArg<T> for ListParam<T> {
    fn number(self) -> u16 {
        self.n
    }
}

impl<T: ListItem> ListArg<Option<T>> for ListParam<T> {
    fn number(self) -> u16 {
        self.n
    }
}

/// One parameter a prepared query is built with: a [`Param<T>`] (its argument
/// is a `T`) or a [`ListParam<T>`] (its argument is a `Vec<T>`).
pub trait ParamSlot {
    /// The argument's type.
    type Arg: Send;
    /// Parameter number `n`.
    #[doc(hidden)]
    fn numbered(n: u16) -> Self;
    /// The argument's value.
    #[doc(hidden)]
    fn value(arg: Self::Arg) -> ArgValue;
}

impl<T: FieldValue> ParamSlot for Param<T> {
    type Arg = T;
    fn numbered(n: u16) -> Self {
        Param::new(n)
    }
    fn value(arg: T) -> ArgValue {
        ArgValue::One(arg.into_value())
    }
}

impl<T: ListItem> ParamSlot for ListParam<T> {
    type Arg = Vec<T>;
    fn numbered(n: u16) -> Self {
        ListParam::new(n)
    }
    fn value(arg: Vec<T>) -> ArgValue {
        let ty: ValueType = T::TYPE;
        ArgValue::List(arg.into_iter().map(ListItem::into_sea).collect(), ty)
    }
}

/// The parameters a prepared query is built with: `()` or a tuple of up to
/// eight [`Param`]s and [`ListParam`]s. `Args` is the matching tuple of
/// arguments given to [`Prepared::bind`](super::Prepared::bind).
pub trait ParamList {
    /// The arguments, in order (`(String, Vec<i64>)` for
    /// `(Param<String>, ListParam<i64>)`).
    type Args: Send;
    /// How many parameters.
    const COUNT: usize;
    /// The parameters, numbered in order.
    #[doc(hidden)]
    fn numbered() -> Self;
    /// The arguments' values, in order.
    #[doc(hidden)]
    fn values(args: Self::Args, out: &mut Vec<ArgValue>);
}

impl ParamList for () {
    type Args = ();
    const COUNT: usize = 0;
    fn numbered() {}
    fn values((): (), _: &mut Vec<ArgValue>) {}
}

macro_rules! tuple {
    ($count:literal: $($t:ident $n:tt),+) => {
        impl<$($t: ParamSlot),+> ParamList for ($($t,)+) {
            type Args = ($($t::Arg,)+);
            const COUNT: usize = $count;
            fn numbered() -> Self {
                ($($t::numbered($n),)+)
            }
            fn values(args: Self::Args, out: &mut Vec<ArgValue>) {
                $(out.push($t::value(args.$n));)+
            }
        }
    };
}

tuple!(1: A 0);
tuple!(2: A 0, B 1);
tuple!(3: A 0, B 1, C 2);
tuple!(4: A 0, B 1, C 2, D 3);
tuple!(5: A 0, B 1, C 2, D 3, E 4);
tuple!(6: A 0, B 1, C 2, D 3, E 4, F 5);
tuple!(7: A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple!(8: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
