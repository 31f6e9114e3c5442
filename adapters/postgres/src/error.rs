//! Reading PostgreSQL errors: constraint violations by SQLSTATE, with the
//! constraint's real name.

use quarry_core::{ConstraintKind, ConstraintViolation, DatabaseError, Error};
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
            })
        }
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            Error::Connection(e.to_string())
        }
        other => Error::Database(DatabaseError {
            message: other.to_string(),
            code: None,
            constraint: None,
        }),
    }
}
