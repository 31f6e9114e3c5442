//! Read replicas: a repo over one primary and any number of replicas
//! ([`ReplicatedRepo`]).
//!
//! Reads (`all`, `one`, `get`, `get_by`, `count`, `aggregate`, `exists`,
//! `stream_each`, preloads, raw `SELECT`s) go to a replica, round-robin; a
//! replica that cannot be reached (the connection is refused or lost before
//! the first row came back) is skipped and left alone for
//! a pause ([`ReplicatedRepo::with_retry_after`], 5 s by default), and when no replica answers
//! the read goes to the primary. Writes, transactions (and everything inside
//! them), `reload` and `insert` (which may read the row back) go to the
//! primary.
//!
//! A statement is a read when its first word is `SELECT`, `WITH`, `VALUES`,
//! `TABLE` or `SHOW` and it holds none of the words `INSERT`, `UPDATE`,
//! `DELETE`, `MERGE`, `INTO`, `SHARE`, `LOCK`, `NEXTVAL` or `SETVAL` (so
//! `SELECT ... FOR UPDATE`, `FOR SHARE`, `SELECT ... INTO` and data-modifying
//! `WITH` go to the primary). A raw `SELECT` that calls a function with side
//! effects must go through [`ReplicatedRepo::primary`].
//!
//! [`ReplicatedRepo::primary`] and [`ReplicatedRepo::replica`] are explicit
//! handles: the first runs everything on the primary (code that must read its
//! own writes), the second only reads, on the replicas, and refuses anything
//! else with [`Error::ReadOnly`] before it reaches a database.

use crate::driver::{Backend, Driver, ExecResult, PoolStatus, RowSink, RunOptions, TxDriver};
use crate::repo::Repo;
use crate::statement::Statement;
use async_trait::async_trait;
use quarry_core::{Changeset, Error, ErrorClass, Result, Row, Schema, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A repo over a primary and its read replicas (see the [module](self)).
/// Cheap to clone.
///
/// ```no_run
/// # async fn demo(primary: std::sync::Arc<dyn quarry_query::Driver>,
/// #               replica: std::sync::Arc<dyn quarry_query::Driver>) -> quarry_core::Result<()> {
/// # use quarry_core::doc_support::Product;
/// use quarry_query::{replica::ReplicatedRepo, Repo};
/// let repo = ReplicatedRepo::new(primary, vec![replica]);
/// let stored = repo.insert(Product { name: "Tulip".into(), ..Default::default() }).await?; // primary
/// let all = repo.all(quarry_query::from::<Product>()).await?; // a replica (may lag behind)
/// let fresh = repo.primary().get::<Product, _>(stored.id).await?; // the primary
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ReplicatedRepo {
    shared: Arc<Shared>,
}

/// The handle of [`ReplicatedRepo::primary`]: every operation on the primary.
#[derive(Clone)]
pub struct PrimaryRepo {
    shared: Arc<Shared>,
}

/// The handle of [`ReplicatedRepo::replica`]: reads on the replicas only
/// (round-robin, skipping one that cannot be reached; no fallback to the
/// primary). Anything else is [`Error::ReadOnly`]; its transactions are
/// read-only transactions on one replica.
#[derive(Clone)]
pub struct ReplicaRepo {
    shared: Arc<Shared>,
}

struct Shared {
    routed: Router,
    replicas_only: Router,
}

/// The primary, the replicas and the round-robin state, shared by the views.
struct Members {
    primary: Arc<dyn Driver>,
    replicas: Vec<Replica>,
    next: AtomicUsize,
    retry_after: Duration,
}

struct Replica {
    driver: Arc<dyn Driver>,
    /// Set when the replica could not be reached: skipped until then.
    down_until: Mutex<Option<Instant>>,
}

impl Replica {
    fn is_down(&self, now: Instant) -> bool {
        let guard = self.down_until.lock().unwrap_or_else(|e| e.into_inner());
        guard.is_some_and(|until| until > now)
    }

    fn mark(&self, until: Option<Instant>) {
        *self.down_until.lock().unwrap_or_else(|e| e.into_inner()) = until;
    }
}

impl Members {
    /// The replicas to try for one read, in order: round-robin from the next
    /// one, those marked down left out (all of them, marked down or not, when
    /// `all_if_none` and every one is marked down).
    fn candidates(&self, all_if_none: bool) -> Vec<&Replica> {
        let n = self.replicas.len();
        if n == 0 {
            return Vec::new();
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        let order = || {
            self.replicas
                .iter()
                .cycle()
                .skip(start)
                .take(n)
                .collect::<Vec<_>>()
        };
        let now = Instant::now();
        let up: Vec<&Replica> = order().into_iter().filter(|r| !r.is_down(now)).collect();
        if up.is_empty() && all_if_none {
            return order();
        }
        up
    }
}

/// True for a failure that says the replica cannot serve now (so another one
/// should): it could not be reached, the connection was lost, or no pooled
/// connection became free.
fn unreachable(e: &Error) -> bool {
    matches!(
        e.class(),
        ErrorClass::ConnectionLost | ErrorClass::ConnectFailed | ErrorClass::PoolTimeout
    )
}

/// The statement's first word, upper-cased (`SELECT`, `INSERT`...).
fn first_word(sql: &str) -> String {
    sql.trim_start_matches(|c: char| c.is_whitespace() || c == '(')
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_uppercase()
}

/// True when `sql` only reads (see the [module](self) for the rule). What it
/// cannot tell is treated as a write.
pub fn is_read(sql: &str) -> bool {
    const READS: [&str; 5] = ["SELECT", "WITH", "VALUES", "TABLE", "SHOW"];
    const WRITES: [&str; 9] = [
        "INSERT", "UPDATE", "DELETE", "MERGE", "INTO", "SHARE", "LOCK", "NEXTVAL", "SETVAL",
    ];
    if !READS.contains(&first_word(sql).as_str()) {
        return false;
    }
    !sql.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|word| WRITES.iter().any(|w| word.eq_ignore_ascii_case(w)))
}

fn read_only(stmt: &Statement) -> Error {
    let word = first_word(&stmt.sql);
    Error::ReadOnly {
        statement: if word.is_empty() {
            "(statement)".to_string()
        } else {
            word
        },
    }
}

/// One of the two driver views: routing (reads to replicas, the rest to the
/// primary) or replicas only.
struct Router {
    members: Arc<Members>,
    replicas_only: bool,
}

impl Router {
    async fn fetch_routed(
        &self,
        stmt: &Statement,
        sink: &mut RowSink<'_>,
        options: RunOptions,
    ) -> Result<ExecResult> {
        if !is_read(&stmt.sql) {
            if self.replicas_only {
                return Err(read_only(stmt));
            }
            return self.members.primary.run(stmt, options, Some(sink)).await;
        }
        let mut last = None;
        for replica in self.members.candidates(self.replicas_only) {
            let mut seen = false;
            let result = {
                let mut counting = |row: &dyn Row| {
                    seen = true;
                    sink(row)
                };
                replica.driver.run(stmt, options, Some(&mut counting)).await
            };
            match result {
                Ok(done) => {
                    replica.mark(None);
                    return Ok(done);
                }
                // Nothing reached the caller yet: another server can serve it.
                Err(e) if !seen && unreachable(&e) => {
                    tracing::warn!(target: crate::log::TARGET, error = %e, "a read replica could not serve a read; trying the next server");
                    replica.mark(Some(Instant::now() + self.members.retry_after));
                    last = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        match (self.replicas_only, last) {
            (true, Some(e)) => Err(e),
            (true, None) => Err(Error::Unsupported {
                feature: "reads on a replica handle without replicas",
                backend: self.members.primary.backend().name,
            }),
            (false, _) => self.members.primary.run(stmt, options, Some(sink)).await,
        }
    }
}

#[async_trait]
impl Driver for Router {
    fn backend(&self) -> &Backend {
        self.members.primary.backend()
    }

    async fn run(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> Result<ExecResult> {
        match rows {
            Some(sink) => self.fetch_routed(stmt, sink, options).await,
            None if self.replicas_only => Err(read_only(stmt)),
            None => self.members.primary.run(stmt, options, None).await,
        }
    }

    fn pool_status(&self) -> Option<PoolStatus> {
        self.members.primary.pool_status()
    }

    async fn close(&self, grace: Duration) -> Result<()> {
        let mut first_error = self.members.primary.close(grace).await.err();
        for r in &self.members.replicas {
            if let Err(e) = r.driver.close(grace).await {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    async fn begin(&self) -> Result<Box<dyn TxDriver>> {
        if !self.replicas_only {
            return self.members.primary.begin().await;
        }
        let mut last = None;
        for replica in self.members.candidates(true) {
            match replica.driver.begin().await {
                Ok(tx) => return Ok(Box::new(ReadOnlyTx { inner: tx })),
                Err(e) if unreachable(&e) => {
                    replica.mark(Some(Instant::now() + self.members.retry_after));
                    last = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or(Error::Unsupported {
            feature: "transactions on a replica handle without replicas",
            backend: self.members.primary.backend().name,
        }))
    }

    async fn resolve_foreign_key(
        &self,
        table: &str,
        columns: &[(&str, Value)],
    ) -> Result<Option<String>> {
        self.members
            .primary
            .resolve_foreign_key(table, columns)
            .await
    }
}

/// A transaction of a [`ReplicaRepo`]: reads only.
struct ReadOnlyTx {
    inner: Box<dyn TxDriver>,
}

#[async_trait]
impl Driver for ReadOnlyTx {
    fn backend(&self) -> &Backend {
        self.inner.backend()
    }
    async fn run(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> Result<ExecResult> {
        match rows {
            Some(sink) if is_read(&stmt.sql) => self.inner.run(stmt, options, Some(sink)).await,
            _ => Err(read_only(stmt)),
        }
    }
    fn is_transaction(&self) -> bool {
        true
    }
    async fn begin(&self) -> Result<Box<dyn TxDriver>> {
        Ok(Box::new(ReadOnlyTx {
            inner: self.inner.begin().await?,
        }))
    }
}

#[async_trait]
impl TxDriver for ReadOnlyTx {
    async fn commit(&self) -> Result<()> {
        self.inner.commit().await
    }
    async fn rollback(&self) -> Result<()> {
        self.inner.rollback().await
    }
}

impl ReplicatedRepo {
    /// A repo over `primary` and `replicas` (drivers of the same database:
    /// what adapters hand out). With no replicas every read goes to the
    /// primary.
    pub fn new(primary: Arc<dyn Driver>, replicas: Vec<Arc<dyn Driver>>) -> Self {
        Self::with_retry_after(primary, replicas, Duration::from_secs(5))
    }

    /// [`new`](ReplicatedRepo::new), with how long a replica that could not
    /// be reached is left out of the rotation before it is tried again
    /// (`new` waits 5 s).
    pub fn with_retry_after(
        primary: Arc<dyn Driver>,
        replicas: Vec<Arc<dyn Driver>>,
        retry_after: Duration,
    ) -> Self {
        Self::build(Members {
            primary,
            replicas: replicas
                .into_iter()
                .map(|driver| Replica {
                    driver,
                    down_until: Mutex::new(None),
                })
                .collect(),
            next: AtomicUsize::new(0),
            retry_after,
        })
    }

    fn build(members: Members) -> Self {
        let members = Arc::new(members);
        ReplicatedRepo {
            shared: Arc::new(Shared {
                routed: Router {
                    members: members.clone(),
                    replicas_only: false,
                },
                replicas_only: Router {
                    members,
                    replicas_only: true,
                },
            }),
        }
    }

    /// A handle that runs everything on the primary: for code that must read
    /// its own writes.
    pub fn primary(&self) -> PrimaryRepo {
        PrimaryRepo {
            shared: self.shared.clone(),
        }
    }

    /// A handle that only reads, on the replicas; a write through it is
    /// [`Error::ReadOnly`].
    pub fn replica(&self) -> ReplicaRepo {
        ReplicaRepo {
            shared: self.shared.clone(),
        }
    }

    /// How many replicas the repo has.
    pub fn replica_count(&self) -> usize {
        self.shared.routed.members.replicas.len()
    }
}

impl std::fmt::Debug for ReplicatedRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplicatedRepo")
            .field("backend", self.shared.routed.backend())
            .field("replicas", &self.replica_count())
            .finish()
    }
}

impl std::fmt::Debug for PrimaryRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrimaryRepo").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ReplicaRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplicaRepo").finish_non_exhaustive()
    }
}

#[async_trait]
impl Repo for ReplicatedRepo {
    fn driver(&self) -> &dyn Driver {
        &self.shared.routed
    }

    /// On the primary (on MySQL the stored row is read back, and a replica
    /// may not have it yet).
    async fn insert<S: Schema, C: Into<Changeset<S>> + Send>(&self, changeset: C) -> Result<S> {
        self.primary().insert(changeset).await
    }

    /// On the primary: a reload reads the row as stored now.
    async fn reload<S: Schema>(&self, data: &S) -> Result<Option<S>> {
        self.primary().reload(data).await
    }

    /// On the primary, as [`reload`](Repo::reload).
    async fn reload_all<S: Schema>(&self, data: &[S]) -> Result<Vec<Option<S>>> {
        self.primary().reload_all(data).await
    }
}

#[async_trait]
impl Repo for PrimaryRepo {
    fn driver(&self) -> &dyn Driver {
        &*self.shared.routed.members.primary
    }
}

#[async_trait]
impl Repo for ReplicaRepo {
    fn driver(&self) -> &dyn Driver {
        &self.shared.replicas_only
    }
}

#[cfg(test)]
mod tests {
    use super::is_read;

    #[test]
    fn tells_reads_from_writes() {
        assert!(is_read(
            "SELECT \"id\" FROM \"products\" WHERE \"updated_at\" > $1"
        ));
        assert!(is_read("  (SELECT 1) UNION (SELECT 2)"));
        assert!(is_read("WITH x AS (SELECT 1) SELECT * FROM x"));
        assert!(is_read("select pg_is_in_recovery()"));
        assert!(!is_read("SELECT * FROM products FOR UPDATE"));
        assert!(!is_read("SELECT * FROM products FOR SHARE SKIP LOCKED"));
        assert!(!is_read("SELECT * FROM t LOCK IN SHARE MODE"));
        assert!(!is_read("SELECT nextval('s')"));
        assert!(!is_read(
            "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d"
        ));
        assert!(!is_read("INSERT INTO t VALUES (1) RETURNING id"));
        assert!(!is_read("UPDATE t SET a = 1"));
        assert!(!is_read("EXPLAIN ANALYZE DELETE FROM t"));
        assert!(!is_read(""));
    }
}
