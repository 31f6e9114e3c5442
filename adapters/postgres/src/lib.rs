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

mod connect;
mod driver;
mod error;
mod row;

pub use connect::{connect, connect_with, PostgresRepo};
