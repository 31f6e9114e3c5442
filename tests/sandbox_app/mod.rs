//! A small application for the sandbox tests (tests/sandbox.rs,
//! tests/testing.rs): two schemas and their migrations, as an application
//! keeps them. Table names are the suite's own, since on PostgreSQL and
//! MariaDB the attribute's tests use the shared test database.
#![allow(dead_code)]

use quarry::migration::prelude::*;
use quarry::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "quarry_sandbox_items")]
pub struct Item {
    pub meta: Meta,
    pub id: i64,
    pub tag: String,
    pub n: i64,
}

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "quarry_sandbox_notes")]
pub struct Note {
    pub meta: Meta,
    pub id: i64,
    pub item_id: i64,
    pub body: String,
}

/// Every table of the application (what "afterwards every table is empty"
/// checks).
pub const TABLES: [&str; 2] = ["quarry_sandbox_notes", "quarry_sandbox_items"];

/// How many times this process compiled (so ran) the first migration, per
/// counter.
pub struct CreateItems(pub &'static AtomicUsize);

impl Migration for CreateItems {
    fn version(&self) -> i64 {
        20261201000001
    }
    fn name(&self) -> &str {
        "create_quarry_sandbox_items"
    }
    fn change(&self, m: &mut Commands) {
        self.0.fetch_add(1, Ordering::SeqCst);
        m.create_table("quarry_sandbox_items", |t| {
            t.add("tag", Type::String).not_null();
            t.add("n", Type::BigInt).not_null();
        });
        m.create_index(unique_index("quarry_sandbox_items", ["tag", "n"]));
    }
}

pub struct CreateNotes;

impl Migration for CreateNotes {
    fn version(&self) -> i64 {
        20261201000002
    }
    fn name(&self) -> &str {
        "create_quarry_sandbox_notes"
    }
    fn change(&self, m: &mut Commands) {
        m.create_table("quarry_sandbox_notes", |t| {
            t.add("item_id", references("quarry_sandbox_items"))
                .not_null();
            t.add("body", Type::Text).not_null();
        });
    }
}

/// Runs of the migrations by the tests of this process that use [`all`].
pub static RUNS: AtomicUsize = AtomicUsize::new(0);

/// The application's migrations (what its `migrations/mod.rs` `all()`
/// returns).
pub fn all() -> Vec<Box<dyn Migration>> {
    vec![Box::new(CreateItems(&RUNS)), Box::new(CreateNotes)]
}

/// Inserts `count` items tagged `tag`, numbered from 1.
pub async fn insert_items(repo: &impl Repo, tag: &str, count: i64) -> quarry::Result<Vec<Item>> {
    let mut out = Vec::new();
    for n in 1..=count {
        out.push(
            repo.insert(Item {
                tag: tag.to_string(),
                n,
                ..Default::default()
            })
            .await?,
        );
    }
    Ok(out)
}

/// The items tagged `tag`, by number.
pub async fn items_tagged(repo: &impl Repo, tag: &str) -> quarry::Result<Vec<Item>> {
    repo.all(
        Item::query()
            .filter(Item::tag.eq(tag.to_string()))
            .order_by(Item::n.asc()),
    )
    .await
}

/// Every item the repo sees.
pub async fn item_count(repo: &impl Repo) -> quarry::Result<i64> {
    repo.count(Item::query()).await
}
