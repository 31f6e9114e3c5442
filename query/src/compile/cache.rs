//! The SQL cache: compiled SQL text by (dialect, query shape). A repeated shape —
//! the same query with new values — skips SQL generation; its values are read
//! straight from the query in SQL order.
//!
//! A shape is cached only after its first compilation proved that quarry's value
//! order equals sea-query's for it; otherwise it is marked to be compiled afresh
//! every time. So a hit can never bind values in the wrong places.
//!
//! Two levels: a per-thread map, checked without any lock, in front of a shared
//! map that fills it. A key starts with its dialect ([`Op::Dialect`], or
//! [`Op::Checked`] for a read that also names the capabilities it was checked
//! against), so each dialect's SQL of a shape has an entry of its own.

use crate::dialect::Dialect;
use crate::ir::{Key, Name, Op};
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

type Shapes = HashMap<Key, Slot, Build>;

fn shared() -> &'static RwLock<Shapes> {
    static CACHE: OnceLock<RwLock<Shapes>> = OnceLock::new();
    CACHE.get_or_init(|| RwLock::new(HashMap::default()))
}

/// This thread's part of the cache: its map, its reusable key buffer and
/// whether the cache is bypassed, together so that a compile reaches them
/// with one thread-local access.
struct Local {
    shapes: RefCell<Shapes>,
    key: RefCell<Key>,
    bypass: Cell<bool>,
}

thread_local! {
    static LOCAL: Local = const {
        Local {
            shapes: RefCell::new(HashMap::with_hasher(BuildHasherDefault::new())),
            key: RefCell::new(Key::new()),
            bypass: Cell::new(false),
        }
    };
}

/// Runs `f` with the SQL cache bypassed on this thread: every query is compiled
/// from scratch and nothing is stored (to measure cold compilation).
#[doc(hidden)]
pub fn bypassed<T>(f: impl FnOnce() -> T) -> T {
    let before = LOCAL.with(|l| l.bypass.replace(true));
    let out = f();
    LOCAL.with(|l| l.bypass.set(before));
    out
}

/// True while [`bypassed`] runs on this thread.
pub(crate) fn is_bypassed() -> bool {
    LOCAL.with(|l| l.bypass.get())
}

fn put(map: &mut Shapes, shape: &Key, value: Slot) {
    if map.len() >= MAX_SHAPES {
        map.clear();
    }
    match map.get_mut(shape) {
        Some(slot) => *slot = value,
        None => {
            map.insert(shape.clone(), value);
        }
    }
}

/// What [`find`] found for a query's shape.
pub(crate) enum Found {
    /// The cache is bypassed on this thread (nothing was looked up).
    Bypassed,
    /// Compiled before: the SQL.
    Hit(Arc<str>),
    /// Compiled before, but must be compiled every time.
    Uncacheable,
    /// Never compiled: the shape, to [`store`] once compiled.
    Miss(Key),
}

/// Looks up the shape `key` pushes (after its dialect) in this thread's
/// map, then the shared one: one thread-local access, and no allocation on
/// a hit.
pub(crate) fn find(dialect: Dialect, key: impl FnOnce(&mut Key)) -> Found {
    find_from(Op::Dialect(Name(dialect.name())), key)
}

/// [`find`] of a key that starts with `first` (its dialect, see
/// [`Op::Checked`]) instead of [`Op::Dialect`].
pub(crate) fn find_from(first: Op, key: impl FnOnce(&mut Key)) -> Found {
    LOCAL.with(|local| {
        if local.bypass.get() {
            return Found::Bypassed;
        }
        let mut fresh = Key::default();
        // Re-entered (a subquery compiled while a key is being built): a
        // buffer of its own.
        let mut reused = local.key.try_borrow_mut();
        let buf = match &mut reused {
            Ok(buf) => &mut **buf,
            Err(_) => &mut fresh,
        };
        buf.clear();
        buf.push(first);
        key(buf);
        let slot = local
            .shapes
            .try_borrow()
            .ok()
            .and_then(|shapes| shapes.get(&*buf).cloned());
        match slot.or_else(|| shared_slot(buf)) {
            Some(Slot::Sql(sql)) => Found::Hit(sql),
            Some(Slot::Uncacheable) => Found::Uncacheable,
            Some(Slot::Unknown) | None => Found::Miss(buf.clone()),
        }
    })
}

/// The shared map's slot of `shape`, copied into this thread's map.
fn shared_slot(shape: &Key) -> Option<Slot> {
    let found = {
        let guard = match shared().read() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        guard.get(shape).cloned()
    };
    match found {
        Some(slot @ (Slot::Sql(_) | Slot::Uncacheable)) => {
            LOCAL.with(|l| {
                if let Ok(mut shapes) = l.shapes.try_borrow_mut() {
                    put(&mut shapes, shape, slot.clone());
                }
            });
            Some(slot)
        }
        _ => None,
    }
}

/// Records a compiled shape: its SQL, or `None` when it must not be cached.
pub(crate) fn store(shape: &Key, sql: Option<Arc<str>>) {
    if is_bypassed() {
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
    LOCAL.with(|l| {
        if let Ok(mut shapes) = l.shapes.try_borrow_mut() {
            put(&mut shapes, shape, value);
        }
    });
}

/// The SQL text of the statement whose shape `key` pushes: from the cache, or
/// written by `write` and stored (for statements quarry always writes itself,
/// such as INSERT, UPDATE and DELETE by key).
pub(crate) fn text(
    dialect: Dialect,
    key: impl FnOnce(&mut Key),
    write: impl FnOnce() -> Arc<str>,
) -> Arc<str> {
    match find(dialect, key) {
        Found::Hit(sql) => sql,
        Found::Bypassed | Found::Uncacheable => write(),
        Found::Miss(shape) => {
            let sql = write();
            store(&shape, Some(sql.clone()));
            sql
        }
    }
}
