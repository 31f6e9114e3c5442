//! quarry-query: composable, typed queries compiled through sea-query for each
//! dialect, and the shared Repo layer every adapter plugs into.
//!
//! - [`Query`] values and typed conditions ([`ColumnExt`]) live in `query.rs` and
//!   `expr.rs`;
//! - [`Dialect`] and [`Statement`] are what a compiled query becomes;
//! - [`Driver`] is the driver-neutral boundary an adapter implements;
//! - [`Repo`] is the one Repo trait: every operation is written once here.
#![warn(missing_docs)]

pub mod dialect;
pub mod driver;
pub mod expr;
pub mod log;
pub mod query;
pub mod repo;
pub mod sql_value;
pub mod statement;
mod write;

pub use dialect::Dialect;
pub use driver::{Backend, Capabilities, Driver, ExecResult, RowSink, TxDriver};
pub use expr::{Bind, ColumnExt, Cond};
pub use query::{from, Query, SortOrder};
pub use repo::{Aggregate, Repo, Transaction, Updates};
pub use statement::Statement;

/// Re-exported so adapters and advanced users build statements with the same version.
pub use sea_query;
