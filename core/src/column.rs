//! Typed column tokens (`Product::price`) and untyped field references.

use crate::field::FieldValue;
use crate::schema::{FieldDef, Schema};
use std::fmt;
use std::marker::PhantomData;

/// A typed reference to a field of schema `S` holding Rust type `T`.
///
/// `#[derive(Schema)]` generates one associated constant per field, named like the
/// field: `Product::price` is a `Column<Product, f64>`. Queries and changesets take
/// columns, so a misspelt field or a comparison with the wrong type does not compile.
pub struct Column<S, T> {
    index: usize,
    _marker: PhantomData<fn() -> (S, T)>,
}

impl<S: Schema, T> Column<S, T> {
    /// The column for field number `I` of `S::FIELDS` (what the derive
    /// writes). An `I` past the schema's fields does not compile: the check
    /// runs at compile time, so every column indexes `S::FIELDS` safely.
    #[doc(hidden)]
    pub const fn new<const I: usize>() -> Self {
        const {
            assert!(I < S::FIELDS.len(), "column index past the schema's fields");
        }
        Column {
            index: I,
            _marker: PhantomData,
        }
    }
}

impl<S: Schema, T: FieldValue> Column<S, T> {
    /// The index of the field in `S::FIELDS`.
    pub fn index(&self) -> usize {
        self.index
    }
    /// The field's static description.
    pub fn def(&self) -> &'static FieldDef {
        crate::schema::field_def::<S>(self.index)
    }
    /// The Rust field name.
    pub fn name(&self) -> &'static str {
        self.def().name
    }
    /// The column name in the table.
    pub fn column(&self) -> &'static str {
        self.def().column
    }
    /// The table name.
    pub fn table(&self) -> &'static str {
        S::TABLE
    }
    /// The untyped field reference.
    pub fn field(&self) -> Field<S> {
        Field::from_index(self.index)
    }
}

impl<S, T> Clone for Column<S, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S, T> Copy for Column<S, T> {}

impl<S: Schema, T: FieldValue> fmt::Debug for Column<S, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", S::TABLE, self.column())
    }
}

/// An untyped reference to a field of schema `S`, for lists of fields of mixed types
/// and for field names chosen at run time (checked against the schema).
pub struct Field<S> {
    index: usize,
    _marker: PhantomData<fn() -> S>,
}

impl<S> Clone for Field<S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S> Copy for Field<S> {}
impl<S> PartialEq for Field<S> {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index
    }
}

impl<S: Schema> fmt::Debug for Field<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", S::TABLE, self.def().name)
    }
}

impl<S> Field<S> {
    pub(crate) const fn from_index(index: usize) -> Self {
        Field {
            index,
            _marker: PhantomData,
        }
    }
}

impl<S: Schema> Field<S> {
    /// The field named `name` (its Rust name), or [`crate::Error::UnknownField`].
    ///
    /// Use this for names that come from outside (a sort key in a URL); the name is
    /// checked against the schema and never reaches SQL as text.
    pub fn named(name: &str) -> Result<Self, crate::Error> {
        S::require_field(name).map(Field::from_index)
    }
    /// The index in `S::FIELDS`.
    pub fn index(&self) -> usize {
        self.index
    }
    /// The field's static description.
    pub fn def(&self) -> &'static FieldDef {
        crate::schema::field_def::<S>(self.index)
    }
    /// The Rust field name.
    pub fn name(&self) -> &'static str {
        self.def().name
    }
}

/// Something that names one or more fields of `S`: a column, a tuple of columns, or
/// a slice/array/Vec of [`Field`]s.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of fields of `{S}`",
    label = "every column here must belong to `{S}`",
    note = "pass a column (`{S}::name`), a tuple of columns of `{S}`, or a slice of `Field<{S}>`"
)]
pub trait FieldList<S> {
    /// The field indices, in order.
    fn indices(&self) -> Vec<usize>;
}

impl<S: Schema, T: FieldValue> FieldList<S> for Column<S, T> {
    fn indices(&self) -> Vec<usize> {
        vec![self.index]
    }
}
impl<S: Schema> FieldList<S> for Field<S> {
    fn indices(&self) -> Vec<usize> {
        vec![self.index]
    }
}
impl<S: Schema> FieldList<S> for [Field<S>] {
    fn indices(&self) -> Vec<usize> {
        self.iter().map(|f| f.index).collect()
    }
}
impl<S: Schema, const N: usize> FieldList<S> for [Field<S>; N] {
    fn indices(&self) -> Vec<usize> {
        self.iter().map(|f| f.index).collect()
    }
}
impl<S: Schema> FieldList<S> for Vec<Field<S>> {
    fn indices(&self) -> Vec<usize> {
        self.iter().map(|f| f.index).collect()
    }
}
impl<S, L: FieldList<S> + ?Sized> FieldList<S> for &L {
    fn indices(&self) -> Vec<usize> {
        (**self).indices()
    }
}

macro_rules! tuple_fields {
    ($($name:ident : $t:ident),+) => {
        impl<S: Schema, $($t: FieldValue),+> FieldList<S> for ($(Column<S, $t>,)+) {
            fn indices(&self) -> Vec<usize> {
                let ($($name,)+) = self;
                vec![$($name.index),+]
            }
        }
    };
}
tuple_fields!(a: A);
tuple_fields!(a: A, b: B);
tuple_fields!(a: A, b: B, c: C);
tuple_fields!(a: A, b: B, c: C, d: D);
tuple_fields!(a: A, b: B, c: C, d: D, e: E);
tuple_fields!(a: A, b: B, c: C, d: D, e: E, f: F);
tuple_fields!(a: A, b: B, c: C, d: D, e: E, f: F, g: G);
tuple_fields!(a: A, b: B, c: C, d: D, e: E, f: F, g: G, h: H);
tuple_fields!(a: A, b: B, c: C, d: D, e: E, f: F, g: G, h: H, i: I);
tuple_fields!(a: A, b: B, c: C, d: D, e: E, f: F, g: G, h: H, i: I, j: J);
tuple_fields!(a: A, b: B, c: C, d: D, e: E, f: F, g: G, h: H, i: I, j: J, k: K);
tuple_fields!(a: A, b: B, c: C, d: D, e: E, f: F, g: G, h: H, i: I, j: J, k: K, l: L);
