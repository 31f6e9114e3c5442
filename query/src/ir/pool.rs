//! A per-thread pool of the buffers query values are made of ([`Rpn`]'s
//! operation and value lists). Building a query takes buffers from it and
//! compiling or dropping one gives them back, so a program that runs the same
//! queries again and again does not allocate for them each time.
//!
//! [`Rpn`]: crate::ir::Rpn

use super::op::{Op, Ops, Values};
use std::cell::RefCell;

/// Buffers kept per thread and per kind; more are freed.
const KEEP: usize = 64;
/// Buffers larger than this are freed rather than kept (a huge IN list).
const MAX_CAPACITY: usize = 256;

thread_local! {
    static OPS: RefCell<Vec<Ops>> = const { RefCell::new(Vec::new()) };
    static VALUES: RefCell<Vec<Values>> = const { RefCell::new(Vec::new()) };
}

/// An empty operation list (with room for a simple condition).
pub(crate) fn ops() -> Ops {
    take(&OPS).unwrap_or_else(|| Vec::<Op>::with_capacity(8))
}

/// An empty value list.
pub(crate) fn values() -> Values {
    take(&VALUES).unwrap_or_else(|| Values::with_capacity(4))
}

/// Takes `ops` and `values` back (emptied) for later use.
pub(crate) fn give_back(ops: Ops, values: Values) {
    keep(&OPS, ops);
    keep(&VALUES, values);
}

type Pool<T> = std::thread::LocalKey<RefCell<Vec<Vec<T>>>>;

/// A buffer from `pool`, if it holds one.
fn take<T: 'static>(pool: &'static Pool<T>) -> Option<Vec<T>> {
    pool.try_with(|p| p.try_borrow_mut().ok().and_then(|mut p| p.pop()))
        .ok()
        .flatten()
}

/// Puts `buf` (emptied) in `pool`, unless it is unallocated, too large, or the
/// pool is full.
fn keep<T: 'static>(pool: &'static Pool<T>, mut buf: Vec<T>) {
    if buf.capacity() == 0 || buf.capacity() > MAX_CAPACITY {
        return;
    }
    buf.clear();
    let _ = pool.try_with(|p| {
        if let Ok(mut p) = p.try_borrow_mut() {
            if p.len() < KEEP {
                p.push(buf);
            }
        }
    });
}
