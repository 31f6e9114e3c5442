//! Reading PostgreSQL errors: constraint violations by SQLSTATE, with the
//! constraint's real name.

use quarry_core::{
    ConnectionError, ConnectionErrorKind, ConstraintKind, ConstraintViolation, DatabaseError, Error,
};
use sqlx::postgres::PgDatabaseError;

/// Converts a sqlx error into quarry's.
pub(crate) fn map_error(e: sqlx::Error) -> Error {
    match e {
        sqlx::Error::Database(db) => {
            let message = db.message().to_string();
            let code = db.code().map(|c| c.into_owned());
            let constraint = db.try_downcast_ref::<PgDatabaseError>().and_then(|pg| {
                let kind = match pg.code() {
                    "23505" => ConstraintKind::Unique,
                    "23503" => ConstraintKind::ForeignKey,
                    "23514" => ConstraintKind::Check,
                    "23502" => ConstraintKind::NotNull,
                    _ => return None,
                };
                Some(ConstraintViolation {
                    kind,
                    name: pg.constraint().map(str::to_string),
                    columns: pg.column().map(|c| vec![c.to_string()]).unwrap_or_default(),
                })
            });
            Error::Database(DatabaseError {
                message,
                code,
                constraint,
                source: Some(std::sync::Arc::new(sqlx::Error::Database(db))),
            })
        }
        sqlx::Error::PoolTimedOut => connection(ConnectionErrorKind::PoolTimeout, e),
        sqlx::Error::PoolClosed => connection(ConnectionErrorKind::PoolClosed, e),
        sqlx::Error::Io(_) => connection(ConnectionErrorKind::Lost, e),
        other => Error::Database(DatabaseError::new(other.to_string()).with_source(other)),
    }
}

/// The kind of a failure to connect.
pub(crate) fn connect_kind(e: &sqlx::Error) -> ConnectionErrorKind {
    match e {
        sqlx::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => ConnectionErrorKind::Refused,
            std::io::ErrorKind::TimedOut => ConnectionErrorKind::Timeout,
            _ => ConnectionErrorKind::Other,
        },
        sqlx::Error::Tls(_) => ConnectionErrorKind::Tls,
        sqlx::Error::PoolTimedOut => ConnectionErrorKind::PoolTimeout,
        sqlx::Error::PoolClosed => ConnectionErrorKind::PoolClosed,
        sqlx::Error::Configuration(_) => ConnectionErrorKind::InvalidUrl,
        _ => ConnectionErrorKind::Other,
    }
}

/// A connection error of `kind` keeping the sqlx error as its source.
pub(crate) fn connection(kind: ConnectionErrorKind, e: sqlx::Error) -> Error {
    Error::Connection(ConnectionError::new(kind, e.to_string()).with_source(e))
}
