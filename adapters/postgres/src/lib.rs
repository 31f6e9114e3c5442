//! quarry-postgres: the PostgreSQL adapter. It holds only what is Postgres's own:
//! connecting, capabilities, row decoding by Postgres type, and reading SQLSTATE
//! errors. Every Repo operation comes from `quarry-query`.
//!
//! ```no_run
//! # async fn demo() -> quarry_core::Result<()> {
//! let repo = quarry_postgres::connect("postgres://postgres@127.0.0.1/test").await?;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod connect;
mod driver;
mod error;
mod row;

pub use connect::{connect, connect_with, PostgresRepo};
