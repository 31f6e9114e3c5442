//! quarry's one error type.

use crate::changeset::FieldError;
use crate::value::ValueType;
use std::any::Any;
use std::fmt;

/// The kind of a database constraint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConstraintKind {
    /// UNIQUE (Postgres 23505, MySQL 1062, SQLite "UNIQUE constraint failed").
    Unique,
    /// FOREIGN KEY (Postgres 23503, MySQL 1451/1452, SQLite "FOREIGN KEY constraint failed").
    ForeignKey,
    /// CHECK (Postgres 23514, MySQL 3819/4025, SQLite "CHECK constraint failed").
    Check,
    /// NOT NULL (Postgres 23502, MySQL 1048, SQLite "NOT NULL constraint failed").
    NotNull,
}

impl fmt::Display for ConstraintKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConstraintKind::Unique => "unique",
            ConstraintKind::ForeignKey => "foreign_key",
            ConstraintKind::Check => "check",
            ConstraintKind::NotNull => "not_null",
        })
    }
}

/// A constraint violation as the adapter read it from the database error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstraintViolation {
    /// What kind of constraint.
    pub kind: ConstraintKind,
    /// The constraint's name, when the database reports one (SQLite never names a
    /// foreign key; the shared layer resolves it).
    pub name: Option<String>,
    /// The columns involved, when the database reports them.
    pub columns: Vec<String>,
}

/// An error the database reported, as the adapter classified it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseError {
    /// The database's message.
    pub message: String,
    /// SQLSTATE (Postgres), error number (MySQL) or extended code (SQLite).
    pub code: Option<String>,
    /// Set when the error is a constraint violation.
    pub constraint: Option<ConstraintViolation>,
}

impl fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{} (code {code})", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A changeset that was invalid when an operation needed a valid one (or became
/// invalid through a declared constraint). Holds the whole changeset: nothing the
/// caller passed in is lost.
pub struct InvalidChangeset {
    /// The table of the changeset's schema.
    pub table: &'static str,
    /// The changeset's errors, field name first.
    pub errors: Vec<(String, FieldError)>,
    changeset: Box<dyn Any + Send + Sync>,
}

impl InvalidChangeset {
    /// Wraps a changeset (any `Changeset<S>`).
    pub fn new<C: Any + Send + Sync>(
        table: &'static str,
        errors: Vec<(String, FieldError)>,
        changeset: C,
    ) -> Self {
        InvalidChangeset {
            table,
            errors,
            changeset: Box::new(changeset),
        }
    }
    /// The changeset, if it is a `C` (a `Changeset<S>`).
    pub fn changeset<C: Any>(&self) -> Option<&C> {
        self.changeset.downcast_ref()
    }
    /// Takes the changeset back, if it is a `C`; otherwise returns `self`.
    pub fn into_changeset<C: Any>(self) -> Result<C, Self> {
        let InvalidChangeset {
            table,
            errors,
            changeset,
        } = self;
        changeset
            .downcast::<C>()
            .map(|b| *b)
            .map_err(|changeset| InvalidChangeset {
                table,
                errors,
                changeset,
            })
    }
}

impl fmt::Debug for InvalidChangeset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InvalidChangeset")
            .field("table", &self.table)
            .field("errors", &self.errors)
            .finish()
    }
}

impl fmt::Display for InvalidChangeset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid changeset for {}: ", self.table)?;
        for (i, (field, e)) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{field} {}", e.render())?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in quarry. Library code returns this instead of
/// panicking on bad input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A must-exist read found nothing (Ecto's `Ecto.NoResultsError`).
    #[error("expected at least one result from `{table}` but got none")]
    NoResults {
        /// The queried table.
        table: &'static str,
    },
    /// A read that allows one row found more (Ecto's `Ecto.MultipleResultsError`).
    #[error("expected at most one result from `{table}` but got {count}")]
    MultipleResults {
        /// The queried table.
        table: &'static str,
        /// How many rows came back.
        count: usize,
    },
    /// An update or delete matched no row (Ecto's `Ecto.StaleEntryError`).
    #[error("attempted to {action} a stale struct of `{table}`: no row matched its primary key (and lock)")]
    Stale {
        /// The table.
        table: &'static str,
        /// `update` or `delete`.
        action: &'static str,
    },
    /// The changeset is invalid; the changeset is inside.
    #[error("{0}")]
    Invalid(Box<InvalidChangeset>),
    /// A constraint was violated that the changeset did not declare.
    #[error("constraint error when attempting to write to `{table}`: {kind} constraint `{name}` was violated, but the changeset has not declared it (declare it with the matching *_constraint call to turn it into a changeset error)")]
    Constraint {
        /// The table written to.
        table: String,
        /// The constraint's name.
        name: String,
        /// The constraint's kind.
        kind: ConstraintKind,
    },
    /// A column could not be decoded into its field's type.
    #[error("cannot decode column `{column}`: expected {expected}, found {found}")]
    Decode {
        /// The column name.
        column: String,
        /// The expected type.
        expected: ValueType,
        /// What was found.
        found: String,
    },
    /// A field name chosen at run time names no field of the schema.
    #[error("unknown field `{field}` for schema {schema}")]
    UnknownField {
        /// The schema's Rust name.
        schema: &'static str,
        /// The name given.
        field: String,
    },
    /// A value did not fit the field it was assigned to.
    #[error("invalid value for field `{field}`: {message}")]
    InvalidValue {
        /// The field.
        field: String,
        /// Why.
        message: String,
    },
    /// The database reported an error.
    #[error("database error: {0}")]
    Database(DatabaseError),
    /// A connection could not be made or the pool gave none.
    #[error("connection error: {0}")]
    Connection(String),
    /// The URL's scheme needs an adapter that was not compiled in.
    #[error("no adapter for `{scheme}` URLs: enable quarry's `{feature}` cargo feature")]
    AdapterNotEnabled {
        /// The URL scheme.
        scheme: String,
        /// The cargo feature that brings the adapter.
        feature: &'static str,
    },
    /// The URL's scheme is not one quarry knows.
    #[error(
        "unsupported database URL `{0}`: expected sqlite:, postgres://, mysql:// or mariadb://"
    )]
    UnsupportedUrl(String),
    /// The operation is not available on this database.
    #[error("{feature} is not supported by {backend}")]
    Unsupported {
        /// What was asked for.
        feature: &'static str,
        /// The database.
        backend: &'static str,
    },
    /// A transaction was used after commit or rollback.
    #[error("the transaction has already been committed or rolled back")]
    TransactionDone,
    /// An association was read before it was loaded (preload it first).
    #[error("association `{association}` of {schema} is not loaded: preload it first (repo.preload(.., {schema}::{association}))")]
    NotLoaded {
        /// The owner schema's Rust name.
        schema: &'static str,
        /// The association's name.
        association: &'static str,
    },
    /// The query is not valid for the operation (explained in the message).
    #[error("invalid query: {0}")]
    Query(String),
}

impl Error {
    /// The invalid changeset, when this is [`Error::Invalid`] for a `C`.
    pub fn changeset<C: Any>(&self) -> Option<&C> {
        match self {
            Error::Invalid(inv) => inv.changeset(),
            _ => None,
        }
    }

    /// The constraint violation, when the database reported one.
    pub fn constraint_violation(&self) -> Option<&ConstraintViolation> {
        match self {
            Error::Database(db) => db.constraint.as_ref(),
            _ => None,
        }
    }
}

/// quarry's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
