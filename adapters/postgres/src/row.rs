//! PostgreSQL rows seen through quarry's [`Row`] trait: each column is decoded by
//! its Postgres type, then coerced to the field's type.

use quarry_core::{Error, Row, Value, ValueType};
use sqlx::postgres::PgRow;
use sqlx::{Column, Row as _, TypeInfo, ValueRef};

/// A borrowed sqlx Postgres row.
pub(crate) struct PgRowRef<'r>(pub(crate) &'r PgRow);

impl PgRowRef<'_> {
    fn decode_err(&self, index: usize, ty: ValueType, found: String) -> Error {
        Error::Decode {
            column: self.column_name(index).to_string(),
            expected: ty,
            found,
        }
    }

    /// Decodes the already-fetched `raw` cell (no second lookup or type check:
    /// the column's type was read to choose `T`).
    fn get<'a, T>(
        &self,
        raw: sqlx::postgres::PgValueRef<'a>,
        index: usize,
        ty: ValueType,
    ) -> Result<T, Error>
    where
        T: sqlx::Decode<'a, sqlx::Postgres>,
    {
        T::decode(raw).map_err(|e| self.decode_err(index, ty, e.to_string()))
    }
}

impl Row for PgRowRef<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn column_name(&self, index: usize) -> &str {
        self.0.columns().get(index).map(|c| c.name()).unwrap_or("")
    }
    fn value(&self, index: usize, ty: ValueType) -> Result<Value, Error> {
        let raw = self
            .0
            .try_get_raw(index)
            .map_err(|e| self.decode_err(index, ty, e.to_string()))?;
        if raw.is_null() {
            return Ok(Value::Null(ty));
        }
        let info = raw.type_info();
        let pg_type = info.name();
        let value = match pg_type {
            "BOOL" => Value::Bool(self.get(raw.clone(), index, ty)?),
            "INT2" => Value::I16(self.get(raw.clone(), index, ty)?),
            "INT4" => Value::I32(self.get(raw.clone(), index, ty)?),
            "INT8" => Value::I64(self.get(raw.clone(), index, ty)?),
            "FLOAT4" => Value::F32(self.get(raw.clone(), index, ty)?),
            "FLOAT8" => Value::F64(self.get(raw.clone(), index, ty)?),
            "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" | "CHAR" | "CITEXT" => {
                Value::String(self.get(raw.clone(), index, ty)?)
            }
            "BYTEA" => Value::Bytes(self.get(raw.clone(), index, ty)?),
            "JSON" | "JSONB" => Value::Json(self.get(raw.clone(), index, ty)?),
            "DATE" => Value::Date(self.get(raw.clone(), index, ty)?),
            "TIMESTAMP" => Value::DateTime(self.get(raw.clone(), index, ty)?),
            "TIMESTAMPTZ" => Value::DateTimeUtc(self.get(raw.clone(), index, ty)?),
            other => {
                return Err(self.decode_err(index, ty, format!("unsupported column type {other}")))
            }
        };
        value
            .coerce(ty)
            .map_err(|e| self.decode_err(index, ty, format!("{pg_type} ({})", e.found)))
    }
}
