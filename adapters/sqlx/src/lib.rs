//! quarry-sqlx: the one driver quarry's PostgreSQL and MySQL/MariaDB adapters run
//! on, written once over sqlx and generic over [`SqlxBackend`], which holds what
//! differs between databases: connect options and capabilities, the kind of a
//! column's type, reading constraint names and the last insert id, and which
//! server errors mean what.
//!
//! What it does for every backend:
//! - **Its own pool** of sqlx connections (deadpool). A connection is handed out
//!   without a round trip: it is pinged only when it sat idle longer than
//!   [`PoolOptions::health_check_after_idle`], or after another connection of the
//!   pool was found dead (a server restart kills them all). A connection whose
//!   statement was interrupted (its future dropped) or that failed with a
//!   connection error is closed, never reused.
//! - **Values bound by reference**: a [`Statement`](quarry_query::Statement)'s
//!   values are encoded straight into sqlx's arguments from `&[sea_query::Value]`
//!   (strings and blobs as `&str` / `&[u8]`), its SQL handed over as the shared
//!   `Arc<str>`; nothing is copied on the way to the wire.
//! - **Prepared statements** cached per connection by sqlx (Postgres: named
//!   statements, parsed once per connection), or unnamed ones for
//!   transaction-mode poolers ([`PoolOptions::named_prepared_statements`]).
//! - **Cells decoded by column type**, the type read once per result set, not
//!   once per cell.
//! - **Errors classified**: constraint violations through sqlx's
//!   `DatabaseError::kind()` / `constraint()`, connection failures into
//!   [`ConnectionErrorKind`]; quarry's error keeps the sqlx error as `source()`.
//!
//! [`PoolOptions::health_check_after_idle`]: quarry_query::driver::PoolOptions::health_check_after_idle
//! [`PoolOptions::named_prepared_statements`]: quarry_query::driver::PoolOptions::named_prepared_statements
#![warn(missing_docs)]

mod bind;
mod cell;
mod driver;
mod error;
mod pool;
mod row;
mod wire;

pub use driver::{connect, SqlxRepo};
#[doc(hidden)]
pub use quarry_core::Result as __Result;
#[doc(hidden)]
pub use quarry_query::driver::PoolOptions as __PoolOptions;

/// An adapter's public face, written once: its backend marker type (doc comments
/// first), its Repo type, and `connect(url)` / `connect_with(url, options)`
/// (doc comments before `connect` go on `connect`).
#[macro_export]
macro_rules! adapter {
    (
        $(#[$bdoc:meta])* backend $backend:ident;
        $(#[$rdoc:meta])* repo $repo:ident;
        $(#[$cdoc:meta])* connect;
    ) => {
        $(#[$bdoc])*
        #[derive(Debug)]
        pub struct $backend;

        $(#[$rdoc])*
        pub type $repo = $crate::SqlxRepo<$backend>;

        $(#[$cdoc])*
        pub async fn connect(url: &str) -> $crate::__Result<$repo> {
            connect_with(url, $crate::__PoolOptions::default()).await
        }

        /// [`connect`] with pool options.
        pub async fn connect_with(
            url: &str,
            options: $crate::__PoolOptions,
        ) -> $crate::__Result<$repo> {
            $crate::connect::<$backend>(url, options).await
        }
    };
}
pub use cell::Cell;
pub use wire::Wire;

use quarry_core::{ConnectionErrorKind, ErrorClass};
use quarry_query::driver::PoolOptions;
use quarry_query::{Backend, ExecResult};
use sqlx::error::{BoxDynError, DatabaseError};
use sqlx::{Connection, Database};

/// How a statement runs with a timeout (see [`SqlxBackend::timed`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timed {
    /// Sent first, on the same connection.
    pub before: Option<String>,
    /// The statement's SQL rewritten (MariaDB's `SET STATEMENT ... FOR`).
    pub sql: Option<String>,
    /// Sent afterwards, whatever the statement's outcome (restores the session).
    pub after: Option<String>,
}

/// Whole milliseconds of `d`, at least 1 (a timeout of 0 means "none" to the
/// databases).
pub fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

/// The connect options of a backend's connections.
pub type ConnectOptions<B> =
    <<<B as SqlxBackend>::Db as Database>::Connection as Connection>::Options;
/// A backend's sqlx argument buffer.
pub type Arguments<B> = <<B as SqlxBackend>::Db as Database>::Arguments;
/// A backend's raw cell.
pub type ValueRef<'r, B> = <<B as SqlxBackend>::Db as Database>::ValueRef<'r>;

/// What one database adds to the shared sqlx driver. Implemented by a marker type
/// in each adapter crate.
pub trait SqlxBackend: Send + Sync + Sized + 'static {
    /// The sqlx database.
    type Db: Wire;

    /// The database's name in messages (`PostgreSQL`, `MySQL/MariaDB`).
    const NAME: &'static str;
    /// A query whose first column is the server's version string.
    const VERSION_SQL: &'static str;

    /// Reads `url` into connect options, with quarry's session settings and
    /// `options`' statement cache applied.
    fn connect_options(
        url: &str,
        options: &PoolOptions,
    ) -> Result<ConnectOptions<Self>, sqlx::Error>;

    /// The dialect, name and capabilities of the server with this version string.
    fn backend(version: String) -> Backend;

    /// How cells of `column` decode.
    fn cell(column: &<Self::Db as Database>::Column) -> Cell;

    /// Decodes an unsigned integer cell ([`Cell::U64`]; databases without
    /// unsigned types never produce one).
    fn unsigned(raw: ValueRef<'_, Self>) -> Result<u64, BoxDynError> {
        let _ = raw;
        Err(format!("{} has no unsigned integer types", Self::NAME).into())
    }

    /// Decodes a native array cell ([`Cell::Array`], of elements of type
    /// `element`) into a [`Value::Array`](quarry_core::Value::Array), NULL
    /// elements as NULLs; databases without arrays never produce one.
    fn array(
        raw: ValueRef<'_, Self>,
        element: quarry_core::ValueType,
    ) -> Result<quarry_core::Value, BoxDynError> {
        let _ = raw;
        Err(format!("{} has no arrays of {element}", Self::NAME).into())
    }

    /// Binds a value the shared binder does not know (Postgres arrays).
    fn bind_other(args: &mut Arguments<Self>, value: &sea_query::Value) -> Result<(), BoxDynError> {
        let _ = args;
        Err(format!("{} cannot bind {value:?}", Self::NAME).into())
    }

    /// Rows affected and the generated id of a statement's result.
    fn exec_result(done: &<Self::Db as Database>::QueryResult) -> ExecResult;

    /// The violated constraint's name and columns where sqlx's
    /// `DatabaseError::constraint()` gives no name (MySQL puts it in the message)
    /// or the columns are elsewhere (Postgres NOT NULL).
    fn violation(error: &dyn DatabaseError) -> (Option<String>, Vec<String>);

    /// A server error that is about the connection rather than the statement:
    /// authentication, a missing database, the server shutting down.
    fn connection_kind(error: &dyn DatabaseError) -> Option<ConnectionErrorKind>;

    /// True when the pool's [`PoolOptions::statement_timeout`] is applied to
    /// each statement through [`timed`](SqlxBackend::timed); false when
    /// [`connect_options`](SqlxBackend::connect_options) makes it the session's
    /// (PostgreSQL's startup parameter).
    const TIMEOUT_PER_STATEMENT: bool;

    /// How one statement runs with `timeout`: the statements to send before and
    /// after it on the same connection, and its SQL if it must be rewritten.
    /// `default` is the pool's own timeout, to restore afterwards; `in_tx` says
    /// the statement runs inside a transaction.
    fn timed(
        sql: &str,
        timeout: std::time::Duration,
        default: Option<std::time::Duration>,
        backend: &Backend,
        in_tx: bool,
    ) -> Timed;

    /// The class of a statement's error where the database's codes say more
    /// than sqlx's kind (serialization failure, deadlock, lock timeout, statement
    /// timeout); `None` for the rest. A [`StatementTimeout`] becomes
    /// [`Error::Timeout`](quarry_core::Error::Timeout).
    ///
    /// [`StatementTimeout`]: quarry_core::ErrorClass::StatementTimeout
    fn error_class(error: &dyn DatabaseError) -> Option<ErrorClass> {
        let _ = error;
        None
    }
}
