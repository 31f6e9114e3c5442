//! Testing an application built on quarry: the [`Sandbox`] (Ecto's
//! `Ecto.Adapters.SQL.Sandbox`) and the [`#[quarry::test]`](crate::test)
//! attribute. The guide is `docs/testing.md`.
//!
//! A sandbox is a repo whose every statement runs inside one transaction
//! that is rolled back when the test ends, also when it panics. Transactions
//! the code under test opens are savepoints inside it, so code that commits
//! is rolled back all the same. Many sandboxed tests run at once against one
//! PostgreSQL or MySQL/MariaDB database without seeing each other's rows (a
//! transaction does not see another's uncommitted rows); on SQLite each test
//! gets a private in-memory database.
//!
//! ```
//! use quarry::prelude::*;
//! use quarry::testing::Sandbox;
//!
//! #[quarry::test]
//! async fn counts_nothing_in_an_empty_database(repo: Sandbox) -> quarry::Result<()> {
//!     repo.execute_raw("CREATE TABLE notes (id INTEGER PRIMARY KEY)", vec![]).await?;
//!     assert!(repo.query_raw("SELECT id FROM notes", vec![], &[]).await?.is_empty());
//!     Ok(())
//! }
//! # fn main() {}
//! ```
//!
//! What a sandboxed test cannot do, and what to do instead, is in
//! `docs/testing.md` ("Limits").

mod run;
mod sandbox;
mod script;
mod setup;

#[doc(hidden)]
pub use run::{fixture as __fixture, run as __run, Outcome, Source, Test};
pub use sandbox::Sandbox;
pub use script::run_script;
pub use setup::{database_url, sandbox, Migrations, TEST_DATABASE_URL};
