//! The row trait adapters implement so the shared layer can decode without knowing
//! the driver.

use crate::error::Error;
use crate::value::{Value, ValueType};

/// One row of a result, as an adapter exposes it.
///
/// The shared layer asks for each column by position and by the type it expects;
/// the adapter decodes straight from its driver's row into a [`Value`].
pub trait Row {
    /// The number of columns.
    fn len(&self) -> usize;
    /// True when the row has no columns.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The name of column `index` (empty if out of range).
    fn column_name(&self, index: usize) -> &str;
    /// Decodes column `index` as `ty`. NULL gives `Value::Null(ty)`; a column of
    /// another type gives [`Error::Decode`] naming the column.
    fn value(&self, index: usize, ty: ValueType) -> Result<Value, Error>;

    /// Decodes column `index` as an `i64` (`None` for NULL), as
    /// [`value`](Row::value) with [`ValueType::I64`] would. An adapter
    /// overrides it to read the integer straight off its driver's row, with
    /// no [`Value`] in between (integer fields are read this way); the
    /// default goes through `value`.
    fn i64_at(&self, index: usize) -> Result<Option<i64>, Error> {
        i64_via_value(self, index)
    }

    /// Decodes column `index` as a `String` (`None` for NULL), as
    /// [`value`](Row::value) with [`ValueType::String`] would; see
    /// [`i64_at`](Row::i64_at).
    fn string_at(&self, index: usize) -> Result<Option<String>, Error> {
        string_via_value(self, index)
    }
}

/// [`Row::i64_at`] through [`Row::value`]: the default, and an adapter's
/// path for a cell it does not read directly.
pub fn i64_via_value<R: Row + ?Sized>(row: &R, index: usize) -> Result<Option<i64>, Error> {
    match row.value(index, ValueType::I64)? {
        Value::Null(_) => Ok(None),
        v => match v.as_i64() {
            Some(i) => Ok(Some(i)),
            None => Err(decode_error(
                row,
                index,
                ValueType::I64,
                v.value_type().to_string(),
            )),
        },
    }
}

/// [`Row::string_at`] through [`Row::value`] (see [`i64_via_value`]).
pub fn string_via_value<R: Row + ?Sized>(row: &R, index: usize) -> Result<Option<String>, Error> {
    match row.value(index, ValueType::String)? {
        Value::Null(_) => Ok(None),
        Value::String(s) => Ok(Some(s)),
        v => Err(decode_error(
            row,
            index,
            ValueType::String,
            v.value_type().to_string(),
        )),
    }
}

/// The decode error of column `index` of `row`: `expected`, found `found`
/// (what an adapter returns for a cell it cannot read as the field's type).
///
/// ```
/// use quarry_core::row::decode_error;
/// use quarry_core::{Error, Value, ValueRow, ValueType};
/// let row = ValueRow { columns: vec!["price".into()], values: vec![Value::Bool(true)] };
/// let e = decode_error(&row, 0, ValueType::F64, "BOOLEAN".into());
/// assert!(matches!(e, Error::Decode { ref column, .. } if column == "price"));
/// ```
#[cold]
#[inline(never)]
pub fn decode_error<R: Row + ?Sized>(
    row: &R,
    index: usize,
    expected: ValueType,
    found: String,
) -> Error {
    Error::Decode {
        table: "",
        column: row.column_name(index).to_string(),
        expected,
        found,
    }
}

/// A row held in memory: values by position, with column names. Useful for tests
/// and for adapters that materialise rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValueRow {
    /// Column names.
    pub columns: Vec<String>,
    /// Values, one per column.
    pub values: Vec<Value>,
}

impl Row for ValueRow {
    fn len(&self) -> usize {
        self.values.len()
    }
    fn column_name(&self, index: usize) -> &str {
        self.columns.get(index).map(String::as_str).unwrap_or("")
    }
    fn value(&self, index: usize, ty: ValueType) -> Result<Value, Error> {
        let v = self.values.get(index).ok_or_else(|| Error::Decode {
            table: "",
            column: format!("#{index}"),
            expected: ty,
            found: "no such column".to_string(),
        })?;
        Ok(v.clone())
    }
}
