//! # quarry
//!
//! An Ecto-style data layer for Rust: a [`Repo`] that owns all database access,
//! [`Schema`]s that map tables to structs, composable [`Query`] values, and
//! [`Changeset`]s that cast and validate outside data before it touches the
//! database — over SQLite (feature `sqlite`, the default), PostgreSQL (`postgres`)
//! and MySQL/MariaDB (`mysql`).
//!
//! ## Start here
//!
//! In your `Cargo.toml` (quarry re-exports [`chrono`] and [`serde_json`], so
//! generated schemas need nothing else):
//!
//! ```toml
//! [dependencies]
//! quarry = { path = "../quarry" }   # features: "sqlite" (default), "postgres", "mysql"
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! The `quarry` command (`cargo install --locked --path cli` from the
//! repository) creates databases, generates migrations and schemas and runs
//! them: the README's "Your first quarry project" goes from `cargo new` to a
//! program that inserts and queries, step by step. A whole program:
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
//!     pub inserted_at: quarry::chrono::NaiveDateTime,
//!     pub updated_at: quarry::chrono::NaiveDateTime,
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
//! let cs = Changeset::cast(Product::default(), quarry::serde_json::json!({"name": "Tulip", "price": "1.5"}),
//!                          (Product::name, Product::price))
//!     .validate_required((Product::name, Product::price));
//! let tulip = repo.insert(cs).await?;
//! assert_eq!(tulip.meta.state(), State::Loaded);
//! let cheap = repo.all(Product::query().filter(Product::price.lt(2.0))).await?;
//! assert_eq!(cheap, vec![tulip]);
//! # Ok(()) }
//! ```
//!
//! ## Guides
//!
//! | guide | what |
//! |---|---|
//! | [`guides::queries`] | filters, joins, projections, aggregates, subqueries, locks, prepared queries |
//! | [`guides::associations`] | declaring associations, preload, `assoc` queries, nested inserts |
//! | [`guides::changesets`] | cast, validate, constraints; nested changesets: `cast_assoc`, `put_assoc`, `cast_embed` |
//! | [`guides::errors`] | the typed errors, error classes, retries, timeouts, pool status |
//! | [`migration`] | migrations, the runner and the `quarry` command |
//! | [`guides::web`] | answering HTTP: schemas as JSON, changeset errors as 422 bodies |
//! | [`guides::testing`] | tests on a real database: `#[quarry::test]` and the sandbox |
//! | [`guides::scale_out`] | read replicas, PgBouncer, Galera |
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap,
        clippy::cast_sign_loss
    )
)]
//!
//! ## Where things are
//!
//! The names an application writes every day are at the root: [`Repo`],
//! [`Schema`] (trait and derive), [`Query`], [`Changeset`], [`Params`],
//! [`Meta`] and [`State`], [`Assoc`], [`Transaction`], [`Updates`],
//! [`Prepared`] with [`Param`] and [`ListParam`], [`Error`] and [`Result`],
//! [`connect`] and [`AnyRepo`]. `use quarry::prelude::*;` brings them and the
//! extension traits queries need. The rest is grouped by module:
//!
//! | module | what |
//! |---|---|
//! | [`query`] | conditions ([`query::ColumnExt`]), projections, aggregates, joins, locks, subqueries |
//! | [`changeset`] | casting and validating outside data: validators, constraints, field errors |
//! | [`schema`] | field types, typed columns, values, the schema description the derive writes |
//! | [`assoc`](mod@assoc) | associations: preload, `assoc` queries, nested inserts |
//! | [`error`] | the typed errors |
//! | [`multi`] | named steps in one transaction ([`Multi`]) |
//! | [`migration`] | migrations and their runner (`quarry migrate`) |
//! | [`driver`] | the adapter-author API: the driver boundary, statements, dialects, rows |
//! | [`adapters`] | the adapters compiled into this build |
//! | [`testing`] | the test sandbox and `#[quarry::test]` (docs/testing.md) |
//! | [`replica`] | a repo over a primary and its read replicas |

mod connect;
pub use connect::{connect, connect_with, AnyRepo};
pub mod replica;

/// The chrono version quarry's date and time fields use: a schema written by
/// `quarry gen schema` names `quarry::chrono::NaiveDateTime`, so an
/// application needs no chrono dependency of its own.
pub use chrono;
pub use quarry_core::{rust_decimal, uuid};
/// The serde_json version changesets cast from (`quarry::serde_json::json!`)
/// and `map` fields hold.
pub use serde_json;

pub use quarry_core::{Assoc, Changeset, Error, Meta, Params, Result, Schema, State, Value};
pub use quarry_macros::{test, Enum, FromTuple, Schema};
pub use quarry_query::assoc::assoc;
pub use quarry_query::driver::PoolOptions;
pub use quarry_query::repo::Multi;
pub use quarry_query::repo::Retry;
pub use quarry_query::{
    from, table, Alias, ListParam, Param, Prepared, Query, Repo, Transaction, Updates,
};

/// Named steps run in one transaction (Ecto's `Ecto.Multi`): [`Multi`], the
/// [`multi::Step`] handles its steps return, the [`multi::Results`] they are
/// read from and the [`multi::MultiError`] of a failed run. See
/// docs/multi.md.
pub mod multi {
    pub use quarry_query::repo::{Multi, MultiError, Results, Step};
}

/// Queries: conditions, projections, aggregates, joins and locks, subqueries,
/// and the traits that make them typed. [`Query`] itself is at
/// the root.
pub mod query {
    pub use quarry_query::prefix::{IntoPrefix, Prefix};
    pub use quarry_query::repo::{
        BoxFuture, ConflictAction, OnConflict, Prefixed, Retryable, Timed,
    };
    pub use quarry_query::{
        avg, count, count_distinct, exists, fragment, from, max, maybe_row, min, not_exists, row,
        scalar, sum, table, Agg, Aggregate, Alias, AliasColumn, Arg, ArrayColumn, ArrayExt, Bind,
        Bound, ColumnExt, ColumnRef, Comparable, Cond, Fetch, Fragment, FragmentArg, FragmentArgs,
        IntoQuery, JoinKind, ListParam, LockStrength, LockWait, MaybeWhole, Param, ParamList,
        Pattern, Prepared, ProjectIn, Projection, Query, ReadAll, ReadOne, Scalar, Scoped, Select,
        SelectAs, SetOp, SortOrder, TextExt, Whole,
    };
    pub use quarry_query::{
        dense_rank, lag, lag_by, lead, lead_by, over, rank, row_number, Window, WindowFn, Windowed,
    };
    pub use quarry_query::{expr::ListArg, expr::Subquery, select::Summable};

    /// How the compiler checks that a query can see the tables an expression
    /// reads: type-level lists of the query's sources (a LEFT-joined one
    /// marked [`scope::LeftJoined`], the enclosing query's table of a
    /// correlated subquery [`scope::Parent`]). Compile errors name these;
    /// application code does not use them.
    pub mod scope {
        pub use quarry_query::scope::{
            AllIn, Closed, Has, Here, HereMaybe, InParent, Joins, LeftJoined, MaybeNull, NotNull,
            Nullity, One, Parent, Position, There,
        };
    }
}

/// Changesets (Ecto's `Ecto.Changeset`): cast outside data, validate it,
/// declare the constraints the database checks.
pub mod changeset {
    pub use quarry_core::changeset::*;
    pub use quarry_core::Regex;
}

/// Schemas: the [`Schema`] trait the derive implements, field
/// types, typed columns and values.
pub mod schema {
    pub use quarry_core::field_type::Json;
    pub use quarry_core::rust_decimal::Decimal;
    pub use quarry_core::uuid::Uuid;
    pub use quarry_core::{
        ArrayElement, CastError, Column, Field, FieldDef, FieldList, FieldRole, FieldType,
        FieldValue, Key, Meta, Nullable, ScalarValue, Schema, State, TimestampValue, Value,
        ValueError, ValueType,
    };
}

/// Associations (Ecto's `has_many`, `has_one`, `belongs_to`, `many_to_many`):
/// the field state, the typed association tokens, preload, `assoc` queries
/// and nested inserts.
pub mod assoc {
    pub use quarry_core::{
        Assoc, AssocDef, AssocKind, AssocValue, Association, NotLoaded, Preloadable, SameKey,
    };
    pub use quarry_query::{
        assoc, AssocRepo, AssocSpec, InsertAssoc, Parents, Preload, PreloadExt, Preloaded,
    };
}

/// quarry's errors: one [`Error`] enum and the types its
/// variants carry.
pub mod error {
    pub use quarry_core::{
        ConnectionError, ConnectionErrorKind, ConstraintKind, ConstraintViolation, DatabaseError,
        DriverError, Error, ErrorClass, InvalidChangeset, PoolStatus, QueryError, Result,
    };
}

/// The adapter-author API: what an adapter implements ([`driver::Driver`],
/// whose one statement method is [`run`](driver::Driver::run),
/// [`driver::TxDriver`], [`driver::Row`]), what callers use on a driver
/// ([`driver::DriverExt`]: `execute`, `fetch`, ...) and what it is handed
/// ([`driver::Statement`]s in a [`driver::Dialect`]), with the sea-query version quarry builds with. Applications
/// rarely need it.
pub mod driver {
    pub use quarry_core::{Row, ValueRow};
    pub use quarry_query::driver::*;
    pub use quarry_query::sea_query;
    pub use quarry_query::{Dialect, SeaBuilder, SqlDialect, Statement};
}

/// What the derives and benchmarks reach for: not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use quarry_core::field::cast_field;
    pub use quarry_core::schema::{AnyBox, TxHandle, WriteFuture};
    pub use quarry_core::{
        ArrayElement, Assoc, Association, CastError, Column, Error, FieldDef, FieldError,
        FieldRole, FieldType, FieldValue, Meta, Row, Schema, State, TimestampValue, Value,
        ValueError, ValueType,
    };
    pub use quarry_query::bench as bench_support;
    pub use quarry_query::repo::write_nested;
    pub use quarry_query::sql_cache_bypassed;
    pub use quarry_query::Query;
    pub use serde_json;
}

/// Migrations (Ecto's `Ecto.Migration` and `mix ecto.migrate`): a migration
/// file starts with `use quarry::migration::prelude::*;` and implements
/// [`migration::Migration`]; [`migration::Migrator`] runs migrations over any
/// [`Repo`]; [`migration::cli`] is the entry point of a project's `migrate`
/// binary, which the `quarry` command (crate quarry-cli) runs.
pub use quarry_migrate as migration;

pub mod testing;

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
    pub use crate::assoc::{AssocRepo, PreloadExt};
    pub use crate::changeset::{
        Action, CastAssoc, DefaultChangeset, FieldError, Length, Number, OnReplace,
    };
    pub use crate::query::{Aggregate, ArrayExt, ColumnExt, TextExt};
    pub use crate::{
        from, table, Alias, Assoc, Changeset, FromTuple, ListParam, Meta, Multi, Param, Params,
        Prepared, Query, Repo, Schema, State, Updates,
    };
}

/// The guides (the repository's `docs/*.md`), here so they are read with the
/// API and their examples compile with the tests.
pub mod guides {
    #[doc = include_str!("../docs/errors.md")]
    pub mod errors {}
    #[doc = include_str!("../docs/queries.md")]
    pub mod queries {}
    #[doc = include_str!("../docs/associations.md")]
    pub mod associations {}
    #[doc = include_str!("../docs/web.md")]
    pub mod web {}
    #[doc = include_str!("../docs/testing.md")]
    pub mod testing {}
    #[doc = include_str!("../docs/scale-out.md")]
    pub mod scale_out {}
    #[doc = include_str!("../docs/types.md")]
    pub mod types {}
    #[doc = include_str!("../docs/writes.md")]
    pub mod writes {}
    #[doc = include_str!("../docs/multi.md")]
    pub mod multi {}
    #[doc = include_str!("../docs/changesets.md")]
    pub mod changesets {}
}

/// The README, so its Rust examples compile with the tests (its first
/// project's `src/main.rs` is marked `ignore` here: scripts/newcomer.sh builds
/// and runs it in a project of its own).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
