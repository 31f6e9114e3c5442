//! `Vec<T>` fields (Ecto's `{:array, type}`): [`ArrayElement`], the element
//! types an array field holds, and how an array field casts, loads and dumps
//! (its stored JSON form where the database has no arrays is in
//! `array_json`).

use crate::cast::CastError;
use crate::field::{FieldValue, ScalarValue};
use crate::value::{Value, ValueError, ValueType};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use serde_json::Value as Json;
use uuid::Uuid;

/// A field type that can be the element of a `Vec<T>` field: `bool`, `i16`,
/// `i32`, `i64`, `f32`, `f64`, `String`, `NaiveDate`, `NaiveTime`,
/// `NaiveDateTime`, `DateTime<Utc>`, `Uuid`, `Decimal` and
/// `#[derive(Enum)]` enums. A [`FieldType`](crate::FieldType) of your own
/// whose storage type is one of those scalars can be one too:
/// `impl ArrayElement for Email {}`.
///
/// A `Vec<T>` field is a native array on Postgres (`text[]`, `bigint[]`, ...)
/// and a JSON array on MySQL/MariaDB and SQLite; its elements are never NULL
/// (a NULL element read from the database is a decode error).
///
/// ```
/// use quarry_core::{FieldValue, Value, ValueType};
/// let tags = vec!["a".to_string(), "b".to_string()];
/// assert_eq!(Vec::<String>::TYPE, ValueType::String.array_of());
/// assert_eq!(
///     tags.to_value(),
///     Value::Array(ValueType::String, vec!["a".into(), "b".into()])
/// );
/// let param = serde_json::json!(["x", ""]);
/// assert_eq!(
///     Vec::<String>::cast_param(&param, false).unwrap(),
///     Value::Array(ValueType::String, vec!["x".into(), "".into()])
/// );
/// assert!(Vec::<i64>::cast_param(&serde_json::json!([1, "two"]), false).is_err());
/// assert!(Vec::<i64>::cast_param(&serde_json::json!(1), false).is_err());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the element of an array field",
    label = "array elements are bool, i16, i32, i64, f32, f64, String, NaiveDate, NaiveTime, NaiveDateTime, DateTime<Utc>, Uuid, Decimal, or an enum or FieldType implementing `ArrayElement`"
)]
pub trait ArrayElement: ScalarValue {
    /// Casts one element of a list param: the element type's cast rules,
    /// except that a string element is kept as given (`""` is an empty
    /// string, not NULL; Ecto applies empty values to the whole field only)
    /// and a NULL element is invalid (a `Vec<T>` holds no NULL).
    fn cast_element(param: &Json, trim: bool) -> Result<Value, CastError> {
        match param {
            Json::Null => Err(CastError::invalid()),
            Json::String(s) if Self::TYPE == ValueType::String && s.trim().is_empty() => {
                Ok(Value::String(if trim { String::new() } else { s.clone() }))
            }
            _ => match Self::cast_param(param, trim) {
                Ok(v) if v.is_null() => Err(CastError::invalid()),
                Ok(v) => Ok(v),
                Err(_) => Err(CastError::invalid()),
            },
        }
    }
}

impl ArrayElement for bool {}
impl ArrayElement for i16 {}
impl ArrayElement for i32 {}
impl ArrayElement for i64 {}
impl ArrayElement for f32 {}
impl ArrayElement for f64 {}
impl ArrayElement for String {}
impl ArrayElement for NaiveDate {}
impl ArrayElement for NaiveTime {}
impl ArrayElement for NaiveDateTime {}
impl ArrayElement for DateTime<Utc> {}
impl ArrayElement for Uuid {}
impl ArrayElement for Decimal {}

/// `Vec<T>`: Ecto's `{:array, type}`. Casts from a JSON list whose every
/// element casts (anything else is `"is invalid"`, `type: "{:array, ...}"`);
/// `Option<Vec<T>>` is a nullable column, where NULL and the empty array are
/// different values.
impl<T: ArrayElement> FieldValue for Vec<T> {
    const TYPE: ValueType = T::TYPE.array_of();
    fn to_value(&self) -> Value {
        Value::Array(T::TYPE, self.iter().map(T::to_value).collect())
    }
    fn into_value(self) -> Value {
        Value::Array(T::TYPE, self.into_iter().map(T::into_value).collect())
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        let value = match value {
            Value::Array(..) => value,
            Value::Null(_) => {
                return Err(ValueError {
                    expected: Self::TYPE,
                    found: "NULL".to_string(),
                })
            }
            other => other.coerce(Self::TYPE)?,
        };
        let Value::Array(_, items) = value else {
            return Err(ValueError {
                expected: Self::TYPE,
                found: value.value_type().to_string(),
            });
        };
        items
            .into_iter()
            .map(|item| {
                T::from_value(item).map_err(|e| ValueError {
                    expected: Self::TYPE,
                    found: format!("an element that is not {}: {}", T::TYPE_NAME, e.found),
                })
            })
            .collect()
    }
    fn cast_param(param: &Json, trim: bool) -> Result<Value, CastError> {
        match crate::cast::present(param, trim) {
            None => Ok(Value::Null(Self::TYPE)),
            Some(param) => match &*param {
                Json::Array(items) => items
                    .iter()
                    .map(|item| T::cast_element(item, trim))
                    .collect::<Result<_, _>>()
                    .map(|items| Value::Array(T::TYPE, items)),
                _ => Err(CastError::invalid()),
            },
        }
    }
    fn equal_values(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Array(_, a), Value::Array(_, b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(a, b)| T::equal_values(a, b))
            }
            _ => a == b,
        }
    }
}

impl<T: ArrayElement> ScalarValue for Vec<T> {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn list_params_cast_element_by_element() {
        let cast = |p: Json| Vec::<i32>::cast_param(&p, false);
        assert_eq!(
            cast(json!([1, "2"])),
            Ok(Value::Array(
                ValueType::I32,
                vec![Value::I32(1), Value::I32(2)]
            ))
        );
        assert_eq!(cast(json!([])), Ok(Value::Array(ValueType::I32, vec![])));
        assert_eq!(
            cast(json!(null)),
            Ok(Value::Null(ValueType::I32.array_of()))
        );
        assert_eq!(cast(json!("")), Ok(Value::Null(ValueType::I32.array_of())));
        assert!(cast(json!([1, null])).is_err());
        assert!(cast(json!([1, ""])).is_err());
        assert!(cast(json!([1.5])).is_err());
        assert!(cast(json!("1,2")).is_err());
        assert!(cast(json!({"0": 1})).is_err());
        assert_eq!(
            Vec::<String>::cast_param(&json!([" a ", " "]), true),
            Ok(Value::Array(ValueType::String, vec!["a".into(), "".into()]))
        );
    }
}
