//! quarry-sqlite: the SQLite adapter. It holds only what is SQLite's own: how to
//! connect, what the database can do, how rows decode and how errors read. Every
//! Repo operation comes from `quarry-query`.
//!
//! ```no_run
//! # async fn demo() -> quarry_core::Result<()> {
//! let repo = quarry_sqlite::connect("sqlite::memory:").await?;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod connect;
mod driver;
mod error;
mod foreign_key;
mod row;

pub use connect::{connect, connect_with, SqliteRepo};
