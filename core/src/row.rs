//! The row trait adapters implement so the shared layer can decode without knowing
//! the driver.

use crate::error::Error;
use crate::field::FieldValue;
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
}

impl dyn Row + '_ {
    /// Decodes column `index` into the Rust type `T`.
    pub fn get<T: FieldValue>(&self, index: usize) -> Result<T, Error> {
        let value = self.value(index, T::TYPE)?;
        if value.is_null() && !T::NULLABLE {
            return Err(Error::Decode {
                table: "",
                column: self.column_name(index).to_string(),
                expected: T::TYPE,
                found: "NULL".to_string(),
            });
        }
        T::from_value(value).map_err(|e| Error::Decode {
            table: "",
            column: self.column_name(index).to_string(),
            expected: e.expected,
            found: e.found,
        })
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
