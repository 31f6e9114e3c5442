//! Running one statement on a connection, synchronously: the cached prepared
//! statement, its values bound straight from the sea-query values, its rows
//! stepped one at a time.

use crate::error::map_error;
use crate::statements::Conn;
use chrono::SecondsFormat;
use fallible_iterator::FallibleIterator;
use quarry_core::{Error, Result};
use quarry_query::{ExecResult, Statement};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use sea_query::{OptionEnum, Value as Sv};
use std::cell::Cell;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

thread_local! {
    /// Set by [`on_busy`] when a statement on this thread found the database
    /// locked by another connection.
    static LOCKED: Cell<bool> = const { Cell::new(false) };
}

/// SQLite's busy handler for connections whose statements run on the calling
/// task: instead of sleeping the thread (which would also stall the task that
/// holds the lock, when it runs on the same thread), it notes the lock and
/// gives up at once; [`run_waiting`] then waits asynchronously and retries.
fn on_busy(_attempt: i32) -> bool {
    LOCKED.with(|l| l.set(true));
    false
}

/// Installs [`on_busy`] on `conn`.
pub(crate) fn wait_asynchronously(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_handler(Some(on_busy))
}

/// A place a statement takes its connection from: a pooled connection, or a
/// transaction's slot (which checks it is still inside the transaction).
pub(crate) trait Slot {
    /// The connection.
    fn connection(&mut self) -> Result<&Conn>;
}

fn is_busy(e: &Error) -> bool {
    e.driver_error()
        .and_then(|d| d.downcast_ref::<rusqlite::Error>())
        .and_then(rusqlite::Error::sqlite_error_code)
        == Some(rusqlite::ErrorCode::DatabaseBusy)
}

/// Runs `attempt` on the slot's connection. When it fails because another
/// connection holds a lock it needs (SQLite's busy handler was called) and
/// it has not yet delivered a row or finished a statement, it is run again
/// after an asynchronous pause, for up to `patience` (SQLite's busy timeout,
/// without blocking the thread); then the `SQLITE_BUSY` error is returned.
pub(crate) async fn run_waiting<S, T, F>(
    slot: &mut S,
    patience: Duration,
    mut attempt: F,
) -> Result<T>
where
    S: Slot + Send,
    F: FnMut(&Conn, &mut bool) -> Result<T> + Send,
{
    let mut deadline = None;
    let mut pause = Duration::from_millis(1);
    loop {
        LOCKED.with(|l| l.set(false));
        let mut progressed = false;
        let result = {
            let conn = slot.connection()?;
            attempt(conn, &mut progressed)
        };
        let locked = LOCKED.with(|l| l.replace(false));
        match result {
            Err(e) if locked && !progressed && is_busy(&e) => {
                let now = Instant::now();
                let deadline = *deadline.get_or_insert(now + patience);
                if now >= deadline {
                    return Err(e);
                }
                tokio::time::sleep(pause.min(deadline - now)).await;
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

/// Runs `attempt` once on the slot's connection, here and now. `None` when it
/// failed only because another connection holds a lock it needs, before it
/// delivered a row or finished a statement: nothing happened, and the caller
/// runs it again through [`run_waiting`], which waits the lock out.
pub(crate) fn run_once<S, T, F>(slot: &mut S, attempt: F) -> Option<Result<T>>
where
    S: Slot,
    F: FnOnce(&Conn, &mut bool) -> Result<T>,
{
    LOCKED.with(|l| l.set(false));
    let mut progressed = false;
    let result = match slot.connection() {
        Ok(conn) => attempt(conn, &mut progressed),
        Err(e) => return Some(Err(e)),
    };
    let locked = LOCKED.with(|l| l.replace(false));
    match result {
        Err(e) if locked && !progressed && is_busy(&e) => None,
        other => Some(other),
    }
}

/// Runs `stmt`, calling `each` on every row it returns (statements that
/// return none are stepped to their end all the same). SQL holding several
/// statements runs them in order, the values bound across them as sqlx did
/// (`?` in sequence, `?NNN` / `$NNN` by number). `progressed` is set once a
/// row was delivered or a statement finished: from then on the call cannot
/// be repeated. `counted`: the result counts the changed rows and the last
/// inserted id; without it (a read, whose rows go to a sink) it is
/// `ExecResult::default()`, which saves asking SQLite for them.
pub(crate) fn run<F>(
    conn: &Conn,
    stmt: &Statement,
    progressed: &mut bool,
    counted: bool,
    mut each: F,
) -> Result<ExecResult>
where
    F: FnMut(&rusqlite::Row<'_>) -> Result<()>,
{
    // The connection's own statement of this SQL text, when it keeps one.
    if let Some(done) = conn.with_statement(&stmt.sql, |prepared, anonymous| {
        run_prepared(
            conn, prepared, anonymous, stmt, progressed, counted, &mut each,
        )
    }) {
        return done;
    }
    let mut affected = 0u64;
    match conn.prepare_cached(&stmt.sql) {
        // SQL built for one call: asking whether its parameters are all
        // anonymous would cost the name lookups `bind` makes anyway.
        Ok(mut prepared) => {
            return run_prepared(
                conn,
                &mut prepared,
                false,
                stmt,
                progressed,
                counted,
                &mut each,
            );
        }
        // Several statements (rusqlite refuses them, or fails preparing a
        // later one that depends on an earlier): one after the other.
        Err(_) if stmt.sql.contains(';') => {
            let mut batch = rusqlite::Batch::new(conn, &stmt.sql);
            let mut offset = 0;
            while let Some(mut prepared) = batch.next().map_err(map_error)? {
                offset += bind(&mut prepared, &stmt.values, offset)?;
                affected += step(conn, &mut prepared, progressed, counted, &mut each)?;
                *progressed = true;
            }
        }
        Err(e) => return Err(map_error(e)),
    }
    Ok(finished(conn, affected, counted))
}

/// The result of statements that changed `affected` rows on `conn` (the
/// default when not `counted`).
fn finished(conn: &Connection, affected: u64, counted: bool) -> ExecResult {
    if !counted {
        return ExecResult::default();
    }
    ExecResult {
        rows_affected: affected,
        last_insert_id: Some(conn.last_insert_rowid()),
    }
}

/// Binds `stmt`'s values to `prepared` (its SQL) and steps it to its end;
/// `anonymous`: all its parameters are known to be `?` (a kept statement's,
/// read once when it was prepared), so they bind in order.
fn run_prepared<F>(
    conn: &Connection,
    prepared: &mut rusqlite::Statement<'_>,
    anonymous: bool,
    stmt: &Statement,
    progressed: &mut bool,
    counted: bool,
    each: &mut F,
) -> Result<ExecResult>
where
    F: FnMut(&rusqlite::Row<'_>) -> Result<()>,
{
    let used = if anonymous {
        bind_in_order(prepared, &stmt.values)?
    } else {
        bind(prepared, &stmt.values, 0)?
    };
    if used != stmt.values.len() {
        return Err(count_mismatch(used, stmt.values.len()));
    }
    let affected = step(conn, prepared, progressed, counted, each)?;
    Ok(finished(conn, affected, counted))
}

/// Steps `prepared` to its end; the rows it changed (0 for statements that
/// changed none, where `sqlite3_changes` would repeat the previous count).
fn step<F>(
    conn: &Connection,
    prepared: &mut rusqlite::Statement<'_>,
    progressed: &mut bool,
    counted: bool,
    each: &mut F,
) -> Result<u64>
where
    F: FnMut(&rusqlite::Row<'_>) -> Result<()>,
{
    let before = counted.then(|| conn.total_changes());
    let mut rows = prepared.raw_query();
    while let Some(row) = rows.next().map_err(map_error)? {
        *progressed = true;
        each(row)?;
    }
    drop(rows);
    Ok(match before {
        Some(before) if conn.total_changes() != before => conn.changes(),
        _ => 0,
    })
}

fn count_mismatch(wanted: usize, given: usize) -> Error {
    build_error(format!(
        "the statement takes {wanted} parameter(s) but {given} value(s) were given"
    ))
}

/// Binds the parameters of `prepared`, all anonymous, from `values` in
/// order; returns how many values they took.
fn bind_in_order(prepared: &mut rusqlite::Statement<'_>, values: &[Sv]) -> Result<usize> {
    let count = prepared.parameter_count();
    if count == 0 {
        return Ok(0);
    }
    if count > values.len() {
        return Err(count_mismatch(count, values.len()));
    }
    let mut scratch = String::new();
    for (index, value) in (1..=count).zip(values) {
        bind_one(prepared, index, value, &mut scratch)?;
    }
    Ok(count)
}

/// Binds the parameters of `prepared` from `values`: anonymous `?` take the
/// next value after `offset`; `?NNN` and `$NNN` take value NNN. Returns how
/// many values the anonymous parameters used (the next statement's offset),
/// or, for a statement numbering its parameters, the highest number.
fn bind(prepared: &mut rusqlite::Statement<'_>, values: &[Sv], offset: usize) -> Result<usize> {
    let count = prepared.parameter_count();
    if count == 0 {
        return Ok(0);
    }
    let mut next = offset;
    let mut highest = 0;
    let mut scratch = String::new();
    for index in 1..=count {
        let position = match prepared.parameter_name(index) {
            None => {
                next += 1;
                next
            }
            Some(name) => {
                let number = name
                    .strip_prefix('?')
                    .or_else(|| name.strip_prefix('$'))
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| *n > 0)
                    .ok_or_else(|| {
                        build_error(format!(
                            "the parameter `{name}` is named: bind values by position (`?`, `?NNN` or `$NNN`)"
                        ))
                    })?;
                highest = highest.max(number);
                number
            }
        };
        let value = position
            .checked_sub(1)
            .and_then(|i| values.get(i))
            .ok_or_else(|| count_mismatch(position.max(count), values.len()))?;
        bind_one(prepared, index, value, &mut scratch)?;
    }
    Ok((next - offset).max(highest))
}

/// What one value binds as; `Scratch` is text formatted into the scratch buffer.
enum Out<'v> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'v [u8]),
    Blob(&'v [u8]),
    Scratch,
}

/// Formats `f` into `scratch` (reused across a statement's values).
fn format_into(scratch: &mut String, f: impl std::fmt::Display) -> Out<'static> {
    scratch.clear();
    // Writing into a String cannot fail.
    let _ = write!(scratch, "{f}");
    Out::Scratch
}

/// Binds one sea-query value the way sqlx's SQLite driver encoded it, so rows
/// written before and after read and compare the same: booleans as 0/1,
/// dates as `YYYY-MM-DD`, naive date-times as `YYYY-MM-DD HH:MM:SS[.f]`, zoned
/// ones as RFC 3339, JSON as its text, times as `HH:MM:SS[.f]`, UUIDs as
/// their hyphenated text, decimals as their exact text, arrays as JSON text.
#[inline(always)]
fn bind_one(
    prepared: &mut rusqlite::Statement<'_>,
    index: usize,
    value: &Sv,
    scratch: &mut String,
) -> Result<()> {
    let int = |v: Option<i64>| v.map_or(Out::Null, Out::Integer);
    let rfc3339 = SecondsFormat::AutoSi;
    let out = match value {
        Sv::Bool(v) => int(v.map(i64::from)),
        Sv::TinyInt(v) => int(v.map(i64::from)),
        Sv::SmallInt(v) => int(v.map(i64::from)),
        Sv::Int(v) => int(v.map(i64::from)),
        Sv::BigInt(v) => int(*v),
        Sv::TinyUnsigned(v) => int(v.map(i64::from)),
        Sv::SmallUnsigned(v) => int(v.map(i64::from)),
        Sv::Unsigned(v) => int(v.map(i64::from)),
        Sv::BigUnsigned(None) => Out::Null,
        Sv::BigUnsigned(Some(u)) => Out::Integer(i64::try_from(*u).map_err(|_| {
            build_error(format!(
                "the value {u} does not fit SQLite's 64-bit signed INTEGER"
            ))
        })?),
        Sv::Float(v) => v.map_or(Out::Null, |f| Out::Real(f64::from(f))),
        Sv::Double(v) => v.map_or(Out::Null, Out::Real),
        Sv::String(v) => v.as_deref().map_or(Out::Null, |s| Out::Text(s.as_bytes())),
        Sv::Enum(OptionEnum::Some(e)) => Out::Text(e.value.as_bytes()),
        Sv::Enum(OptionEnum::None(_)) => Out::Null,
        Sv::Char(None) => Out::Null,
        Sv::Char(Some(c)) => format_into(scratch, c),
        Sv::Bytes(v) => v.as_deref().map_or(Out::Null, Out::Blob),
        Sv::Json(None) => Out::Null,
        Sv::Json(Some(j)) => format_into(scratch, j),
        Sv::ChronoDate(None)
        | Sv::ChronoTime(None)
        | Sv::ChronoDateTime(None)
        | Sv::ChronoDateTimeUtc(None)
        | Sv::ChronoDateTimeLocal(None)
        | Sv::ChronoDateTimeWithTimeZone(None) => Out::Null,
        Sv::ChronoDate(Some(d)) => format_into(scratch, d.format("%Y-%m-%d")),
        Sv::ChronoTime(Some(t)) => format_into(scratch, t.format("%H:%M:%S%.f")),
        Sv::ChronoDateTime(Some(t)) => format_into(scratch, t.format("%Y-%m-%d %H:%M:%S%.f")),
        Sv::ChronoDateTimeUtc(Some(t)) => format_into(scratch, t.to_rfc3339_opts(rfc3339, false)),
        Sv::ChronoDateTimeLocal(Some(t)) => format_into(scratch, t.to_rfc3339_opts(rfc3339, false)),
        Sv::ChronoDateTimeWithTimeZone(Some(t)) => {
            format_into(scratch, t.to_rfc3339_opts(rfc3339, false))
        }
        // UUIDs as their hyphenated lower-case text; decimals as their exact
        // text without trailing zeros (so equal decimals compare equal as text).
        Sv::Uuid(None) | Sv::Decimal(None) => Out::Null,
        Sv::Uuid(Some(u)) => format_into(scratch, u.hyphenated()),
        Sv::Decimal(Some(d)) => format_into(scratch, d.normalize()),
        // Arrays (`Vec<T>` fields, array conditions) as JSON text.
        Sv::Array(..) => match quarry_query::sql_value::array_json(value).map_err(build_error)? {
            None => Out::Null,
            Some(json) => {
                *scratch = json;
                Out::Scratch
            }
        },
        #[allow(unreachable_patterns)]
        other => {
            return Err(build_error(format!(
                "SQLite cannot bind the value {other:?} (a type quarry does not produce)"
            )))
        }
    };
    let cell = match out {
        Out::Null => ValueRef::Null,
        Out::Integer(i) => ValueRef::Integer(i),
        Out::Real(f) => ValueRef::Real(f),
        Out::Text(t) => ValueRef::Text(t),
        Out::Blob(b) => ValueRef::Blob(b),
        Out::Scratch => ValueRef::Text(scratch.as_bytes()),
    };
    prepared
        .raw_bind_parameter(index, rusqlite::types::ToSqlOutput::Borrowed(cell))
        .map_err(map_error)
}

/// Runs SQL of quarry's own (BEGIN, COMMIT, ROLLBACK) with no values.
pub(crate) fn run_sql(conn: &Connection, sql: &str) -> Result<()> {
    let mut prepared = conn.prepare_cached(sql).map_err(map_error)?;
    let mut rows = prepared.raw_query();
    while rows.next().map_err(map_error)?.is_some() {}
    Ok(())
}

/// A statement that cannot be bound as given (the parameters do not match).
pub(crate) fn build_error(message: String) -> Error {
    Error::Query(quarry_core::QueryError::Build(message))
}

/// Runs `f` with SQLite interrupting the statement once `deadline` has passed
/// (a progress handler reads the clock every thousand virtual-machine steps);
/// the statement then fails with SQLITE_INTERRUPT, which is
/// [`Error::Timeout`]. The handler is removed afterwards.
pub(crate) fn with_deadline<T>(
    conn: &Connection,
    deadline: Option<Instant>,
    f: impl FnOnce() -> Result<T>,
) -> Result<T> {
    let Some(deadline) = deadline else {
        return f();
    };
    conn.progress_handler(1000, Some(move || Instant::now() >= deadline))
        .map_err(map_error)?;
    let out = f();
    let removed = conn
        .progress_handler(0, None::<fn() -> bool>)
        .map_err(map_error);
    out.and_then(|v| removed.map(|()| v))
}

#[cfg(test)]
mod tests {
    use super::run;
    use crate::statements::Conn;
    use quarry_query::Statement;
    use sea_query::Value as Sv;
    use std::sync::Arc;

    /// A counted run reports the rows it changed and the last id; a read's
    /// (rows to a sink) reports nothing, and asks SQLite for neither.
    #[test]
    fn only_a_counted_run_reports_changes() {
        let conn = Conn::open(rusqlite::Connection::open_in_memory().expect("open"), 8);
        conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
            .expect("table");
        let stmt = |sql: &str, values: Vec<Sv>| Statement {
            sql: Arc::from(sql),
            values,
            table: "t",
        };
        let insert = stmt(
            "INSERT INTO t (name) VALUES (?), (?)",
            vec![Sv::String(Some("a".into())), Sv::String(Some("b".into()))],
        );
        let done = run(&conn, &insert, &mut false, true, |_| Ok(())).expect("insert");
        assert_eq!((done.rows_affected, done.last_insert_id), (2, Some(2)));
        let mut names = 0;
        let read = stmt("SELECT name FROM t", vec![]);
        let done = run(&conn, &read, &mut false, false, |_| {
            names += 1;
            Ok(())
        })
        .expect("read");
        assert_eq!(names, 2);
        assert_eq!((done.rows_affected, done.last_insert_id), (0, None));
        // A write whose rows go to a sink (RETURNING) is not counted either.
        let returning = stmt("UPDATE t SET name = 'c' RETURNING id", vec![]);
        let done = run(&conn, &returning, &mut false, false, |_| Ok(())).expect("update");
        assert_eq!((done.rows_affected, done.last_insert_id), (0, None));
        let counted = stmt("UPDATE t SET name = 'd'", vec![]);
        let done = run(&conn, &counted, &mut false, true, |_| Ok(())).expect("update");
        assert_eq!(done.rows_affected, 2);
    }

    #[test]
    fn a_kept_statement_lets_go_of_its_values_once_it_has_run() {
        let conn = Conn::open(rusqlite::Connection::open_in_memory().expect("open"), 8);
        conn.execute_batch("CREATE TABLE t (name TEXT)")
            .expect("table");
        let sql: Arc<str> = Arc::from("INSERT INTO t (name) VALUES (?)");
        let _held = Arc::clone(&sql); // what quarry's SQL cache holds
        let stmt = Statement {
            sql: Arc::clone(&sql),
            values: vec![Sv::String(Some("a secret name".into()))],
            table: "t",
        };
        let done = run(&conn, &stmt, &mut false, true, |_| Ok(())).expect("insert");
        assert_eq!(done.rows_affected, 1);
        // The statement is kept, and holds no copy of the value any more:
        // its parameter reads NULL until it is bound again.
        let expanded = conn
            .with_statement(&sql, |prepared, _| prepared.expanded_sql())
            .expect("kept")
            .expect("expanded");
        assert_eq!(expanded, "INSERT INTO t (name) VALUES (NULL)");
        let stored: String = conn
            .query_row("SELECT name FROM t", [], |r| r.get(0))
            .expect("row");
        assert_eq!(stored, "a secret name");
    }
}
