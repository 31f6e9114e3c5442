//! Reading SQLite errors: constraint violations by extended result code and
//! message; failures to open as connection errors. The rusqlite error stays
//! the `source()` of quarry's.

use quarry_core::{
    ConnectionError, ConnectionErrorKind, ConstraintKind, ConstraintViolation, DatabaseError,
    Error, ErrorClass,
};
use rusqlite::ErrorCode;

/// SQLite extended result codes of constraint violations.
const UNIQUE: &str = "2067";
const PRIMARY_KEY: &str = "1555";
const FOREIGN_KEY: &str = "787";
const CHECK: &str = "275";
const NOT_NULL: &str = "1299";

/// The SQLite code and message of an error SQLite reported, if it is one.
fn reported(e: &rusqlite::Error) -> Option<(&rusqlite::ffi::Error, Option<&str>)> {
    match e {
        rusqlite::Error::SqliteFailure(code, message) => Some((code, message.as_deref())),
        rusqlite::Error::SqlInputError { error, msg, .. } => Some((error, Some(msg.as_str()))),
        _ => None,
    }
}

/// Converts an error of a statement into quarry's: what SQLite reported is a
/// [`DatabaseError`] with its extended result code (and the constraint it
/// names); anything else rusqlite raised is a `DatabaseError` without one.
pub(crate) fn map_error(e: rusqlite::Error) -> Error {
    let (message, code) = match reported(&e) {
        Some((code, message)) => (
            message.map_or_else(|| code.to_string(), str::to_string),
            Some(code.extended_code.to_string()),
        ),
        None => (e.to_string(), None),
    };
    let constraint = code
        .as_deref()
        .and_then(|c| classify(c, &message))
        .map(Box::new);
    let class = reported(&e).and_then(|(code, _)| class(code.code));
    let error = DatabaseError {
        message,
        code,
        constraint,
        class,
        source: Some(std::sync::Arc::new(e)),
    };
    if class == Some(ErrorClass::StatementTimeout) {
        return Error::Timeout(error);
    }
    Error::Database(error)
}

/// SQLite's primary result codes that say more than "an error".
fn class(code: ErrorCode) -> Option<ErrorClass> {
    Some(match code {
        // SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock.
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => ErrorClass::LockTimeout,
        // SQLITE_INTERRUPT: quarry interrupts a statement past its timeout.
        ErrorCode::OperationInterrupted => ErrorClass::StatementTimeout,
        _ => return None,
    })
}

/// Converts an error while opening or setting up a connection: a
/// [`ConnectionError`] of kind [`Open`](ConnectionErrorKind::Open) when SQLite
/// could not open or read the file, keeping the rusqlite error.
pub(crate) fn open_error(e: rusqlite::Error, url: &str) -> Error {
    let kind = match &e {
        rusqlite::Error::InvalidPath(_) | rusqlite::Error::NulError(_) => {
            ConnectionErrorKind::InvalidUrl
        }
        rusqlite::Error::SqliteFailure(code, _) => match code.code {
            ErrorCode::CannotOpen
            | ErrorCode::NotADatabase
            | ErrorCode::PermissionDenied
            | ErrorCode::ReadOnly
            | ErrorCode::DatabaseCorrupt
            | ErrorCode::SystemIoFailure
            | ErrorCode::AuthorizationForStatementDenied => ConnectionErrorKind::Open,
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => ConnectionErrorKind::Timeout,
            _ => ConnectionErrorKind::Other,
        },
        _ => ConnectionErrorKind::Other,
    };
    Error::Connection(
        ConnectionError::new(kind, format!("cannot open SQLite database `{url}`: {e}"))
            .with_source(e),
    )
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

    #[test]
    fn keeps_sqlite_code_message_and_source() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (a INTEGER UNIQUE); INSERT INTO t VALUES (1)")
            .unwrap();
        let e = map_error(conn.execute_batch("INSERT INTO t VALUES (1)").unwrap_err());
        let Error::Database(db) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(db.code.as_deref(), Some(UNIQUE));
        assert_eq!(db.message, "UNIQUE constraint failed: t.a");
        assert_eq!(
            db.constraint.as_ref().map(|c| c.columns.clone()),
            Some(vec!["a".to_string()])
        );
        let source = e.driver_error().expect("source");
        assert!(source.downcast_ref::<rusqlite::Error>().is_some());
        let e = map_error(conn.prepare("SELEC 1").unwrap_err());
        let Error::Database(db) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(db.code.as_deref(), Some("1"), "{db:?}");
        assert!(db.message.contains("syntax error"), "{db:?}");
    }
}
