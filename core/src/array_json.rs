//! The JSON an array is stored as where the database has no arrays
//! (MySQL/MariaDB, SQLite): [`Value::array_json`] writes it, and
//! `array_of_json` reads it back (what coercing a JSON value or its text to
//! an array type does).

use crate::value::{Value, ValueError, ValueType};
use chrono::{NaiveDate, SecondsFormat};
use rust_decimal::Decimal;
use serde_json::Value as Json;
use uuid::Uuid;

impl Value {
    /// The JSON text an array is stored as where the database has no arrays
    /// (MySQL/MariaDB, SQLite): strings, numbers and booleans as themselves;
    /// UUIDs (hyphenated, lower case), decimals (exact digits, no trailing
    /// zeros), dates, times and date-times as strings in the forms quarry
    /// writes them to SQLite. One form per value, so the database's JSON
    /// containment (`JSON_CONTAINS`, `json_each`) compares elements exactly.
    /// Errors for a non-finite float (JSON has none) and for a value that is
    /// not an array of scalars.
    ///
    /// ```
    /// use quarry_core::{Value, ValueType};
    /// use quarry_core::rust_decimal::Decimal;
    /// let a = Value::Array(ValueType::Decimal, vec![Value::Decimal(Decimal::new(150, 2))]);
    /// assert_eq!(a.array_json().unwrap(), r#"["1.5"]"#);
    /// let nan = Value::Array(ValueType::F64, vec![Value::F64(f64::NAN)]);
    /// assert!(nan.array_json().is_err());
    /// ```
    pub fn array_json(&self) -> Result<String, String> {
        let Value::Array(_, items) = self else {
            return Err(format!("{} is not an array", self.value_type()));
        };
        let items = items
            .iter()
            .map(element_json)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Json::Array(items).to_string())
    }
}

/// One element's stored JSON form (see [`Value::array_json`]).
fn element_json(v: &Value) -> Result<Json, String> {
    Ok(match v {
        Value::Null(_) => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::I16(i) => Json::from(*i),
        Value::I32(i) => Json::from(*i),
        Value::I64(i) => Json::from(*i),
        Value::F32(f) if f.is_finite() => Json::from(f64::from(*f)),
        Value::F64(f) if f.is_finite() => Json::from(*f),
        Value::F32(_) | Value::F64(_) => {
            return Err(format!("the float {v} cannot be stored in a JSON array"))
        }
        Value::String(s) => Json::String(s.clone()),
        Value::Uuid(u) => Json::String(u.hyphenated().to_string()),
        Value::Decimal(d) => Json::String(d.normalize().to_string()),
        Value::Date(d) => Json::String(d.format("%Y-%m-%d").to_string()),
        Value::Time(t) => Json::String(t.format("%H:%M:%S%.f").to_string()),
        Value::DateTime(d) => Json::String(d.format("%Y-%m-%d %H:%M:%S%.f").to_string()),
        Value::DateTimeUtc(d) => Json::String(d.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        Value::Bytes(_) | Value::Json(_) | Value::Array(..) => {
            return Err(format!("an array element of type {}", v.value_type()))
        }
    })
}

/// An array of `element` read from its stored JSON (a JSON array; see
/// [`Value::array_json`]). Also reads what other writers put there: numbers
/// for decimals, any RFC 3339 offset for UTC date-times.
pub(crate) fn array_of_json(element: ValueType, json: &Json) -> Result<Value, ValueError> {
    let Json::Array(items) = json else {
        return Err(ValueError {
            expected: element.array_of(),
            found: format!("the JSON {}, not an array", truncated(json)),
        });
    };
    items
        .iter()
        .map(|item| {
            element_of_json(element, item).ok_or_else(|| ValueError {
                expected: element.array_of(),
                found: format!("the element {}, not {}", truncated(item), element),
            })
        })
        .collect::<Result<_, _>>()
        .map(|items| Value::Array(element, items))
}

fn truncated(json: &Json) -> String {
    let mut s = json.to_string();
    if s.len() > 40 {
        let cut = (0..=40).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
        s.truncate(cut);
        s.push('…');
    }
    s
}

fn element_of_json(element: ValueType, item: &Json) -> Option<Value> {
    if item.is_null() {
        return Some(Value::Null(element));
    }
    let text = item.as_str();
    Some(match element {
        ValueType::Bool => Value::Bool(item.as_bool()?),
        ValueType::I16 => Value::I16(i16::try_from(item.as_i64()?).ok()?),
        ValueType::I32 => Value::I32(i32::try_from(item.as_i64()?).ok()?),
        ValueType::I64 => Value::I64(item.as_i64()?),
        ValueType::F32 => Value::F32(crate::value::narrow_f32(item.as_f64()?)?),
        ValueType::F64 => Value::F64(item.as_f64()?),
        ValueType::String => Value::String(text?.to_string()),
        ValueType::Uuid => Value::Uuid(Uuid::try_parse(text?).ok()?),
        ValueType::Decimal => match item {
            Json::Number(n) => Value::Decimal(
                n.as_i64()
                    .map(Decimal::from)
                    .or_else(|| crate::cast::decimal_of_float(n.as_f64()?).ok())?,
            ),
            _ => Value::Decimal(crate::cast::parse_decimal(text?).ok()?),
        },
        ValueType::Date => Value::Date(NaiveDate::parse_from_str(text?, "%Y-%m-%d").ok()?),
        ValueType::Time => Value::Time(crate::cast::parse_time(text?).ok()?),
        ValueType::DateTime => Value::DateTime(crate::cast::parse_naive(text?).ok()?),
        ValueType::DateTimeUtc => Value::DateTimeUtc(crate::cast::parse_utc(text?).ok()?),
        ValueType::Bytes | ValueType::Json | ValueType::Array(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;
    use serde_json::json;

    #[test]
    fn stored_json_round_trips_every_element_type() {
        let t = NaiveTime::from_hms_micro_opt(23, 59, 59, 123_456).unwrap();
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        let cases = [
            Value::Array(ValueType::Bool, vec![Value::Bool(true), Value::Bool(false)]),
            Value::Array(
                ValueType::I16,
                vec![Value::I16(i16::MIN), Value::I16(i16::MAX)],
            ),
            Value::Array(
                ValueType::I64,
                vec![Value::I64(i64::MIN), Value::I64(i64::MAX)],
            ),
            Value::Array(ValueType::F64, vec![Value::F64(f64::MAX), Value::F64(-0.5)]),
            Value::Array(
                ValueType::String,
                vec!["a,\"b\"".into(), "é🎉".into(), "".into()],
            ),
            Value::Array(ValueType::Uuid, vec![Value::Uuid(Uuid::max())]),
            Value::Array(ValueType::Decimal, vec![Value::Decimal(Decimal::MAX)]),
            Value::Array(ValueType::Date, vec![Value::Date(d)]),
            Value::Array(ValueType::Time, vec![Value::Time(t)]),
            Value::Array(ValueType::DateTime, vec![Value::DateTime(d.and_time(t))]),
            Value::Array(
                ValueType::DateTimeUtc,
                vec![Value::DateTimeUtc(d.and_time(t).and_utc())],
            ),
            Value::Array(ValueType::I32, vec![]),
        ];
        for value in cases {
            let text = value.array_json().unwrap();
            let json: Json = serde_json::from_str(&text).unwrap();
            let element = value.value_type().element().unwrap();
            assert_eq!(array_of_json(element, &json).unwrap(), value, "{text}");
        }
    }

    #[test]
    fn stored_json_of_another_shape_is_an_error() {
        assert!(array_of_json(ValueType::I64, &json!({"a": 1})).is_err());
        assert!(array_of_json(ValueType::I64, &json!([1, "2"])).is_err());
        assert!(array_of_json(ValueType::I16, &json!([40000])).is_err());
        assert!(array_of_json(ValueType::Uuid, &json!(["nope"])).is_err());
    }
}
