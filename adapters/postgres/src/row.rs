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
        let value = match kind(&info) {
            Some(Pg::Bool) => Value::Bool(self.get(raw.clone(), index, ty)?),
            Some(Pg::I16) => Value::I16(self.get(raw.clone(), index, ty)?),
            Some(Pg::I32) => Value::I32(self.get(raw.clone(), index, ty)?),
            Some(Pg::I64) => Value::I64(self.get(raw.clone(), index, ty)?),
            Some(Pg::F32) => Value::F32(self.get(raw.clone(), index, ty)?),
            Some(Pg::F64) => Value::F64(self.get(raw.clone(), index, ty)?),
            Some(Pg::Text) => Value::String(self.get(raw.clone(), index, ty)?),
            Some(Pg::Bytes) => Value::Bytes(self.get(raw.clone(), index, ty)?),
            Some(Pg::Json) => Value::Json(self.get(raw.clone(), index, ty)?),
            Some(Pg::Date) => Value::Date(self.get(raw.clone(), index, ty)?),
            Some(Pg::Timestamp) => Value::DateTime(self.get(raw.clone(), index, ty)?),
            Some(Pg::TimestampTz) => Value::DateTimeUtc(self.get(raw.clone(), index, ty)?),
            None => {
                return Err(self.decode_err(
                    index,
                    ty,
                    format!("unsupported column type {}", info.name()),
                ))
            }
        };
        if value.value_type() == ty {
            return Ok(value);
        }
        let pg_type = info.name();
        value
            .coerce(ty)
            .map_err(|e| self.decode_err(index, ty, format!("{pg_type} ({})", e.found)))
    }
}

/// The Postgres column types quarry decodes.
enum Pg {
    Bool,
    I16,
    I32,
    I64,
    F32,
    F64,
    Text,
    Bytes,
    Json,
    Date,
    Timestamp,
    TimestampTz,
}

/// The kind of a column type: by OID for built-in types (an integer match, no
/// string comparisons per cell), by name for extension types such as CITEXT.
fn kind(info: &sqlx::postgres::PgTypeInfo) -> Option<Pg> {
    if let Some(oid) = info.oid() {
        let by_oid = match oid.0 {
            16 => Some(Pg::Bool),
            21 => Some(Pg::I16),
            23 => Some(Pg::I32),
            20 => Some(Pg::I64),
            700 => Some(Pg::F32),
            701 => Some(Pg::F64),
            25 | 1043 | 1042 | 19 | 18 => Some(Pg::Text),
            17 => Some(Pg::Bytes),
            114 | 3802 => Some(Pg::Json),
            1082 => Some(Pg::Date),
            1114 => Some(Pg::Timestamp),
            1184 => Some(Pg::TimestampTz),
            _ => None,
        };
        if by_oid.is_some() {
            return by_oid;
        }
    }
    match info.name() {
        "CITEXT" | "citext" => Some(Pg::Text),
        _ => None,
    }
}
