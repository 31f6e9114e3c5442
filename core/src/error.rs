//! quarry's one error type.

use crate::field_error::FieldError;
use crate::value::ValueType;
use std::any::Any;
use std::fmt;
use std::sync::Arc;

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

/// The error a driver raised, kept whole as the `source()` of quarry's error.
pub type DriverError = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// An error the database reported, as the adapter classified it. The driver's
/// own error is kept as its [`source`](std::error::Error::source).
#[derive(Clone, Debug)]
pub struct DatabaseError {
    /// The database's message.
    pub message: String,
    /// SQLSTATE (Postgres), error number (MySQL) or extended code (SQLite).
    pub code: Option<String>,
    /// Set when the error is a constraint violation.
    pub constraint: Option<ConstraintViolation>,
    /// The driver's error, when there was one.
    pub source: Option<DriverError>,
}

impl DatabaseError {
    /// A database error with a message and no code, constraint or source.
    ///
    /// ```
    /// let e = quarry_core::DatabaseError::new("no such table: users");
    /// assert_eq!(e.to_string(), "database error: no such table: users");
    /// ```
    pub fn new(message: impl Into<String>) -> Self {
        DatabaseError {
            message: message.into(),
            code: None,
            constraint: None,
            source: None,
        }
    }

    /// The same error with `code` set.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// The same error with the driver's error kept as its source.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }
}

/// Equal when message, code and constraint are (the driver's error is not compared).
impl PartialEq for DatabaseError {
    fn eq(&self, other: &Self) -> bool {
        self.message == other.message
            && self.code == other.code
            && self.constraint == other.constraint
    }
}

impl Eq for DatabaseError {}

impl fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "database error: {} (code {code})", self.message),
            None => write!(f, "database error: {}", self.message),
        }
    }
}

impl std::error::Error for DatabaseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// What went wrong with a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnectionErrorKind {
    /// The URL or connect options could not be read.
    InvalidUrl,
    /// Nothing listens at the address (connection refused).
    Refused,
    /// The host name did not resolve.
    HostNotFound,
    /// The server refused the credentials.
    Auth,
    /// The server runs, but the database does not exist (`quarry db create`).
    DatabaseNotFound,
    /// The TLS handshake failed.
    Tls,
    /// Connecting took too long.
    Timeout,
    /// No connection became free within the pool's acquire timeout.
    PoolTimeout,
    /// The pool was closed.
    PoolClosed,
    /// An open connection was lost (reset, closed by the server, shut down).
    Lost,
    /// The database file could not be opened (SQLite).
    Open,
    /// Anything else.
    Other,
    /// Every connection the pool may give is held by a transaction of the
    /// calling task, so waiting for one would never end (in-memory SQLite has
    /// a single connection: using the repo inside its own
    /// `repo.transaction(..)`). Run the statement through the transaction.
    HeldByTransaction,
}

impl fmt::Display for ConnectionErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConnectionErrorKind::InvalidUrl => "invalid URL",
            ConnectionErrorKind::Refused => "connection refused",
            ConnectionErrorKind::HostNotFound => "host not found",
            ConnectionErrorKind::Auth => "authentication failed",
            ConnectionErrorKind::DatabaseNotFound => "database does not exist",
            ConnectionErrorKind::Tls => "TLS error",
            ConnectionErrorKind::Timeout => "connect timeout",
            ConnectionErrorKind::PoolTimeout => "pool timeout",
            ConnectionErrorKind::PoolClosed => "pool closed",
            ConnectionErrorKind::Lost => "connection lost",
            ConnectionErrorKind::Open => "cannot open database",
            ConnectionErrorKind::Other => "connection error",
            ConnectionErrorKind::HeldByTransaction => "held by a transaction on this task",
        })
    }
}

/// A connection could not be made, was lost, or the pool gave none. The
/// driver's own error is kept as its [`source`](std::error::Error::source).
#[derive(Clone, Debug)]
pub struct ConnectionError {
    /// What went wrong.
    pub kind: ConnectionErrorKind,
    /// What happened, and what to do about it where quarry knows.
    pub message: String,
    /// The driver's error, when there was one.
    pub source: Option<DriverError>,
}

impl ConnectionError {
    /// A connection error of `kind`.
    ///
    /// ```
    /// use quarry_core::{ConnectionError, ConnectionErrorKind};
    /// let e = ConnectionError::new(ConnectionErrorKind::PoolClosed, "the pool was closed");
    /// assert_eq!(e.to_string(), "connection error: the pool was closed");
    /// ```
    pub fn new(kind: ConnectionErrorKind, message: impl Into<String>) -> Self {
        ConnectionError {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// The same error with the driver's error kept as its source.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }
}

/// Equal when kind and message are (the driver's error is not compared).
impl PartialEq for ConnectionError {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.message == other.message
    }
}

impl fmt::Display for ConnectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "connection error: {}", self.message)
    }
}

impl std::error::Error for ConnectionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
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

/// Why a query or an operation cannot be run as asked: a mistake in how it was
/// built, found before anything is sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// The schema has no primary key, which the operation needs.
    #[error("schema {schema} has no primary key, so it cannot be {action} by key")]
    NoPrimaryKey {
        /// The schema's Rust name.
        schema: &'static str,
        /// What was asked (`updated, deleted or reloaded`, `reloaded`).
        action: &'static str,
    },
    /// The operation needs exactly one primary key field.
    #[error("{operation} needs a schema with exactly one primary key field; {schema} has {count}")]
    NotOneKey {
        /// The operation.
        operation: &'static str,
        /// The schema's Rust name.
        schema: &'static str,
        /// How many it has.
        count: usize,
    },
    /// A bulk operation was given a query with more than filters.
    #[error("{operation} takes filters only (no joins, limit, offset or distinct)")]
    FiltersOnly {
        /// `update_all` or `delete_all`.
        operation: &'static str,
    },
    /// An association operation does not apply to this kind of association.
    #[error("{operation} does not work on {owner}.{association} ({kind})")]
    AssociationKind {
        /// What was asked.
        operation: String,
        /// The owner schema.
        owner: &'static str,
        /// The association.
        association: &'static str,
        /// Its kind.
        kind: &'static str,
    },
    /// `link` / `unlink` of a row that has no key yet.
    #[error("link and unlink need saved rows: a key of {owner}.{association} is NULL")]
    UnsavedRow {
        /// The owner schema.
        owner: &'static str,
        /// The association.
        association: &'static str,
    },
    /// A preload query with a limit or offset (they would apply to all parents
    /// together).
    #[error("the preload query of {owner}.{association} has a limit or offset, which would apply to all parents together; use limit_per_parent(n)")]
    PreloadWindow {
        /// The owner schema.
        owner: &'static str,
        /// The association.
        association: &'static str,
    },
    /// A prepared query's argument in a query that is not prepared.
    #[error("a prepared query's argument (Param) was used in a query that is not prepared: build the query inside Prepared::new")]
    ParamOutsidePrepared,
    /// A prepared query ran with fewer arguments than it uses.
    #[error("the query uses argument {index} but only {given} were given")]
    MissingArgument {
        /// The argument's number.
        index: u16,
        /// How many were given.
        given: usize,
    },
    /// A parameter of another prepared query (its number beyond this one's).
    #[error("the prepared query uses argument {index} but takes {count}: a parameter was taken from another prepared query")]
    ForeignParam {
        /// The parameter's number.
        index: u16,
        /// How many the query takes.
        count: usize,
    },
    /// A prepared query's argument used both as a value and as a list.
    #[error("argument {0} of the prepared query is used both as a value and as a list")]
    ArgumentKind(u16),
    /// `begin` on a transaction's driver (nesting goes through savepoints).
    #[error("nested transactions are savepoints: call begin on the Transaction")]
    NestedBegin,
    /// A value or statement sea-query refused to build.
    #[error("{0}")]
    Build(String),
    /// Anything else, in words (also what application code returns through
    /// `Error::Query("...".into())`).
    #[error("{0}")]
    Other(String),
    /// quarry reached a state it should not: a bug to report, never a
    /// silently wrong statement.
    #[error("internal error (please report): {0}")]
    Internal(&'static str),
}

impl From<&str> for QueryError {
    fn from(message: &str) -> Self {
        QueryError::Other(message.to_string())
    }
}

impl From<String> for QueryError {
    fn from(message: String) -> Self {
        QueryError::Other(message)
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
    #[error(transparent)]
    Database(DatabaseError),
    /// A connection could not be made, was lost, or the pool gave none.
    #[error(transparent)]
    Connection(ConnectionError),
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
    /// The query is not valid for the operation.
    #[error("invalid query: {0}")]
    Query(QueryError),
}

impl Error {
    /// The invalid changeset, when this is [`Error::Invalid`] for a `C`.
    pub fn changeset<C: Any>(&self) -> Option<&C> {
        match self {
            Error::Invalid(inv) => inv.changeset(),
            _ => None,
        }
    }

    /// The driver's own error underneath a database or connection error.
    pub fn driver_error(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        match self {
            Error::Database(e) => e.source.as_deref(),
            Error::Connection(e) => e.source.as_deref(),
            _ => None,
        }
    }

    /// The kind of connection error, when this is one.
    pub fn connection_kind(&self) -> Option<ConnectionErrorKind> {
        match self {
            Error::Connection(e) => Some(e.kind),
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
