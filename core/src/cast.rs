//! Casting one outside value to a field's type, by the rules Ecto users expect
//! (what changesets cast params with, and `Value::cast_to`).

use crate::value::{Value, ValueType};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike, Utc};
use serde_json::Value as Json;

/// Casts `input` to type `ty`. `Err(())` means "is invalid".
///
/// Strings are cast exactly as given, as Ecto casts them: only an empty value
/// (the empty string, or whitespace only) is NULL. With `trim` (a field's
/// `#[quarry(trim)]`) leading and trailing whitespace is removed first.
/// Integers accept integers and fully parsable strings (`" 13"` is invalid);
/// floats accept floats, integers and parsable strings; booleans accept
/// `true`/`false`, `"true"`/`"false"`, `"1"`/`"0"`; dates and datetimes accept
/// ISO-8601 strings.
pub(crate) fn cast_value(ty: ValueType, input: &Json, trim: bool) -> Result<Value, ()> {
    match input {
        Json::Null => Ok(Value::Null(ty)),
        Json::String(s) if trim => cast_string(ty, s.trim()),
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

/// A string cast to `ty` by the rules of a param (see [`cast_value`]); a
/// blank string is an error here (it names no value).
pub(crate) fn cast_string_param(ty: ValueType, s: &str) -> Result<Value, ()> {
    match cast_string(ty, s)? {
        v if v.is_null() => Err(()),
        v => Ok(v),
    }
}

fn cast_string(ty: ValueType, s: &str) -> Result<Value, ()> {
    // Ecto's default empty values: the empty string and whitespace only.
    if s.trim().is_empty() {
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
        ValueType::Bytes => Ok(Value::Bytes(s.as_bytes().to_vec())),
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
        assert_eq!(
            cast_value(ValueType::I64, &json!(13), false),
            Ok(Value::I64(13))
        );
        assert_eq!(
            cast_value(ValueType::I64, &json!("13"), false),
            Ok(Value::I64(13))
        );
        // Parsed as given, as Ecto does: surrounding spaces are invalid...
        assert_eq!(cast_value(ValueType::I64, &json!(" 13 "), false), Err(()));
        // ...unless the field trims.
        assert_eq!(
            cast_value(ValueType::I64, &json!(" 13 "), true),
            Ok(Value::I64(13))
        );
        assert_eq!(cast_value(ValueType::I64, &json!("13.5"), false), Err(()));
        assert_eq!(cast_value(ValueType::I64, &json!("1a"), false), Err(()));
        assert_eq!(cast_value(ValueType::I64, &json!(13.5), false), Err(()));
        assert_eq!(cast_value(ValueType::I16, &json!(70000), false), Err(()));
    }

    #[test]
    fn float_and_bool_rules() {
        assert_eq!(
            cast_value(ValueType::F64, &json!(2), false),
            Ok(Value::F64(2.0))
        );
        assert_eq!(
            cast_value(ValueType::F64, &json!("2.5"), false),
            Ok(Value::F64(2.5))
        );
        assert_eq!(cast_value(ValueType::F64, &json!("NaN"), false), Err(()));
        assert_eq!(
            cast_value(ValueType::Bool, &json!("1"), false),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            cast_value(ValueType::Bool, &json!("false"), false),
            Ok(Value::Bool(false))
        );
        assert_eq!(cast_value(ValueType::Bool, &json!("yes"), false), Err(()));
    }

    #[test]
    fn strings_are_kept_and_blank_is_null() {
        assert_eq!(
            cast_value(ValueType::String, &json!("  a "), false),
            Ok(Value::String("  a ".into()))
        );
        assert_eq!(
            cast_value(ValueType::String, &json!(" pa ss\t"), false),
            Ok(Value::String(" pa ss\t".into()))
        );
        assert_eq!(
            cast_value(ValueType::String, &json!("  a "), true),
            Ok(Value::String("a".into()))
        );
        assert_eq!(
            cast_value(ValueType::String, &json!(" \n\t "), false),
            Ok(Value::Null(ValueType::String))
        );
        assert_eq!(cast_value(ValueType::Bool, &json!(" true"), false), Err(()));
        assert_eq!(
            cast_value(ValueType::Date, &json!("2023-02-03 "), false),
            Err(())
        );
        assert_eq!(
            cast_value(ValueType::String, &json!("   "), false),
            Ok(Value::Null(ValueType::String))
        );
        assert_eq!(
            cast_value(ValueType::Bytes, &json!(" a "), false),
            Ok(Value::Bytes(b" a ".to_vec()))
        );
        assert_eq!(cast_value(ValueType::String, &json!(1), false), Err(()));
    }

    #[test]
    fn datetimes() {
        let d = cast_value(
            ValueType::DateTime,
            &json!("2023-04-17T01:47:01.123Z"),
            false,
        )
        .unwrap();
        assert_eq!(d.to_string(), "~N[2023-04-17 01:47:01]");
        let u = cast_value(
            ValueType::DateTimeUtc,
            &json!("2023-04-17 03:47:01+02:00"),
            false,
        )
        .unwrap();
        assert_eq!(u.to_string(), "~U[2023-04-17 01:47:01Z]");
        assert_eq!(
            cast_value(ValueType::Date, &json!("2023-02-30"), false),
            Err(())
        );
    }
}
