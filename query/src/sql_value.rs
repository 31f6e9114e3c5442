//! Conversion of quarry values to sea-query values (typed NULLs included).

use quarry_core::{Value, ValueType};
use sea_query::Value as Sv;

/// Converts a quarry value to the sea-query value bound for it.
pub fn to_sea(value: Value) -> Sv {
    match value {
        Value::Null(t) => null_of(t),
        Value::Bool(v) => Sv::Bool(Some(v)),
        Value::I16(v) => Sv::SmallInt(Some(v)),
        Value::I32(v) => Sv::Int(Some(v)),
        Value::I64(v) => Sv::BigInt(Some(v)),
        Value::F32(v) => Sv::Float(Some(v)),
        Value::F64(v) => Sv::Double(Some(v)),
        Value::String(v) => Sv::String(Some(v)),
        Value::Bytes(v) => Sv::Bytes(Some(v)),
        Value::Json(v) => Sv::Json(Some(Box::new(v))),
        Value::Date(v) => Sv::ChronoDate(Some(v)),
        Value::DateTime(v) => Sv::ChronoDateTime(Some(v)),
        Value::DateTimeUtc(v) => Sv::ChronoDateTimeUtc(Some(v)),
        Value::Uuid(v) => Sv::Uuid(Some(v)),
        Value::Decimal(v) => Sv::Decimal(Some(v)),
        Value::Time(v) => Sv::ChronoTime(Some(v)),
    }
}

/// A typed NULL.
pub fn null_of(t: ValueType) -> Sv {
    match t {
        ValueType::Bool => Sv::Bool(None),
        ValueType::I16 => Sv::SmallInt(None),
        ValueType::I32 => Sv::Int(None),
        ValueType::I64 => Sv::BigInt(None),
        ValueType::F32 => Sv::Float(None),
        ValueType::F64 => Sv::Double(None),
        ValueType::String => Sv::String(None),
        ValueType::Bytes => Sv::Bytes(None),
        ValueType::Json => Sv::Json(None),
        ValueType::Date => Sv::ChronoDate(None),
        ValueType::DateTime => Sv::ChronoDateTime(None),
        ValueType::DateTimeUtc => Sv::ChronoDateTimeUtc(None),
        ValueType::Uuid => Sv::Uuid(None),
        ValueType::Decimal => Sv::Decimal(None),
        ValueType::Time => Sv::ChronoTime(None),
    }
}

/// The quarry value of a list argument's item (the types a `ListParam` takes:
/// booleans, integers, floats, strings; anything else is a NULL string).
pub(crate) fn from_sea_item(v: &Sv) -> Value {
    match v {
        Sv::Bool(Some(b)) => Value::Bool(*b),
        Sv::SmallInt(Some(i)) => Value::I16(*i),
        Sv::Int(Some(i)) => Value::I32(*i),
        Sv::BigInt(Some(i)) => Value::I64(*i),
        Sv::Float(Some(f)) => Value::F32(*f),
        Sv::Double(Some(f)) => Value::F64(*f),
        Sv::String(Some(s)) => Value::String(s.clone()),
        _ => Value::Null(ValueType::String),
    }
}
