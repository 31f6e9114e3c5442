//! [`Wire`]: what the shared driver needs of a sqlx database, implemented once for
//! every database sqlx can run quarry's statements on (the bounds live on the
//! blanket impl, so generic code names only `DB: Wire`).

use crate::cell::Cell;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use quarry_core::rust_decimal::Decimal;
use quarry_core::uuid::Uuid;
use quarry_core::{Value, ValueType};
use sea_query::Value as Sv;
use sqlx::database::HasStatementCache;
use sqlx::error::BoxDynError;
use sqlx::{
    Arguments, ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type, ValueRef,
};
use std::sync::Arc;

/// A statement for database `DB`.
pub type Query<DB> = sqlx::query::Query<'static, DB, <DB as Database>::Arguments>;
/// The result of a statement that returns no rows.
pub type Done<DB> = Result<<DB as Database>::QueryResult, sqlx::Error>;
/// One row of a statement's result.
pub type Rows<DB> = Result<<DB as Database>::Row, sqlx::Error>;

/// A sqlx database quarry's shared driver runs on: statements executed on a
/// connection, the common values bound, the common cells decoded.
pub trait Wire: Database {
    /// A statement: its SQL (shared, not copied), arguments, and whether it is
    /// kept prepared (a named, cached server-side statement).
    fn query(sql: Arc<str>, args: Self::Arguments, persistent: bool) -> Query<Self>;

    /// Runs a statement that returns no rows.
    fn execute(conn: &mut Self::Connection, q: Query<Self>) -> BoxFuture<'_, Done<Self>>;

    /// Runs SQL without bound values over the simple query protocol: one
    /// message, one round trip, nothing prepared.
    fn execute_simple(conn: &mut Self::Connection, sql: Arc<str>) -> BoxFuture<'_, Done<Self>>;

    /// Runs a statement and streams its rows.
    fn fetch(conn: &mut Self::Connection, q: Query<Self>) -> BoxStream<'_, Rows<Self>>;

    /// Binds `value` by reference; `None` when it is not one of the values every
    /// database takes (the backend binds those).
    fn bind(args: &mut Self::Arguments, value: &Sv) -> Option<Result<(), BoxDynError>>;

    /// Cell `index` of `row`.
    fn raw(row: &Self::Row, index: usize) -> Result<Self::ValueRef<'_>, sqlx::Error>;

    /// Decodes cell `index` of `row` of kind `cell` (`Value::Null(ty)` for
    /// NULL); `Ok(None)` for the kinds the backend decodes ([`Cell::U64`],
    /// [`Cell::Array`]) and
    /// [`Cell::Unsupported`]. `ty` is the field's type (MySQL's TINYINT reads as
    /// a boolean for one).
    fn decode(
        row: &Self::Row,
        index: usize,
        cell: Cell,
        ty: ValueType,
    ) -> Result<Option<Value>, BoxDynError>;

    /// Cell `index` of `row` straight into an `i64` when its kind is
    /// [`Cell::I64`] (`Some(None)` for NULL); `None` for any other kind,
    /// which then goes through [`Wire::decode`].
    fn decode_i64(
        row: &Self::Row,
        index: usize,
        cell: Cell,
    ) -> Result<Option<Option<i64>>, BoxDynError>;

    /// Cell `index` of `row` straight into a `String` when its kind is
    /// [`Cell::Text`] (see [`Wire::decode_i64`]).
    fn decode_text(
        row: &Self::Row,
        index: usize,
        cell: Cell,
    ) -> Result<Option<Option<String>>, BoxDynError>;
}

impl<DB> Wire for DB
where
    DB: Database + HasStatementCache,
    usize: ColumnIndex<DB::Row>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    for<'q> Option<bool>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i16>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i32>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<f32>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<f64>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q [u8]>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q serde_json::Value>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<NaiveDate>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<NaiveTime>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<NaiveDateTime>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<DateTime<Utc>>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<Uuid>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<Decimal>: Encode<'q, DB> + Type<DB>,
    for<'r> bool: Decode<'r, DB>,
    for<'r> i16: Decode<'r, DB>,
    for<'r> i32: Decode<'r, DB>,
    for<'r> i64: Decode<'r, DB>,
    for<'r> f32: Decode<'r, DB>,
    for<'r> f64: Decode<'r, DB>,
    for<'r> String: Decode<'r, DB>,
    for<'r> &'r [u8]: Decode<'r, DB>,
    for<'r> serde_json::Value: Decode<'r, DB>,
    for<'r> NaiveDate: Decode<'r, DB>,
    for<'r> NaiveDateTime: Decode<'r, DB>,
    for<'r> DateTime<Utc>: Decode<'r, DB>,
    for<'r> NaiveTime: Decode<'r, DB>,
    for<'r> Uuid: Decode<'r, DB>,
    for<'r> Decimal: Decode<'r, DB>,
{
    fn query(sql: Arc<str>, args: Self::Arguments, persistent: bool) -> Query<Self> {
        sqlx::query_with::<DB, _>(sqlx::AssertSqlSafe(sql), args).persistent(persistent)
    }

    fn execute(conn: &mut Self::Connection, q: Query<Self>) -> BoxFuture<'_, Done<Self>> {
        conn.execute(q)
    }

    fn execute_simple(conn: &mut Self::Connection, sql: Arc<str>) -> BoxFuture<'_, Done<Self>> {
        conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(sql)))
    }

    fn fetch(conn: &mut Self::Connection, q: Query<Self>) -> BoxStream<'_, Rows<Self>> {
        conn.fetch(q)
    }

    fn bind(args: &mut Self::Arguments, value: &Sv) -> Option<Result<(), BoxDynError>> {
        Some(match value {
            Sv::Bool(v) => args.add(*v),
            Sv::TinyInt(v) => args.add(v.map(i16::from)),
            Sv::SmallInt(v) => args.add(*v),
            Sv::Int(v) => args.add(*v),
            Sv::BigInt(v) => args.add(*v),
            Sv::TinyUnsigned(v) => args.add(v.map(i16::from)),
            Sv::SmallUnsigned(v) => args.add(v.map(i32::from)),
            Sv::Unsigned(v) => args.add(v.map(i64::from)),
            Sv::BigUnsigned(v) => match v.map(i64::try_from).transpose() {
                Ok(v) => args.add(v),
                Err(e) => Err(e.into()),
            },
            Sv::Float(v) => args.add(*v),
            Sv::Double(v) => args.add(*v),
            Sv::String(v) => args.add(v.as_deref()),
            Sv::Char(v) => {
                let mut buf = [0u8; 4];
                args.add(v.map(|c| &*c.encode_utf8(&mut buf)))
            }
            Sv::Enum(sea_query::OptionEnum::Some(e)) => args.add(Some(&*e.value)),
            Sv::Enum(sea_query::OptionEnum::None(_)) => args.add(Option::<&str>::None),
            Sv::Bytes(v) => args.add(v.as_deref()),
            Sv::Json(v) => args.add(v.as_deref()),
            Sv::ChronoDate(v) => args.add(*v),
            Sv::ChronoTime(v) => args.add(*v),
            Sv::ChronoDateTime(v) => args.add(*v),
            Sv::ChronoDateTimeUtc(v) => args.add(*v),
            Sv::ChronoDateTimeLocal(v) => args.add(v.map(|t| t.with_timezone(&Utc))),
            Sv::ChronoDateTimeWithTimeZone(v) => args.add(v.map(|t| t.with_timezone(&Utc))),
            // Postgres: uuid; MySQL: the 16 bytes (a BINARY(16) column).
            Sv::Uuid(v) => args.add(*v),
            Sv::Decimal(v) => args.add(*v),
            _ => return None,
        })
    }

    fn raw(row: &Self::Row, index: usize) -> Result<Self::ValueRef<'_>, sqlx::Error> {
        row.try_get_raw(index)
    }

    #[inline]
    fn decode_i64(
        row: &Self::Row,
        index: usize,
        cell: Cell,
    ) -> Result<Option<Option<i64>>, BoxDynError> {
        decode_as(row, index, cell == Cell::I64)
    }

    #[inline]
    fn decode_text(
        row: &Self::Row,
        index: usize,
        cell: Cell,
    ) -> Result<Option<Option<String>>, BoxDynError> {
        decode_as(row, index, cell == Cell::Text)
    }

    #[inline]
    fn decode(
        row: &Self::Row,
        index: usize,
        cell: Cell,
        ty: ValueType,
    ) -> Result<Option<Value>, BoxDynError> {
        let raw = row.try_get_raw(index)?;
        if raw.is_null() {
            return Ok(Some(Value::Null(ty)));
        }
        let as_bool = ty == ValueType::Bool;
        Ok(Some(match cell {
            Cell::Bool => Value::Bool(bool::decode(raw)?),
            Cell::TinyInt if as_bool => {
                let v = i16::decode(raw)?;
                Value::Bool(v != 0)
            }
            Cell::TinyInt => Value::I16(i16::decode(raw)?),
            Cell::I16 => Value::I16(i16::decode(raw)?),
            Cell::I32 => Value::I32(i32::decode(raw)?),
            Cell::I64 => Value::I64(i64::decode(raw)?),
            Cell::F32 => Value::F32(f32::decode(raw)?),
            Cell::F64 => Value::F64(f64::decode(raw)?),
            Cell::Text => Value::String(String::decode(raw)?),
            Cell::Bytes | Cell::Blob => {
                let b = <&[u8]>::decode(raw)?;
                Value::Bytes(b.to_vec())
            }
            Cell::Json => Value::Json(serde_json::Value::decode(raw)?),
            Cell::Date => Value::Date(NaiveDate::decode(raw)?),
            Cell::DateTime => Value::DateTime(NaiveDateTime::decode(raw)?),
            Cell::DateTimeUtc => Value::DateTimeUtc(DateTime::<Utc>::decode(raw)?),
            Cell::Time => Value::Time(NaiveTime::decode(raw)?),
            Cell::Uuid => Value::Uuid(Uuid::decode(raw)?),
            Cell::Decimal => Value::Decimal(Decimal::decode(raw)?),
            Cell::U64 | Cell::Array(_) | Cell::Unsupported => return Ok(None),
        }))
    }
}

/// Cell `index` of `row` decoded straight into `T` when it is of `T`'s kind
/// (`Some(None)` for NULL); `None` otherwise.
#[inline]
fn decode_as<'r, DB, T>(
    row: &'r DB::Row,
    index: usize,
    of_kind: bool,
) -> Result<Option<Option<T>>, BoxDynError>
where
    DB: Database,
    usize: ColumnIndex<DB::Row>,
    T: Decode<'r, DB>,
{
    if !of_kind {
        return Ok(None);
    }
    let raw = row.try_get_raw(index)?;
    if raw.is_null() {
        return Ok(Some(None));
    }
    Ok(Some(Some(T::decode(raw)?)))
}
