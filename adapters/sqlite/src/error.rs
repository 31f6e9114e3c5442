//! Reading SQLite errors: constraint violations by extended result code and message.

use quarry_core::{ConstraintKind, ConstraintViolation, DatabaseError, Error};

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
            })
        }
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => Error::Connection(e.to_string()),
        other => Error::Database(DatabaseError {
            message: other.to_string(),
            code: None,
            constraint: None,
        }),
    }
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
