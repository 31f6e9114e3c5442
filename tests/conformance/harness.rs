//! A small test runner: runs each scenario once per enabled backend, each on its own
//! thread and runtime against an isolated database, counts the statements each
//! scenario sends (through quarry's `tracing` events), and prints a summary per
//! backend and a closing `N passed, N failed` line.

use quarry::{AnyRepo, Repo};
use std::collections::VecDeque;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

/// What a scenario returns.
pub type R = Result<(), Box<dyn std::error::Error>>;
type Fut<'a> = Pin<Box<dyn Future<Output = R> + 'a>>;

/// One scenario: a name and the function that runs it against a database.
pub struct Scenario {
    pub name: String,
    pub run: for<'a> fn(&'a Db) -> Fut<'a>,
}

/// A scenario's display name: `module::function`.
pub fn scenario_name(module: &str, path: &str) -> String {
    let path = path.replace(' ', "");
    if path.contains("::") {
        path
    } else {
        format!("{}::{path}", module.rsplit("::").next().unwrap_or(module))
    }
}

/// Registers scenario functions by path.
#[macro_export]
macro_rules! scenarios {
    ($($path:path),* $(,)?) => {
        vec![$(
            $crate::harness::Scenario {
                name: $crate::harness::scenario_name(module_path!(), stringify!($path)),
                run: |db| Box::pin($path(db)),
            }
        ),*]
    };
}

/// The database kinds the suite knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
    MySql,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Sqlite => "sqlite",
            Kind::Postgres => "postgres",
            Kind::MySql => "mysql",
        }
    }
}

/// An isolated database for one scenario, with the test tables created.
pub struct Db {
    pub repo: AnyRepo,
    pub kind: Kind,
    statements: Log,
}

/// The statements seen: SQL and the debug form of the bound parameters.
type Log = Arc<Mutex<Vec<(String, String)>>>;

impl Db {
    /// The SQL of every statement sent since the last reset.
    pub fn statements(&self) -> Vec<String> {
        self.statements
            .lock()
            .map(|s| s.iter().map(|(sql, _)| sql.clone()).collect())
            .unwrap_or_default()
    }
    /// The bound parameters (debug form) of every statement since the last reset.
    pub fn parameters(&self) -> Vec<String> {
        self.statements
            .lock()
            .map(|s| s.iter().map(|(_, p)| p.clone()).collect())
            .unwrap_or_default()
    }
    /// How many statements were sent since the last reset.
    pub fn statement_count(&self) -> usize {
        self.statements().len()
    }
    /// Forgets the statements seen so far.
    pub fn reset_statements(&self) {
        if let Ok(mut s) = self.statements.lock() {
            s.clear();
        }
    }
    /// Runs raw SQL (test setup).
    pub async fn exec(&self, sql: &str) -> quarry::Result<u64> {
        Ok(self.repo.execute_raw(sql, vec![]).await?.rows_affected)
    }
    /// A placeholder for bind parameter `n` (1-based) in this database's syntax.
    pub fn placeholder(&self, n: usize) -> String {
        match self.kind {
            Kind::Postgres => format!("${n}"),
            _ => "?".to_string(),
        }
    }
}

/// Collects the SQL and parameters of quarry's statement events.
struct Capture(Log);

/// Reads one field (`sql` or `params`) of an event.
struct FieldVisitor(&'static str, Option<String>);
impl Visit for FieldVisitor {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == self.0 {
            self.1 = Some(format!("{value:?}"));
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == self.0 {
            self.1 = Some(value.to_string());
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        let meta = event.metadata();
        if meta.target() != quarry_query_target() {
            return;
        }
        // The statement event (debug) comes first, its parameters (trace) next.
        if *meta.level() == tracing::Level::DEBUG {
            let mut v = FieldVisitor("sql", None);
            event.record(&mut v);
            if let (Some(sql), Ok(mut all)) = (v.1, self.0.lock()) {
                all.push((sql, String::new()));
            }
        } else if *meta.level() == tracing::Level::TRACE {
            let mut v = FieldVisitor("params", None);
            event.record(&mut v);
            if let (Some(params), Ok(mut all)) = (v.1, self.0.lock()) {
                if let Some(last) = all.last_mut() {
                    last.1 = params;
                }
            }
        }
    }
}

fn quarry_query_target() -> &'static str {
    "quarry::sql"
}

/// (backend index, scenario index, result).
type Outcome = (usize, usize, Result<(), String>);

/// Where each backend's server is.
pub struct Target {
    kind: Kind,
    url: String,
}

/// The enabled backends and their servers. Order of resolution for a server:
/// the `QUARRY_TEST_*_URL` variable; otherwise a testcontainers container when a
/// Docker engine answers; otherwise the run fails (a backend whose feature is
/// enabled is never skipped).
fn targets(containers: &mut crate::containers::Containers) -> Result<Vec<Target>, String> {
    let mut out = Vec::new();
    if cfg!(feature = "sqlite") {
        out.push(Target {
            kind: Kind::Sqlite,
            url: "sqlite::memory:".to_string(),
        });
    }
    if cfg!(feature = "postgres") {
        let url = server_url(Kind::Postgres, "QUARRY_TEST_POSTGRES_URL", containers)?;
        out.push(Target {
            kind: Kind::Postgres,
            url,
        });
    }
    if cfg!(feature = "mysql") {
        let url = server_url(Kind::MySql, "QUARRY_TEST_MYSQL_URL", containers)?;
        out.push(Target {
            kind: Kind::MySql,
            url,
        });
    }
    Ok(out)
}

fn server_url(
    kind: Kind,
    var: &str,
    containers: &mut crate::containers::Containers,
) -> Result<String, String> {
    if let Ok(url) = std::env::var(var) {
        if !url.trim().is_empty() {
            return Ok(url);
        }
    }
    if crate::containers::docker_answers() {
        return containers.start(kind);
    }
    Err(format!(
        "the `{}` feature is enabled but no {} server is available: set {var} (for example {}) or make a Docker engine available for testcontainers",
        kind.name(),
        kind.name(),
        match kind {
            Kind::Postgres => "postgres://postgres@127.0.0.1:5432/test",
            _ => "mysql://root@127.0.0.1:3306/test",
        }
    ))
}

/// `url` with its database (path) replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let host_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[host_start..]
        .find('/')
        .map(|i| host_start + i)
        .unwrap_or(base.len());
    let mut out = format!("{}/{db}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

fn with_param(url: &str, param: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{param}")
}

static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A fresh isolated database for one scenario: a new in-memory SQLite database, a
/// schema of its own on Postgres, a database of its own on MySQL/MariaDB.
async fn isolate(target: &Target) -> quarry::Result<(String, Option<(AnyRepo, String)>)> {
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("quarry_t{}_{n}", std::process::id());
    match target.kind {
        Kind::Sqlite => Ok((target.url.clone(), None)),
        Kind::Postgres => {
            let admin = quarry::connect(&target.url).await?;
            admin
                .execute_raw(&format!("CREATE SCHEMA {name}"), vec![])
                .await?;
            let url = with_param(&target.url, &format!("options=-c%20search_path%3D{name}"));
            Ok((url, Some((admin, format!("DROP SCHEMA {name} CASCADE")))))
        }
        Kind::MySql => {
            let admin = quarry::connect(&target.url).await?;
            admin
                .execute_raw(
                    &format!("CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"),
                    vec![],
                )
                .await?;
            Ok((
                with_database(&target.url, &name),
                Some((admin, format!("DROP DATABASE {name}"))),
            ))
        }
    }
}

async fn open(target: &Target, statements: Log) -> quarry::Result<(Db, Option<(AnyRepo, String)>)> {
    let (url, cleanup) = isolate(target).await?;
    let repo = quarry::connect(&url).await?;
    let db = Db {
        repo,
        kind: target.kind,
        statements,
    };
    for ddl in crate::schemas::ddl(target.kind) {
        db.exec(&ddl).await?;
    }
    db.reset_statements();
    Ok((db, cleanup))
}

async fn close(db: Db, cleanup: Option<(AnyRepo, String)>) {
    drop(db);
    if let Some((admin, sql)) = cleanup {
        if let Err(e) = admin.execute_raw(&sql, vec![]).await {
            eprintln!("cleanup failed ({sql}): {e}");
        }
    }
}

fn run_one(target: &Target, scenario: &Scenario) -> Result<(), String> {
    let statements = Arc::new(Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::registry().with(Capture(statements.clone()));
    let _guard = tracing::subscriber::set_default(subscriber);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async {
            let (db, cleanup) = open(target, statements)
                .await
                .map_err(|e| format!("setup failed: {e}"))?;
            let result = (scenario.run)(&db).await.map_err(|e| e.to_string());
            close(db, cleanup).await;
            result
        })
    }));
    match outcome {
        Ok(r) => r,
        Err(panic) => Err(panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panicked".to_string())),
    }
}

pub fn main(scenarios: Vec<Scenario>) {
    // Scenario panics are reported in the summary; print them as one line, not a
    // backtrace (one scenario panics on purpose to test rollback).
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "panic in {}: {info}",
            std::thread::current().name().unwrap_or("scenario")
        );
    }));
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let mut containers = crate::containers::Containers::default();
    let targets = match targets(&mut containers) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            println!("conformance: 0 passed, 1 failed");
            std::process::exit(1);
        }
    };
    let scenarios = Arc::new(scenarios);
    let mut jobs = VecDeque::new();
    for (t, target) in targets.iter().enumerate() {
        for (s, scenario) in scenarios.iter().enumerate() {
            let full = format!("{}::{}", target.kind.name(), scenario.name);
            if filters.is_empty() || filters.iter().any(|f| full.contains(f.as_str())) {
                jobs.push_back((t, s));
            }
        }
    }
    let total = jobs.len();
    println!(
        "\nrunning {total} conformance scenarios on {} backend(s)",
        targets.len()
    );
    let jobs = Arc::new(Mutex::new(jobs));
    let results: Arc<Mutex<Vec<Outcome>>> = Arc::new(Mutex::new(Vec::new()));
    let targets = Arc::new(targets);
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(2, 4);
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let (jobs, results, targets, scenarios) = (
                jobs.clone(),
                results.clone(),
                targets.clone(),
                scenarios.clone(),
            );
            std::thread::spawn(move || loop {
                let job = jobs.lock().ok().and_then(|mut j| j.pop_front());
                let Some((t, s)) = job else { break };
                let outcome = run_one(&targets[t], &scenarios[s]);
                let status = if outcome.is_ok() { "ok" } else { "FAILED" };
                println!(
                    "test {}::{} ... {status}",
                    targets[t].kind.name(),
                    scenarios[s].name
                );
                if let Ok(mut r) = results.lock() {
                    r.push((t, s, outcome));
                }
            })
        })
        .collect();
    for h in handles {
        let _ = h.join();
    }
    let results = results.lock().map(|r| r.clone()).unwrap_or_default();
    let mut failed = 0;
    for (t, s, r) in &results {
        if let Err(e) = r {
            failed += 1;
            println!(
                "\n---- {}::{} ----\n{e}",
                targets[*t].kind.name(),
                scenarios[*s].name
            );
        }
    }
    println!();
    for (t, target) in targets.iter().enumerate() {
        let mine: Vec<_> = results.iter().filter(|(i, _, _)| *i == t).collect();
        let bad = mine.iter().filter(|(_, _, r)| r.is_err()).count();
        println!(
            "conformance {}: {} scenarios ran, {} passed, {} failed",
            target.kind.name(),
            mine.len(),
            mine.len() - bad,
            bad
        );
    }
    println!(
        "conformance: {} passed, {} failed",
        results.len() - failed,
        failed
    );
    drop(containers);
    if failed > 0 || results.len() != total {
        std::process::exit(1);
    }
}
