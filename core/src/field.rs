//! Rust types that can be schema fields: how each converts to and from a [`Value`].

use crate::cast::CastError;
use crate::error::Error;
use crate::field_error::FieldError;
use crate::value::{Value, ValueError, ValueType};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

/// A Rust type that a schema field can have.
///
/// Implemented for `bool`, `i16`, `i32`, `i64`, `f32`, `f64`, `String`, `Vec<u8>`,
/// `serde_json::Value`, `chrono::NaiveDate`, `chrono::NaiveDateTime`,
/// `chrono::DateTime<Utc>`, `chrono::NaiveTime`, `uuid::Uuid`,
/// `rust_decimal::Decimal`, `Vec<T>` of an [`ArrayElement`](crate::ArrayElement)
/// (an array), every [`FieldType`](crate::FieldType) (an
/// application's own types, `#[derive(Enum)]` enums), and `Option<T>` of each.
/// To add a type, implement [`FieldType`](crate::FieldType), not this trait.
///
/// ```
/// use quarry_core::{FieldValue, Value};
/// assert_eq!(42i64.to_value(), Value::I64(42));
/// assert_eq!(Option::<i64>::from_value(Value::Null(quarry_core::ValueType::I64)), Ok(None));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a schema field",
    label = "quarry fields are bool, i16, i32, i64, f32, f64, String, Vec<u8>, serde_json::Value, NaiveDate, NaiveDateTime, DateTime<Utc>, NaiveTime, Uuid, Decimal, a Vec of one of those, a type implementing `quarry::FieldType`, or an Option of one"
)]
pub trait FieldValue: Sized + Clone + Default + Send + Sync + 'static {
    /// The value type of the field.
    const TYPE: ValueType;
    /// Whether the field accepts NULL (true for `Option<T>`).
    const NULLABLE: bool = false;
    /// Converts to a value.
    fn to_value(&self) -> Value;
    /// Converts to a value, consuming `self` (no copy of a string's bytes).
    fn into_value(self) -> Value {
        self.to_value()
    }
    /// Converts from a value (numeric values widen where lossless).
    fn from_value(value: Value) -> Result<Self, ValueError>;
    /// Reads column `index` of `row` (what [`Row::get`](crate::Row) calls).
    /// The default decodes the column into a [`Value`] and converts it with
    /// [`from_value`](FieldValue::from_value); integer and string fields
    /// read the column straight from the driver's row
    /// ([`Row::i64_at`](crate::Row::i64_at), [`Row::string_at`](crate::Row::string_at)).
    fn read(row: &dyn crate::Row, index: usize) -> Result<Self, Error> {
        row.get_via_value(index)
    }
    /// The type's name in a cast error's `type` metadata (Ecto's type names:
    /// `integer`, `string`, `decimal`, ...).
    const TYPE_NAME: &'static str = Self::TYPE.name();
    /// Casts a param (a value from outside: a form, JSON) to this type's value,
    /// by the rules of the field's type: JSON null and a blank string are NULL;
    /// with `trim`, a string is trimmed first. An error is the field's
    /// `"is invalid"` (or the message the type gives).
    fn cast_param(param: &serde_json::Value, trim: bool) -> Result<Value, CastError> {
        crate::cast::cast_value(Self::TYPE, param, trim).map_err(|()| CastError::invalid())
    }
    /// Whether two values of this type are the same (a cast value equal to the
    /// struct's is not a change). Values compare as values unless the type
    /// says otherwise ([`FieldType::equal`](crate::FieldType::equal)).
    fn equal_values(a: &Value, b: &Value) -> bool {
        a == b
    }
}

/// Casts `param` to the field type `T`; on failure the field's error,
/// `"is invalid"` with `type` and `validation: cast` metadata (what
/// `#[derive(Schema)]` calls for each field).
#[doc(hidden)]
pub fn cast_field<T: FieldValue>(
    param: &serde_json::Value,
    trim: bool,
) -> Result<Value, FieldError> {
    T::cast_param(param, trim).map_err(|e| e.into_field_error(T::TYPE_NAME))
}

/// A non-optional field type; `Option<T>` is a field type for each of these.
pub trait ScalarValue: FieldValue {
    /// Reads column `index` of `row` as an `Option<Self>` (NULL is `None`):
    /// what `Option<Self>`'s [`FieldValue::read`] calls. The default goes
    /// through [`Row::value`](crate::Row::value).
    fn read_option(row: &dyn crate::Row, index: usize) -> Result<Option<Self>, Error> {
        row.get_via_value::<Option<Self>>(index)
    }
}

/// The error of a NULL in column `index`, read into a non-`Option` field.
#[cold]
#[inline(never)]
fn null_in(row: &dyn crate::Row, index: usize, expected: ValueType) -> crate::Error {
    crate::row::decode_error(row, index, expected, "NULL".to_string())
}

fn mismatch(expected: ValueType, found: ValueType, null: bool) -> ValueError {
    ValueError {
        expected,
        found: if null {
            "NULL".to_string()
        } else {
            found.to_string()
        },
    }
}

macro_rules! scalar {
    // `$at`: the `Row` method the adapters read the type with straight off
    // their rows (no `Value` in between), for the types that have one.
    ($t:ty, $vt:ident, $($at:ident,)? |$v:ident| $conv:expr) => {
        impl FieldValue for $t {
            const TYPE: ValueType = ValueType::$vt;
            fn to_value(&self) -> Value {
                Value::$vt(self.clone())
            }
            fn into_value(self) -> Value {
                Value::$vt(self)
            }
            fn from_value(value: Value) -> Result<Self, ValueError> {
                let (found, null) = (value.value_type(), value.is_null());
                let $v = value;
                $conv.ok_or_else(|| mismatch(ValueType::$vt, found, null))
            }
            $(
                #[inline]
                fn read(row: &dyn crate::Row, index: usize) -> Result<Self, Error> {
                    match row.$at(index)? {
                        Some(v) => Ok(v),
                        None => Err(null_in(row, index, ValueType::$vt)),
                    }
                }
            )?
        }
        impl ScalarValue for $t {
            $(
                #[inline]
                fn read_option(row: &dyn crate::Row, index: usize) -> Result<Option<Self>, Error> {
                    row.$at(index)
                }
            )?
        }
    };
}

scalar!(bool, Bool, |v| match v {
    Value::Bool(b) => Some(b),
    Value::I16(i) => Some(i != 0),
    Value::I32(i) => Some(i != 0),
    Value::I64(i) => Some(i != 0),
    _ => None,
});
scalar!(i16, I16, |v| match v {
    Value::I16(i) => Some(i),
    Value::I32(i) => i16::try_from(i).ok(),
    Value::I64(i) => i16::try_from(i).ok(),
    _ => None,
});
scalar!(i32, I32, |v| match v {
    Value::I16(i) => Some(i32::from(i)),
    Value::I32(i) => Some(i),
    Value::I64(i) => i32::try_from(i).ok(),
    _ => None,
});
scalar!(i64, I64, i64_at, |v| v.as_i64());
scalar!(f32, F32, |v| match v {
    Value::F32(f) => Some(f),
    Value::F64(f) => crate::value::narrow_f32(f),
    Value::I16(i) => Some(f32::from(i)),
    Value::I32(i) => Some(i as f32),
    Value::I64(i) => Some(i as f32),
    _ => None,
});
scalar!(f64, F64, |v| v.as_f64());
scalar!(String, String, string_at, |v| match v {
    Value::String(s) => Some(s),
    _ => None,
});
scalar!(Vec<u8>, Bytes, |v| match v {
    Value::Bytes(b) => Some(b),
    Value::String(s) => Some(s.into_bytes()),
    _ => None,
});
scalar!(serde_json::Value, Json, |v| match v {
    Value::Json(j) => Some(j),
    Value::String(s) => serde_json::from_str(&s).ok(),
    _ => None,
});
scalar!(NaiveDate, Date, |v| match v {
    Value::Date(d) => Some(d),
    _ => None,
});
scalar!(NaiveDateTime, DateTime, |v| match v {
    Value::DateTime(d) => Some(d),
    Value::DateTimeUtc(d) => Some(d.naive_utc()),
    _ => None,
});
scalar!(DateTime<Utc>, DateTimeUtc, |v| match v {
    Value::DateTimeUtc(d) => Some(d),
    Value::DateTime(d) => Some(d.and_utc()),
    _ => None,
});

impl<T: ScalarValue> FieldValue for Option<T> {
    const TYPE: ValueType = T::TYPE;
    const NULLABLE: bool = true;
    const TYPE_NAME: &'static str = T::TYPE_NAME;
    fn cast_param(param: &serde_json::Value, trim: bool) -> Result<Value, CastError> {
        T::cast_param(param, trim)
    }
    fn equal_values(a: &Value, b: &Value) -> bool {
        T::equal_values(a, b)
    }
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null(T::TYPE),
        }
    }
    fn into_value(self) -> Value {
        match self {
            Some(v) => v.into_value(),
            None => Value::Null(T::TYPE),
        }
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Null(_) => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
    #[inline]
    fn read(row: &dyn crate::Row, index: usize) -> Result<Self, Error> {
        T::read_option(row, index)
    }
}

impl<T: FieldValue> From<T> for Value
where
    T: ScalarValue,
{
    fn from(v: T) -> Self {
        v.to_value()
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::String(v.to_string())
    }
}

/// `value` as an array of `element`: an array's elements coerced one by one,
/// or the JSON array (a JSON value, or its text) MySQL and SQLite store.
fn coerce_array(element: ValueType, value: Value) -> Result<Value, ValueError> {
    let not_json = |e: serde_json::Error| ValueError {
        expected: element.array_of(),
        found: format!("text that is not a JSON array ({e})"),
    };
    match value {
        Value::Array(_, items) => items
            .into_iter()
            .map(|item| item.coerce(element))
            .collect::<Result<_, _>>()
            .map(|items| Value::Array(element, items)),
        Value::Json(json) => crate::array_json::array_of_json(element, &json),
        Value::String(text) => {
            let json = serde_json::from_str(&text).map_err(not_json)?;
            crate::array_json::array_of_json(element, &json)
        }
        Value::Bytes(bytes) => {
            let json = serde_json::from_slice(&bytes).map_err(not_json)?;
            crate::array_json::array_of_json(element, &json)
        }
        other => Err(mismatch(element.array_of(), other.value_type(), false)),
    }
}

/// Converts a value into the Rust type `T`, as a field would hold it.
pub fn from_value<T: FieldValue>(value: Value) -> Result<T, ValueError> {
    T::from_value(value)
}

/// Field types that can hold a library-managed timestamp (`inserted_at`,
/// `updated_at`): `NaiveDateTime`, `DateTime<Utc>` and their `Option`s.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a timestamp",
    label = "timestamps must be `NaiveDateTime` or `DateTime<Utc>` (or an Option of one)"
)]
pub trait TimestampValue: FieldValue {}
impl TimestampValue for NaiveDateTime {}
impl TimestampValue for DateTime<Utc> {}
impl TimestampValue for Option<NaiveDateTime> {}
impl TimestampValue for Option<DateTime<Utc>> {}

/// The field type of a value that may be NULL: `Option<T>` for `T` and for
/// `Option<T>` alike (what `min`/`max` of a column return over no rows).
pub trait Nullable: FieldValue {
    /// `Option` of the scalar type.
    type Opt: FieldValue;
}
impl<T: ScalarValue> Nullable for T {
    type Opt = Option<T>;
}
impl<T: ScalarValue> Nullable for Option<T> {
    type Opt = Option<T>;
}

impl Value {
    /// Converts this value to type `ty` where that loses nothing a field of `ty`
    /// could hold: integers widen (and narrow when they fit), integers become
    /// floats, floats change width, 0/1 become booleans, naive and UTC datetimes
    /// convert (naive is read as UTC), strings parse as JSON, strings become bytes,
    /// strings and 16 bytes become UUIDs, strings and numbers become decimals,
    /// strings become times.
    /// Adapters decode a column by its own type and coerce to the field's.
    ///
    /// ```
    /// use quarry_core::{Value, ValueType};
    /// assert_eq!(Value::I32(7).coerce(ValueType::I64), Ok(Value::I64(7)));
    /// assert!(Value::String("x".into()).coerce(ValueType::I64).is_err());
    /// ```
    pub fn coerce(self, ty: ValueType) -> Result<Value, ValueError> {
        if self.value_type() == ty {
            return Ok(self);
        }
        if self.is_null() {
            return Ok(Value::Null(ty));
        }
        Ok(match ty {
            ValueType::Bool => Value::Bool(bool::from_value(self)?),
            ValueType::I16 => Value::I16(i16::from_value(self)?),
            ValueType::I32 => Value::I32(i32::from_value(self)?),
            ValueType::I64 => Value::I64(i64::from_value(self)?),
            ValueType::F32 => Value::F32(f32::from_value(self)?),
            ValueType::F64 => Value::F64(f64::from_value(self)?),
            ValueType::String => Value::String(String::from_value(self)?),
            ValueType::Bytes => Value::Bytes(Vec::<u8>::from_value(self)?),
            ValueType::Json => Value::Json(serde_json::Value::from_value(self)?),
            ValueType::Date => Value::Date(NaiveDate::from_value(self)?),
            ValueType::DateTime => Value::DateTime(NaiveDateTime::from_value(self)?),
            ValueType::DateTimeUtc => Value::DateTimeUtc(DateTime::<Utc>::from_value(self)?),
            ValueType::Uuid => Value::Uuid(Uuid::from_value(self)?),
            ValueType::Decimal => Value::Decimal(Decimal::from_value(self)?),
            ValueType::Time => Value::Time(NaiveTime::from_value(self)?),
            ValueType::Array(element) => coerce_array(*element, self)?,
        })
    }

    /// This value as a value of type `ty` the way Ecto casts a value given
    /// where a field of `ty` is expected (`Repo.get(Product, "1")`): what
    /// [`coerce`](Value::coerce) converts, and a string by the cast rules of a
    /// param (`"1"` is the integer 1; `"1a"` and `" 1"` are errors).
    ///
    /// ```
    /// use quarry_core::{Value, ValueType};
    /// assert_eq!(Value::String("7".into()).cast_to(ValueType::I64), Ok(Value::I64(7)));
    /// assert_eq!(Value::I32(7).cast_to(ValueType::I64), Ok(Value::I64(7)));
    /// assert!(Value::String("seven".into()).cast_to(ValueType::I64).is_err());
    /// ```
    pub fn cast_to(self, ty: ValueType) -> Result<Value, ValueError> {
        if let Value::String(s) = &self {
            if ty != ValueType::String {
                let found = format!("{s:?}");
                return crate::cast::cast_string_param(ty, s).map_err(|()| ValueError {
                    expected: ty,
                    found,
                });
            }
        }
        self.coerce(ty)
    }
}

/// Typed reads of a row's columns (here beside [`FieldValue`], which they
/// decode into).
impl dyn crate::Row + '_ {
    /// Decodes column `index` into the Rust type `T`.
    pub fn get<T: FieldValue>(&self, index: usize) -> Result<T, Error> {
        T::read(self, index)
    }

    /// `get` through [`Row::value`](crate::Row::value): what
    /// [`FieldValue::read`] does unless a type reads its column directly.
    pub fn get_via_value<T: FieldValue>(&self, index: usize) -> Result<T, Error> {
        let value = self.value(index, T::TYPE)?;
        if value.is_null() && !T::NULLABLE {
            return Err(null_in(self, index, T::TYPE));
        }
        T::from_value(value).map_err(|e| crate::row::decode_error(self, index, e.expected, e.found))
    }
}
