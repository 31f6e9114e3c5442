//! Reading MySQL/MariaDB errors: constraint violations by error number, with the
//! key or constraint name taken from the message.

use quarry_core::{
    ConnectionError, ConnectionErrorKind, ConstraintKind, ConstraintViolation, DatabaseError, Error,
};
use sqlx::mysql::MySqlDatabaseError;

/// Converts a sqlx error into quarry's.
pub(crate) fn map_error(e: sqlx::Error) -> Error {
    match e {
        sqlx::Error::Database(db) => {
            let message = db.message().to_string();
            let number = db
                .try_downcast_ref::<MySqlDatabaseError>()
                .map(|m| m.number());
            let constraint = number.and_then(|n| classify(n, &message));
            Error::Database(DatabaseError {
                message,
                code: number.map(|n| n.to_string()),
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

/// The text between the first pair of `open`/`close` after `marker`.
fn quoted_after(message: &str, marker: &str, quote: char) -> Option<String> {
    let rest = &message[message.find(marker)? + marker.len()..];
    let start = rest.find(quote)? + 1;
    let len = rest[start..].find(quote)?;
    Some(rest[start..start + len].to_string())
}

fn classify(number: u16, message: &str) -> Option<ConstraintViolation> {
    let (kind, name, columns) = match number {
        // Duplicate entry '...' for key 'name' (MySQL 8: 'table.name').
        1062 => {
            let key = message
                .rsplit_once("for key ")
                .map(|(_, k)| k.trim_matches(|c| c == '\'' || c == '`'));
            let key = key.map(|k| k.rsplit_once('.').map(|(_, n)| n).unwrap_or(k).to_string());
            (ConstraintKind::Unique, key, Vec::new())
        }
        // ... a foreign key constraint fails (`db`.`t`, CONSTRAINT `name` FOREIGN KEY ...)
        1451 | 1452 | 1216 | 1217 => (
            ConstraintKind::ForeignKey,
            quoted_after(message, "CONSTRAINT ", '`'),
            Vec::new(),
        ),
        // MySQL: Check constraint 'name' is violated.
        3819 => (
            ConstraintKind::Check,
            quoted_after(message, "constraint ", '\''),
            Vec::new(),
        ),
        // MariaDB: CONSTRAINT `name` failed for `db`.`t`
        4025 => (
            ConstraintKind::Check,
            quoted_after(message, "CONSTRAINT ", '`'),
            Vec::new(),
        ),
        // Column 'c' cannot be null / Field 'c' doesn't have a default value
        1048 | 1364 => {
            let col = quoted_after(message, "olumn ", '\'')
                .or_else(|| quoted_after(message, "ield ", '\''));
            (ConstraintKind::NotNull, None, col.into_iter().collect())
        }
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
    fn reads_names_from_messages() {
        let u = classify(1062, "Duplicate entry 'a@x.io' for key 'users_email_index'").unwrap();
        assert_eq!(u.name.as_deref(), Some("users_email_index"));
        let u8 = classify(
            1062,
            "Duplicate entry 'a@x.io' for key 'users.users_email_index'",
        )
        .unwrap();
        assert_eq!(u8.name.as_deref(), Some("users_email_index"));
        let fk = classify(1452, "Cannot add or update a child row: a foreign key constraint fails (`test`.`products`, CONSTRAINT `products_store_id_fkey` FOREIGN KEY (`store_id`) REFERENCES `stores` (`id`))").unwrap();
        assert_eq!(fk.name.as_deref(), Some("products_store_id_fkey"));
        let ck = classify(
            4025,
            "CONSTRAINT `stock_not_negative` failed for `test`.`products`",
        )
        .unwrap();
        assert_eq!(ck.name.as_deref(), Some("stock_not_negative"));
        let ck8 = classify(3819, "Check constraint 'stock_not_negative' is violated.").unwrap();
        assert_eq!(ck8.name.as_deref(), Some("stock_not_negative"));
        let nn = classify(1364, "Field 'name' doesn't have a default value").unwrap();
        assert_eq!(nn.columns, vec!["name"]);
    }
}
