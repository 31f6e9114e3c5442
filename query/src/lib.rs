//! quarry-query: composable, typed queries written as SQL for each dialect
//! (quarry's own writer for what it models, sea-query for the rest), and the
//! shared Repo layer every adapter plugs into.
//!
//! - [`Query`] values and typed conditions ([`ColumnExt`]) live in `query.rs` and
//!   `expr.rs`;
//! - [`Prepared`] queries are built once with typed [`Param`] arguments and run
//!   with new ones (`prepared/`);
//! - [`Dialect`] and [`Statement`] are what a compiled query becomes;
//! - [`Driver`] is the driver-neutral boundary an adapter implements (one
//!   statement method, [`Driver::run`]; callers use [`DriverExt`]);
//! - [`Repo`] is the one Repo trait: every operation is written once here.
#![warn(missing_docs)]

mod compile;
mod computed;
#[doc(hidden)]
pub mod ir;
#[doc(hidden)]
pub use compile::cache::bypassed as sql_cache_bypassed;
pub mod array;
pub mod assoc;
mod assoc_path;
pub mod bench;
pub mod dialect;
pub mod driver;
pub mod expr;
pub mod fragment;
pub mod into_query;
pub mod log;
pub mod prefix;
pub mod preload;
pub mod prepared;
pub mod query;
pub mod read;
pub mod replica;
pub mod repo;
pub mod scope;
pub mod select;
pub mod source;
mod sql;
pub mod sql_value;
pub mod statement;
pub mod subquery;
pub mod window;
mod write;

pub use array::{ArrayColumn, ArrayExt};
pub use assoc::{assoc, AssocRepo, InsertAssoc, Parents};
pub use dialect::{Dialect, JoinedWrite, SeaBuilder, SqlDialect, UpsertSyntax};
pub use driver::{
    Backend, Capabilities, Driver, DriverExt, ExecResult, PoolStatus, RowSink, RunOptions, TxDriver,
};
pub use expr::{Arg, Bind, ColumnExt, Comparable, Cond, ListArg, Pattern, Subquery, TextExt};
pub use fragment::{fragment, Fragment, FragmentArg, FragmentArgs};
pub use into_query::{Decode, Fetch, IntoQuery, RootOf};
pub use preload::{AssocSpec, Preload, PreloadExt, Preloaded};
pub use prepared::{Bound, ListItem, ListParam, Param, ParamList, ParamSlot, Prepared, Template};
pub use query::{
    exists, from, not_exists, JoinKind, LockStrength, LockWait, Query, SetOp, SortOrder,
};
pub use read::{ReadAll, ReadOne};
pub use repo::{Aggregate, Repo, Transaction, Updates};
pub use select::{
    avg, count, count_distinct, max, maybe_row, min, row, sum, Agg, MaybeWhole, ProjectIn,
    Projection, Scoped, Select, SelectAs, Whole,
};
pub use source::{table, Alias, AliasColumn, ColumnRef, Source, SourceArg, TableRef};
pub use statement::Statement;
pub use subquery::{scalar, Scalar};
pub use window::{
    dense_rank, lag, lag_by, lead, lead_by, over, rank, row_number, Window, WindowFn, Windowed,
};

/// Re-exported so adapters and advanced users build statements with the same version.
pub use sea_query;
