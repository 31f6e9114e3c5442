//! Each connection's prepared statements, found by the address of their SQL
//! text. quarry's SQL cache hands out the same shared text (`Arc<str>`) for
//! every statement of one query shape, so a statement run again is found
//! by one word, without hashing its text or reordering rusqlite's LRU list
//! (what `prepare_cached` does on every call, twice: to take the statement
//! out and to put it back). SQL text that is not shared (a raw statement
//! built for one call) goes through rusqlite's cache as before.
//!
//! Each kept statement also keeps whether all its parameters are anonymous
//! (`?`, as quarry writes them), read once when it is prepared: its values
//! then bind in order, without asking SQLite each parameter's name.

use rusqlite::{Connection, PrepFlags, Statement};
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

/// Hashes the address of a text: one multiply-mix of one word.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        let x = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = x ^ (x >> 32);
    }
}

/// A kept statement: its text (held, so that the address stays its own),
/// the prepared statement, and whether all its parameters are anonymous.
type Kept<'c> = (Arc<str>, Statement<'c>, bool);

type ByAddress<'c> = HashMap<usize, Kept<'c>, BuildHasherDefault<AddressHasher>>;

/// True when no parameter of `prepared` has a name (`?NNN`, `$NNN`, `:a`
/// are named; plain `?` is not): its values bind in order.
fn anonymous(prepared: &Statement<'_>) -> bool {
    (1..=prepared.parameter_count()).all(|i| prepared.parameter_name(i).is_none())
}

/// The statements kept for one connection: at most `capacity`, by the
/// address of their SQL text (the text itself is held too, so the address
/// cannot be reused by another text while its entry lives).
pub(crate) struct Statements<'c> {
    by_address: RefCell<ByAddress<'c>>,
    capacity: usize,
}

self_cell::self_cell!(
    /// A rusqlite connection and the statements prepared on it (see the
    /// module's documentation). Dereferences to the connection.
    pub(crate) struct Conn {
        owner: Connection,
        #[not_covariant]
        dependent: Statements,
    }
);

// SAFETY: a `Conn` is a rusqlite `Connection` (which is `Send`) with
// statements prepared on that same connection and reachable only through
// it. It is used by one thread at a time (it is owned, moved between the
// pool and its users, never shared: `Conn` is not `Sync`), and the bundled
// SQLite is built thread-safe (SQLITE_THREADSAFE=1), which lets a
// connection and its statements move between threads when they are not
// used at once. rusqlite's own statement cache, which holds statements
// inside the connection in the same way, is `Send` on the same grounds.
unsafe impl Send for Conn {}

impl std::ops::Deref for Conn {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.borrow_owner()
    }
}

impl Conn {
    /// `conn`, keeping up to `capacity` statements (0: none).
    pub(crate) fn open(conn: Connection, capacity: usize) -> Conn {
        Conn::new(conn, |_| Statements {
            by_address: RefCell::new(HashMap::default()),
            capacity,
        })
    }

    /// Runs `f` on this connection's prepared statement of `sql`, preparing
    /// and keeping it the first time. `None` when the statement is not kept
    /// here: the text is not shared (no other holder: SQL built for one
    /// call), keeping is off, the statements are in use, or it does not
    /// prepare (several statements, an error): the caller then runs it the
    /// way it did before, which also reports the error. `f` is also told
    /// whether all the statement's parameters are anonymous ([`anonymous`]).
    /// Once `f` has run, the statement's bindings are cleared ([`used`]).
    pub(crate) fn with_statement<T>(
        &self,
        sql: &Arc<str>,
        f: impl FnOnce(&mut Statement<'_>, bool) -> T,
    ) -> Option<T> {
        self.with_dependent(|conn, statements| {
            if statements.capacity == 0 || Arc::strong_count(sql) < 2 {
                return None;
            }
            let mut map = statements.by_address.try_borrow_mut().ok()?;
            let key = Arc::as_ptr(sql).cast::<u8>() as usize;
            if let Some((_, prepared, anonymous)) = map.get_mut(&key) {
                return Some(used(prepared, *anonymous, f));
            }
            // Prepared as long-lived (as `prepare_cached` prepares them).
            let prepared = conn
                .prepare_with_flags(sql, PrepFlags::SQLITE_PREPARE_PERSISTENT)
                .ok()?;
            if map.len() >= statements.capacity {
                map.clear();
            }
            let positional = anonymous(&prepared);
            let (_, prepared, _) = map
                .entry(key)
                .or_insert_with(|| (Arc::clone(sql), prepared, positional));
            Some(used(prepared, positional, f))
        })
    }
}

/// Runs `f` on a kept statement, which then lets go of its values (as
/// `prepare_cached`'s statements do when they go back to rusqlite's cache).
/// Each bound text or blob is a copy SQLite holds, from the connection's
/// lookaside memory when small: left bound, a kept statement of many values
/// (a 10,000-row INSERT) holds most of that memory until it runs again, and
/// every statement after it allocates through `malloc` instead.
fn used<T>(
    prepared: &mut Statement<'_>,
    anonymous: bool,
    f: impl FnOnce(&mut Statement<'_>, bool) -> T,
) -> T {
    let out = f(prepared, anonymous);
    if prepared.parameter_count() > 0 {
        prepared.clear_bindings();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Conn;
    use std::sync::Arc;

    fn conn(capacity: usize) -> Conn {
        let c = rusqlite::Connection::open_in_memory().expect("open");
        Conn::open(c, capacity)
    }

    /// How many times the statement `f` is handed has run (SQLite's own
    /// count for that prepared statement), and what it read.
    fn run(conn: &Conn, sql: &Arc<str>) -> Option<(i32, i64)> {
        conn.with_statement(sql, |st, _| {
            let v: i64 = st.query_row([], |r| r.get(0)).expect("row");
            (st.get_status(rusqlite::StatementStatus::Run), v)
        })
    }

    #[test]
    fn a_shared_text_is_prepared_once_and_found_again() {
        let c = conn(4);
        let sql: Arc<str> = Arc::from("SELECT 41 + 1");
        let held = Arc::clone(&sql); // what quarry's SQL cache holds
        let first = run(&c, &sql).expect("kept");
        let second = run(&c, &sql).expect("kept");
        assert_eq!(first, (1, 42));
        // The same prepared statement ran again: not prepared anew.
        assert_eq!(second, (2, 42));
        drop(held);
    }

    #[test]
    fn text_of_one_holder_capacity_zero_and_bad_sql_are_left_to_the_caller() {
        let c = conn(4);
        let alone: Arc<str> = Arc::from("SELECT 1");
        assert!(run(&c, &alone).is_none(), "SQL built for one call");
        let off = conn(0);
        let sql: Arc<str> = Arc::from("SELECT 1");
        let _held = Arc::clone(&sql);
        assert!(run(&off, &sql).is_none(), "keeping turned off");
        let bad: Arc<str> = Arc::from("SELEC nonsense");
        let _held = Arc::clone(&bad);
        assert!(
            c.with_statement(&bad, |_, _| ()).is_none(),
            "does not prepare"
        );
    }

    #[test]
    fn a_kept_statement_says_whether_its_parameters_bind_in_order() {
        let c = conn(8);
        for (sql, in_order) in [
            ("SELECT ?, ?", true),
            ("SELECT 1", true),
            ("SELECT ?2, ?1", false),
            ("SELECT $1", false),
            ("SELECT ?, :name", false),
        ] {
            let sql: Arc<str> = Arc::from(sql);
            let _held = Arc::clone(&sql);
            // When prepared, and again when found kept.
            for _ in 0..2 {
                assert_eq!(c.with_statement(&sql, |_, a| a), Some(in_order), "{sql}");
            }
        }
    }

    #[test]
    fn past_capacity_the_kept_statements_start_over() {
        let c = conn(2);
        let texts: Vec<Arc<str>> = (0..5i64)
            .map(|i| Arc::from(format!("SELECT {i}").as_str()))
            .collect();
        let held: Vec<Arc<str>> = texts.iter().map(Arc::clone).collect();
        for (i, sql) in (0..5i64).zip(&texts) {
            assert_eq!(run(&c, sql).map(|(_, v)| v), Some(i));
        }
        // Still right after the map was cleared on the way.
        assert_eq!(run(&c, &texts[0]).map(|(_, v)| v), Some(0));
        drop(held);
    }
}
