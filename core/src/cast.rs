//! Casting one outside value to a field's type, by the rules Ecto users expect
//! (what changesets cast params with, and `Value::cast_to`).

use crate::field_error::FieldError;
use crate::value::{Value, ValueType};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use rust_decimal::Decimal;
use serde_json::Value as Json;
use std::borrow::Cow;
use uuid::Uuid;

/// A param that could not be cast to a field's type: by default the error
/// `"is invalid"`; a [`FieldType`](crate::FieldType) may give its own message
/// and metadata (Ecto's `{:error, message: ...}` from a type's `cast`). The
/// changeset adds `type` and `validation: cast` to the metadata.
///
/// ```
/// use quarry_core::CastError;
/// let e = CastError::new("is not an email").with("kind", "email");
/// assert_eq!(e.message(), "is not an email");
/// assert_eq!(CastError::invalid().message(), "is invalid");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CastError {
    message: Option<String>,
    metadata: Vec<(String, Json)>,
}

impl CastError {
    /// The default error, `"is invalid"`.
    pub fn invalid() -> Self {
        CastError::default()
    }
    /// An error with its own message (a template, as [`FieldError`]'s).
    pub fn new(message: impl Into<String>) -> Self {
        CastError {
            message: Some(message.into()),
            metadata: Vec::new(),
        }
    }
    /// Adds a metadata entry.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Json>) -> Self {
        self.metadata.push((key.into(), value.into()));
        self
    }
    /// The message template.
    pub fn message(&self) -> &str {
        self.message.as_deref().unwrap_or("is invalid")
    }
    /// The changeset error: the message, `type` (named `type_name`),
    /// `validation: cast`, then the type's own metadata.
    pub(crate) fn into_field_error(self, type_name: &str) -> FieldError {
        let mut e = FieldError::new(self.message().to_string())
            .with("type", type_name)
            .with("validation", "cast");
        e.metadata.extend(self.metadata);
        e
    }
}

/// What a param is before a type casts it: `None` for NULL (JSON null, an
/// empty or whitespace-only string), else the param (trimmed first with `trim`).
pub(crate) fn present(input: &Json, trim: bool) -> Option<Cow<'_, Json>> {
    match input {
        Json::Null => None,
        Json::String(s) if s.trim().is_empty() => None,
        Json::String(s) if trim && s.trim().len() != s.len() => {
            Some(Cow::Owned(Json::String(s.trim().to_string())))
        }
        other => Some(Cow::Borrowed(other)),
    }
}

/// Casts `input` to type `ty`. `Err(())` means "is invalid".
///
/// Strings are cast exactly as given, as Ecto casts them: only an empty value
/// (the empty string, or whitespace only) is NULL. With `trim` (a field's
/// `#[quarry(trim)]`) leading and trailing whitespace is removed first.
/// Integers accept integers and fully parsable strings (`" 13"` is invalid);
/// floats accept floats, integers and parsable strings; booleans accept
/// `true`/`false`, `"true"`/`"false"`, `"1"`/`"0"`; dates and datetimes accept
/// ISO-8601 strings; times accept `HH:MM`, `HH:MM:SS` and `HH:MM:SS.ffffff`
/// (truncated to seconds, as Ecto's `:time`); UUIDs accept the 36-character
/// hyphenated form in either case; decimals accept integers, floats (by their
/// shortest decimal form, as Ecto's `Decimal.from_float`: `0.1` is 0.1) and
/// fully parsable strings (`"1.50"`, `"-2e3"`; not `"NaN"` or `"1_000"`).
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
            ValueType::Decimal => decimal_of_number(n).map(Value::Decimal),
            ValueType::Json => Ok(Value::Json(input.clone())),
            _ => Err(()),
        },
        Json::Array(items) if matches!(ty, ValueType::Array(_)) => {
            cast_list(ty.element().unwrap_or(ValueType::String), items, trim)
        }
        Json::Array(_) | Json::Object(_) => match ty {
            ValueType::Json => Ok(Value::Json(input.clone())),
            _ => Err(()),
        },
    }
}

/// A list param cast to an array of `element` by the rules of
/// `ArrayElement::cast_element` for the built-in element types (what
/// `Value::cast_to` and key casting use; fields cast through their type).
fn cast_list(element: ValueType, items: &[Json], trim: bool) -> Result<Value, ()> {
    items
        .iter()
        .map(|item| match item {
            Json::Null => Err(()),
            Json::String(s) if element == ValueType::String => Ok(Value::String(s.clone())),
            item => match cast_value(element, item, trim)? {
                v if v.is_null() => Err(()),
                v => Ok(v),
            },
        })
        .collect::<Result<_, _>>()
        .map(|items| Value::Array(element, items))
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
        ValueType::Uuid => parse_uuid(s).map(Value::Uuid),
        ValueType::Decimal => parse_decimal(s).map(Value::Decimal),
        ValueType::Time => parse_time(s).map(|t| Value::Time(t.with_nanosecond(0).unwrap_or(t))),
        // A list param is a JSON list, never a string.
        ValueType::Array(_) => Err(()),
    }
}

/// A UUID in the canonical 36-character hyphenated form (either case), the
/// only string form Ecto's UUID casts.
pub(crate) fn parse_uuid(s: &str) -> Result<Uuid, ()> {
    let hyphens = s.char_indices().filter(|(_, c)| *c == '-').map(|(i, _)| i);
    if s.len() != 36 || !hyphens.eq([8, 13, 18, 23]) {
        return Err(());
    }
    Uuid::try_parse(s).map_err(drop)
}

/// A decimal written out in full (`"-1.50"`) or with an exponent (`"2e3"`),
/// exactly: a string with more digits than a `Decimal` holds is an error, not
/// rounded. Infinities, NaN and digit separators are refused.
pub(crate) fn parse_decimal(s: &str) -> Result<Decimal, ()> {
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        return Err(());
    }
    if s.contains(['e', 'E']) {
        return Decimal::from_scientific(s).map_err(drop);
    }
    Decimal::from_str_exact(s).map_err(drop)
}

/// A float as the decimal its shortest round-trip form writes (Ecto's
/// `Decimal.from_float`: `0.1` is 0.1, not 0.1000000000000000055511...).
pub(crate) fn decimal_of_float(f: f64) -> Result<Decimal, ()> {
    if !f.is_finite() {
        return Err(());
    }
    parse_decimal(&f.to_string())
}

fn decimal_of_number(n: &serde_json::Number) -> Result<Decimal, ()> {
    if let Some(i) = n.as_i64() {
        return Ok(Decimal::from(i));
    }
    if let Some(u) = n.as_u64() {
        return Ok(Decimal::from(u));
    }
    n.as_f64().ok_or(()).and_then(decimal_of_float)
}

/// A time of day: `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fff` (a trailing `Z` is
/// allowed, as ISO 8601 writes UTC).
pub(crate) fn parse_time(s: &str) -> Result<NaiveTime, ()> {
    let bare = s.strip_suffix('Z').unwrap_or(s);
    ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .find_map(|fmt| NaiveTime::parse_from_str(bare, fmt).ok())
        .ok_or(())
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
pub(crate) fn parse_naive(s: &str) -> Result<NaiveDateTime, ()> {
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
pub(crate) fn parse_utc(s: &str) -> Result<DateTime<Utc>, ()> {
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
    fn uuid_decimal_and_time_rules() {
        let u = "67e55044-10b1-426f-9247-bb680e5fe0c8";
        assert_eq!(
            cast_value(ValueType::Uuid, &json!(u.to_uppercase()), false),
            Ok(Value::Uuid(Uuid::parse_str(u).unwrap()))
        );
        for bad in [
            "67e5504410b1426f9247bb680e5fe0c8",
            "{67e55044-10b1-426f-9247-bb680e5fe0c8}",
            "67e55044-10b1-426f-9247-bb680e5fe0cg",
            " 67e55044-10b1-426f-9247-bb680e5fe0c8",
        ] {
            assert_eq!(
                cast_value(ValueType::Uuid, &json!(bad), false),
                Err(()),
                "{bad}"
            );
        }
        assert_eq!(cast_value(ValueType::Uuid, &json!(1), false), Err(()));
        let d = |s: &str| Value::Decimal(s.parse().unwrap());
        assert_eq!(
            cast_value(ValueType::Decimal, &json!("0.1"), false),
            Ok(d("0.1"))
        );
        assert_eq!(
            cast_value(ValueType::Decimal, &json!(0.1), false),
            Ok(d("0.1"))
        );
        assert_eq!(
            cast_value(ValueType::Decimal, &json!(12), false),
            Ok(d("12"))
        );
        assert_eq!(
            cast_value(ValueType::Decimal, &json!("-2e3"), false),
            Ok(d("-2000"))
        );
        for bad in [
            "NaN",
            "inf",
            "1_000",
            "1.5x",
            " 1",
            "1e400",
            "1.2.3",
            "99999999999999999999999999999999",
        ] {
            assert_eq!(
                cast_value(ValueType::Decimal, &json!(bad), false),
                Err(()),
                "{bad}"
            );
        }
        let t = |h, m, s| Value::Time(NaiveTime::from_hms_opt(h, m, s).unwrap());
        assert_eq!(
            cast_value(ValueType::Time, &json!("23:50:07"), false),
            Ok(t(23, 50, 7))
        );
        assert_eq!(
            cast_value(ValueType::Time, &json!("23:50:07.123"), false),
            Ok(t(23, 50, 7))
        );
        assert_eq!(
            cast_value(ValueType::Time, &json!("23:50"), false),
            Ok(t(23, 50, 0))
        );
        assert_eq!(
            cast_value(ValueType::Time, &json!("24:00:00"), false),
            Err(())
        );
        assert_eq!(cast_value(ValueType::Time, &json!("noon"), false), Err(()));
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
