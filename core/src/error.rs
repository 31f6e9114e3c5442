//! quarry's one error type.

use crate::field_error::FieldError;
use crate::pool_status::PoolStatus;
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
    /// (Boxed to keep [`Error`] small on the happy path.)
    pub constraint: Option<Box<ConstraintViolation>>,
    /// What kind of failure it is, where the adapter's table of its database's
    /// codes knows (serialization failure, deadlock, lock timeout, statement
    /// timeout...); `None` for everything else.
    pub class: Option<ErrorClass>,
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
            class: None,
            source: None,
        }
    }

    /// The same error with its class set.
    pub fn with_class(mut self, class: ErrorClass) -> Self {
        self.class = Some(class);
        self
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

/// What kind of failure an error is: what an application asks to decide
/// whether to try again. [`Error::class`] gives it; [`ErrorClass::is_transient`]
/// says whether the same work could succeed if simply run again.
///
/// The classes of database errors come from a table of each database's codes
/// (in its adapter; docs/errors.md lists them): SQLSTATE on PostgreSQL, error
/// numbers on MySQL/MariaDB, result codes on SQLite.
///
/// ```
/// use quarry_core::{ConnectionError, ConnectionErrorKind, Error, ErrorClass};
/// let e = Error::Connection(ConnectionError::new(ConnectionErrorKind::Lost, "reset by peer"));
/// assert_eq!(e.class(), ErrorClass::ConnectionLost);
/// assert!(e.is_transient());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorClass {
    /// An open connection was lost: reset, closed, the server shut down or
    /// restarted (PostgreSQL 57P01/57P02/08xxx, MySQL 1053/2006/2013...).
    /// Transient.
    ConnectionLost,
    /// A new connection could not be made: refused, timed out, host not found,
    /// the server starting up or out of connections. Transient.
    ConnectFailed,
    /// No pooled connection became free in time. Transient.
    PoolTimeout,
    /// A serializable transaction could not be serialized (PostgreSQL 40001).
    /// Transient: run the transaction again.
    SerializationFailure,
    /// Chosen as a deadlock's victim (PostgreSQL 40P01, MySQL 1213). Transient.
    Deadlock,
    /// A lock was not granted in time (PostgreSQL 55P03, MySQL 1205, SQLite
    /// BUSY/LOCKED). Transient.
    LockTimeout,
    /// The statement ran past its timeout and was cancelled. Not transient: it
    /// would most likely time out again.
    StatementTimeout,
    /// COMMIT was sent and no answer came: the work may or may not be stored.
    /// Not transient: running it again could apply it twice.
    CommitOutcomeUnknown,
    /// A constraint rejected the write.
    Constraint,
    /// The server refused the credentials.
    Auth,
    /// The database does not exist.
    DatabaseMissing,
    /// The pool was closed.
    Closed,
    /// The request itself is wrong: an invalid changeset, value, query or
    /// configuration, an unknown field, a decode mismatch, an unsupported
    /// feature.
    Invalid,
    /// A must-exist read found nothing, or a stale update or delete.
    NotFound,
    /// Anything else the database reported.
    Other,
}

impl ErrorClass {
    /// True for failures that the same work may not meet if run again: a lost
    /// or refused connection, a pool timeout, a serialization failure, a
    /// deadlock, a lock timeout.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorClass::ConnectionLost
                | ErrorClass::ConnectFailed
                | ErrorClass::PoolTimeout
                | ErrorClass::SerializationFailure
                | ErrorClass::Deadlock
                | ErrorClass::LockTimeout
        )
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorClass::ConnectionLost => "connection lost",
            ErrorClass::ConnectFailed => "connect failed",
            ErrorClass::PoolTimeout => "pool timeout",
            ErrorClass::SerializationFailure => "serialization failure",
            ErrorClass::Deadlock => "deadlock",
            ErrorClass::LockTimeout => "lock timeout",
            ErrorClass::StatementTimeout => "statement timeout",
            ErrorClass::CommitOutcomeUnknown => "commit outcome unknown",
            ErrorClass::Constraint => "constraint",
            ErrorClass::Auth => "authentication",
            ErrorClass::DatabaseMissing => "database missing",
            ErrorClass::Closed => "closed",
            ErrorClass::Invalid => "invalid",
            ErrorClass::NotFound => "not found",
            ErrorClass::Other => "other",
        })
    }
}

impl ConnectionErrorKind {
    /// The class of a connection error of this kind.
    pub fn class(self) -> ErrorClass {
        match self {
            ConnectionErrorKind::Lost => ErrorClass::ConnectionLost,
            ConnectionErrorKind::Refused
            | ConnectionErrorKind::HostNotFound
            | ConnectionErrorKind::Timeout => ErrorClass::ConnectFailed,
            ConnectionErrorKind::PoolTimeout => ErrorClass::PoolTimeout,
            ConnectionErrorKind::PoolClosed => ErrorClass::Closed,
            ConnectionErrorKind::Auth => ErrorClass::Auth,
            ConnectionErrorKind::DatabaseNotFound => ErrorClass::DatabaseMissing,
            ConnectionErrorKind::InvalidUrl
            | ConnectionErrorKind::Tls
            | ConnectionErrorKind::HeldByTransaction => ErrorClass::Invalid,
            ConnectionErrorKind::Open | ConnectionErrorKind::Other => ErrorClass::Other,
        }
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
    /// The pool's connections when it happened (a pool timeout says why: all
    /// in use, how many waiting).
    pub pool: Option<PoolStatus>,
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
            pool: None,
            source: None,
        }
    }

    /// The same error with the pool's state when it happened.
    pub fn with_pool(mut self, status: PoolStatus) -> Self {
        self.pool = Some(status);
        self
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
        write!(f, "connection error: {}", self.message)?;
        if let Some(pool) = &self.pool {
            write!(f, " (pool: {pool})")?;
        }
        Ok(())
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
    tree: Option<crate::error_map::ErrorMap<FieldError>>,
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
            tree: None,
            changeset: Box::new(changeset),
        }
    }

    /// The same error with the errors of nested changesets (what
    /// [`crate::Changeset::into_error`] sets): [`InvalidChangeset::error_messages`]
    /// then nests them.
    pub fn with_tree(mut self, tree: crate::error_map::ErrorMap<FieldError>) -> Self {
        self.tree = Some(tree);
        self
    }

    /// Every error, nested changesets' included, grouped by key.
    pub fn traverse_errors<T>(
        &self,
        mut f: impl FnMut(&FieldError) -> T,
    ) -> crate::error_map::ErrorMap<T> {
        match &self.tree {
            Some(tree) => tree.map(&mut f),
            None => crate::field_error::traverse_errors(&self.errors, f),
        }
    }
    /// The errors grouped by field with their messages rendered, as
    /// `Changeset::error_messages` gives them (`{"price": ["can't be blank"]}`):
    /// what a web handler answers with, no downcast needed.
    ///
    /// ```
    /// use quarry_core::{FieldError, InvalidChangeset};
    /// let e = InvalidChangeset::new("products", vec![("price".into(), FieldError::new("can't be blank"))], ());
    /// assert_eq!(e.error_messages()["price"], ["can't be blank"]);
    /// // Serialises to Ecto's JSON shape:
    /// assert_eq!(serde_json::to_string(&e).unwrap(), r#"{"errors":{"price":["can't be blank"]}}"#);
    /// ```
    pub fn error_messages(&self) -> crate::error_map::ErrorMap<String> {
        self.traverse_errors(FieldError::render)
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
            tree,
            changeset,
        } = self;
        changeset
            .downcast::<C>()
            .map(|b| *b)
            .map_err(|changeset| InvalidChangeset {
                table,
                errors,
                tree,
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

/// `{"errors": {"field": ["message", ...]}}`, the body Phoenix's
/// `ChangesetJSON` answers a 422 with.
impl serde::Serialize for InvalidChangeset {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("errors", &self.error_messages())?;
        map.end()
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
        let mut first = self.errors.is_empty();
        if let Some(tree) = &self.tree {
            for (key, node) in tree.iter() {
                if matches!(node, crate::error_map::ErrorNode::Messages(_)) {
                    continue;
                }
                if !first {
                    f.write_str(", ")?;
                }
                first = false;
                let rendered = node.map(&mut FieldError::render);
                let json = serde_json::to_string(&rendered).unwrap_or_default();
                write!(f, "{key} {json}")?;
            }
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
    #[error("{operation} takes filters and joins only (no limit, offset or distinct)")]
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
    /// A write of a struct that was deleted (state `Deleted`): it has no row
    /// to update and must not be inserted again by mistake.
    #[error("{operation} of a deleted {schema}: it has no row any more")]
    Deleted {
        /// The schema's Rust name.
        schema: &'static str,
        /// The operation.
        operation: &'static str,
    },
    /// A nested change (`cast_assoc`, `put_assoc`, `cast_embed`) would
    /// replace a loaded child, and the association's `on_replace` is
    /// [`OnReplace::Raise`](crate::changeset::OnReplace::Raise), the default
    /// (Ecto raises here too).
    #[error("the change of {owner}.{association} leaves out a loaded child, and on_replace is raise: pass every loaded child (with its key) or choose another on_replace (mark_as_invalid, nilify, update, delete)")]
    OnReplaceRaise {
        /// The owner schema.
        owner: &'static str,
        /// The association or embed.
        association: &'static str,
    },
    /// Two steps of a `Multi` with one name.
    #[error("the multi has two steps named `{0}`")]
    DuplicateStep(String),
    /// `begin` on a transaction's driver (nesting goes through savepoints).
    #[error("nested transactions are savepoints: call begin on the Transaction")]
    NestedBegin,
    /// A read's future was polled again after it had completed (its rows
    /// were already handed out).
    #[error("a read was polled again after it completed: await each read once")]
    PolledAfterCompletion,
    /// A prefix (a Postgres schema, a MySQL database) that is not a plain
    /// identifier: ASCII letters, digits and `_`, not starting with a digit,
    /// 1 to 63 characters. It never reaches SQL.
    #[error("the prefix {0:?} is not a plain identifier (ASCII letters, digits and _, not starting with a digit, at most 63 characters)")]
    InvalidPrefix(String),
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
    #[error("{}", decode_message(table, column, *expected, found))]
    Decode {
        /// The table of the schema being loaded (empty when the row was not
        /// read for a schema, as in a raw query or a projection).
        table: &'static str,
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
    /// A statement ran past its timeout and the database cancelled it. Its
    /// transaction, if any, is rolled back by the code that opened it; the
    /// connection is clean for its next statement.
    #[error("statement timed out: {0}")]
    Timeout(DatabaseError),
    /// COMMIT was sent but the connection failed before the database answered:
    /// the transaction may or may not have been committed. Never retried
    /// blindly (running it again could apply it twice).
    #[error("the outcome of COMMIT is unknown (the connection failed before the database answered): {0}")]
    CommitOutcomeUnknown(ConnectionError),
    /// A write (or a statement quarry cannot tell is a read) was sent to a
    /// read-only handle: the replicas of a replicated repo
    /// (`ReplicatedRepo::replica`). Send it through the primary. Nothing was
    /// sent to the database.
    #[error("`{statement}` is not a read: a replica handle runs reads only (send writes through the primary)")]
    ReadOnly {
        /// The statement's first word (`INSERT`, `UPDATE`, `DELETE`, `BEGIN`...).
        statement: String,
    },
}

/// `cannot decode column `products.name`: expected string, found NULL (...)`.
fn decode_message(table: &str, column: &str, expected: ValueType, found: &str) -> String {
    let place = if table.is_empty() {
        column.to_string()
    } else {
        format!("{table}.{column}")
    };
    let hint = if found == "NULL" {
        " (the field is not an `Option`: make it `Option<_>` if the column may hold NULL, or make the column NOT NULL)"
    } else {
        ""
    };
    format!("cannot decode column `{place}`: expected {expected}, found {found}{hint}")
}

impl Error {
    /// The same error, a [`Error::Decode`] naming `table` if it named none
    /// (the schema derive calls this while loading rows).
    ///
    /// ```
    /// use quarry_core::{Error, ValueType};
    /// let e = Error::Decode { table: "", column: "name".into(), expected: ValueType::String, found: "NULL".into() };
    /// let msg = e.in_table("products").to_string();
    /// assert!(msg.starts_with("cannot decode column `products.name`: expected string, found NULL"), "{msg}");
    /// assert!(msg.contains("make it `Option<_>`"));
    /// ```
    pub fn in_table(self, table: &'static str) -> Self {
        match self {
            Error::Decode {
                table: "",
                column,
                expected,
                found,
            } => Error::Decode {
                table,
                column,
                expected,
                found,
            },
            other => other,
        }
    }

    /// The invalid changeset, when this is [`Error::Invalid`] for a `C`.
    pub fn changeset<C: Any>(&self) -> Option<&C> {
        match self {
            Error::Invalid(inv) => inv.changeset(),
            _ => None,
        }
    }

    /// What kind of failure this is (see [`ErrorClass`]).
    pub fn class(&self) -> ErrorClass {
        match self {
            Error::Database(e) => e.class.unwrap_or(if e.constraint.is_some() {
                ErrorClass::Constraint
            } else {
                ErrorClass::Other
            }),
            Error::Timeout(_) => ErrorClass::StatementTimeout,
            Error::CommitOutcomeUnknown(_) => ErrorClass::CommitOutcomeUnknown,
            Error::Connection(e) => e.kind.class(),
            Error::Constraint { .. } => ErrorClass::Constraint,
            Error::NoResults { .. } | Error::Stale { .. } => ErrorClass::NotFound,
            Error::TransactionDone => ErrorClass::Closed,
            Error::MultipleResults { .. }
            | Error::Invalid(_)
            | Error::Decode { .. }
            | Error::UnknownField { .. }
            | Error::InvalidValue { .. }
            | Error::AdapterNotEnabled { .. }
            | Error::UnsupportedUrl(_)
            | Error::Unsupported { .. }
            | Error::NotLoaded { .. }
            | Error::ReadOnly { .. }
            | Error::Query(_) => ErrorClass::Invalid,
        }
    }

    /// True when the same work may succeed if run again (see
    /// [`ErrorClass::is_transient`]): what a retry loop asks.
    pub fn is_transient(&self) -> bool {
        self.class().is_transient()
    }

    /// The driver's own error underneath a database or connection error.
    pub fn driver_error(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        match self {
            Error::Database(e) | Error::Timeout(e) => e.source.as_deref(),
            Error::Connection(e) | Error::CommitOutcomeUnknown(e) => e.source.as_deref(),
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
            Error::Database(db) => db.constraint.as_deref(),
            _ => None,
        }
    }
}

/// quarry's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
