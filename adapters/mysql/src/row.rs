//! MySQL rows seen through quarry's [`Row`] trait: each column is decoded by
//! its MySQL type, then coerced to the field's type.

use quarry_core::{Error, Row, Value, ValueType};
use sqlx::mysql::MySqlRow;
use sqlx::{Column, Row as _, TypeInfo, ValueRef};

/// A borrowed sqlx MySQL row.
pub(crate) struct MySqlRowRef<'r>(pub(crate) &'r MySqlRow);

impl MySqlRowRef<'_> {
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
        raw: sqlx::mysql::MySqlValueRef<'a>,
        index: usize,
        ty: ValueType,
    ) -> Result<T, Error>
    where
        T: sqlx::Decode<'a, sqlx::MySql>,
    {
        T::decode(raw).map_err(|e| self.decode_err(index, ty, e.to_string()))
    }
}

impl Row for MySqlRowRef<'_> {
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
        let my_type = info.name();
        let value = match my_type {
            "BOOLEAN" => Value::Bool(self.get(raw.clone(), index, ty)?),
            "TINYINT" if ty == ValueType::Bool => Value::Bool(self.get(raw.clone(), index, ty)?),
            "TINYINT" => Value::I16(i16::from(self.get::<i8>(raw.clone(), index, ty)?)),
            "SMALLINT" => Value::I16(self.get(raw.clone(), index, ty)?),
            "INT" | "MEDIUMINT" => Value::I32(self.get(raw.clone(), index, ty)?),
            "BIGINT" => Value::I64(self.get(raw.clone(), index, ty)?),
            "TINYINT UNSIGNED" | "SMALLINT UNSIGNED" | "INT UNSIGNED" | "MEDIUMINT UNSIGNED" => {
                Value::I64(i64::from(self.get::<u32>(raw.clone(), index, ty)?))
            }
            "BIGINT UNSIGNED" => {
                let v: u64 = self.get(raw.clone(), index, ty)?;
                Value::I64(
                    i64::try_from(v)
                        .map_err(|_| self.decode_err(index, ty, format!("{v} out of range")))?,
                )
            }
            "FLOAT" => Value::F32(self.get(raw.clone(), index, ty)?),
            "DOUBLE" => Value::F64(self.get(raw.clone(), index, ty)?),
            "VARCHAR" | "CHAR" | "TEXT" | "TINYTEXT" | "MEDIUMTEXT" | "LONGTEXT" | "ENUM"
            | "SET" => {
                let s: String = self.get(raw.clone(), index, ty)?;
                Value::String(s)
            }
            "BLOB" | "TINYBLOB" | "MEDIUMBLOB" | "LONGBLOB" | "BINARY" | "VARBINARY" => {
                let b: Vec<u8> = self.get(raw.clone(), index, ty)?;
                match ty {
                    ValueType::Bytes => Value::Bytes(b),
                    _ => Value::String(
                        String::from_utf8(b)
                            .map_err(|e| self.decode_err(index, ty, e.to_string()))?,
                    ),
                }
            }
            "JSON" => Value::Json(self.get(raw.clone(), index, ty)?),
            "DATE" => Value::Date(self.get(raw.clone(), index, ty)?),
            "DATETIME" => Value::DateTime(self.get(raw.clone(), index, ty)?),
            "TIMESTAMP" => Value::DateTimeUtc(self.get(raw.clone(), index, ty)?),
            other => {
                return Err(self.decode_err(index, ty, format!("unsupported column type {other}")))
            }
        };
        value
            .coerce(ty)
            .map_err(|e| self.decode_err(index, ty, format!("{my_type} ({})", e.found)))
    }
}
