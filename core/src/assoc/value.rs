//! What an association holds once loaded ([`AssocValue`]: `Option<T>` or
//! `Vec<T>`), and which key columns may be matched ([`SameKey`]).

use crate::field::ScalarValue;
use crate::schema::Schema;

/// The loaded value of an association: `Option<T>` (belongs_to, has_one) or
/// `Vec<T>` (has_many, many_to_many).
pub trait AssocValue: Clone + Send + Sync + 'static {
    /// The associated schema.
    type Item: Schema;
    /// True for `Vec<T>`.
    const MANY: bool;
    /// The associated rows.
    fn into_items(self) -> Vec<Self::Item>;
    /// The associated rows, by reference.
    fn items(&self) -> Vec<&Self::Item>;
    /// The value from rows: all of them for a Vec, the first for an Option.
    fn from_items(items: Vec<Self::Item>) -> Self;
    /// Adds a row: pushed onto a Vec, kept by an Option only when empty.
    fn push_item(&mut self, item: Self::Item);
}

impl<T: Schema> AssocValue for Vec<T> {
    type Item = T;
    const MANY: bool = true;
    fn into_items(self) -> Vec<T> {
        self
    }
    fn items(&self) -> Vec<&T> {
        self.iter().collect()
    }
    fn from_items(items: Vec<T>) -> Self {
        items
    }
    fn push_item(&mut self, item: T) {
        self.push(item);
    }
}

impl<T: Schema> AssocValue for Option<T> {
    type Item = T;
    const MANY: bool = false;
    fn into_items(self) -> Vec<T> {
        self.into_iter().collect()
    }
    fn items(&self) -> Vec<&T> {
        self.iter().collect()
    }
    fn from_items(items: Vec<T>) -> Self {
        items.into_iter().next()
    }
    fn push_item(&mut self, item: T) {
        if self.is_none() {
            *self = Some(item);
        }
    }
}

/// Key column types an association may match: the same type, or a type and its
/// `Option` (a nullable foreign key and the primary key it references).
#[diagnostic::on_unimplemented(
    message = "the key columns of this association hold different types: `{Self}` and `{T}`",
    label = "a foreign key must have the type of the key it references (or an Option of it)"
)]
pub trait SameKey<T> {}
impl<T: ScalarValue> SameKey<T> for T {}
impl<T: ScalarValue> SameKey<Option<T>> for T {}
impl<T: ScalarValue> SameKey<T> for Option<T> {}
impl<T: ScalarValue> SameKey<Option<T>> for Option<T> {}

/// What `repo.preload(..)` takes and gives back: one struct, an `Option` of
/// one, or a `Vec`.
pub trait Preloadable: Send + Sized {
    /// The schema of the structs.
    type Schema: Schema;
    /// The structs, in order.
    fn into_rows(self) -> Vec<Self::Schema>;
    /// The same shape again from the structs (in the order given); `None`
    /// when they cannot make it (no struct for a single one).
    fn from_rows(rows: Vec<Self::Schema>) -> Option<Self>;
}

impl<S: Schema> Preloadable for S {
    type Schema = S;
    fn into_rows(self) -> Vec<S> {
        vec![self]
    }
    fn from_rows(rows: Vec<S>) -> Option<Self> {
        rows.into_iter().next()
    }
}

impl<S: Schema> Preloadable for Option<S> {
    type Schema = S;
    fn into_rows(self) -> Vec<S> {
        self.into_iter().collect()
    }
    fn from_rows(rows: Vec<S>) -> Option<Self> {
        Some(rows.into_iter().next())
    }
}

impl<S: Schema> Preloadable for Vec<S> {
    type Schema = S;
    fn into_rows(self) -> Vec<S> {
        self
    }
    fn from_rows(rows: Vec<S>) -> Option<Self> {
        Some(rows)
    }
}
