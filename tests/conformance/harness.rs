//! The suite's runner, on [libtest-mimic]: every scenario becomes one test per
//! enabled backend, named `BACKEND::MODULE::FUNCTION` (for example
//! `sqlite::transaction::commits_on_ok`), so libtest's flags work: `--list`,
//! `--exact NAME`, filters, `--skip`, `--ignored`, `--test-threads`, `--format`,
//! and `cargo nextest run --test conformance`. Each test runs on its own
//! current-thread runtime against an isolated database, counts the statements
//! its scenario sends (through quarry's `tracing` events), and the run ends with
//! libtest's summary, a line per backend and a closing `N passed, N failed` line.
//!
//! [libtest-mimic]: https://docs.rs/libtest-mimic

use libtest_mimic::{Arguments, Failed, Trial};
use quarry::{AnyRepo, Repo};
use std::cell::RefCell;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
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
    /// Every kind, in the order the suite runs and lists them.
    const ALL: [Kind; 3] = [Kind::Sqlite, Kind::Postgres, Kind::MySql];

    /// Whether this backend's cargo feature is enabled.
    fn enabled(self) -> bool {
        match self {
            Kind::Sqlite => cfg!(feature = "sqlite"),
            Kind::Postgres => cfg!(feature = "postgres"),
            Kind::MySql => cfg!(feature = "mysql"),
        }
    }

    fn index(self) -> usize {
        match self {
            Kind::Sqlite => 0,
            Kind::Postgres => 1,
            Kind::MySql => 2,
        }
    }

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
    /// The isolated database's URL (in-memory SQLite: `sqlite::memory:`).
    url: String,
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
    /// A pool of its own with `options`: on Postgres and MySQL to the
    /// scenario's database; on SQLite to a fresh database file (removed with
    /// the process's temporary files), since a second pool of an in-memory
    /// database would be another database. The scenario creates what it
    /// needs there.
    pub async fn pool_with(&self, options: quarry::PoolOptions) -> quarry::Result<AnyRepo> {
        let url = match self.kind {
            Kind::Sqlite => {
                let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let path =
                    std::env::temp_dir().join(format!("quarry_pool_{}_{n}.db", std::process::id()));
                let _ = std::fs::remove_file(&path);
                format!("sqlite://{}", path.display())
            }
            _ => self.url.clone(),
        };
        quarry::connect_with(&url, options).await
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

/// Where each enabled backend's server is, found on first use (so `--list` and a
/// run filtered to SQLite never look for a server), and the containers started
/// for this run, removed when it ends.
#[derive(Default)]
struct Servers {
    urls: [OnceLock<Result<String, String>>; 3],
    containers: Mutex<crate::containers::Containers>,
}

impl Servers {
    /// The URL of `kind`'s server. Order of resolution: the `QUARRY_TEST_*_URL`
    /// variable; otherwise a testcontainers container when a Docker engine
    /// answers; otherwise an error, so every scenario of that backend fails (a
    /// backend whose feature is enabled is never skipped).
    fn url(&self, kind: Kind) -> Result<String, String> {
        self.urls[kind.index()]
            .get_or_init(|| match kind {
                Kind::Sqlite => Ok("sqlite::memory:".to_string()),
                Kind::Postgres => self.server_url(kind, "QUARRY_TEST_POSTGRES_URL"),
                Kind::MySql => self.server_url(kind, "QUARRY_TEST_MYSQL_URL"),
            })
            .clone()
    }

    fn server_url(&self, kind: Kind, var: &str) -> Result<String, String> {
        if let Ok(url) = std::env::var(var) {
            if !url.trim().is_empty() {
                return Ok(url);
            }
        }
        if crate::containers::docker_answers() {
            let mut containers = self.containers.lock().map_err(|e| e.to_string())?;
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
/// schema of its own on Postgres, a database of its own on MySQL/MariaDB. Names
/// carry the process id, so parallel runs (nextest's process per test, other
/// checkouts on the same server) never share one.
async fn isolate(kind: Kind, server: &str) -> quarry::Result<(String, Option<(AnyRepo, String)>)> {
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("quarry_t{}_{n}", std::process::id());
    match kind {
        Kind::Sqlite => Ok((server.to_string(), None)),
        // Behind a transaction-mode pooler (PgBouncer: QUARRY_TEST_POSTGRES_POOLER
        // set) the `options` startup parameter is not passed on: a database
        // of its own instead of a schema.
        Kind::Postgres if std::env::var_os("QUARRY_TEST_POSTGRES_POOLER").is_some() => {
            let admin = quarry::connect(server).await?;
            admin
                .execute_raw(&format!("CREATE DATABASE {name}"), vec![])
                .await?;
            Ok((
                with_database(server, &name),
                Some((admin, format!("DROP DATABASE {name} WITH (FORCE)"))),
            ))
        }
        Kind::Postgres => {
            let admin = quarry::connect(server).await?;
            admin
                .execute_raw(&format!("CREATE SCHEMA {name}"), vec![])
                .await?;
            let url = with_param(server, &format!("options=-c%20search_path%3D{name}"));
            Ok((url, Some((admin, format!("DROP SCHEMA {name} CASCADE")))))
        }
        Kind::MySql => {
            let admin = quarry::connect(server).await?;
            admin
                .execute_raw(
                    &format!("CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"),
                    vec![],
                )
                .await?;
            Ok((
                with_database(server, &name),
                Some((admin, format!("DROP DATABASE {name}"))),
            ))
        }
    }
}

async fn open(
    kind: Kind,
    server: &str,
    statements: Log,
) -> quarry::Result<(Db, Option<(AnyRepo, String)>)> {
    let (url, cleanup) = isolate(kind, server).await?;
    let repo = quarry::connect(&url).await?;
    let db = Db {
        repo,
        kind,
        statements,
        url,
    };
    for ddl in crate::schemas::ddl(kind) {
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

thread_local! {
    /// The test running on this thread, for the panic hook's line.
    static CURRENT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs one scenario on one backend: isolated database, own runtime, own
/// statement log; a panic (in the scenario or a task it spawned) is caught and
/// becomes the test's failure message.
fn run_one(servers: &Servers, kind: Kind, scenario: &Scenario) -> Result<(), String> {
    let server = servers.url(kind)?;
    let statements = Arc::new(Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::registry().with(Capture(statements.clone()));
    let _guard = tracing::subscriber::set_default(subscriber);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async {
            let (db, cleanup) = open(kind, &server, statements)
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
            .map(|m| format!("panicked: {m}"))
            .unwrap_or_else(|| "panicked".to_string())),
    }
}

/// At most this many scenarios run at once against one server (Postgres,
/// MySQL/MariaDB), whatever `--test-threads` says: each scenario holds an admin
/// connection and a pool of up to ten, and servers cap connections (100 on a
/// default Postgres). SQLite, in memory, has no cap.
const PER_SERVER: usize = 4;

/// A counting semaphore per backend (`PER_SERVER` permits for servers).
#[derive(Default)]
struct Slots {
    busy: Mutex<[usize; 3]>,
    freed: Condvar,
}

impl Slots {
    fn run<T>(&self, kind: Kind, f: impl FnOnce() -> T) -> T {
        if kind == Kind::Sqlite {
            return f();
        }
        let i = kind.index();
        {
            let mut busy = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
            while busy[i] >= PER_SERVER {
                busy = self
                    .freed
                    .wait(busy)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            busy[i] += 1;
        }
        let out = f();
        self.busy.lock().unwrap_or_else(PoisonError::into_inner)[i] -= 1;
        self.freed.notify_all();
        out
    }
}

/// Scenarios run and failed, per backend, for the summary lines.
type Tally = Mutex<[(usize, usize); 3]>;

/// The number of test threads when neither `--test-threads` nor
/// `RUST_TEST_THREADS` says: `2 * PER_SERVER`, whatever the cores, since a
/// scenario spends most of its time waiting on a server (on 2 cores the full
/// suite takes about half as long with 8 threads as with 2).
const DEFAULT_THREADS: usize = 2 * PER_SERVER;

/// libtest's options that take a value (`--skip NAME`, ...), as opposed to
/// flags; what is left are the filters.
const VALUED: &[&str] = &[
    "--skip",
    "--test-threads",
    "--logfile",
    "--color",
    "--format",
    "-Z",
];

/// The command line, and every filter when there are several: libtest runs a
/// test that matches any of its filters, libtest-mimic takes one, so with
/// more than one the harness filters and hands libtest-mimic none.
fn arguments() -> (Arguments, Vec<String>) {
    let all: Vec<String> = std::env::args().collect();
    let mut rest = Vec::new();
    let mut filters = Vec::new();
    let mut words = all.into_iter();
    if let Some(program) = words.next() {
        rest.push(program);
    }
    while let Some(word) = words.next() {
        if VALUED.contains(&word.as_str()) {
            rest.push(word);
            rest.extend(words.next());
        } else if word.starts_with('-') {
            rest.push(word);
        } else {
            filters.push(word);
        }
    }
    if filters.len() > 1 {
        (Arguments::from_iter(rest), filters)
    } else {
        rest.extend(filters);
        (Arguments::from_iter(rest), Vec::new())
    }
}

/// Whether `name` passes the filters taken off the command line (see
/// [`arguments`]).
fn wanted(filters: &[String], exact: bool, name: &str) -> bool {
    filters.is_empty()
        || filters.iter().any(|f| {
            if exact {
                name == f
            } else {
                name.contains(f.as_str())
            }
        })
}

pub fn main(scenarios: Vec<Scenario>) {
    let (mut args, filters) = arguments();
    if args.test_threads.is_none() {
        // libtest honours RUST_TEST_THREADS; libtest-mimic leaves it to us.
        let from_env = std::env::var("RUST_TEST_THREADS")
            .ok()
            .and_then(|n| n.parse().ok())
            .filter(|n: &usize| *n > 0);
        args.test_threads = Some(from_env.unwrap_or(DEFAULT_THREADS));
    }
    // Scenario panics are reported as the test's failure; print them as one line
    // naming the test, not a backtrace (one scenario panics on purpose to test
    // rollback).
    std::panic::set_hook(Box::new(|info| {
        let name = CURRENT.with(|c| c.borrow().clone());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "panic in {}{at}: {}",
            name.as_deref().unwrap_or("scenario"),
            info.payload_as_str().unwrap_or("(no message)")
        );
    }));
    let servers = Arc::new(Servers::default());
    let slots = Arc::new(Slots::default());
    let tally: Arc<Tally> = Arc::default();
    let mut trials = Vec::new();
    for kind in Kind::ALL.into_iter().filter(|k| k.enabled()) {
        for scenario in &scenarios {
            let name = format!("{}::{}", kind.name(), scenario.name);
            if !wanted(&filters, args.exact, &name) {
                continue;
            }
            let scenario = Scenario {
                name: name.clone(),
                run: scenario.run,
            };
            let (servers, slots, tally) = (servers.clone(), slots.clone(), tally.clone());
            trials.push(Trial::test(name, move || {
                CURRENT.with(|c| *c.borrow_mut() = Some(scenario.name.clone()));
                let outcome = slots.run(kind, || run_one(&servers, kind, &scenario));
                CURRENT.with(|c| *c.borrow_mut() = None);
                if let Ok(mut t) = tally.lock() {
                    let entry = &mut t[kind.index()];
                    entry.0 += 1;
                    entry.1 += usize::from(outcome.is_err());
                }
                outcome.map_err(Failed::from)
            }));
        }
    }
    let conclusion = libtest_mimic::run(&args, trials);
    if !args.list {
        let tally = tally.lock().map(|t| *t).unwrap_or_default();
        for kind in Kind::ALL.into_iter().filter(|k| k.enabled()) {
            let (ran, failed) = tally[kind.index()];
            if ran > 0 {
                println!(
                    "conformance {}: {ran} scenarios ran, {} passed, {failed} failed",
                    kind.name(),
                    ran - failed
                );
            }
        }
        println!(
            "conformance: {} passed, {} failed",
            conclusion.num_passed, conclusion.num_failed
        );
    }
    // Removes the containers started for this run, if any.
    drop(servers);
    conclusion.exit();
}
