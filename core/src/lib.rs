//! quarry-core: the data side of quarry — values, schemas, typed columns, rows,
//! changesets and errors. Nothing here talks to a database.
//!
//! Most users reach these through the `quarry` facade crate.
#![warn(missing_docs)]

pub mod array;
mod array_json;
pub mod assoc;
mod cast;
pub mod changeset;
pub mod column;
pub mod error;
pub mod error_map;
pub mod field;
pub mod field_error;
pub mod field_type;
pub mod key;
pub mod pool_status;
pub mod row;
pub mod schema;
pub mod timestamp;
pub mod value;
mod web;

#[doc(hidden)]
pub mod doc_support;

pub use array::ArrayElement;
pub use assoc::{
    Assoc, AssocDef, AssocKind, AssocValue, Association, NotLoaded, Preloadable, SameKey,
};
pub use cast::CastError;
pub use changeset::{
    traverse_errors, Action, CastAssoc, Changeset, Constraint, ConstraintOptions, DefaultChangeset,
    EmbedsMany, EmbedsOne, FieldError, Length, LengthCount, NameMatch, NestedSet, Num, Number,
    OnReplace, Params,
};
pub use column::{Column, Field, FieldList};
pub use error::{
    ConnectionError, ConnectionErrorKind, ConstraintKind, ConstraintViolation, DatabaseError,
    DriverError, Error, ErrorClass, InvalidChangeset, QueryError, Result,
};
pub use error_map::{ErrorMap, ErrorNode};
pub use field::{FieldValue, Nullable, ScalarValue, TimestampValue};
pub use field_type::FieldType;
pub use key::Key;
pub use pool_status::PoolStatus;
pub use row::{Row, ValueRow};
pub use schema::{FieldDef, FieldRole, Meta, Schema, State};
pub use value::{Value, ValueError, ValueType};

/// Re-exported so applications name the UUID type quarry binds without a
/// version-matched dependency of their own.
pub use uuid;

/// Re-exported so applications name the decimal type quarry binds without a
/// version-matched dependency of their own.
pub use rust_decimal;

/// Re-exported so validators can take a compiled pattern.
pub use regex::Regex;
