//! [`Key`]: the primary key given to `Repo::get`, one value or a tuple of
//! values for a composite key.

use crate::value::Value;

/// A primary key: one value for a schema with one key field (`7`, `"abc"`,
/// a `Uuid`), or a tuple with one value per key field, in field order, for a
/// composite key (`(order_id, line)`).
///
/// ```
/// use quarry_core::{Key, Value};
/// assert_eq!(7i64.into_key(), vec![Value::I64(7)]);
/// assert_eq!((1i64, "b").into_key(), vec![Value::I64(1), Value::String("b".into())]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a primary key",
    label = "give one value of the key's type, or a tuple of one value per key field"
)]
pub trait Key {
    /// The key's values, in key field order.
    fn into_key(self) -> Vec<Value>;
}

impl<T: Into<Value>> Key for T {
    fn into_key(self) -> Vec<Value> {
        vec![self.into()]
    }
}

macro_rules! tuple_key {
    ($($t:ident),+) => {
        impl<$($t: Into<Value>),+> Key for ($($t,)+) {
            #[allow(non_snake_case)]
            fn into_key(self) -> Vec<Value> {
                let ($($t,)+) = self;
                vec![$($t.into()),+]
            }
        }
    };
}
tuple_key!(A, B);
tuple_key!(A, B, C);
tuple_key!(A, B, C, D);
