//! Database values: the one currency between schemas, changesets, queries and adapters.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use std::fmt;
use uuid::Uuid;

/// The type of a field or value, as quarry knows it.
///
/// Adapters map each type to their database's column type and decode rows by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// `bool` (TINYINT(1) on MySQL, INTEGER on SQLite).
    Bool,
    /// `i16`.
    I16,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `String` (any Unicode).
    String,
    /// `Vec<u8>`.
    Bytes,
    /// `serde_json::Value`.
    Json,
    /// `chrono::NaiveDate`.
    Date,
    /// `chrono::NaiveDateTime` (naive, by convention UTC).
    DateTime,
    /// `chrono::DateTime<Utc>`.
    DateTimeUtc,
    /// `uuid::Uuid` (`uuid` on Postgres, `BINARY(16)` on MySQL, `TEXT` on SQLite).
    Uuid,
    /// `rust_decimal::Decimal`, exact (`numeric` / `DECIMAL`, `TEXT` on SQLite).
    Decimal,
    /// `chrono::NaiveTime` (a time of day).
    Time,
    /// `Vec<T>` of a scalar element type (Ecto's `{:array, type}`): a native
    /// array on Postgres (`text[]`, `bigint[]`, ...), a JSON array on
    /// MySQL/MariaDB and SQLite. Built with [`ValueType::array_of`]; the
    /// element is never itself an array, bytes or JSON.
    Array(&'static ValueType),
}

impl ValueType {
    /// The name used in changeset error metadata (`type`), matching Ecto's type names.
    ///
    /// ```
    /// use quarry_core::ValueType;
    /// assert_eq!(ValueType::I64.name(), "integer");
    /// assert_eq!(ValueType::DateTime.name(), "naive_datetime");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            ValueType::Bool => "boolean",
            ValueType::I16 | ValueType::I32 | ValueType::I64 => "integer",
            ValueType::F32 | ValueType::F64 => "float",
            ValueType::String => "string",
            ValueType::Bytes => "binary",
            ValueType::Json => "map",
            ValueType::Date => "date",
            ValueType::DateTime => "naive_datetime",
            ValueType::DateTimeUtc => "utc_datetime",
            ValueType::Uuid => "binary_id",
            ValueType::Decimal => "decimal",
            ValueType::Time => "time",
            ValueType::Array(element) => match *element {
                ValueType::Bool => "{:array, :boolean}",
                ValueType::I16 | ValueType::I32 | ValueType::I64 => "{:array, :integer}",
                ValueType::F32 | ValueType::F64 => "{:array, :float}",
                ValueType::String => "{:array, :string}",
                ValueType::Bytes => "{:array, :binary}",
                ValueType::Json => "{:array, :map}",
                ValueType::Date => "{:array, :date}",
                ValueType::DateTime => "{:array, :naive_datetime}",
                ValueType::DateTimeUtc => "{:array, :utc_datetime}",
                ValueType::Uuid => "{:array, :binary_id}",
                ValueType::Decimal => "{:array, :decimal}",
                ValueType::Time => "{:array, :time}",
                ValueType::Array(_) => "{:array, :array}",
            },
        }
    }

    /// The type of an array of `self` (`Vec<T>` of a field type `T`). An
    /// array type is its own array type: arrays do not nest.
    ///
    /// ```
    /// use quarry_core::ValueType;
    /// let tags = ValueType::String.array_of();
    /// assert_eq!(tags.element(), Some(ValueType::String));
    /// assert_eq!(tags.name(), "{:array, :string}");
    /// assert_eq!(ValueType::I64.element(), None);
    /// ```
    pub const fn array_of(self) -> ValueType {
        ValueType::Array(match self {
            ValueType::Bool => &ValueType::Bool,
            ValueType::I16 => &ValueType::I16,
            ValueType::I32 => &ValueType::I32,
            ValueType::I64 => &ValueType::I64,
            ValueType::F32 => &ValueType::F32,
            ValueType::F64 => &ValueType::F64,
            ValueType::String => &ValueType::String,
            ValueType::Bytes => &ValueType::Bytes,
            ValueType::Json => &ValueType::Json,
            ValueType::Date => &ValueType::Date,
            ValueType::DateTime => &ValueType::DateTime,
            ValueType::DateTimeUtc => &ValueType::DateTimeUtc,
            ValueType::Uuid => &ValueType::Uuid,
            ValueType::Decimal => &ValueType::Decimal,
            ValueType::Time => &ValueType::Time,
            ValueType::Array(element) => element,
        })
    }

    /// The element type of an array type; `None` for the other types.
    pub const fn element(self) -> Option<ValueType> {
        match self {
            ValueType::Array(element) => Some(*element),
            _ => None,
        }
    }

    /// True for the integer types.
    pub const fn is_integer(self) -> bool {
        matches!(self, ValueType::I16 | ValueType::I32 | ValueType::I64)
    }

    /// True for the types of a key quarry or the database generates on insert
    /// when the struct leaves it unset: integers (by the database) and UUIDs
    /// (by quarry, a random v4 UUID, Ecto's `binary_id`).
    pub const fn is_generated_key(self) -> bool {
        matches!(
            self,
            ValueType::I16 | ValueType::I32 | ValueType::I64 | ValueType::Uuid
        )
    }

    /// True for the integer and float types.
    pub fn is_numeric(self) -> bool {
        self.is_integer() || matches!(self, ValueType::F32 | ValueType::F64)
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A single value bound to a statement or read from a row.
///
/// `Null` carries the type of the column it stands for, so adapters can bind a typed
/// NULL (Postgres refuses an untyped one in many places).
#[derive(Clone, Debug)]
pub enum Value {
    /// SQL NULL of the given type.
    Null(ValueType),
    /// A boolean.
    Bool(bool),
    /// A 16-bit integer.
    I16(i16),
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// A 32-bit float.
    F32(f32),
    /// A 64-bit float.
    F64(f64),
    /// A string.
    String(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// A JSON document.
    Json(serde_json::Value),
    /// A date.
    Date(NaiveDate),
    /// A naive date and time.
    DateTime(NaiveDateTime),
    /// A date and time in UTC.
    DateTimeUtc(DateTime<Utc>),
    /// A UUID.
    Uuid(Uuid),
    /// An exact decimal number.
    Decimal(Decimal),
    /// A time of day.
    Time(NaiveTime),
    /// An array of values of one element type (the first field), none of them
    /// NULL when it comes from a `Vec<T>` field.
    Array(ValueType, Vec<Value>),
}

impl Value {
    /// The type of this value.
    pub fn value_type(&self) -> ValueType {
        match self {
            Value::Null(t) => *t,
            Value::Bool(_) => ValueType::Bool,
            Value::I16(_) => ValueType::I16,
            Value::I32(_) => ValueType::I32,
            Value::I64(_) => ValueType::I64,
            Value::F32(_) => ValueType::F32,
            Value::F64(_) => ValueType::F64,
            Value::String(_) => ValueType::String,
            Value::Bytes(_) => ValueType::Bytes,
            Value::Json(_) => ValueType::Json,
            Value::Date(_) => ValueType::Date,
            Value::DateTime(_) => ValueType::DateTime,
            Value::DateTimeUtc(_) => ValueType::DateTimeUtc,
            Value::Uuid(_) => ValueType::Uuid,
            Value::Decimal(_) => ValueType::Decimal,
            Value::Time(_) => ValueType::Time,
            Value::Array(element, _) => element.array_of(),
        }
    }

    /// True for SQL NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null(_))
    }

    /// The value as an `f64`, for numeric values.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::I16(v) => Some(f64::from(*v)),
            Value::I32(v) => Some(f64::from(*v)),
            Value::I64(v) => Some(*v as f64),
            Value::F32(v) => Some(f64::from(*v)),
            Value::F64(v) => Some(*v),
            _ => None,
        }
    }

    /// The value as an `i64`, for integer values.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::I16(v) => Some(i64::from(*v)),
            Value::I32(v) => Some(i64::from(*v)),
            Value::I64(v) => Some(*v),
            _ => None,
        }
    }

    /// The value as a string slice, for strings.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value as JSON, the form used in changeset error metadata and rendered errors.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null(_) => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::I16(v) => J::from(*v),
            Value::I32(v) => J::from(*v),
            Value::I64(v) => J::from(*v),
            Value::F32(v) => J::from(f64::from(*v)),
            Value::F64(v) => J::from(*v),
            Value::String(s) => J::String(s.clone()),
            Value::Bytes(b) => J::String(String::from_utf8_lossy(b).into_owned()),
            Value::Json(j) => j.clone(),
            Value::Date(d) => J::String(d.to_string()),
            Value::DateTime(d) => J::String(d.format("%Y-%m-%dT%H:%M:%S%.f").to_string()),
            Value::DateTimeUtc(d) => J::String(d.to_rfc3339()),
            Value::Uuid(u) => J::String(u.to_string()),
            // A string, so no digit is lost to a JSON reader's float.
            Value::Decimal(d) => J::String(d.to_string()),
            Value::Time(t) => J::String(t.format("%H:%M:%S%.f").to_string()),
            Value::Array(_, items) => J::Array(items.iter().map(Value::to_json).collect()),
        }
    }
}

impl PartialEq for Value {
    /// Values are equal when they hold the same data; two NULLs are equal whatever
    /// their type (a NULL change of a field equals its NULL data).
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Null(_), Value::Null(_)) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::I16(a), Value::I16(b)) => a == b,
            (Value::I32(a), Value::I32(b)) => a == b,
            (Value::I64(a), Value::I64(b)) => a == b,
            (Value::F32(a), Value::F32(b)) => a == b,
            (Value::F64(a), Value::F64(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Bytes(a), Value::Bytes(b)) => a == b,
            (Value::Json(a), Value::Json(b)) => a == b,
            (Value::Date(a), Value::Date(b)) => a == b,
            (Value::DateTime(a), Value::DateTime(b)) => a == b,
            (Value::DateTimeUtc(a), Value::DateTimeUtc(b)) => a == b,
            (Value::Uuid(a), Value::Uuid(b)) => a == b,
            // Numerically: 1.0 equals 1.00, as Ecto's Decimal.equal? has it.
            (Value::Decimal(a), Value::Decimal(b)) => a == b,
            (Value::Time(a), Value::Time(b)) => a == b,
            (Value::Array(_, a), Value::Array(_, b)) => a == b,
            _ => false,
        }
    }
}

/// Formats a float the way Ecto users read it: integral floats keep a `.0`.
pub(crate) fn fmt_float(v: f64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e16 {
        write!(f, "{v:.1}")
    } else {
        write!(f, "{v}")
    }
}

impl fmt::Display for Value {
    /// Displays the value as a person reads it (strings quoted, NULL as `nil`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null(_) => f.write_str("nil"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::I16(v) => write!(f, "{v}"),
            Value::I32(v) => write!(f, "{v}"),
            Value::I64(v) => write!(f, "{v}"),
            Value::F32(v) => fmt_float(f64::from(*v), f),
            Value::F64(v) => fmt_float(*v, f),
            Value::String(s) => write!(f, "{s:?}"),
            Value::Bytes(b) => write!(f, "<<{} bytes>>", b.len()),
            Value::Json(j) => write!(f, "{j}"),
            Value::Date(d) => write!(f, "~D[{d}]"),
            Value::DateTime(d) => write!(f, "~N[{}]", d.format("%Y-%m-%d %H:%M:%S%.f")),
            Value::DateTimeUtc(d) => write!(f, "~U[{}]", d.format("%Y-%m-%d %H:%M:%S%.fZ")),
            Value::Uuid(u) => write!(f, "\"{u}\""),
            Value::Decimal(d) => write!(f, "#Decimal<{d}>"),
            Value::Time(t) => write!(f, "~T[{}]", t.format("%H:%M:%S%.f")),
            Value::Array(_, items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// `f` rounded to the nearest `f32`, or `None` when it is beyond `f32`'s range
/// (narrowing would make it infinite). NaN and infinities stay what they are.
pub(crate) fn narrow_f32(f: f64) -> Option<f32> {
    // Rounding to the nearest f32 is what narrowing means; overflow is refused.
    #[allow(clippy::cast_possible_truncation)]
    let narrowed = f as f32;
    (narrowed.is_finite() || !f.is_finite()).then_some(narrowed)
}

/// A value could not be converted to the Rust type of a field.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("expected {expected}, found {found}")]
pub struct ValueError {
    /// The type the field holds.
    pub expected: ValueType,
    /// What was found instead (a type name, or `NULL`).
    pub found: String,
}
