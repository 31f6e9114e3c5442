//! quarry-sqlite: the SQLite adapter, over [rusqlite] with SQLite bundled. It
//! holds only what is SQLite's own: how to connect, what the database can do,
//! how rows decode and how errors read. Every Repo operation comes from
//! `quarry-query`.
//!
//! ```no_run
//! # async fn demo() -> quarry_core::Result<()> {
//! let repo = quarry_sqlite::connect("sqlite::memory:").await?;
//! # Ok(()) }
//! ```
//!
//! # URLs
//!
//! | URL | database |
//! |---|---|
//! | `sqlite::memory:` | a fresh in-memory database, private to this repo |
//! | `sqlite://path/to/file.db`, `sqlite:file.db` | a file (relative to the working directory; `sqlite:///abs/path.db` for an absolute path), created if missing |
//! | `sqlite:name?mode=memory` | a named in-memory database, shared by the connections of this process that name it |
//!
//! The path is percent-decoded (`%3F` for a `?` in a file name). Query
//! parameters, as sqlx read them: `mode=ro` (read-only; the file must exist),
//! `mode=rw` / `mode=rwc` (the default: read-write, created if missing),
//! `mode=memory`, `cache=shared|private`, `immutable=true` (a read-only file
//! nothing else changes), `vfs=<name>`; and quarry's own
//! `spawn_blocking=true` ([below](#threads-the-calling-task-or-the-blocking-pool)).
//! Any other parameter is a [`ConnectionErrorKind::InvalidUrl`] error.
//!
//! # The pool
//!
//! A file gets up to [`PoolOptions::max_connections`] connections (10 by
//! default), opened as needed and kept; an in-memory database lives in
//! exactly one, kept for the repo's lifetime. Every connection is set up
//! with:
//!
//! - `PRAGMA foreign_keys = ON` (SQLite leaves foreign keys off by default);
//! - `PRAGMA journal_mode = WAL` for files opened read-write (readers and one
//!   writer at a time; the `-wal` and `-shm` files beside the database);
//! - a busy timeout of [`PoolOptions::acquire_timeout`] (30 s by default): a
//!   statement that finds the database locked by another connection (another
//!   writer) waits for that long, then fails with SQLite's `SQLITE_BUSY`
//!   (code 5). By default the wait is asynchronous: the adapter's busy
//!   handler gives up at once and the statement is retried after short async
//!   pauses, so a waiting task never blocks its thread (and the lock holder
//!   gets to finish, even on the same thread). With `spawn_blocking=true` it
//!   is SQLite's own `busy_timeout`, sleeping the blocking thread;
//! - a cache of [`PoolOptions::statement_cache`] prepared statements (100 when
//!   `None`), so a statement quarry sends again is not parsed again. A
//!   statement whose SQL text comes from quarry's SQL cache (every query and
//!   write quarry builds, and prepared queries) is found by the address of
//!   that shared text: one word hashed, rather than the text hashed and
//!   rusqlite's LRU list reordered twice per call as `prepare_cached` does;
//!   SQL built for one call (`execute_raw`) goes through rusqlite's cache.
//!   Each of the two keeps up to `statement_cache` statements; `Some(0)`
//!   turns both off. A kept statement is prepared as long-lived
//!   (`SQLITE_PREPARE_PERSISTENT`) and lets go of its values once it has
//!   run, as `prepare_cached`'s do, so it holds no copy of the data it
//!   wrote, and a large one (a 10,000-row `insert_all`) does not hold the
//!   lookaside memory below until it runs again;
//! - a lookaside allocator of 256 slots of 1,200 bytes (300 KB) where SQLite
//!   has 40: SQLite takes a connection's small allocations from it without
//!   going to `malloc`, and every statement kept in the caches holds some of
//!   it. With SQLite's 48 KB a connection keeping a few statements has none
//!   left, and a read of 100 joined rows then makes ~115 more `malloc` /
//!   `free` pairs (8% of its instructions in `benches/peers`).
//!
//! Synchronous writes stay at SQLite's default (`synchronous = FULL`).
//! Taking a free connection is a few atomic operations on the calling task;
//! a caller that finds none waits asynchronously, up to the acquire timeout
//! ([`ConnectionErrorKind::PoolTimeout`]). Waiting needs tokio's time driver
//! (`enable_time` or `enable_all` on the runtime).
//!
//! # Threads: the calling task, or the blocking pool
//!
//! By default a statement runs on the task that awaits it, with no hop to
//! another thread: the connection is taken from the pool, the statement found
//! in its cache (or prepared), its values bound, and its rows stepped one at a
//! time, each handed to quarry while SQLite holds it (nothing is copied into
//! an intermediate row list). This is how Diesel and Toasty call SQLite, and
//! the fastest way there is: a round trip costs what SQLite's own work costs.
//!
//! **The statement blocks the thread it runs on while SQLite works.** For
//! the statements applications usually send (microseconds to a few
//! milliseconds) that is far cheaper than handing them to another thread;
//! but a long analytical query holds up every task scheduled on the same
//! tokio worker for as long as it runs. (Waiting for another connection's
//! lock does not: see the busy timeout above.) For such workloads add
//! `spawn_blocking=true` to the URL
//! (`sqlite://analytics.db?spawn_blocking=true`): each statement (and each
//! COMMIT / ROLLBACK) then runs on tokio's blocking pool
//! (`tokio::task::spawn_blocking`), its rows sent back in batches of 256 over
//! a bounded channel, so memory stays flat while streaming. The price is a
//! thread hand-off per statement and per batch of rows: about 15 µs a
//! statement on a small 2-core machine (10x a one-row query, 1.1x to 1.5x a
//! query of thousands of rows; docs/benchmarks.md measures it beside the
//! default). In that mode dropping the future of a
//! running statement interrupts it (`sqlite3_interrupt`), and the
//! connection goes back to its pool or transaction once it has stopped.
//!
//! # Transactions
//!
//! A transaction holds one connection inside `BEGIN` (deferred: the first
//! write takes SQLite's write lock, waiting up to the busy timeout); quarry
//! nests savepoints on it. Dropped without commit, or with a statement's
//! future dropped mid-way, it is rolled back before the connection serves
//! anyone else. If SQLite ends a transaction by itself (an interrupted write,
//! a full disk), the transaction's next statement fails with
//! [`Error::TransactionDone`](quarry_core::Error::TransactionDone) instead of
//! running outside it.
//!
//! On an in-memory database the transaction holds the only connection: using
//! the repo itself inside `repo.transaction(..)` (or after `repo.begin()`) on
//! the same task fails at once with
//! [`ConnectionErrorKind::HeldByTransaction`], saying to use the transaction
//! handle, instead of waiting out the acquire timeout; other tasks wait for
//! the transaction as usual. The same holds on a file when every connection
//! of the pool is held by transactions of the calling task.
//!
//! # Errors
//!
//! What SQLite reports is [`Error::Database`](quarry_core::Error::Database)
//! with SQLite's message and extended result code (`2067` for UNIQUE, `787`
//! for FOREIGN KEY, ...), the constraint read from them (SQLite does not name
//! a violated foreign key; quarry finds it and names it
//! `<table>_<column>_fkey`). A database that cannot be opened is
//! [`Error::Connection`](quarry_core::Error::Connection) of kind
//! [`ConnectionErrorKind::Open`]. The rusqlite error is kept as the
//! `source()` of both.
//!
//! [`PoolOptions::max_connections`]: quarry_query::driver::PoolOptions::max_connections
//! [`PoolOptions::acquire_timeout`]: quarry_query::driver::PoolOptions::acquire_timeout
//! [`PoolOptions::statement_cache`]: quarry_query::driver::PoolOptions::statement_cache
//! [`ConnectionErrorKind::InvalidUrl`]: quarry_core::ConnectionErrorKind::InvalidUrl
//! [`ConnectionErrorKind::PoolTimeout`]: quarry_core::ConnectionErrorKind::PoolTimeout
//! [`ConnectionErrorKind::HeldByTransaction`]: quarry_core::ConnectionErrorKind::HeldByTransaction
//! [`ConnectionErrorKind::Open`]: quarry_core::ConnectionErrorKind::Open
#![warn(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod blocking;
mod connect;
mod driver;
mod error;
mod exec;
mod foreign_key;
mod pool;
mod row;
mod statements;
mod url;

pub use connect::{connect, connect_with, SqliteRepo};
