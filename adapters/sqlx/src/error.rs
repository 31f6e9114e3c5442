//! sqlx errors into quarry's: constraint violations through sqlx's
//! `DatabaseError` (`kind()`, `constraint()`), connection failures into
//! [`ConnectionErrorKind`]. The sqlx error stays underneath as `source()`.

use crate::SqlxBackend;
use quarry_core::{
    ConnectionError, ConnectionErrorKind, ConstraintKind, ConstraintViolation, DatabaseError,
    Error, ErrorClass,
};
use sqlx::error::ErrorKind;
use std::sync::Arc;

/// A statement's error. Connection-level failures (I/O, protocol, TLS, the server
/// shutting down) are [`Error::Connection`] of kind `Lost`.
pub(crate) fn map_error<B: SqlxBackend>(e: sqlx::Error) -> Error {
    let db = match e {
        sqlx::Error::Database(db) => db,
        other => {
            return match other_kind(&other, ConnectionErrorKind::Lost) {
                Some(kind) => connection(kind, other.to_string(), other),
                None => Error::Database(DatabaseError::new(other.to_string()).with_source(other)),
            }
        }
    };
    let message = db.message().to_string();
    if let Some(kind) = B::connection_kind(&*db) {
        return connection(kind, message, sqlx::Error::Database(db));
    }
    let kind = match db.kind() {
        ErrorKind::UniqueViolation => Some(ConstraintKind::Unique),
        ErrorKind::ForeignKeyViolation => Some(ConstraintKind::ForeignKey),
        ErrorKind::NotNullViolation => Some(ConstraintKind::NotNull),
        ErrorKind::CheckViolation => Some(ConstraintKind::Check),
        _ => None,
    };
    let constraint = kind.map(|kind| {
        let (name, columns) = B::violation(&*db);
        Box::new(ConstraintViolation {
            kind,
            name: db.constraint().map(str::to_string).or(name),
            columns,
        })
    });
    let class = B::error_class(&*db);
    let error = DatabaseError {
        message,
        code: db.code().map(|c| c.into_owned()),
        constraint,
        class,
        source: Some(Arc::new(sqlx::Error::Database(db))),
    };
    if class == Some(ErrorClass::StatementTimeout) {
        return Error::Timeout(error);
    }
    Error::Database(error)
}

/// An error met while opening a connection.
pub(crate) fn connect_error<B: SqlxBackend>(e: sqlx::Error) -> Error {
    let (kind, detail) = match &e {
        sqlx::Error::Database(db) => (
            B::connection_kind(&**db).unwrap_or(ConnectionErrorKind::Other),
            db.message().to_string(),
        ),
        other => (
            other_kind(other, ConnectionErrorKind::Other).unwrap_or(ConnectionErrorKind::Other),
            other.to_string(),
        ),
    };
    let hint = match kind {
        ConnectionErrorKind::DatabaseNotFound => {
            " (create it with `quarry db create`, or fix the database name in the URL)"
        }
        ConnectionErrorKind::Refused => {
            " (is the server running, and listening on the URL's host and port?)"
        }
        ConnectionErrorKind::HostNotFound => " (check the host name in the URL)",
        ConnectionErrorKind::Auth => " (check the user and password in the URL)",
        _ => "",
    };
    connection(
        kind,
        format!("cannot connect to {}: {detail}{hint}", B::NAME),
        e,
    )
}

/// The connection kind of a sqlx error that is not the server's; `None` for
/// statement-level errors. `io` is the kind of an I/O error that is not one of
/// the connect failures (`Lost` on an open connection).
fn other_kind(e: &sqlx::Error, io: ConnectionErrorKind) -> Option<ConnectionErrorKind> {
    Some(match e {
        sqlx::Error::Io(err) => match err.kind() {
            std::io::ErrorKind::ConnectionRefused => ConnectionErrorKind::Refused,
            std::io::ErrorKind::TimedOut => ConnectionErrorKind::Timeout,
            // The server went away mid-handshake (it was being stopped or
            // crashed while we connected): as lost as an open connection.
            std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::BrokenPipe
            | std::io::ErrorKind::UnexpectedEof => ConnectionErrorKind::Lost,
            // getaddrinfo's failures have no io::ErrorKind of their own.
            _ if err.to_string().contains("lookup address") => ConnectionErrorKind::HostNotFound,
            _ => io,
        },
        sqlx::Error::Tls(_) => ConnectionErrorKind::Tls,
        sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed => ConnectionErrorKind::Lost,
        sqlx::Error::PoolTimedOut => ConnectionErrorKind::PoolTimeout,
        sqlx::Error::PoolClosed => ConnectionErrorKind::PoolClosed,
        sqlx::Error::Configuration(_) => ConnectionErrorKind::InvalidUrl,
        _ => return None,
    })
}

/// A connection error of `kind` keeping the sqlx error as its source.
pub(crate) fn connection(kind: ConnectionErrorKind, message: String, e: sqlx::Error) -> Error {
    Error::Connection(ConnectionError::new(kind, message).with_source(e))
}

/// True when the connection that gave `e` must not be used again.
pub(crate) fn is_fatal(e: &Error) -> bool {
    matches!(e, Error::Connection(_))
}
