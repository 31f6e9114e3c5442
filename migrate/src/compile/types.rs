//! Migration types to each database's column types.

use crate::command::Column;
use crate::types::Type;
use quarry_query::Dialect;
use sea_query::{ColumnType, StringLen};

fn custom(s: &str) -> ColumnType {
    ColumnType::custom(s.to_string())
}

/// The column type of `column` on `dialect`.
pub(crate) fn column_type(column: &Column, dialect: Dialect) -> ColumnType {
    type_of(&column.ty, column, dialect)
}

fn type_of(ty: &Type, column: &Column, dialect: Dialect) -> ColumnType {
    if dialect == Dialect::Sqlite {
        return custom(sqlite_type(ty));
    }
    let pg = dialect == Dialect::Postgres;
    match ty {
        Type::References(r) => type_of(&r.ty, column, dialect),
        Type::Id | Type::BigInt => ColumnType::BigInteger,
        Type::Integer => ColumnType::Integer,
        Type::SmallInt => ColumnType::SmallInteger,
        Type::String => ColumnType::String(StringLen::N(column.size.unwrap_or(255))),
        Type::Text => ColumnType::Text,
        Type::Float => ColumnType::Double,
        Type::Decimal => match (column.precision, column.scale) {
            (Some(p), s) => ColumnType::Decimal(Some((p, s.unwrap_or(0)))),
            _ => ColumnType::Decimal(None),
        },
        Type::Boolean => ColumnType::Boolean,
        Type::Binary if pg => custom("bytea"),
        Type::Binary => custom("longblob"),
        Type::Date => ColumnType::Date,
        Type::Time if pg => custom("time(0)"),
        Type::Time => custom("time"),
        Type::NaiveDateTime if pg => custom("timestamp(0)"),
        Type::NaiveDateTime => custom("datetime"),
        Type::NaiveDateTimeUsec if pg => custom("timestamp"),
        Type::NaiveDateTimeUsec => custom("datetime(6)"),
        Type::UtcDateTime if pg => custom("timestamptz(0)"),
        Type::UtcDateTime => custom("datetime"),
        Type::UtcDateTimeUsec if pg => custom("timestamptz"),
        Type::UtcDateTimeUsec => custom("datetime(6)"),
        Type::Map if pg => custom("jsonb"),
        Type::Map => custom("json"),
        Type::Custom(s) => custom(s),
    }
}

/// SQLite's declared types, as the adapter decodes them.
fn sqlite_type(ty: &Type) -> &str {
    match ty {
        Type::References(r) => sqlite_type(&r.ty),
        Type::Id | Type::BigInt | Type::Integer | Type::SmallInt => "INTEGER",
        Type::String
        | Type::Text
        | Type::Date
        | Type::Time
        | Type::NaiveDateTime
        | Type::NaiveDateTimeUsec
        | Type::UtcDateTime
        | Type::UtcDateTimeUsec
        | Type::Map => "TEXT",
        Type::Float => "REAL",
        Type::Decimal => "DECIMAL",
        Type::Boolean => "BOOLEAN",
        Type::Binary => "BLOB",
        Type::Custom(s) => s,
    }
}

/// The identity (auto-increment) type for an integer key.
pub(crate) fn identity_type(ty: &Type, dialect: Dialect) -> ColumnType {
    match (dialect, ty) {
        (Dialect::Sqlite, _) => custom("INTEGER"),
        (_, Type::Integer) => ColumnType::Integer,
        (_, Type::SmallInt) => ColumnType::SmallInteger,
        _ => ColumnType::BigInteger,
    }
}
