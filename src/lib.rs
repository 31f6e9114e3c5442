//! # quarry
//!
//! An Ecto-style data layer for Rust: a [`Repo`] that owns all database access,
//! [`Schema`]s that map tables to structs, composable [`Query`] values, and
//! [`Changeset`]s that cast and validate outside data before it touches the
//! database — over SQLite (feature `sqlite`, the default), PostgreSQL (`postgres`)
//! and MySQL/MariaDB (`mysql`).
//!
//! ```
//! use quarry::prelude::*;
//!
//! #[derive(Schema, Clone, Debug, PartialEq)]
//! #[quarry(table = "products", timestamps)]
//! pub struct Product {
//!     pub meta: Meta,
//!     pub id: i64,
//!     pub name: String,
//!     pub price: f64,
//!     pub inserted_at: chrono::NaiveDateTime,
//!     pub updated_at: chrono::NaiveDateTime,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> quarry::Result<()> {
//! let repo = quarry::connect("sqlite::memory:").await?;
//! repo.execute_raw(
//!     "CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL,
//!      inserted_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
//!     vec![],
//! ).await?;
//! let cs = Changeset::cast(Product::default(), serde_json::json!({"name": "Tulip", "price": "1.5"}),
//!                          (Product::name, Product::price))
//!     .validate_required((Product::name, Product::price));
//! let tulip = repo.insert(cs).await?;
//! assert_eq!(tulip.meta.state(), State::Loaded);
//! let cheap = repo.all(Product::query().filter(Product::price.lt(2.0))).await?;
//! assert_eq!(cheap, vec![tulip]);
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub use quarry_core::{
    changeset, traverse_errors, Action, Assoc, AssocDef, AssocKind, AssocValue, Association,
    Changeset, Column, ConnectionError, ConnectionErrorKind, Constraint, ConstraintKind,
    ConstraintOptions, ConstraintViolation, DatabaseError, Error, Field, FieldDef, FieldError,
    FieldList, FieldRole, FieldValue, InvalidChangeset, Length, LengthCount, Meta, NameMatch,
    NotLoaded, Num, Number, Params, Regex, Result, Row, ScalarValue, Schema, State, TimestampValue,
    Value, ValueError, ValueRow, ValueType,
};
pub use quarry_macros::{FromRow, Schema};
#[doc(hidden)]
pub use quarry_query::bench as bench_support;
pub use quarry_query::driver::{self, PoolOptions};
#[doc(hidden)]
pub use quarry_query::sql_cache_bypassed;
pub use quarry_query::{
    assoc, AssocRepo, AssocSpec, InsertAssoc, Parents, Preload, PreloadExt, Preloaded,
};
pub use quarry_query::{
    avg, count, count_distinct, exists, from, max, maybe_row, min, not_exists, repo::BoxFuture,
    row, sea_query, sum, table, Agg, Aggregate, Alias, AliasColumn, Arg, Backend, Bind, Bound,
    Capabilities, ColumnExt, ColumnRef, Comparable, Cond, Dialect, Driver, ExecResult, Fetch,
    IntoQuery, JoinKind, ListParam, LockStrength, LockWait, MaybeWhole, Param, ParamList,
    ParamSlot, Pattern, Prepared, Projection, Query, Repo, Select, SelectAs, SortOrder, Statement,
    Template, TextExt, Transaction, Updates, Whole,
};

mod connect;
pub use connect::{connect, connect_with, AnyRepo};

/// Migrations (Ecto's `Ecto.Migration` and `mix ecto.migrate`): a migration
/// file starts with `use quarry::migration::prelude::*;` and implements
/// [`migration::Migration`]; [`migration::Migrator`] runs migrations over any
/// [`Repo`]; [`migration::cli`] is the entry point of a project's `migrate`
/// binary, which the `quarry` command (crate quarry-cli) runs.
pub use quarry_migrate as migration;

/// The adapters compiled into this build.
pub mod adapters {
    #[cfg(feature = "mysql")]
    pub use quarry_mysql as mysql;
    #[cfg(feature = "postgres")]
    pub use quarry_postgres as postgres;
    #[cfg(feature = "sqlite")]
    pub use quarry_sqlite as sqlite;
}

/// Everything a typical module needs: `use quarry::prelude::*;`.
pub mod prelude {
    pub use crate::{
        from, table, Action, Aggregate, Alias, Assoc, AssocRepo, Changeset, ColumnExt, FieldError,
        FromRow, Length, ListParam, Meta, Number, Param, Params, PreloadExt, Prepared, Query, Repo,
        Schema, State, TextExt, Updates,
    };
}
