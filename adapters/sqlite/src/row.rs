//! SQLite rows seen through quarry's [`Row`] trait.

use quarry_core::{Error, Row, Value, ValueType};
use sqlx::sqlite::SqliteRow;
use sqlx::{Column, Row as _};

/// A borrowed sqlx SQLite row.
pub(crate) struct SqliteRowRef<'r>(pub(crate) &'r SqliteRow);

impl SqliteRowRef<'_> {
    fn get<'a, T>(&'a self, index: usize, ty: ValueType) -> Result<Option<T>, Error>
    where
        T: sqlx::Decode<'a, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
    {
        self.0
            .try_get::<Option<T>, _>(index)
            .map_err(|e| Error::Decode {
                column: self.column_name(index).to_string(),
                expected: ty,
                found: e.to_string(),
            })
    }
}

fn wrap<T>(v: Option<T>, ty: ValueType, f: impl FnOnce(T) -> Value) -> Value {
    match v {
        Some(v) => f(v),
        None => Value::Null(ty),
    }
}

impl Row for SqliteRowRef<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn column_name(&self, index: usize) -> &str {
        self.0.columns().get(index).map(|c| c.name()).unwrap_or("")
    }
    fn value(&self, index: usize, ty: ValueType) -> Result<Value, Error> {
        Ok(match ty {
            ValueType::Bool => wrap(self.get::<bool>(index, ty)?, ty, Value::Bool),
            ValueType::I16 => wrap(self.get::<i16>(index, ty)?, ty, Value::I16),
            ValueType::I32 => wrap(self.get::<i32>(index, ty)?, ty, Value::I32),
            ValueType::I64 => wrap(self.get::<i64>(index, ty)?, ty, Value::I64),
            ValueType::F32 => wrap(self.get::<f32>(index, ty)?, ty, Value::F32),
            ValueType::F64 => wrap(self.get::<f64>(index, ty)?, ty, Value::F64),
            ValueType::String => wrap(self.get::<String>(index, ty)?, ty, Value::String),
            ValueType::Bytes => wrap(self.get::<Vec<u8>>(index, ty)?, ty, Value::Bytes),
            ValueType::Json => wrap(self.get::<serde_json::Value>(index, ty)?, ty, Value::Json),
            ValueType::Date => wrap(self.get::<chrono::NaiveDate>(index, ty)?, ty, Value::Date),
            ValueType::DateTime => wrap(
                self.get::<chrono::NaiveDateTime>(index, ty)?,
                ty,
                Value::DateTime,
            ),
            ValueType::DateTimeUtc => wrap(
                self.get::<chrono::DateTime<chrono::Utc>>(index, ty)?,
                ty,
                Value::DateTimeUtc,
            ),
        })
    }
}
