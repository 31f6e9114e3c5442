//! Fifty sandboxed tests at once on each backend: one PostgreSQL schema, one
//! MariaDB database, and SQLite (an in-memory database per test). Each test
//! inserts and reads rows of its own, some through transactions that commit
//! (into the sandbox), roll back, nest, or run on spawned tasks; one panics.
//! While all fifty hold uncommitted rows, each checks that it sees only its
//! own. When every test is done, a check on a fresh connection finds every
//! table of the application empty, and the migrations run once per process.
//!
//! A custom main (libtest-mimic) so that the fifty run at once whatever the
//! machine's core count (`--test-threads` still works) and so that the final
//! check runs after them. Each test runs exactly what `#[quarry::test]`
//! expands to (`quarry::testing::__run`, tests/testing.rs tests the attribute
//! itself). PostgreSQL and MariaDB are used when QUARRY_TEST_POSTGRES_URL /
//! QUARRY_TEST_MYSQL_URL are set (and their features enabled).

mod sandbox_app;

use libtest_mimic::{Arguments, Failed, Trial};
use quarry::migration::Migration;
use quarry::prelude::*;
use quarry::schema::ValueType;
use quarry::testing::{Sandbox, Source, Test};
use quarry::Value;
use sandbox_app::{insert_items, item_count, items_tagged, Note, TABLES};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Tests per backend.
const TESTS: usize = 50;
/// The test that commits its transaction inside the sandbox.
const COMMITS: usize = 0;
/// The test that panics after inserting rows.
const PANICS: usize = 1;

/// What the suite keeps per backend.
struct Stats {
    /// Migration runs (compilations of the first migration) in this process.
    runs: AtomicUsize,
    /// Tests that inserted their rows.
    arrived: AtomicUsize,
    /// Tests that got past the rendezvous with all fifty arrived.
    met: AtomicUsize,
    /// First start and last end of a test.
    span: Mutex<(Option<Instant>, Option<Instant>)>,
}

impl Stats {
    const fn new() -> Self {
        Stats {
            runs: AtomicUsize::new(0),
            arrived: AtomicUsize::new(0),
            met: AtomicUsize::new(0),
            span: Mutex::new((None, None)),
        }
    }
    fn started(&self) {
        let mut s = self.span.lock().unwrap();
        let now = Instant::now();
        s.0 = Some(s.0.map_or(now, |t| t.min(now)));
    }
    fn ended(&self) {
        let mut s = self.span.lock().unwrap();
        let now = Instant::now();
        s.1 = Some(s.1.map_or(now, |t| t.max(now)));
    }
}

static STATS: [Stats; 3] = [Stats::new(), Stats::new(), Stats::new()];

fn sqlite_migrations() -> Vec<Box<dyn Migration>> {
    vec![
        Box::new(sandbox_app::CreateItems(&STATS[0].runs)),
        Box::new(sandbox_app::CreateNotes),
    ]
}
fn postgres_migrations() -> Vec<Box<dyn Migration>> {
    vec![
        Box::new(sandbox_app::CreateItems(&STATS[1].runs)),
        Box::new(sandbox_app::CreateNotes),
    ]
}
fn mysql_migrations() -> Vec<Box<dyn Migration>> {
    vec![
        Box::new(sandbox_app::CreateItems(&STATS[2].runs)),
        Box::new(sandbox_app::CreateNotes),
    ]
}

/// One backend of the run: its isolated database and how to drop it.
struct Backend {
    index: usize,
    name: &'static str,
    url: &'static str,
    migrations: quarry::testing::Migrations,
    /// The server's URL and the statement that drops the isolated database.
    cleanup: Option<(String, String)>,
}

fn with_param(url: &str, param: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{param}")
}

fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let host_start = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[host_start..]
        .find('/')
        .map_or(base.len(), |i| host_start + i);
    let mut out = format!("{}/{db}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The backends to run on, each with a database of its own for this process.
fn backends(rt: &tokio::runtime::Runtime) -> Vec<Backend> {
    let name = format!("quarry_sbx_{}", std::process::id());
    let mut out = Vec::new();
    if cfg!(feature = "sqlite") {
        out.push(Backend {
            index: 0,
            name: "sqlite",
            url: "sqlite::memory:",
            migrations: sqlite_migrations,
            cleanup: None,
        });
    }
    if let (true, Ok(server)) = (
        cfg!(feature = "postgres"),
        std::env::var("QUARRY_TEST_POSTGRES_URL"),
    ) {
        rt.block_on(async {
            let admin = quarry::connect(&server).await.unwrap();
            admin
                .execute_raw(&format!("CREATE SCHEMA {name}"), vec![])
                .await
                .unwrap();
        });
        out.push(Backend {
            index: 1,
            name: "postgres",
            url: leak(with_param(
                &server,
                &format!("options=-c%20search_path%3D{name}"),
            )),
            migrations: postgres_migrations,
            cleanup: Some((server, format!("DROP SCHEMA {name} CASCADE"))),
        });
    }
    if let (true, Ok(server)) = (
        cfg!(feature = "mysql"),
        std::env::var("QUARRY_TEST_MYSQL_URL"),
    ) {
        rt.block_on(async {
            let admin = quarry::connect(&server).await.unwrap();
            admin
                .execute_raw(&format!("CREATE DATABASE {name}"), vec![])
                .await
                .unwrap();
        });
        out.push(Backend {
            index: 2,
            name: "mysql",
            url: leak(with_database(&server, &name)),
            migrations: mysql_migrations,
            cleanup: Some((server, format!("DROP DATABASE {name}"))),
        });
    }
    out
}

type R = Result<(), String>;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Waits until all fifty tests of the backend inserted their rows (when the
/// run lets them all run at once), so their transactions are open together.
async fn rendezvous(stats: &Stats, enabled: bool) {
    stats.arrived.fetch_add(1, Ordering::SeqCst);
    if !enabled {
        return;
    }
    let until = Instant::now() + Duration::from_secs(120);
    while stats.arrived.load(Ordering::SeqCst) < TESTS && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    if stats.arrived.load(Ordering::SeqCst) >= TESTS {
        stats.met.fetch_add(1, Ordering::SeqCst);
    }
}

/// One sandboxed test: the `i`th of its backend.
async fn scenario(repo: Sandbox, i: usize, stats: &'static Stats, together: bool) -> R {
    let tag = format!("t{i}");
    let rows = 1 + (i % 4) as i64;
    match i {
        COMMITS => {
            // Code that commits: the commit is a savepoint's release.
            let t = tag.clone();
            repo.transaction(|tx| Box::pin(async move { insert_items(tx, &t, rows).await }))
                .await
                .map_err(err)?;
        }
        PANICS => {
            insert_items(&repo, &tag, rows).await.map_err(err)?;
            rendezvous(stats, false).await;
            panic!("a sandboxed test panics (on purpose) with rows inserted");
        }
        _ if i % 5 == 2 => {
            // Nested: the inner transaction rolls back, the outer commits.
            let tx = repo.begin().await.map_err(err)?;
            insert_items(&tx, &tag, rows).await.map_err(err)?;
            let inner = tx.begin().await.map_err(err)?;
            insert_items(&inner, &format!("{tag}-gone"), 2)
                .await
                .map_err(err)?;
            inner.rollback().await.map_err(err)?;
            tx.commit().await.map_err(err)?;
        }
        _ if i % 5 == 3 => {
            // Shared mode: a spawned task uses the same sandbox.
            let items = insert_items(&repo, &tag, rows).await.map_err(err)?;
            let shared = repo.clone();
            let task = tokio::spawn(async move {
                for item in items {
                    shared
                        .insert(Note {
                            item_id: item.id,
                            body: format!("note of {}", item.n),
                            ..Default::default()
                        })
                        .await?;
                }
                Ok::<_, quarry::Error>(())
            });
            task.await.map_err(err)?.map_err(err)?;
            let notes = repo.count(Note::query()).await.map_err(err)?;
            if notes != rows {
                return Err(format!("{notes} notes, expected {rows}"));
            }
        }
        _ if i % 5 == 4 => {
            // A failed statement (a duplicate primary key) leaves the sandbox
            // usable: on PostgreSQL it would abort a plain transaction. (A
            // duplicate of the unique (tag, n) index would do too, but on
            // MariaDB its gap lock would hold up the other tests' inserts
            // until this one ends: docs/testing.md, "Limits".)
            let items = insert_items(&repo, &tag, rows).await.map_err(err)?;
            let p = |n: usize| match repo.driver().backend().dialect {
                d if d == quarry::driver::Dialect::Postgres => format!("${n}"),
                _ => "?".to_string(),
            };
            let dup = repo
                .execute_raw(
                    &format!(
                        "INSERT INTO quarry_sandbox_items (id, tag, n) VALUES ({}, {}, {})",
                        p(1),
                        p(2),
                        p(3)
                    ),
                    vec![
                        Value::I64(items[0].id),
                        Value::String(format!("{tag}-dup")),
                        Value::I64(1),
                    ],
                )
                .await;
            if dup.is_ok() {
                return Err("a duplicate id was inserted".into());
            }
        }
        _ => {
            insert_items(&repo, &tag, rows).await.map_err(err)?;
        }
    }
    rendezvous(stats, together).await;
    let mine = items_tagged(&repo, &tag).await.map_err(err)?;
    let numbers: Vec<i64> = mine.iter().map(|i| i.n).collect();
    if numbers != (1..=rows).collect::<Vec<_>>() {
        return Err(format!("own rows {numbers:?}, expected 1..={rows}"));
    }
    // Every other test's rows are uncommitted (and all fifty are open now,
    // when `together`): none is seen.
    let all = item_count(&repo).await.map_err(err)?;
    if all != rows {
        return Err(format!("sees {all} items, its own are {rows}"));
    }
    Ok(())
}

fn trial(b: &Backend, i: usize, together: bool) -> Trial {
    let (index, url, migrations) = (b.index, b.url, b.migrations);
    let name = leak(format!("{}::sandboxed_{i:02}", b.name));
    Trial::test(name, move || {
        let stats = &STATS[index];
        stats.started();
        let test = Test {
            name,
            source: Source::Url(url),
            migrations: Some(migrations),
            multi_thread: false,
        };
        let out = catch_unwind(AssertUnwindSafe(|| {
            quarry::testing::__run(test, move |repo| scenario(repo, i, stats, together))
        }));
        stats.ended();
        match (i == PANICS, out) {
            (true, Err(_)) => Ok(()),
            (true, Ok(_)) => Err(Failed::from("the test should have panicked")),
            (false, Ok(result)) => result.map_err(Failed::from),
            (false, Err(panic)) => Err(Failed::from(
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "panicked".into()),
            )),
        }
    })
}

/// After the run: every table of the application is empty, seen from a
/// connection of its own, and the migrations are applied.
async fn check_empty(b: &Backend) -> Result<String, String> {
    let repo = quarry::connect(b.url).await.map_err(err)?;
    let mut counts = Vec::new();
    for table in TABLES {
        let rows = repo
            .query_raw(
                &format!("SELECT COUNT(*) FROM {table}"),
                vec![],
                &[ValueType::I64],
            )
            .await
            .map_err(err)?;
        let n = rows
            .first()
            .and_then(|r| r.values.first())
            .and_then(|v| v.as_i64())
            .ok_or("no count")?;
        if n != 0 {
            return Err(format!("{table} holds {n} rows after the run"));
        }
        counts.push(format!("{table}: {n}"));
    }
    let applied = repo
        .query_raw(
            "SELECT version FROM schema_migrations",
            vec![],
            &[ValueType::I64],
        )
        .await
        .map_err(err)?;
    if applied.len() != 2 {
        return Err(format!("{} migrations applied, expected 2", applied.len()));
    }
    repo.close(Duration::from_secs(1)).await.map_err(err)?;
    Ok(counts.join(", "))
}

fn main() {
    let mut args = Arguments::from_args();
    // The planned panic is one line, not a backtrace.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let planned = info
            .payload()
            .downcast_ref::<&str>()
            .is_some_and(|s| s.contains("on purpose"));
        if planned {
            eprintln!("(planned panic: {info})");
        } else {
            default_hook(info);
        }
    }));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let backends = backends(&rt);
    let total = backends.len() * TESTS;
    if args.test_threads.is_none() {
        let from_env = std::env::var("RUST_TEST_THREADS")
            .ok()
            .and_then(|n| n.parse().ok())
            .filter(|n: &usize| *n > 0);
        args.test_threads = Some(from_env.unwrap_or(total.max(1)));
    }
    let together = args.test_threads.unwrap_or(1) >= total
        && args.filter.is_none()
        && args.skip.is_empty()
        && !args.list;
    let mut trials = Vec::new();
    for b in &backends {
        for i in 0..TESTS {
            trials.push(trial(b, i, together));
        }
    }
    let conclusion = libtest_mimic::run(&args, trials);
    let mut failed = conclusion.has_failed();
    if !args.list {
        for b in &backends {
            let stats = &STATS[b.index];
            let (start, end) = *stats.span.lock().unwrap();
            let took = match (start, end) {
                (Some(s), Some(e)) => format!("{:.2?}", e - s),
                _ => "-".into(),
            };
            if start.is_none() {
                continue;
            }
            let check = if b.cleanup.is_some() {
                rt.block_on(check_empty(b))
            } else {
                Ok("a private in-memory database per test".into())
            };
            let runs = stats.runs.load(Ordering::SeqCst);
            if b.cleanup.is_some() && stats.arrived.load(Ordering::SeqCst) > 0 && runs != 1 {
                eprintln!("{}: the migrations ran {runs} times, expected once", b.name);
                failed = true;
            }
            match check {
                Ok(counts) => println!(
                    "{}: {} tests in {took}, {} of them (all but the one that panics) read their rows with all {TESTS} sandboxes open, migrations run {runs} time(s); afterwards {counts}",
                    b.name,
                    stats.arrived.load(Ordering::SeqCst),
                    stats.met.load(Ordering::SeqCst),
                ),
                Err(e) => {
                    eprintln!("{}: after the run: {e}", b.name);
                    failed = true;
                }
            }
        }
    }
    for b in &backends {
        if let Some((server, drop_sql)) = &b.cleanup {
            let _ = rt.block_on(async {
                let admin = quarry::connect(server).await?;
                admin.execute_raw(drop_sql, vec![]).await
            });
        }
    }
    if failed {
        std::process::exit(101);
    }
}
