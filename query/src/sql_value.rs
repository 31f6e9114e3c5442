//! Conversion of quarry values to sea-query values (typed NULLs included).

use quarry_core::{Value, ValueType};
use sea_query::{ArrayType, Value as Sv};

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
        Value::Array(element, items) => Sv::Array(
            array_type(element),
            Some(Box::new(items.into_iter().map(to_sea).collect())),
        ),
    }
}

/// sea-query's array type for arrays of `element`.
fn array_type(element: ValueType) -> ArrayType {
    match element {
        ValueType::Bool => ArrayType::Bool,
        ValueType::I16 => ArrayType::SmallInt,
        ValueType::I32 => ArrayType::Int,
        ValueType::I64 => ArrayType::BigInt,
        ValueType::F32 => ArrayType::Float,
        ValueType::F64 => ArrayType::Double,
        ValueType::String | ValueType::Array(_) => ArrayType::String,
        ValueType::Bytes => ArrayType::Bytes,
        ValueType::Json => ArrayType::Json,
        ValueType::Date => ArrayType::ChronoDate,
        ValueType::DateTime => ArrayType::ChronoDateTime,
        ValueType::DateTimeUtc => ArrayType::ChronoDateTimeUtc,
        ValueType::Uuid => ArrayType::Uuid,
        ValueType::Decimal => ArrayType::Decimal,
        ValueType::Time => ArrayType::ChronoTime,
    }
}

/// The quarry value of a bound scalar sea-query value (`None` for the kinds
/// quarry does not bind, and for arrays).
fn from_sea_scalar(v: &Sv) -> Option<Value> {
    Some(match v {
        Sv::Bool(Some(b)) => Value::Bool(*b),
        Sv::SmallInt(Some(i)) => Value::I16(*i),
        Sv::Int(Some(i)) => Value::I32(*i),
        Sv::BigInt(Some(i)) => Value::I64(*i),
        Sv::Float(Some(f)) => Value::F32(*f),
        Sv::Double(Some(f)) => Value::F64(*f),
        Sv::String(Some(s)) => Value::String(s.clone()),
        Sv::ChronoDate(Some(d)) => Value::Date(*d),
        Sv::ChronoTime(Some(t)) => Value::Time(*t),
        Sv::ChronoDateTime(Some(d)) => Value::DateTime(*d),
        Sv::ChronoDateTimeUtc(Some(d)) => Value::DateTimeUtc(*d),
        Sv::Uuid(Some(u)) => Value::Uuid(*u),
        Sv::Decimal(Some(d)) => Value::Decimal(*d),
        _ if is_null(v) => Value::Null(ValueType::String),
        _ => return None,
    })
}

fn is_null(v: &Sv) -> bool {
    matches!(
        v,
        Sv::Bool(None)
            | Sv::SmallInt(None)
            | Sv::Int(None)
            | Sv::BigInt(None)
            | Sv::Float(None)
            | Sv::Double(None)
            | Sv::String(None)
            | Sv::ChronoDate(None)
            | Sv::ChronoTime(None)
            | Sv::ChronoDateTime(None)
            | Sv::ChronoDateTimeUtc(None)
            | Sv::Uuid(None)
            | Sv::Decimal(None)
    )
}

/// The JSON text a bound array is stored and compared as on a database
/// without arrays (MySQL/MariaDB, SQLite; see
/// [`Value::array_json`]); `Ok(None)` for a NULL array. What their adapters
/// bind for a `Vec<T>` field's value and for an array condition's operand.
pub fn array_json(value: &Sv) -> Result<Option<String>, String> {
    let Sv::Array(_, items) = value else {
        return Err(format!("{value:?} is not an array"));
    };
    let Some(items) = items else {
        return Ok(None);
    };
    let items = items
        .iter()
        .map(|item| from_sea_scalar(item).ok_or_else(|| format!("array item {item:?}")))
        .collect::<Result<Vec<_>, _>>()?;
    Value::Array(ValueType::String, items)
        .array_json()
        .map(Some)
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
        ValueType::Array(element) => Sv::Array(array_type(*element), None),
    }
}

/// The quarry value of a list argument's item (the types a `ListParam` takes:
/// booleans, integers, floats, strings, read as any bound scalar is; anything
/// else is a NULL string).
pub(crate) fn from_sea_item(v: &Sv) -> Value {
    from_sea_scalar(v).unwrap_or(Value::Null(ValueType::String))
}
