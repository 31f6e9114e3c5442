//! Reading SQLite errors: constraint violations by extended result code and message.

use quarry_core::{
    ConnectionError, ConnectionErrorKind, ConstraintKind, ConstraintViolation, DatabaseError, Error,
};

/// SQLite extended result codes of constraint violations.
const UNIQUE: &str = "2067";
const PRIMARY_KEY: &str = "1555";
const FOREIGN_KEY: &str = "787";
const CHECK: &str = "275";
const NOT_NULL: &str = "1299";

/// Converts a sqlx error into quarry's.
pub(crate) fn map_error(e: sqlx::Error) -> Error {
    match e {
        sqlx::Error::Database(db) => {
            let message = db.message().to_string();
            let code = db.code().map(|c| c.into_owned());
            let constraint = code.as_deref().and_then(|c| classify(c, &message));
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

/// `"UNIQUE constraint failed: products.a, products.b"` → `["a", "b"]`.
fn columns(message: &str) -> Vec<String> {
    message
        .split_once(": ")
        .map(|(_, rest)| {
            rest.split(", ")
                .map(|c| {
                    c.rsplit_once('.')
                        .map(|(_, col)| col)
                        .unwrap_or(c)
                        .trim()
                        .to_string()
                })
                .collect()
        })
        .unwrap_or_default()
}

fn classify(code: &str, message: &str) -> Option<ConstraintViolation> {
    let (kind, name, columns) = match code {
        UNIQUE | PRIMARY_KEY => (ConstraintKind::Unique, None, columns(message)),
        FOREIGN_KEY => (ConstraintKind::ForeignKey, None, Vec::new()),
        CHECK => (
            ConstraintKind::Check,
            message.split_once(": ").map(|(_, n)| n.trim().to_string()),
            Vec::new(),
        ),
        NOT_NULL => (ConstraintKind::NotNull, None, columns(message)),
        _ => return None,
    };
    Some(ConstraintViolation {
        kind,
        name,
        columns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_unique_columns() {
        let v = classify(
            UNIQUE,
            "UNIQUE constraint failed: products.sku, products.store_id",
        )
        .unwrap();
        assert_eq!(v.kind, ConstraintKind::Unique);
        assert_eq!(v.columns, vec!["sku", "store_id"]);
    }

    #[test]
    fn reads_check_name() {
        let v = classify(CHECK, "CHECK constraint failed: price_positive").unwrap();
        assert_eq!(v.name.as_deref(), Some("price_positive"));
    }
}
