//! quarry-mysql: the MySQL and MariaDB adapter. It holds only what is MySQL's own:
//! connecting, telling MariaDB from MySQL and what each can do, row decoding by
//! MySQL type, and reading error numbers. Every Repo operation comes from
//! `quarry-query`. Nothing on the MySQL path uses MariaDB-only SQL: RETURNING is
//! used only when the server is MariaDB 10.5 or later.
//!
//! ```no_run
//! # async fn demo() -> quarry_core::Result<()> {
//! let repo = quarry_mysql::connect("mysql://root@127.0.0.1:3306/test").await?;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod connect;
mod driver;
mod error;
mod row;

pub use connect::{capabilities, connect, connect_with, MySqlRepo};
