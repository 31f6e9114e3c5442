//! Rows seen through quarry's [`Row`] trait. Each column's [`Cell`] kind is read
//! once per result set from its type (Postgres OID, MySQL column type and flags),
//! then every cell of the column decodes by it.

use crate::cell::Cell;
use crate::wire::Wire;
use crate::SqlxBackend;
use quarry_core::{Error, Row, Value, ValueType};
use sqlx::{Column, Database, Row as _, TypeInfo};

/// A borrowed sqlx row and its columns' cell kinds.
pub(crate) struct RowRef<'r, B: SqlxBackend> {
    pub(crate) row: &'r <B::Db as Database>::Row,
    pub(crate) cells: &'r [Cell],
}

/// The cell kinds of a row's columns.
pub(crate) fn cells<B: SqlxBackend>(row: &<B::Db as Database>::Row) -> Vec<Cell> {
    row.columns().iter().map(B::cell).collect()
}

impl<B: SqlxBackend> RowRef<'_, B> {
    /// The cell kind of column `index`.
    #[inline]
    fn cell(&self, index: usize) -> Cell {
        self.cells.get(index).copied().unwrap_or(Cell::Unsupported)
    }

    /// A cell decoded straight into its field's type (`decoded`, from
    /// [`Wire::decode_i64`] and the like), or through `via_value` when it is
    /// of another kind.
    #[inline]
    fn direct<T>(
        &self,
        index: usize,
        ty: ValueType,
        decoded: Result<Option<Option<T>>, sqlx::error::BoxDynError>,
        via_value: fn(&Self, usize) -> Result<Option<T>, Error>,
    ) -> Result<Option<T>, Error> {
        match decoded {
            Ok(Some(v)) => Ok(v),
            Ok(None) => via_value(self, index),
            Err(e) => Err(self.decode_err(index, ty, e.to_string())),
        }
    }

    fn decode_err(&self, index: usize, ty: ValueType, found: String) -> Error {
        quarry_core::row::decode_error(self, index, ty, found)
    }

    /// A decoded value of another type than the field's: text behind a binary
    /// type (MariaDB's JSON is a LONGTEXT with a binary collation) reads as text
    /// for any field but bytes; the rest is coerced.
    #[cold]
    fn convert(
        &self,
        index: usize,
        cell: Cell,
        ty: ValueType,
        value: Value,
    ) -> Result<Value, Error> {
        let value = match value {
            // A UUID's 16 bytes are no text (MySQL's BINARY(16)).
            Value::Bytes(b) if cell == Cell::Blob && ty != ValueType::Uuid => String::from_utf8(b)
                .map(Value::String)
                .map_err(|e| self.decode_err(index, ty, e.to_string()))?,
            value => value,
        };
        if value.value_type() == ty {
            return Ok(value);
        }
        value.coerce(ty).map_err(|e| {
            let found = format!("{} ({})", self.type_name(index), e.found);
            self.decode_err(index, ty, found)
        })
    }

    /// The kinds the backend decodes ([`Cell::U64`], [`Cell::Array`]), or an
    /// unsupported type.
    #[cold]
    fn other(&self, index: usize, cell: Cell, ty: ValueType) -> Result<Value, Error> {
        if !matches!(cell, Cell::U64 | Cell::Array(_)) {
            let found = format!("unsupported column type {}", self.type_name(index));
            return Err(self.decode_err(index, ty, found));
        }
        let raw = <B::Db as Wire>::raw(self.row, index)
            .map_err(|e| self.decode_err(index, ty, e.to_string()))?;
        let value = match cell {
            Cell::Array(element) => B::array(raw, element),
            _ => B::unsigned(raw).and_then(|v| Ok(Value::I64(i64::try_from(v)?))),
        }
        .map_err(|e| self.decode_err(index, ty, e.to_string()))?;
        self.convert(index, cell, ty, value)
    }

    fn type_name(&self, index: usize) -> String {
        self.row
            .columns()
            .get(index)
            .map(|c| c.type_info().name().to_string())
            .unwrap_or_default()
    }
}

impl<B: SqlxBackend> Row for RowRef<'_, B> {
    fn len(&self) -> usize {
        self.row.len()
    }

    fn column_name(&self, index: usize) -> &str {
        self.row
            .columns()
            .get(index)
            .map(|c| c.name())
            .unwrap_or("")
    }

    fn value(&self, index: usize, ty: ValueType) -> Result<Value, Error> {
        let cell = self.cell(index);
        match <B::Db as Wire>::decode(self.row, index, cell, ty) {
            Ok(Some(value)) if value.value_type() == ty => Ok(value),
            Ok(Some(value)) => self.convert(index, cell, ty, value),
            Ok(None) => self.other(index, cell, ty),
            Err(e) => Err(self.decode_err(index, ty, e.to_string())),
        }
    }

    #[inline]
    fn i64_at(&self, index: usize) -> Result<Option<i64>, Error> {
        let decoded = <B::Db as Wire>::decode_i64(self.row, index, self.cell(index));
        self.direct(
            index,
            ValueType::I64,
            decoded,
            quarry_core::row::i64_via_value,
        )
    }

    #[inline]
    fn string_at(&self, index: usize) -> Result<Option<String>, Error> {
        let decoded = <B::Db as Wire>::decode_text(self.row, index, self.cell(index));
        self.direct(
            index,
            ValueType::String,
            decoded,
            quarry_core::row::string_via_value,
        )
    }
}
