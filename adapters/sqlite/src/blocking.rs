//! The opt-in `spawn_blocking=true` mode: each statement runs on tokio's
//! blocking pool, so a long query does not hold up the other tasks of the
//! async worker it was called from. Rows come back in batches over a bounded
//! channel (memory stays flat while streaming). Dropping the caller's future
//! interrupts the statement (`sqlite3_interrupt`); the connection goes back to
//! its pool or transaction when the statement has stopped.

use crate::exec;
use crate::pool::PooledConn;
use crate::row::{Cell, OwnedRow};
use crate::statements::Conn;
use quarry_core::{ConnectionError, ConnectionErrorKind, DatabaseError, Error, Result};
use quarry_query::{ExecResult, RowSink, Statement};
use rusqlite::InterruptHandle;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::OwnedMutexGuard;

/// Rows per batch sent back from the blocking thread; at most a few batches
/// are in flight.
const BATCH_ROWS: usize = 256;

/// What owns a connection for the length of one statement: a pooled
/// connection, or a transaction's slot.
pub(crate) trait Holder: Send + 'static {
    /// The connection.
    fn conn(&self) -> Result<&Conn>;
}

impl Holder for PooledConn {
    fn conn(&self) -> Result<&Conn> {
        PooledConn::conn(self)
    }
}

impl Holder for OwnedMutexGuard<Option<PooledConn>> {
    fn conn(&self) -> Result<&Conn> {
        self.as_ref().ok_or_else(|| Error::TransactionDone)?.conn()
    }
}

type Shared = Arc<Mutex<Option<InterruptHandle>>>;

/// The caller's side: dropped before the statement has finished (the future
/// was dropped, or the sink failed), it interrupts the statement.
struct Interrupt(Shared);

impl Drop for Interrupt {
    fn drop(&mut self) {
        let handle = self.0.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(h) = handle {
            h.interrupt();
        }
    }
}

/// The blocking thread's side: the holder, and the interrupt handle that it
/// withdraws before the connection is given back (so an interrupt can never
/// reach a statement of whoever uses the connection next).
struct Job<H: Holder> {
    shared: Shared,
    holder: H,
}

impl<H: Holder> Drop for Job<H> {
    fn drop(&mut self) {
        // Runs before `holder` is dropped.
        self.shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }
}

fn arm<H: Holder>(holder: H) -> Result<(Interrupt, Job<H>)> {
    let handle = holder.conn()?.get_interrupt_handle();
    let shared: Shared = Arc::new(Mutex::new(Some(handle)));
    Ok((Interrupt(Arc::clone(&shared)), Job { shared, holder }))
}

fn runtime() -> Result<tokio::runtime::Handle> {
    tokio::runtime::Handle::try_current().map_err(|e| {
        Error::Connection(
            ConnectionError::new(
                ConnectionErrorKind::Other,
                "SQLite's spawn_blocking mode runs statements on tokio's blocking pool: call it inside a tokio runtime",
            )
            .with_source(e),
        )
    })
}

fn join_error(e: tokio::task::JoinError) -> Error {
    Error::Database(
        DatabaseError::new(format!(
            "the blocking task running the SQLite statement failed: {e}"
        ))
        .with_source(e),
    )
}

/// Runs `stmt` on the blocking pool.
pub(crate) async fn execute<H: Holder>(
    holder: H,
    stmt: &Statement,
    deadline: Option<std::time::Instant>,
) -> Result<ExecResult> {
    let rt = runtime()?;
    let (interrupt, job) = arm(holder)?;
    let stmt = stmt.clone();
    let task = rt.spawn_blocking(move || {
        let job = job;
        let conn = job.holder.conn()?;
        exec::with_deadline(conn, deadline, || {
            exec::run(conn, &stmt, &mut false, true, |_| Ok(()))
        })
    });
    let result = task.await.map_err(join_error)?;
    drop(interrupt);
    result
}

/// Runs quarry's own SQL (COMMIT, ROLLBACK) on the blocking pool.
pub(crate) async fn run_sql<H: Holder>(holder: H, sql: &'static str) -> Result<()> {
    let rt = runtime()?;
    let (interrupt, job) = arm(holder)?;
    let task = rt.spawn_blocking(move || {
        let job = job;
        exec::run_sql(job.holder.conn()?, sql)
    });
    let result = task.await.map_err(join_error)?;
    drop(interrupt);
    result
}

/// Rows of one statement, read on the blocking thread.
struct Batch {
    names: Arc<[String]>,
    width: usize,
    rows: usize,
    cells: Vec<Cell>,
}

/// Runs `stmt` on the blocking pool, feeding its rows to `sink` here.
pub(crate) async fn fetch<H: Holder>(
    holder: H,
    stmt: &Statement,
    sink: &mut RowSink<'_>,
    deadline: Option<std::time::Instant>,
) -> Result<ExecResult> {
    let rt = runtime()?;
    let (interrupt, job) = arm(holder)?;
    let stmt = stmt.clone();
    let (send, mut receive) = tokio::sync::mpsc::channel::<Batch>(2);
    let task = rt.spawn_blocking(move || {
        let job = job;
        let conn = job.holder.conn()?;
        let gone = || {
            Error::Query(quarry_core::QueryError::Other(
                "the caller stopped reading rows".to_string(),
            ))
        };
        let mut batch: Option<Batch> = None;
        let done = exec::with_deadline(conn, deadline, || {
            exec::run(conn, &stmt, &mut false, false, |row| {
                let st = row.as_ref();
                let width = st.column_count();
                if batch
                    .as_ref()
                    .is_some_and(|b| b.width != width || b.rows == BATCH_ROWS)
                {
                    if let Some(full) = batch.take() {
                        send.blocking_send(full).map_err(|_| gone())?;
                    }
                }
                let b = match &mut batch {
                    Some(b) => b,
                    None => {
                        let names = (0..width)
                            .map(|i| st.column_name(i).unwrap_or("").to_string())
                            .collect();
                        batch.insert(Batch {
                            names,
                            width,
                            rows: 0,
                            cells: Vec::with_capacity(width * BATCH_ROWS),
                        })
                    }
                };
                for i in 0..width {
                    b.cells
                        .push(Cell::read(row.get_ref(i).map_err(crate::error::map_error)?));
                }
                b.rows += 1;
                Ok(())
            })
        })?;
        if let Some(rest) = batch.take() {
            send.blocking_send(rest).map_err(|_| gone())?;
        }
        Ok(done)
    });
    while let Some(batch) = receive.recv().await {
        for r in 0..batch.rows {
            let cells = batch
                .cells
                .get(r * batch.width..(r + 1) * batch.width)
                .unwrap_or(&[]);
            sink(&OwnedRow {
                names: &batch.names,
                cells,
            })?;
        }
    }
    let result = task.await.map_err(join_error)?;
    drop(interrupt);
    result
}
