//! The SQL cache: compiled SQL text by (dialect, query shape). A repeated shape —
//! the same query with new values — skips SQL generation; its values are read
//! straight from the query in SQL order.
//!
//! A shape is cached only after its first compilation proved that quarry's value
//! order equals sea-query's for it; otherwise it is marked to be compiled afresh
//! every time. So a hit can never bind values in the wrong places.
//!
//! Two levels: a per-thread map, checked without any lock, in front of a shared
//! map that fills it. A key starts with its dialect ([`Op::Dialect`]), so each
//! dialect's SQL of a shape has an entry of its own.

use crate::dialect::Dialect;
use crate::ir::{Name, Op};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, OnceLock, RwLock};

/// Shapes kept at most per level; past it that level starts over (a program has
/// few shapes; this only bounds one that builds endless distinct shapes).
const MAX_SHAPES: usize = 4096;

/// A fast hasher for shapes (words only: names hash by address).
#[derive(Default)]
pub(crate) struct ShapeHasher(u64);

impl Hasher for ShapeHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type Build = BuildHasherDefault<ShapeHasher>;

/// What the cache holds for a shape of one dialect.
#[derive(Clone, Default)]
enum Slot {
    #[default]
    Unknown,
    Uncacheable,
    Sql(Arc<str>),
}

type Shapes = HashMap<Vec<Op>, Slot, Build>;

fn shared() -> &'static RwLock<Shapes> {
    static CACHE: OnceLock<RwLock<Shapes>> = OnceLock::new();
    CACHE.get_or_init(|| RwLock::new(HashMap::default()))
}

thread_local! {
    static LOCAL: RefCell<Shapes> = RefCell::new(HashMap::default());
    static BYPASS: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with the SQL cache bypassed on this thread: every query is compiled
/// from scratch and nothing is stored (to measure cold compilation).
#[doc(hidden)]
pub fn bypassed<T>(f: impl FnOnce() -> T) -> T {
    let before = BYPASS.with(|b| b.replace(true));
    let out = f();
    BYPASS.with(|b| b.set(before));
    out
}

/// True while [`bypassed`] runs on this thread.
pub(crate) fn is_bypassed() -> bool {
    BYPASS.with(Cell::get)
}

/// What the cache knows of a shape.
pub(crate) enum Lookup {
    /// Compiled before: the SQL.
    Hit(Arc<str>),
    /// Compiled before, but must be compiled every time.
    Uncacheable,
    /// Never compiled.
    Miss,
}

fn read(slot: Option<&Slot>) -> Option<Lookup> {
    match slot {
        Some(Slot::Sql(sql)) => Some(Lookup::Hit(sql.clone())),
        Some(Slot::Uncacheable) => Some(Lookup::Uncacheable),
        Some(Slot::Unknown) | None => None,
    }
}

fn put(map: &mut Shapes, shape: &[Op], value: Slot) {
    if map.len() >= MAX_SHAPES {
        map.clear();
    }
    match map.get_mut(shape) {
        Some(slot) => *slot = value,
        None => {
            map.insert(shape.to_vec(), value);
        }
    }
}

/// Looks `shape` (a key begun by [`with_key_buffer`]) up, by slice: no
/// allocation on a hit.
pub(crate) fn lookup(shape: &[Op]) -> Lookup {
    if BYPASS.with(Cell::get) {
        return Lookup::Uncacheable;
    }
    if let Some(found) = LOCAL.with(|l| read(l.borrow().get(shape))) {
        return found;
    }
    let found = {
        let guard = match shared().read() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        guard.get(shape).cloned()
    };
    match found {
        Some(slot @ (Slot::Sql(_) | Slot::Uncacheable)) => {
            let out = read(Some(&slot)).unwrap_or(Lookup::Miss);
            LOCAL.with(|l| put(&mut l.borrow_mut(), shape, slot));
            out
        }
        _ => Lookup::Miss,
    }
}

/// Records a compiled shape: its SQL, or `None` when it must not be cached.
pub(crate) fn store(shape: &[Op], sql: Option<Arc<str>>) {
    if BYPASS.with(Cell::get) {
        return;
    }
    let value = match sql {
        Some(sql) => Slot::Sql(sql),
        None => Slot::Uncacheable,
    };
    {
        let mut guard = match shared().write() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        put(&mut guard, shape, value.clone());
    }
    LOCAL.with(|l| put(&mut l.borrow_mut(), shape, value));
}

thread_local! {
    static KEY: RefCell<Vec<Op>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with this thread's reusable key buffer, holding only the key's
/// first operation: its dialect.
pub(crate) fn with_key_buffer<T>(dialect: Dialect, f: impl FnOnce(&mut Vec<Op>) -> T) -> T {
    KEY.with(|k| match k.try_borrow_mut() {
        Ok(mut buf) => {
            buf.clear();
            buf.push(Op::Dialect(Name(dialect.name())));
            f(&mut buf)
        }
        // Re-entered (a subquery compiled while a key is being built): use a
        // fresh buffer.
        Err(_) => f(&mut vec![Op::Dialect(Name(dialect.name()))]),
    })
}

/// The SQL text of the statement whose shape `key` pushes: from the cache, or
/// written by `write` and stored (for statements quarry always writes itself,
/// such as INSERT, UPDATE and DELETE by key).
pub(crate) fn text(
    dialect: Dialect,
    key: impl FnOnce(&mut Vec<Op>),
    write: impl FnOnce() -> Arc<str>,
) -> Arc<str> {
    if is_bypassed() {
        return write();
    }
    let found = with_key_buffer(dialect, |buf| {
        key(buf);
        match lookup(buf) {
            Lookup::Hit(sql) => Ok(sql),
            Lookup::Uncacheable | Lookup::Miss => Err(buf.clone()),
        }
    });
    match found {
        Ok(sql) => sql,
        Err(shape) => {
            let sql = write();
            store(&shape, Some(sql.clone()));
            sql
        }
    }
}
