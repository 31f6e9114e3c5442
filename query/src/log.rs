//! Every statement the shared layer runs goes through here, so each one emits a
//! `tracing` event (target `quarry::sql`) with its SQL, table, duration and row
//! count; parameters are logged at trace level only.

use crate::driver::{Driver, ExecResult, RowSink, RunOptions};
use crate::statement::Statement;
use quarry_core::Result;
use std::time::Instant;

/// The tracing target of statement events.
pub const TARGET: &str = "quarry::sql";

/// The time a statement starts, when its event will be recorded: no clock
/// is read when nothing listens at debug level (trace, the parameters'
/// level, is then off too).
fn start() -> Option<Instant> {
    tracing::enabled!(target: TARGET, tracing::Level::DEBUG).then(Instant::now)
}

fn emit(stmt: &Statement, started: Option<Instant>, rows: u64, ok: bool) {
    let Some(started) = started else { return };
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    tracing::debug!(target: TARGET, sql = %stmt.sql, table = stmt.table, duration_us = micros, rows, ok, "statement");
    tracing::trace!(target: TARGET, params = ?stmt.values, "statement parameters");
}

/// Runs `stmt` on `driver` without rows, logging it.
pub async fn execute(driver: &dyn Driver, stmt: &Statement) -> Result<ExecResult> {
    let started = start();
    let result = match driver.run_now(stmt, RunOptions::default(), None) {
        Some(done) => done,
        None => driver.run(stmt, RunOptions::default(), None).await,
    };
    emit(
        stmt,
        started,
        result.as_ref().map(|r| r.rows_affected).unwrap_or(0),
        result.is_ok(),
    );
    result
}

/// [`fetch`] here and now, when nothing listens for statement events and
/// the driver can run `stmt` at once ([`Driver::run_now`]); `None` (nothing
/// ran, the sink saw no row) otherwise.
#[inline]
pub(crate) fn fetch_now(
    driver: &dyn Driver,
    stmt: &Statement,
    sink: &mut RowSink<'_>,
) -> Option<Result<()>> {
    if tracing::enabled!(target: TARGET, tracing::Level::DEBUG) {
        return None;
    }
    let done = driver.run_now(stmt, RunOptions::default(), Some(sink))?;
    Some(done.map(drop))
}

/// Runs `stmt` on `driver`, feeding rows to `sink`, logging it.
pub async fn fetch(driver: &dyn Driver, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()> {
    if let Some(done) = fetch_now(driver, stmt, &mut *sink) {
        return done;
    }
    fetch_after_now(driver, stmt, sink).await
}

/// [`fetch`] once [`fetch_now`] answered `None`: nothing ran. Without a
/// listener the driver could not run `stmt` at once, so it is not asked
/// again; with one, it is tried at once here, with the rows counted for the
/// event.
pub(crate) async fn fetch_after_now(
    driver: &dyn Driver,
    stmt: &Statement,
    sink: &mut RowSink<'_>,
) -> Result<()> {
    let started = start();
    if started.is_none() {
        return driver
            .run(stmt, RunOptions::default(), Some(sink))
            .await
            .map(drop);
    }
    let mut rows = 0u64;
    let result = {
        let counting: &mut RowSink<'_> = &mut |row: &dyn quarry_core::Row| {
            rows += 1;
            sink(row)
        };
        match driver.run_now(stmt, RunOptions::default(), Some(&mut *counting)) {
            Some(done) => done,
            None => {
                driver
                    .run(stmt, RunOptions::default(), Some(counting))
                    .await
            }
        }
    };
    emit(stmt, started, rows, result.is_ok());
    result.map(drop)
}
