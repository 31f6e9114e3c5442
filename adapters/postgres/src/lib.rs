//! quarry-postgres: the PostgreSQL adapter. It holds only what is Postgres's own —
//! connect options and capabilities, the cell kind of each type OID, array
//! parameters, and which SQLSTATEs mean what — on the shared sqlx driver of
//! `quarry-sqlx`. Every Repo operation comes from `quarry-query`.
//!
//! Statements are prepared once per connection and kept (named server-side
//! prepared statements, sqlx's statement cache). Behind a transaction-mode pooler
//! such as PgBouncer, which cannot keep them, turn that off with
//! [`PoolOptions::named_prepared_statements`] or the URL parameter
//! `prepared_statements=false`.
//!
//! ```no_run
//! # async fn demo() -> quarry_core::Result<()> {
//! let repo = quarry_postgres::connect("postgres://postgres@127.0.0.1/test").await?;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

use quarry_core::rust_decimal::Decimal;
use quarry_core::uuid::Uuid;
use quarry_core::{ConnectionErrorKind, ErrorClass, Value, ValueType};
use quarry_query::driver::PoolOptions;
use quarry_query::{Backend, Capabilities, Dialect, ExecResult};
use quarry_sqlx::{Cell, SqlxBackend, Timed};
use sea_query::{ArrayType, Value as Sv};
use sqlx::error::{BoxDynError, DatabaseError};
use sqlx::postgres::{
    PgArguments, PgColumn, PgConnectOptions, PgDatabaseError, PgQueryResult, PgValueRef,
};
use sqlx::types::chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use sqlx::{Arguments as _, Column as _, TypeInfo as _};
use std::str::FromStr;
use std::time::Duration;

quarry_sqlx::adapter! {
    /// PostgreSQL as the shared sqlx driver sees it.
    backend Postgres;
    /// A pool of PostgreSQL connections; a [`Repo`](quarry_query::Repo).
    repo PostgresRepo;
    /// Connects to `postgres://user:password@host:port/database` (the libpq URL
    /// parameters sqlx understands, such as `sslmode` and `options`, plus
    /// `prepared_statements=false`).
    connect;
}

/// Binds an array parameter (`= ANY($1)`, a `Vec<T>` field, an array
/// condition) of the items' type; a NULL array or item stays NULL.
macro_rules! bind_array {
    ($args:ident, $ty:ident, $items:ident; $($at:ident => $sv:ident($x:ident) -> $t:ty: $get:expr),* $(,)?) => {
        match $ty {
            $(ArrayType::$at => {
                let items: Option<Vec<Option<$t>>> = $items
                    .map(|items| {
                        items.iter().map(|item| match item {
                            Sv::$sv($x) => Ok($get),
                            other => Err(format!("array item {other:?} is not {}", stringify!($at))),
                        }).collect::<Result<_, _>>()
                    })
                    .transpose()?;
                $args.add(items)
            })*
            other => Err(format!("PostgreSQL arrays of {other:?} are not bound by quarry").into()),
        }
    };
}

impl SqlxBackend for Postgres {
    type Db = sqlx::Postgres;

    const NAME: &'static str = "PostgreSQL";
    const VERSION_SQL: &'static str = "SHOW server_version";

    fn connect_options(url: &str, options: &PoolOptions) -> Result<PgConnectOptions, sqlx::Error> {
        let mut opts = PgConnectOptions::from_str(url)?;
        if let Some(cap) = options.statement_cache {
            opts = opts.statement_cache_capacity(cap);
        }
        if let Some(timeout) = options.statement_timeout {
            // The session's default from its first packet: no round trip.
            opts = opts.options([(
                "statement_timeout",
                quarry_sqlx::millis(timeout).to_string(),
            )]);
        }
        Ok(opts)
    }

    const TIMEOUT_PER_STATEMENT: bool = false;

    /// `SET statement_timeout` before, back to the session's default after
    /// (`SET LOCAL` in a transaction: a statement that times out aborts it, and
    /// its end restores the setting).
    fn timed(
        _sql: &str,
        timeout: Duration,
        _default: Option<Duration>,
        _: &Backend,
        in_tx: bool,
    ) -> Timed {
        let local = if in_tx { "LOCAL " } else { "" };
        Timed {
            before: Some(format!(
                "SET {local}statement_timeout = {}",
                quarry_sqlx::millis(timeout)
            )),
            sql: None,
            after: Some(format!("SET {local}statement_timeout TO DEFAULT")),
        }
    }

    fn backend(version: String) -> Backend {
        Backend {
            dialect: Dialect::Postgres,
            name: "PostgreSQL",
            capabilities: Capabilities::ALL,
            version,
            default_prefix: None,
        }
    }

    /// By OID for built-in types (an integer match), by name for extension types
    /// such as CITEXT.
    fn cell(column: &PgColumn) -> Cell {
        let info = column.type_info();
        match info.oid().map(|oid| oid.0) {
            Some(16) => Cell::Bool,
            Some(21) => Cell::I16,
            Some(23) => Cell::I32,
            Some(20) => Cell::I64,
            Some(700) => Cell::F32,
            Some(701) => Cell::F64,
            Some(25 | 1043 | 1042 | 19 | 18) => Cell::Text,
            Some(17) => Cell::Bytes,
            Some(114 | 3802) => Cell::Json,
            Some(1082) => Cell::Date,
            Some(1114) => Cell::DateTime,
            Some(1184) => Cell::DateTimeUtc,
            Some(1083) => Cell::Time,
            Some(2950) => Cell::Uuid,
            Some(1700) => Cell::Decimal,
            Some(1000) => Cell::Array(ValueType::Bool),
            Some(1005) => Cell::Array(ValueType::I16),
            Some(1007) => Cell::Array(ValueType::I32),
            Some(1016) => Cell::Array(ValueType::I64),
            Some(1021) => Cell::Array(ValueType::F32),
            Some(1022) => Cell::Array(ValueType::F64),
            Some(1009 | 1015 | 1014) => Cell::Array(ValueType::String),
            Some(1182) => Cell::Array(ValueType::Date),
            Some(1183) => Cell::Array(ValueType::Time),
            Some(1115) => Cell::Array(ValueType::DateTime),
            Some(1185) => Cell::Array(ValueType::DateTimeUtc),
            Some(2951) => Cell::Array(ValueType::Uuid),
            Some(1231) => Cell::Array(ValueType::Decimal),
            _ if info.name().eq_ignore_ascii_case("citext") => Cell::Text,
            _ => Cell::Unsupported,
        }
    }

    fn bind_other(args: &mut PgArguments, value: &Sv) -> Result<(), BoxDynError> {
        let Sv::Array(ty, items) = value else {
            return Err(format!("PostgreSQL cannot bind {value:?}").into());
        };
        let items = items.as_deref();
        bind_array!(args, ty, items;
            Bool => Bool(x) -> bool: *x,
            SmallInt => SmallInt(x) -> i16: *x,
            Int => Int(x) -> i32: *x,
            BigInt => BigInt(x) -> i64: *x,
            Float => Float(x) -> f32: *x,
            Double => Double(x) -> f64: *x,
            String => String(x) -> &str: x.as_deref(),
            ChronoDate => ChronoDate(x) -> NaiveDate: *x,
            ChronoTime => ChronoTime(x) -> NaiveTime: *x,
            ChronoDateTime => ChronoDateTime(x) -> NaiveDateTime: *x,
            ChronoDateTimeUtc => ChronoDateTimeUtc(x) -> DateTime<Utc>: *x,
            Uuid => Uuid(x) -> Uuid: *x,
            Decimal => Decimal(x) -> Decimal: *x,
        )
    }

    /// A one-dimensional array of the element type the column's OID names
    /// (an empty array of any dimension is empty).
    fn array(raw: PgValueRef<'_>, element: ValueType) -> Result<Value, BoxDynError> {
        fn items<T>(
            raw: PgValueRef<'_>,
            element: ValueType,
            f: fn(T) -> Value,
        ) -> Result<Value, BoxDynError>
        where
            T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
        {
            let items = <Vec<Option<T>> as sqlx::Decode<sqlx::Postgres>>::decode(raw)?;
            Ok(Value::Array(
                element,
                items
                    .into_iter()
                    .map(|item| item.map_or(Value::Null(element), f))
                    .collect(),
            ))
        }
        match element {
            ValueType::Bool => items(raw, element, Value::Bool),
            ValueType::I16 => items(raw, element, Value::I16),
            ValueType::I32 => items(raw, element, Value::I32),
            ValueType::I64 => items(raw, element, Value::I64),
            ValueType::F32 => items(raw, element, Value::F32),
            ValueType::F64 => items(raw, element, Value::F64),
            ValueType::String => items(raw, element, Value::String),
            ValueType::Date => items(raw, element, Value::Date),
            ValueType::Time => items(raw, element, Value::Time),
            ValueType::DateTime => items(raw, element, Value::DateTime),
            ValueType::DateTimeUtc => items(raw, element, Value::DateTimeUtc),
            ValueType::Uuid => items(raw, element, Value::Uuid),
            ValueType::Decimal => items(raw, element, Value::Decimal),
            other => Err(format!("PostgreSQL arrays of {other} are not read by quarry").into()),
        }
    }

    fn exec_result(done: &PgQueryResult) -> ExecResult {
        ExecResult {
            rows_affected: done.rows_affected(),
            last_insert_id: None,
        }
    }

    /// sqlx reads the constraint's name; the NOT NULL column is in its own field.
    fn violation(error: &dyn DatabaseError) -> (Option<String>, Vec<String>) {
        let column = error
            .try_downcast_ref::<PgDatabaseError>()
            .and_then(PgDatabaseError::column);
        (None, column.map(str::to_string).into_iter().collect())
    }

    fn connection_kind(error: &dyn DatabaseError) -> Option<ConnectionErrorKind> {
        let code = error.code()?;
        Some(match &*code {
            // invalid_password, invalid_authorization_specification (no such role)
            "28P01" | "28000" => ConnectionErrorKind::Auth,
            // invalid_catalog_name
            "3D000" => ConnectionErrorKind::DatabaseNotFound,
            // cannot_connect_now: the server is starting up or shutting down
            "57P03" => ConnectionErrorKind::Refused,
            // admin_shutdown, crash_shutdown, idle session timeout; connection_exception
            "57P01" | "57P02" | "57P05" => ConnectionErrorKind::Lost,
            c if c.starts_with("08") => ConnectionErrorKind::Lost,
            _ => return None,
        })
    }

    /// PostgreSQL's SQLSTATEs (Appendix A of its manual).
    fn error_class(error: &dyn DatabaseError) -> Option<ErrorClass> {
        let code = error.code()?;
        Some(match &*code {
            // serialization_failure
            "40001" => ErrorClass::SerializationFailure,
            // deadlock_detected
            "40P01" => ErrorClass::Deadlock,
            // lock_not_available (lock_timeout, NOWAIT)
            "55P03" => ErrorClass::LockTimeout,
            // query_canceled: statement_timeout (or a cancel request)
            "57014" => ErrorClass::StatementTimeout,
            // too_many_connections
            "53300" => ErrorClass::ConnectFailed,
            _ => return None,
        })
    }
}
