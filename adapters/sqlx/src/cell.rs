//! [`Cell`]: the kinds of cells the shared driver decodes, read once per
//! result set from each column's type.

/// How the cells of a column decode: the quarry value a column type reads as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    /// A boolean.
    Bool,
    /// MySQL `TINYINT`: an [`I16`](quarry_core::Value::I16), or a boolean where the field is one.
    TinyInt,
    /// A 16-bit integer.
    I16,
    /// A 32-bit integer.
    I32,
    /// A 64-bit integer.
    I64,
    /// An unsigned integer, decoded by [`crate::SqlxBackend::unsigned`]; an
    /// [`I64`](quarry_core::Value::I64) where it fits.
    U64,
    /// A 32-bit float.
    F32,
    /// A 64-bit float.
    F64,
    /// Text.
    Text,
    /// Bytes.
    Bytes,
    /// Bytes that are text where the field is (MySQL `BLOB`, `BINARY`).
    Blob,
    /// JSON.
    Json,
    /// A date.
    Date,
    /// A date and time without zone.
    DateTime,
    /// A UTC timestamp.
    DateTimeUtc,
    /// A time of day.
    Time,
    /// A UUID (Postgres `uuid`; MySQL keeps UUIDs in a [`Blob`](Cell::Blob)).
    Uuid,
    /// An exact decimal (`numeric`, `DECIMAL`).
    Decimal,
    /// A native array of elements of the given type (Postgres `text[]`,
    /// `bigint[]`, ...), decoded by [`crate::SqlxBackend::array`].
    Array(quarry_core::ValueType),
    /// A type quarry does not read.
    Unsupported,
}
