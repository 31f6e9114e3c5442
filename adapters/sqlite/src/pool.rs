//! The connection pool: up to `max_connections` rusqlite connections (one for
//! an in-memory database). Taking a free connection is one uncontended lock
//! on the calling task; a caller that finds none queues and waits
//! asynchronously (first come, first served) up to the acquire timeout.
//!
//! A connection comes back clean: one returned inside a transaction (a
//! transaction dropped without commit, or a future dropped mid-way) is rolled
//! back first.

use crate::error::open_error;
use crate::url::Target;
use quarry_core::{ConnectionError, ConnectionErrorKind, Error, PoolStatus, Result};
use rusqlite::Connection;

use crate::statements::Conn;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Prepared statements kept per connection when `PoolOptions::statement_cache`
/// is `None` (sqlx's default, which quarry used before).
pub(crate) const DEFAULT_STATEMENT_CACHE: usize = 100;

/// How connections are opened and set up.
pub(crate) struct Setup {
    pub(crate) url: String,
    pub(crate) target: Target,
    pub(crate) busy_timeout: Duration,
    pub(crate) statement_cache: usize,
}

impl Setup {
    /// Opens and sets up one connection: busy timeout, foreign keys on, WAL for
    /// files that may be written, the statement cache size. Statements run on
    /// the calling task then wait for locks asynchronously
    /// ([`crate::exec::run_waiting`]); on the blocking pool, SQLite's busy
    /// timeout sleeps that thread.
    pub(crate) fn open(&self) -> Result<Conn> {
        let t = &self.target;
        let fail = |e| open_error(e, &self.url);
        let conn = Connection::open_with_flags(&t.filename, t.flags).map_err(fail)?;
        larger_lookaside(&conn);
        // rusqlite takes milliseconds as an i32 (about 24 days).
        let busy = self
            .busy_timeout
            .min(Duration::from_millis(i32::MAX as u64));
        conn.busy_timeout(busy).map_err(fail)?;
        conn.execute_batch("PRAGMA foreign_keys = ON")
            .map_err(fail)?;
        if !t.memory && !t.read_only {
            conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
                .map_err(fail)?;
        }
        if !t.spawn_blocking {
            crate::exec::wait_asynchronously(&conn).map_err(fail)?;
        }
        conn.set_prepared_statement_cache_capacity(self.statement_cache);
        Ok(Conn::open(conn, self.statement_cache))
    }
}

/// Slots of SQLite's lookaside allocator per connection (each
/// [`LOOKASIDE_SLOT`] bytes; SQLite itself has 40).
pub(crate) const LOOKASIDE_SLOTS: i32 = 256;

/// The size of a lookaside slot (SQLite's default).
const LOOKASIDE_SLOT: i32 = 1200;

/// Gives `conn` a lookaside allocator of [`LOOKASIDE_SLOTS`] slots (300 KB)
/// where SQLite has 40 (48 KB). Lookaside is where a connection takes its
/// small allocations from without going to `malloc`; every prepared
/// statement kept in the adapter's caches holds some of it for as long as
/// it is kept, so a connection that keeps a few statements has used up
/// SQLite's default, and from then on every small allocation a statement
/// makes while it runs (a row of an automatic index, a text cell made
/// NUL-terminated) goes to `malloc` and `free`. Best effort: when SQLite
/// refuses (its lookaside already in use), the default stays.
fn larger_lookaside(conn: &Connection) {
    // SAFETY: the handle is this open connection's, used on this thread
    // before anything else runs on it; SQLITE_DBCONFIG_LOOKASIDE takes a
    // buffer pointer (NULL: SQLite allocates it), the slot size and the
    // slot count.
    unsafe {
        rusqlite::ffi::sqlite3_db_config(
            conn.handle(),
            rusqlite::ffi::SQLITE_DBCONFIG_LOOKASIDE,
            std::ptr::null_mut::<std::ffi::c_void>(),
            LOOKASIDE_SLOT,
            LOOKASIDE_SLOTS,
        );
    }
}

/// The pool behind a [`crate::SqliteRepo`].
pub(crate) struct Pool {
    setup: Setup,
    state: Mutex<State>,
    size: usize,
    acquire_timeout: Duration,
}

/// What the pool's one lock guards.
struct State {
    /// Free connections.
    idle: Vec<Conn>,
    /// Connections that exist (free or out), at most `size`.
    open: usize,
    /// Callers waiting for a connection, first come first served: a freed
    /// connection is handed to the first (`None`: room to open one).
    waiters: VecDeque<oneshot::Sender<Option<Conn>>>,
    /// Set by `close`: no connection is handed out any more.
    closed: bool,
    /// For each connection a transaction holds, the task that last used it:
    /// a task waiting for a connection that only its own transactions hold
    /// would wait forever.
    tx_tasks: Vec<TaskOf>,
}

/// Who runs the caller: a tokio task, or (for the future a runtime's
/// `block_on` drives, which is no task) the thread it runs on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TaskOf {
    Task(tokio::task::Id),
    Thread(std::thread::ThreadId),
}

impl TaskOf {
    fn current() -> TaskOf {
        match tokio::task::try_id() {
            Some(id) => TaskOf::Task(id),
            None => TaskOf::Thread(std::thread::current().id()),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A caller's place in the queue. Dropped (the caller gave up, or its future
/// was dropped) after a connection was handed to it, it gives the connection
/// back, so none is ever lost.
struct Waiting<'p> {
    pool: &'p Pool,
    rx: oneshot::Receiver<Option<Conn>>,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.rx.close();
        if let Ok(handed) = self.rx.try_recv() {
            self.pool.hand_over(handed);
        }
    }
}

impl Pool {
    /// A pool of `size` connections, the first opened now (so a bad path or
    /// URL fails here).
    pub(crate) fn open(setup: Setup, size: usize, acquire_timeout: Duration) -> Result<Arc<Pool>> {
        let size = size.max(1);
        let first = setup.open()?;
        Ok(Arc::new(Pool {
            setup,
            state: Mutex::new(State {
                idle: vec![first],
                open: 1,
                waiters: VecDeque::new(),
                closed: false,
                tx_tasks: Vec::new(),
            }),
            size,
            acquire_timeout,
        }))
    }

    /// A connection for a statement run here and now, without waiting: a
    /// free one, else a new one while fewer than `size` exist; `None` when
    /// the caller would have to wait for one (then [`Pool::acquire`] waits).
    /// The connection borrows the pool rather than holding a count of it
    /// (two atomic operations fewer per statement).
    pub(crate) fn try_lend(&self) -> Option<Result<LentConn<'_>>> {
        Some(self.try_take()?.map(|conn| LentConn {
            conn: Some(conn),
            pool: self,
        }))
    }

    /// The connection [`Pool::try_lend`] lends.
    fn try_take(&self) -> Option<Result<Conn>> {
        let mut st = lock(&self.state);
        if st.closed {
            return None;
        }
        if let Some(conn) = st.idle.pop() {
            return Some(Ok(conn));
        }
        if st.open < self.size {
            st.open += 1;
            drop(st);
            return Some(self.setup.open().inspect_err(|_| self.hand_over(None)));
        }
        None
    }

    /// A connection for the caller: a free one at once (one lock, no await),
    /// else a new one while fewer than `size` exist, else the first one freed,
    /// within the acquire timeout. Fails at once when every connection is held
    /// by a transaction of the calling task.
    pub(crate) async fn acquire(self: &Arc<Self>) -> Result<PooledConn> {
        let mut deadline = None;
        loop {
            let rx = {
                let mut st = lock(&self.state);
                if st.closed {
                    return Err(Error::Connection(ConnectionError::new(
                        ConnectionErrorKind::PoolClosed,
                        "the SQLite pool is closed",
                    )));
                }
                if let Some(conn) = st.idle.pop() {
                    return Ok(self.pooled(conn));
                }
                if st.open < self.size {
                    st.open += 1;
                    drop(st);
                    return match self.setup.open() {
                        Ok(conn) => Ok(self.pooled(conn)),
                        Err(e) => {
                            self.hand_over(None);
                            Err(e)
                        }
                    };
                }
                self.refuse_self_wait(&st)?;
                let (tx, rx) = oneshot::channel();
                st.waiters.push_back(tx);
                rx
            };
            let deadline = *deadline.get_or_insert_with(|| Instant::now() + self.acquire_timeout);
            let mut waiting = Waiting { pool: self, rx };
            let handed = match tokio::time::timeout_at(deadline.into(), &mut waiting.rx).await {
                Ok(Ok(handed)) => handed,
                // The sender went away unsent: cannot happen while the pool lives.
                Ok(Err(_)) => None,
                Err(_) => {
                    waiting.rx.close();
                    match waiting.rx.try_recv() {
                        // Handed over just as time ran out: take it.
                        Ok(handed) => handed,
                        Err(_) => return Err(self.timed_out()),
                    }
                }
            };
            drop(waiting);
            if let Some(conn) = handed {
                return Ok(self.pooled(conn));
            }
            // Room to open one: try again.
        }
    }

    fn pooled(self: &Arc<Self>, conn: Conn) -> PooledConn {
        PooledConn {
            conn: Some(conn),
            pool: Arc::clone(self),
            tx_task: None,
        }
    }

    /// How long a statement waits for a lock another connection holds.
    pub(crate) fn busy_timeout(&self) -> Duration {
        self.setup.busy_timeout
    }

    fn refuse_self_wait(&self, st: &State) -> Result<()> {
        let me = TaskOf::current();
        let held = st.tx_tasks.iter().filter(|t| **t == me).count();
        if held < self.size {
            return Ok(());
        }
        let what = if self.setup.target.memory {
            "the in-memory SQLite database has one connection, and a transaction on this task holds it".to_string()
        } else {
            format!(
                "all {} connections of the SQLite pool are held by transactions on this task",
                self.size
            )
        };
        Err(Error::Connection(ConnectionError::new(
            ConnectionErrorKind::HeldByTransaction,
            format!(
                "{what}: run this statement through the transaction handle (the `tx` of `repo.transaction(|tx| ..)`) instead of the repo, which would wait for the transaction to end"
            ),
        )))
    }

    fn timed_out(&self) -> Error {
        Error::Connection(
            ConnectionError::new(
                ConnectionErrorKind::PoolTimeout,
                format!(
                    "no SQLite connection became free within {:?}",
                    self.acquire_timeout
                ),
            )
            .with_pool(self.status()),
        )
    }

    /// The pool's connections now.
    pub(crate) fn status(&self) -> PoolStatus {
        let st = lock(&self.state);
        PoolStatus::new(self.size, st.open, st.idle.len(), st.waiters.len())
    }

    /// Refuses new work, waits up to `grace` for the connections out to come
    /// back, then closes the free ones (a connection still out is closed when
    /// it comes back). Waiters are told the pool is closed.
    pub(crate) async fn close(&self, grace: Duration) {
        let waiters = {
            let mut st = lock(&self.state);
            st.closed = true;
            std::mem::take(&mut st.waiters)
        };
        // Each waiter wakes with nothing, finds the pool closed and gives up.
        drop(waiters);
        let deadline = Instant::now() + grace;
        while self.status().in_use > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let idle = std::mem::take(&mut lock(&self.state).idle);
        drop(idle);
    }

    /// Records that `now` instead of `before` holds a transaction's connection.
    fn retrack(&self, before: Option<&TaskOf>, now: Option<&TaskOf>) {
        let mut st = lock(&self.state);
        if let Some(old) = before {
            if let Some(i) = st.tx_tasks.iter().position(|t| t == old) {
                st.tx_tasks.swap_remove(i);
            }
        }
        if let Some(new) = now {
            st.tx_tasks.push(new.clone());
        }
    }

    /// Takes a connection back, rolled back if it is still inside a
    /// transaction. A file connection that cannot be rolled back is closed
    /// (the pool opens a fresh one when needed); the in-memory one is the
    /// database, so it is kept.
    fn give_back(&self, conn: Conn) {
        let clean = conn.is_autocommit()
            || crate::exec::run_sql(&conn, "ROLLBACK").is_ok()
            || conn.is_autocommit();
        if clean || self.setup.target.memory {
            self.hand_over(Some(conn));
        } else {
            drop(conn);
            self.hand_over(None);
        }
    }

    /// A connection freed (`None`: one closed, room to open another): to
    /// the first waiter still waiting, else back to the free list.
    fn hand_over(&self, freed: Option<Conn>) {
        let mut st = lock(&self.state);
        if freed.is_none() {
            st.open = st.open.saturating_sub(1);
        }
        let mut item = freed;
        while let Some(waiter) = st.waiters.pop_front() {
            match waiter.send(item) {
                Ok(()) => return,
                // That caller gave up: the next one.
                Err(back) => item = back,
            }
        }
        if let Some(conn) = item {
            if st.closed {
                st.open = st.open.saturating_sub(1);
            } else {
                st.idle.push(conn);
            }
        }
    }
}

/// A connection out of the pool; dropping it gives it back.
pub(crate) struct PooledConn {
    conn: Option<Conn>,
    pool: Arc<Pool>,
    /// Set while a transaction holds the connection: the task that last used it.
    tx_task: Option<TaskOf>,
}

impl PooledConn {
    /// The connection.
    pub(crate) fn conn(&self) -> Result<&Conn> {
        self.conn.as_ref().ok_or_else(|| Error::TransactionDone)
    }

    /// Marks the connection as held by a transaction of the calling task.
    pub(crate) fn hold_for_transaction(&mut self) {
        self.touch();
    }

    /// Records the calling task as the one using this transaction's connection
    /// (a transaction may move between tasks).
    pub(crate) fn touch(&mut self) {
        let now = TaskOf::current();
        if self.tx_task.as_ref() != Some(&now) {
            self.pool.retrack(self.tx_task.as_ref(), Some(&now));
            self.tx_task = Some(now);
        }
    }
}

/// A connection lent for one statement run at once ([`Pool::try_lend`]);
/// dropping it gives it back. Never inside a transaction.
pub(crate) struct LentConn<'p> {
    conn: Option<Conn>,
    pool: &'p Pool,
}

impl LentConn<'_> {
    /// The connection.
    pub(crate) fn conn(&self) -> Result<&Conn> {
        self.conn.as_ref().ok_or_else(|| Error::TransactionDone)
    }
}

impl Drop for LentConn<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.give_back(conn);
        }
    }
}

impl Drop for PooledConn {
    fn drop(&mut self) {
        if let Some(task) = self.tx_task.take() {
            self.pool.retrack(Some(&task), None);
        }
        if let Some(conn) = self.conn.take() {
            self.pool.give_back(conn);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The most lookaside slots `conn` has had in use at once.
    fn lookaside_high_water(conn: &Connection) -> i32 {
        let (mut current, mut high) = (0, 0);
        // SAFETY: an open connection's handle, on its own thread; the two
        // out-pointers are live locals.
        unsafe {
            rusqlite::ffi::sqlite3_db_status(
                conn.handle(),
                rusqlite::ffi::SQLITE_DBSTATUS_LOOKASIDE_USED,
                &mut current,
                &mut high,
                0,
            );
        }
        high
    }

    /// Keeps 60 prepared statements at once, as a connection's statement
    /// caches do; the lookaside high-water mark meanwhile.
    fn keep_statements(conn: &Connection) -> i32 {
        conn.execute_batch("CREATE TABLE t (a INTEGER, b TEXT)")
            .expect("a table");
        let kept: Vec<_> = (0..60)
            .map(|i| {
                conn.prepare(&format!("SELECT a, b, {i} FROM t WHERE a = ?1 ORDER BY b"))
                    .expect("prepares")
            })
            .collect();
        let high = lookaside_high_water(conn);
        drop(kept);
        high
    }

    #[test]
    fn connections_have_lookaside_for_the_statements_they_keep() {
        let setup = Setup {
            url: "sqlite::memory:".to_string(),
            target: crate::url::parse("sqlite::memory:").expect("a memory URL"),
            busy_timeout: Duration::from_secs(1),
            statement_cache: DEFAULT_STATEMENT_CACHE,
        };
        let ours = keep_statements(&setup.open().expect("opens"));
        let plain = keep_statements(&Connection::open_in_memory().expect("opens"));
        // SQLite's default (1200 x 40: 30 full slots and 93 small ones) is
        // used up by these statements; the adapter's connections hold them
        // all in lookaside.
        assert!(
            plain <= 123,
            "SQLite's default lookaside held {plain} slots"
        );
        assert!(
            ours > plain + 60,
            "the adapter's connection used {ours} lookaside slots, a plain one {plain}"
        );
    }
}
