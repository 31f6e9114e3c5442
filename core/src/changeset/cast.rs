//! Casting one outside value to a field's type, by the rules Ecto users expect.

use crate::value::{Value, ValueType};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike, Utc};
use serde_json::Value as Json;

/// Casts `input` to type `ty`. `Err(())` means "is invalid".
///
/// Strings are trimmed (not for binary); a string that is empty after trimming is
/// NULL. Integers accept integers and fully parsable strings; floats accept floats,
/// integers and parsable strings; booleans accept `true`/`false`, `"true"`/`"false"`,
/// `"1"`/`"0"`; dates and datetimes accept ISO-8601 strings.
pub(crate) fn cast_value(ty: ValueType, input: &Json) -> Result<Value, ()> {
    match input {
        Json::Null => Ok(Value::Null(ty)),
        Json::String(s) => cast_string(ty, s),
        Json::Bool(b) => match ty {
            ValueType::Bool => Ok(Value::Bool(*b)),
            ValueType::Json => Ok(Value::Json(input.clone())),
            _ => Err(()),
        },
        Json::Number(n) => match ty {
            ValueType::I16 => n
                .as_i64()
                .and_then(|i| i16::try_from(i).ok())
                .map(Value::I16)
                .ok_or(()),
            ValueType::I32 => n
                .as_i64()
                .and_then(|i| i32::try_from(i).ok())
                .map(Value::I32)
                .ok_or(()),
            ValueType::I64 => n.as_i64().map(Value::I64).ok_or(()),
            ValueType::F32 => n.as_f64().ok_or(()).and_then(to_f32).map(Value::F32),
            ValueType::F64 => n.as_f64().map(Value::F64).ok_or(()),
            ValueType::Json => Ok(Value::Json(input.clone())),
            _ => Err(()),
        },
        Json::Array(_) | Json::Object(_) => match ty {
            ValueType::Json => Ok(Value::Json(input.clone())),
            _ => Err(()),
        },
    }
}

fn cast_string(ty: ValueType, raw: &str) -> Result<Value, ()> {
    if ty == ValueType::Bytes {
        return Ok(if raw.is_empty() {
            Value::Null(ty)
        } else {
            Value::Bytes(raw.as_bytes().to_vec())
        });
    }
    let s = raw.trim();
    if s.is_empty() {
        return Ok(Value::Null(ty));
    }
    match ty {
        ValueType::String => Ok(Value::String(s.to_string())),
        ValueType::Bool => match s {
            "true" | "1" => Ok(Value::Bool(true)),
            "false" | "0" => Ok(Value::Bool(false)),
            _ => Err(()),
        },
        ValueType::I16 => s.parse().map(Value::I16).map_err(drop),
        ValueType::I32 => s.parse().map(Value::I32).map_err(drop),
        ValueType::I64 => s.parse().map(Value::I64).map_err(drop),
        ValueType::F32 => parse_float(s).and_then(to_f32).map(Value::F32),
        ValueType::F64 => parse_float(s).map(Value::F64),
        ValueType::Json => Ok(Value::Json(Json::String(s.to_string()))),
        ValueType::Date => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Value::Date)
            .map_err(drop),
        ValueType::DateTime => parse_naive(s).map(|d| Value::DateTime(truncate(d))),
        ValueType::DateTimeUtc => parse_utc(s).map(|d| Value::DateTimeUtc(truncate_utc(d))),
        ValueType::Bytes => Err(()),
    }
}

fn parse_float(s: &str) -> Result<f64, ()> {
    let lower = s.to_ascii_lowercase();
    if lower.contains("inf") || lower.contains("nan") {
        return Err(());
    }
    s.parse::<f64>()
        .map_err(drop)
        .and_then(|f| if f.is_finite() { Ok(f) } else { Err(()) })
}

/// Narrows to `f32`; a value beyond its range (which would become infinite) is invalid.
fn to_f32(f: f64) -> Result<f32, ()> {
    // Rounding to the nearest f32 is what narrowing means; overflow is caught below.
    #[allow(clippy::cast_possible_truncation)]
    let narrowed = f as f32;
    if narrowed.is_finite() {
        Ok(narrowed)
    } else {
        Err(())
    }
}

/// ISO-8601 naive datetime: `T` or space separator, optional fraction, an offset
/// (if any) is ignored as Ecto does for naive datetimes.
fn parse_naive(s: &str) -> Result<NaiveDateTime, ()> {
    if let Ok(d) = DateTime::parse_from_rfc3339(&s.replacen(' ', "T", 1)) {
        return Ok(d.naive_local());
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(d);
        }
    }
    Err(())
}

/// ISO-8601 datetime with offset, converted to UTC; without an offset it is read as UTC.
fn parse_utc(s: &str) -> Result<DateTime<Utc>, ()> {
    if let Ok(d) = DateTime::parse_from_rfc3339(&s.replacen(' ', "T", 1)) {
        return Ok(d.with_timezone(&Utc));
    }
    parse_naive(s).map(|d| d.and_utc())
}

/// Second precision, Ecto's default for `naive_datetime`.
fn truncate(d: NaiveDateTime) -> NaiveDateTime {
    d.with_nanosecond(0).unwrap_or(d)
}

fn truncate_utc(d: DateTime<Utc>) -> DateTime<Utc> {
    d.with_nanosecond(0).unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integer_rules() {
        assert_eq!(cast_value(ValueType::I64, &json!(13)), Ok(Value::I64(13)));
        assert_eq!(cast_value(ValueType::I64, &json!("13")), Ok(Value::I64(13)));
        assert_eq!(
            cast_value(ValueType::I64, &json!(" 13 ")),
            Ok(Value::I64(13))
        );
        assert_eq!(cast_value(ValueType::I64, &json!("13.5")), Err(()));
        assert_eq!(cast_value(ValueType::I64, &json!("1a")), Err(()));
        assert_eq!(cast_value(ValueType::I64, &json!(13.5)), Err(()));
        assert_eq!(cast_value(ValueType::I16, &json!(70000)), Err(()));
    }

    #[test]
    fn float_and_bool_rules() {
        assert_eq!(cast_value(ValueType::F64, &json!(2)), Ok(Value::F64(2.0)));
        assert_eq!(
            cast_value(ValueType::F64, &json!("2.5")),
            Ok(Value::F64(2.5))
        );
        assert_eq!(cast_value(ValueType::F64, &json!("NaN")), Err(()));
        assert_eq!(
            cast_value(ValueType::Bool, &json!("1")),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            cast_value(ValueType::Bool, &json!("false")),
            Ok(Value::Bool(false))
        );
        assert_eq!(cast_value(ValueType::Bool, &json!("yes")), Err(()));
    }

    #[test]
    fn strings_trim_and_empty_is_null() {
        assert_eq!(
            cast_value(ValueType::String, &json!("  a ")),
            Ok(Value::String("a".into()))
        );
        assert_eq!(
            cast_value(ValueType::String, &json!("   ")),
            Ok(Value::Null(ValueType::String))
        );
        assert_eq!(
            cast_value(ValueType::Bytes, &json!(" a ")),
            Ok(Value::Bytes(b" a ".to_vec()))
        );
        assert_eq!(cast_value(ValueType::String, &json!(1)), Err(()));
    }

    #[test]
    fn datetimes() {
        let d = cast_value(ValueType::DateTime, &json!("2023-04-17T01:47:01.123Z")).unwrap();
        assert_eq!(d.to_string(), "~N[2023-04-17 01:47:01]");
        let u = cast_value(ValueType::DateTimeUtc, &json!("2023-04-17 03:47:01+02:00")).unwrap();
        assert_eq!(u.to_string(), "~U[2023-04-17 01:47:01Z]");
        assert_eq!(cast_value(ValueType::Date, &json!("2023-02-30")), Err(()));
    }
}
