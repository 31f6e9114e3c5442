//! SQLite rows seen through quarry's [`Row`] trait: straight over rusqlite's
//! current row (the statement is stepped one row at a time), or over the owned
//! cells the blocking mode sends back from its thread.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use quarry_core::{Error, Row, Value, ValueType};
use rusqlite::types::ValueRef;

/// The row rusqlite is on: each cell is decoded where SQLite holds it.
pub(crate) struct SqliteRow<'a, 'stmt>(pub(crate) &'a rusqlite::Row<'stmt>);

impl Row for SqliteRow<'_, '_> {
    fn len(&self) -> usize {
        self.0.as_ref().column_count()
    }
    fn column_name(&self, index: usize) -> &str {
        self.0.as_ref().column_name(index).unwrap_or("")
    }
    fn value(&self, index: usize, ty: ValueType) -> Result<Value, Error> {
        match self.0.get_ref(index) {
            Ok(cell) => decode_cell(self, index, cell, ty),
            Err(_) => Err(no_column(index, ty)),
        }
    }
    #[inline]
    fn i64_at(&self, index: usize) -> Result<Option<i64>, Error> {
        match self.0.get_ref(index) {
            Ok(ValueRef::Integer(i)) => Ok(Some(i)),
            Ok(ValueRef::Null) => Ok(None),
            _ => quarry_core::row::i64_via_value(self, index),
        }
    }
    #[inline]
    fn string_at(&self, index: usize) -> Result<Option<String>, Error> {
        match self.0.get_ref(index) {
            Ok(ValueRef::Text(t)) => match std::str::from_utf8(t) {
                Ok(s) => Ok(Some(s.to_owned())),
                Err(_) => quarry_core::row::string_via_value(self, index),
            },
            Ok(ValueRef::Null) => Ok(None),
            _ => quarry_core::row::string_via_value(self, index),
        }
    }
}

/// [`decode`], with the common cases written straight into the caller's
/// result (this runs once per cell). What it does not handle here, it
/// hands to [`decode`].
#[inline(always)]
fn decode_cell(
    row: &dyn Row,
    index: usize,
    v: ValueRef<'_>,
    ty: ValueType,
) -> Result<Value, Error> {
    match (ty, v) {
        (_, ValueRef::Null) => Ok(Value::Null(ty)),
        (ValueType::I64, ValueRef::Integer(i)) => Ok(Value::I64(i)),
        (ValueType::Bool, ValueRef::Integer(i)) => Ok(Value::Bool(i != 0)),
        (ValueType::F64, ValueRef::Real(f)) => Ok(Value::F64(f)),
        (ValueType::String, ValueRef::Text(t)) => match std::str::from_utf8(t) {
            Ok(s) => Ok(Value::String(s.to_owned())),
            Err(_) => decode_slow(row, index, v, ty),
        },
        _ => decode_slow(row, index, v, ty),
    }
}

#[inline(never)]
fn decode_slow(
    row: &dyn Row,
    index: usize,
    v: ValueRef<'_>,
    ty: ValueType,
) -> Result<Value, Error> {
    decode(v, ty).map_err(|found| mismatch(row, index, ty, found))
}

#[cold]
#[inline(never)]
fn mismatch(row: &dyn Row, index: usize, ty: ValueType, found: String) -> Error {
    quarry_core::row::decode_error(row, index, ty, found)
}

#[cold]
#[inline(never)]
fn no_column(index: usize, ty: ValueType) -> Error {
    Error::Decode {
        table: "",
        column: format!("#{index}"),
        expected: ty,
        found: "no such column".to_string(),
    }
}

/// One cell read off a row, owned (what the blocking mode carries across threads).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(Vec<u8>),
    Blob(Vec<u8>),
}

impl Cell {
    pub(crate) fn read(v: ValueRef<'_>) -> Cell {
        match v {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(i) => Cell::Integer(i),
            ValueRef::Real(f) => Cell::Real(f),
            ValueRef::Text(t) => Cell::Text(t.to_vec()),
            ValueRef::Blob(b) => Cell::Blob(b.to_vec()),
        }
    }

    fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Cell::Null => ValueRef::Null,
            Cell::Integer(i) => ValueRef::Integer(*i),
            Cell::Real(f) => ValueRef::Real(*f),
            Cell::Text(t) => ValueRef::Text(t),
            Cell::Blob(b) => ValueRef::Blob(b),
        }
    }
}

/// A row of owned cells, decoded exactly as [`SqliteRow`] decodes.
pub(crate) struct OwnedRow<'a> {
    pub(crate) names: &'a [String],
    pub(crate) cells: &'a [Cell],
}

impl Row for OwnedRow<'_> {
    fn len(&self) -> usize {
        self.cells.len()
    }
    fn column_name(&self, index: usize) -> &str {
        self.names.get(index).map(String::as_str).unwrap_or("")
    }
    fn value(&self, index: usize, ty: ValueType) -> Result<Value, Error> {
        match self.cells.get(index) {
            Some(cell) => match decode(cell.as_ref(), ty) {
                Ok(v) => Ok(v),
                Err(found) => Err(mismatch(self, index, ty, found)),
            },
            None => Err(no_column(index, ty)),
        }
    }
}

fn kind(v: ValueRef<'_>) -> &'static str {
    match v {
        ValueRef::Null => "NULL",
        ValueRef::Integer(_) => "an INTEGER value",
        ValueRef::Real(_) => "a REAL value",
        ValueRef::Text(_) => "a TEXT value",
        ValueRef::Blob(_) => "a BLOB value",
    }
}

#[inline]
fn text(t: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(t).map_err(not_utf8)
}

#[cold]
fn not_utf8(e: std::str::Utf8Error) -> String {
    format!("TEXT that is not UTF-8 ({e})")
}

#[inline]
fn narrow<T: TryFrom<i64>>(i: i64) -> Result<T, String> {
    T::try_from(i).map_err(|_| out_of_range(i))
}

#[cold]
fn out_of_range(i: i64) -> String {
    format!("the INTEGER {i}, out of range")
}

/// Decodes one SQLite value as `ty`. The storage class decides, as in sqlx:
/// integers (and booleans) from INTEGER, floats from REAL (or INTEGER, as
/// NUMERIC columns store whole numbers), strings and JSON from TEXT, bytes
/// from BLOB or TEXT, dates from TEXT, date-times from TEXT (RFC 3339 or
/// SQLite's `YYYY-MM-DD HH:MM[:SS[.fff]]`, optionally with `Z` or an offset),
/// INTEGER (Unix seconds) or REAL (a Julian day). The error is what was found.
pub(crate) fn decode(v: ValueRef<'_>, ty: ValueType) -> Result<Value, String> {
    Ok(match (ty, v) {
        (_, ValueRef::Null) => Value::Null(ty),
        (ValueType::Bool, ValueRef::Integer(i)) => Value::Bool(i != 0),
        (ValueType::I16, ValueRef::Integer(i)) => Value::I16(narrow(i)?),
        (ValueType::I32, ValueRef::Integer(i)) => Value::I32(narrow(i)?),
        (ValueType::I64, ValueRef::Integer(i)) => Value::I64(i),
        (ValueType::F32, ValueRef::Real(f)) => Value::F32(narrow_f32(f)?),
        (ValueType::F32, ValueRef::Integer(i)) => Value::F32(i as f32),
        (ValueType::F64, ValueRef::Real(f)) => Value::F64(f),
        (ValueType::F64, ValueRef::Integer(i)) => Value::F64(i as f64),
        (ValueType::String, ValueRef::Text(t)) => Value::String(text(t)?.to_owned()),
        (ValueType::Bytes, ValueRef::Blob(b) | ValueRef::Text(b)) => Value::Bytes(b.to_vec()),
        (ValueType::Json, ValueRef::Text(t)) => Value::Json(
            serde_json::from_slice(t).map_err(|e| format!("TEXT that is not JSON ({e})"))?,
        ),
        (ValueType::Date, ValueRef::Text(t)) => {
            let s = text(t)?;
            Value::Date(
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| format!("`{s}`, not a date (YYYY-MM-DD)"))?,
            )
        }
        // UUIDs, decimals and times are TEXT (UUIDs may be 16-byte BLOBs,
        // decimals INTEGER or REAL in a column of numeric affinity): read by
        // the field type's own rules.
        (ValueType::Uuid | ValueType::Decimal | ValueType::Time, ValueRef::Text(t)) => {
            coerce(Value::String(text(t)?.to_owned()), ty)?
        }
        (ValueType::Uuid, ValueRef::Blob(b)) => coerce(Value::Bytes(b.to_vec()), ty)?,
        // Arrays are JSON text.
        (ValueType::Array(_), ValueRef::Text(t)) => coerce(Value::String(text(t)?.to_owned()), ty)?,
        (ValueType::Decimal, ValueRef::Integer(i)) => coerce(Value::I64(i), ty)?,
        (ValueType::Decimal, ValueRef::Real(f)) => coerce(Value::F64(f), ty)?,
        (ValueType::DateTime, v) => Value::DateTime(date_time(v)?.naive_local()),
        (ValueType::DateTimeUtc, v) => Value::DateTimeUtc(date_time(v)?.with_timezone(&Utc)),
        (ty, v) => return Err(format!("{} where {ty} was expected", kind(v))),
    })
}

fn coerce(v: Value, ty: ValueType) -> Result<Value, String> {
    v.coerce(ty).map_err(|e| e.found)
}

/// The layouts SQLite's date functions read, without a zone (UTC is meant).
const NAIVE_LAYOUTS: [&str; 4] = [
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
];

/// The same layouts with an offset (`+02:00`).
const ZONED_LAYOUTS: [&str; 4] = [
    "%Y-%m-%d %H:%M:%S%.f%:z",
    "%Y-%m-%dT%H:%M:%S%.f%:z",
    "%Y-%m-%d %H:%M%:z",
    "%Y-%m-%dT%H:%M%:z",
];

fn date_time(v: ValueRef<'_>) -> Result<DateTime<FixedOffset>, String> {
    let utc = FixedOffset::east_opt(0).ok_or("no UTC offset")?;
    match v {
        ValueRef::Text(t) => {
            let s = text(t)?;
            if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
                return Ok(dt);
            }
            let bare = s.strip_suffix('Z').unwrap_or(s);
            for layout in NAIVE_LAYOUTS {
                if let Ok(dt) = NaiveDateTime::parse_from_str(bare, layout) {
                    return Ok(utc.from_utc_datetime(&dt));
                }
            }
            for layout in ZONED_LAYOUTS {
                if let Ok(dt) = DateTime::parse_from_str(s, layout) {
                    return Ok(dt);
                }
            }
            Err(format!("`{s}`, not a date-time"))
        }
        ValueRef::Integer(secs) => utc
            .timestamp_opt(secs, 0)
            .single()
            .ok_or_else(|| format!("the INTEGER {secs}, out of range for a Unix time")),
        ValueRef::Real(julian) => {
            // Julian day 2440587.5 is the Unix epoch.
            let secs = (julian - 2_440_587.5) * 86_400.0;
            let whole = secs.floor();
            let nanos = ((secs - whole) * 1e9).round();
            if !whole.is_finite() || whole.abs() > 1e15 {
                return Err(format!("the REAL {julian}, out of range for a Julian day"));
            }
            // |whole| <= 1e15 and 0 <= nanos <= 1e9 (checked above): both
            // conversions are exact.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let (whole, nanos) = (whole as i64, (nanos as u32).min(999_999_999));
            utc.timestamp_opt(whole, nanos)
                .single()
                .ok_or_else(|| format!("the REAL {julian}, out of range for a Julian day"))
        }
        other => Err(format!("{} where a date-time was expected", kind(other))),
    }
}

/// `f` as the nearest `f32`; a value beyond `f32`'s range (which would become
/// infinite) is an error naming it.
fn narrow_f32(f: f64) -> Result<f32, String> {
    // Rounding to the nearest f32 is what narrowing means; overflow is refused.
    #[allow(clippy::cast_possible_truncation)]
    let narrowed = f as f32;
    if narrowed.is_finite() || !f.is_finite() {
        Ok(narrowed)
    } else {
        Err(format!("the REAL {f}, out of range for a 32-bit float"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    #[test]
    fn decodes_by_storage_class() {
        assert_eq!(
            decode(ValueRef::Integer(1), ValueType::Bool),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            decode(ValueRef::Integer(7), ValueType::F64),
            Ok(Value::F64(7.0))
        );
        assert!(decode(ValueRef::Integer(70_000), ValueType::I16)
            .unwrap_err()
            .contains("out of range"));
        assert!(decode(ValueRef::Text(b"7"), ValueType::I64)
            .unwrap_err()
            .contains("TEXT"));
        assert_eq!(
            decode(ValueRef::Null, ValueType::String),
            Ok(Value::Null(ValueType::String))
        );
        assert!(decode(ValueRef::Text(b"\xff"), ValueType::String).is_err());
    }

    #[test]
    fn the_fast_path_decodes_as_decode_does() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let cells: [&str; 8] = [
            "NULL",
            "7",
            "70000",
            "1.5",
            "'text'",
            "CAST(x'ff' AS TEXT)",
            "x'0102'",
            "'2024-05-06'",
        ];
        let types = [
            ValueType::Bool,
            ValueType::I16,
            ValueType::I32,
            ValueType::I64,
            ValueType::F32,
            ValueType::F64,
            ValueType::String,
            ValueType::Bytes,
            ValueType::Json,
            ValueType::Date,
            ValueType::DateTime,
            ValueType::DateTimeUtc,
        ];
        for cell in cells {
            let mut st = conn.prepare(&format!("SELECT {cell}")).unwrap();
            let mut rows = st.raw_query();
            let row = rows.next().unwrap().unwrap();
            for ty in types {
                let fast = SqliteRow(row).value(0, ty);
                let reference = decode(row.get_ref(0).unwrap(), ty);
                match (fast, reference) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{cell} as {ty}"),
                    (Err(Error::Decode { found, .. }), Err(b)) => {
                        assert_eq!(found, b, "{cell} as {ty}")
                    }
                    (a, b) => panic!("{cell} as {ty}: {a:?} vs {b:?}"),
                }
            }
        }
    }

    #[test]
    fn reads_date_times_as_sqlite_writes_them() {
        let want = NaiveDate::from_ymd_opt(2024, 5, 6)
            .unwrap()
            .and_hms_milli_opt(7, 8, 9, 120)
            .unwrap();
        for s in [
            "2024-05-06 07:08:09.12",
            "2024-05-06T07:08:09.120Z",
            "2024-05-06T09:08:09.12+02:00",
            "2024-05-06 09:08:09.120+02:00",
        ] {
            let got = decode(ValueRef::Text(s.as_bytes()), ValueType::DateTimeUtc);
            assert_eq!(
                got,
                Ok(Value::DateTimeUtc(Utc.from_utc_datetime(&want))),
                "{s}"
            );
        }
        // A naive date-time keeps the wall-clock time it was written with.
        let got = decode(
            ValueRef::Text(b"2024-05-06T09:08:09.12+02:00"),
            ValueType::DateTime,
        );
        assert_eq!(got, Ok(Value::DateTime(want.with_hour(9).unwrap())));
        assert_eq!(
            decode(ValueRef::Integer(0), ValueType::DateTimeUtc),
            Ok(Value::DateTimeUtc(Utc.timestamp_opt(0, 0).unwrap()))
        );
        assert_eq!(
            decode(ValueRef::Real(2_440_588.0), ValueType::DateTimeUtc),
            Ok(Value::DateTimeUtc(Utc.timestamp_opt(43_200, 0).unwrap()))
        );
        assert!(decode(ValueRef::Text(b"not a date"), ValueType::DateTime).is_err());
    }
}
