//! What a repeated read allocates on SQLite, counted by this test binary's
//! allocator: a read that runs at once (a free connection, no statement log)
//! allocates its result, its rows' own strings and its bound values, and
//! nothing else: no boxed future, no statement text, no buffers of the query
//! (kept per thread).
//! Allocation counts are exact, so this holds on any machine.

#![cfg(feature = "sqlite")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test

use quarry::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Counts the allocations made on the thread that asks.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: every call goes to the system allocator unchanged; the count is a
// thread-local `Cell` with a const initializer (it never allocates).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: the caller's layout, passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above, with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: as `alloc` and `dealloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

/// A user.
#[derive(Schema, Clone, Debug)]
#[quarry(table = "users")]
struct User {
    meta: Meta,
    id: i64,
    name: String,
    hair_color: Option<String>,
}

/// The allocations of `read` per call, after a first call that compiled
/// and prepared its statement: the fewest seen over a few runs (a run that
/// grew a cache counts more once).
async fn per_call<F, Fut>(mut read: F) -> u64
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    read().await;
    let mut fewest = u64::MAX;
    for _ in 0..5 {
        let before = allocations();
        for _ in 0..10 {
            read().await;
        }
        fewest = fewest.min((allocations() - before) / 10);
    }
    fewest
}

#[test]
fn a_read_that_runs_at_once_allocates_only_its_rows() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let repo = quarry::adapters::sqlite::connect("sqlite::memory:")
            .await
            .expect("connect");
        repo.execute_raw(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT)",
            vec![],
        )
        .await
        .expect("table");
        repo.insert(User {
            name: "Ada".into(),
            hair_color: Some("black".into()),
            ..Default::default()
        })
        .await
        .expect("a user");

        // The result Vec and the row's two strings.
        let all = per_call(|| async { repo.all(User::query()).await.expect("all").len() }).await;
        assert_eq!(all, 3, "allocations of a 1-row repo.all");

        // The same through `one`.
        let one = per_call(|| async {
            usize::from(repo.one(User::query()).await.expect("one").is_some())
        })
        .await;
        assert_eq!(one, 3, "allocations of a 1-row repo.one");

        // A filtered read: two more, the String `eq("black")` makes of its
        // value and the statement's list of bound values.
        let filtered = per_call(|| async {
            repo.all(User::query().filter(User::hair_color.eq("black")))
                .await
                .expect("filtered")
                .len()
        })
        .await;
        assert_eq!(filtered, 5, "allocations of a filtered 1-row repo.all");
    });
}
