//! The runner: applies and reverts migrations over any [`Repo`].
//!
//! A run opens one session transaction on a connection of its own, takes the
//! migration lock in it (see `lock.rs`), reads `schema_migrations`, plans the
//! migrations to run, compiles all of them (so a command the database cannot
//! run, or one that cannot be reversed, stops the run before anything changes),
//! then runs each one:
//!
//! - with transactional DDL (Postgres, SQLite) inside a savepoint, with its
//!   `schema_migrations` row: a failing statement rolls the whole migration
//!   back, and the migrations before it in the run stay applied;
//! - without (MySQL/MariaDB) inside `START TRANSACTION` / `COMMIT`: DDL commits
//!   implicitly, so a failure leaves the statements before it applied, and the
//!   error says so.
//!
//! The session commits at the end (keeping every completed migration) and
//! releases the lock.

mod lock;
mod plan;
pub(crate) mod prefix;
mod report;
mod versions;

pub use plan::{Direction, Target};
pub use prefix::{create_prefix, drop_prefix};
pub use report::{Event, Ran, Report, Status, StatusEntry, FILE_NOT_FOUND};
pub use versions::TABLE;

use crate::command::Command;
use crate::commands::Commands;
use crate::compile::{compile, CompileError, Db, MigrationLock};
use crate::error::{MigrateError, Result};
use crate::migration::Migration;
use quarry_query::{Backend, Repo, Transaction};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

type Listener<'a> = Box<dyn Fn(Event) + Send + Sync + 'a>;

/// A migration planned for a run: its commands described and compiled.
struct Compiled<'m> {
    migration: &'m dyn Migration,
    commands: Vec<(String, Vec<String>)>,
}

/// A migration a run would apply or revert, with its SQL
/// ([`Migrator::dry_run`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    /// The migration's version.
    pub version: i64,
    /// Its name.
    pub name: String,
    /// The direction it would run in.
    pub direction: Direction,
    /// Each command (as `quarry migrate` prints it) with its SQL statements.
    pub commands: Vec<(String, Vec<String>)>,
}

impl std::fmt::Display for Planned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "-- {} {} ({})", self.version, self.name, self.direction)?;
        for (command, sql) in &self.commands {
            writeln!(f, "-- {command}")?;
            for s in sql {
                writeln!(f, "{s};")?;
            }
        }
        Ok(())
    }
}

/// A failed statement: its SQL, the error, and what was left behind.
struct Failure {
    statement: String,
    error: quarry_core::Error,
    outcome: String,
}

/// Runs migrations against a repo.
///
/// ```no_run
/// # async fn demo(repo: &impl quarry_query::Repo, migrations: Vec<Box<dyn quarry_migrate::Migration>>) -> quarry_migrate::Result<()> {
/// use quarry_migrate::{Migrator, Target};
/// let migrator = Migrator::new(repo, migrations)?.on_event(|e| println!("{e}"));
/// let report = migrator.migrate(Target::All).await?; // mix ecto.migrate
/// println!("{report}");
/// migrator.rollback(Target::Step(1)).await?;          // mix ecto.rollback
/// println!("{}", migrator.status().await?);           // mix ecto.migrations
/// # Ok(()) }
/// ```
pub struct Migrator<'a, R: Repo> {
    repo: &'a R,
    migrations: Vec<Box<dyn Migration>>,
    lock_timeout: Duration,
    listener: Listener<'a>,
}

impl<'a, R: Repo> Migrator<'a, R> {
    /// A runner of `migrations` (any order; they run by version) on `repo`.
    /// Two migrations with one version are an error.
    pub fn new(repo: &'a R, mut migrations: Vec<Box<dyn Migration>>) -> Result<Self> {
        migrations.sort_by_key(|m| m.version());
        for pair in migrations.windows(2) {
            if let [a, b] = pair {
                if a.version() == b.version() {
                    return Err(MigrateError::DuplicateVersion {
                        version: a.version(),
                        first: a.name().to_string(),
                        second: b.name().to_string(),
                    });
                }
            }
        }
        Ok(Migrator {
            repo,
            migrations,
            lock_timeout: Duration::from_secs(15 * 60),
            listener: Box::new(|_| {}),
        })
    }

    /// Calls `f` with each progress [`Event`] as it happens.
    pub fn on_event(mut self, f: impl Fn(Event) + Send + Sync + 'a) -> Self {
        self.listener = Box::new(f);
        self
    }

    /// How long to wait for another runner's lock (default 15 minutes; on
    /// SQLite the connection's busy timeout applies).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// The migrations, ordered by version.
    pub fn migrations(&self) -> &[Box<dyn Migration>] {
        &self.migrations
    }

    fn emit(&self, event: Event) {
        tracing::info!(target: "quarry::migrate", "{event}");
        (self.listener)(event);
    }

    /// Applies pending migrations up to `target` (`mix ecto.migrate`).
    pub async fn migrate(&self, target: Target) -> Result<Report> {
        self.run(Direction::Up, target).await
    }

    /// Reverts applied migrations down to `target` (`mix ecto.rollback`; Ecto's
    /// default is `Target::Step(1)`).
    pub async fn rollback(&self, target: Target) -> Result<Report> {
        self.run(Direction::Down, target).await
    }

    /// Every migration up or down, and applied versions with no migration
    /// (`mix ecto.migrations`). Only reads: a database without
    /// `schema_migrations` has every migration down, and stays as it was.
    pub async fn status(&self) -> Result<Status> {
        prefix::check(self.repo.driver().backend())?;
        let applied = versions::applied_if_any(self.repo).await?;
        let mut entries: Vec<StatusEntry> = self
            .migrations
            .iter()
            .map(|m| StatusEntry {
                up: applied.contains(&m.version()),
                version: m.version(),
                name: m.name().to_string(),
            })
            .collect();
        for v in &applied {
            if !self.migrations.iter().any(|m| m.version() == *v) {
                entries.push(StatusEntry {
                    up: true,
                    version: *v,
                    name: FILE_NOT_FOUND.to_string(),
                });
            }
        }
        entries.sort_by_key(|e| e.version);
        Ok(Status { entries })
    }

    /// What a run of `direction` to `target` would do, without doing it: each
    /// migration it would run, oldest first going up and newest first going
    /// down, with each command and its SQL for this database. Only reads
    /// (`quarry migrate --dry-run`); every check of a real run applies (a
    /// command that cannot be reversed or compiled is an error here too).
    pub async fn dry_run(&self, direction: Direction, target: Target) -> Result<Vec<Planned>> {
        let backend = self.repo.driver().backend().clone();
        prefix::check(&backend)?;
        let applied = versions::applied_if_any(self.repo).await?;
        let planned = plan::plan(direction, target, &self.migrations, &applied)?;
        planned
            .into_iter()
            .map(|m| {
                compile_migration(m, direction, &backend).map(|c| Planned {
                    version: m.version(),
                    name: m.name().to_string(),
                    direction,
                    commands: c.commands,
                })
            })
            .collect()
    }

    /// Runs migrations in `direction` as far as `target`.
    pub async fn run(&self, direction: Direction, target: Target) -> Result<Report> {
        let backend = self.repo.driver().backend().clone();
        prefix::check(&backend)?;
        let write_lock = Db::of(&backend).ddl.migration_lock() == MigrationLock::WriteLock;
        if write_lock {
            // SQLite's lock is a write to this table, so it must exist first.
            versions::ensure(self.repo).await?;
        }
        let session = self.repo.begin().await?;
        // A repo's default prefix becomes the session's default schema /
        // database for the run (see `prefix`).
        let entered = prefix::enter(&session).await?;
        let outcome = self.run_locked(&session, &backend, direction, target).await;
        let released = lock::release(&session).await;
        let left = prefix::leave(&session, entered).await;
        let committed = session.commit().await;
        let report = outcome?;
        released?;
        left?;
        committed?;
        Ok(report)
    }

    async fn run_locked(
        &self,
        session: &Transaction,
        backend: &Backend,
        direction: Direction,
        target: Target,
    ) -> Result<Report> {
        lock::acquire(session, self.lock_timeout, &|e| self.emit(e)).await?;
        if Db::of(backend).ddl.migration_lock() != MigrationLock::WriteLock {
            versions::ensure(session).await?;
        }
        let applied: BTreeSet<i64> = versions::applied(session).await?;
        let planned = plan::plan(direction, target, &self.migrations, &applied)?;
        let compiled = planned
            .into_iter()
            .map(|m| compile_migration(m, direction, backend))
            .collect::<Result<Vec<_>>>()?;
        let mut report = Report {
            direction,
            migrations: Vec::new(),
        };
        for (done, c) in compiled.iter().enumerate() {
            let m = c.migration;
            self.emit(Event::Started {
                version: m.version(),
                name: m.name().to_string(),
                direction,
            });
            let started = Instant::now();
            let result = if backend.capabilities.transactional_ddl {
                self.run_in_savepoint(session, c, direction).await
            } else {
                self.run_without_ddl_transaction(session, c, direction)
                    .await
            };
            if let Err(f) = result {
                return Err(MigrateError::Failed {
                    version: m.version(),
                    name: m.name().to_string(),
                    direction,
                    statement: f.statement,
                    source: Box::new(f.error),
                    outcome: f.outcome,
                    completed: done,
                });
            }
            let duration = started.elapsed();
            self.emit(Event::Finished {
                version: m.version(),
                direction,
                duration,
            });
            report.migrations.push(Ran {
                version: m.version(),
                name: m.name().to_string(),
                commands: c.commands.iter().map(|(d, _)| d.clone()).collect(),
                statements: c.commands.iter().map(|(_, s)| s.len()).sum(),
                duration,
            });
        }
        Ok(report)
    }

    async fn record(
        &self,
        repo: &Transaction,
        version: i64,
        direction: Direction,
    ) -> std::result::Result<(), quarry_core::Error> {
        match direction {
            Direction::Up => versions::insert(repo, version).await,
            Direction::Down => versions::delete(repo, version).await,
        }
    }

    async fn run_in_savepoint(
        &self,
        session: &Transaction,
        c: &Compiled<'_>,
        direction: Direction,
    ) -> std::result::Result<(), Failure> {
        let rolled_back = "it was rolled back: nothing of it is applied".to_string();
        let sp = session.begin().await.map_err(|error| Failure {
            statement: "SAVEPOINT".into(),
            error,
            outcome: rolled_back.clone(),
        })?;
        let mut failure = None;
        'run: for (description, statements) in &c.commands {
            self.emit(Event::Command {
                description: description.clone(),
            });
            for sql in statements {
                let sent = prefix::tagged(sp.driver().backend(), sql);
                if let Err(error) = sp.execute_raw(&sent, vec![]).await {
                    failure = Some((sql.clone(), error));
                    break 'run;
                }
            }
        }
        if failure.is_none() {
            if let Err(error) = self.record(&sp, c.migration.version(), direction).await {
                failure = Some((format!("{direction} in {TABLE}"), error));
            }
        }
        match failure {
            None => sp.commit().await.map_err(|error| Failure {
                statement: "RELEASE SAVEPOINT".into(),
                error,
                outcome: rolled_back,
            }),
            Some((statement, error)) => {
                let outcome = match sp.rollback().await {
                    Ok(()) => rolled_back,
                    Err(e) => format!("rolling it back failed too: {e}"),
                };
                Err(Failure {
                    statement,
                    error,
                    outcome,
                })
            }
        }
    }

    async fn run_without_ddl_transaction(
        &self,
        session: &Transaction,
        c: &Compiled<'_>,
        direction: Direction,
    ) -> std::result::Result<(), Failure> {
        let fail = |statement: String, error, done: &[String]| {
            let outcome = if done.is_empty() {
                "nothing of it was applied".to_string()
            } else {
                format!(
                    "{} cannot roll back DDL, so the {} statement(s) before it stayed applied: {}",
                    session.driver().backend().name,
                    done.len(),
                    done.join("; ")
                )
            };
            Failure {
                statement,
                error,
                outcome,
            }
        };
        if let Err(error) = session.execute_raw("START TRANSACTION", vec![]).await {
            return Err(fail("START TRANSACTION".into(), error, &[]));
        }
        let mut done: Vec<String> = Vec::new();
        for (description, statements) in &c.commands {
            self.emit(Event::Command {
                description: description.clone(),
            });
            for sql in statements {
                let sent = prefix::tagged(session.driver().backend(), sql);
                if let Err(error) = session.execute_raw(&sent, vec![]).await {
                    let _ = session.execute_raw("ROLLBACK", vec![]).await;
                    return Err(fail(sql.clone(), error, &done));
                }
                done.push(sql.clone());
            }
        }
        if let Err(error) = self.record(session, c.migration.version(), direction).await {
            let _ = session.execute_raw("ROLLBACK", vec![]).await;
            return Err(fail(format!("{direction} in {TABLE}"), error, &done));
        }
        if let Err(error) = session.execute_raw("COMMIT", vec![]).await {
            return Err(fail("COMMIT".into(), error, &done));
        }
        Ok(())
    }
}

/// Records `migration`'s commands for `direction` and compiles each for
/// `backend`; any problem is an error naming the migration.
fn compile_migration<'m>(
    migration: &'m dyn Migration,
    direction: Direction,
    backend: &Backend,
) -> Result<Compiled<'m>> {
    let (commands, problems) = commands_of(migration, direction);
    if let Some(problem) = problems.into_iter().next() {
        return Err(MigrateError::Invalid {
            version: migration.version(),
            name: migration.name().to_string(),
            direction,
            problem,
        });
    }
    let mut out = Vec::with_capacity(commands.len());
    let db = Db::of(backend);
    for cmd in &commands {
        match compile(cmd, &db) {
            Ok(sql) => out.push((cmd.to_string(), sql)),
            Err(CompileError::Unsupported { command, hint }) => {
                return Err(MigrateError::Unsupported {
                    version: migration.version(),
                    name: migration.name().to_string(),
                    command,
                    backend: backend.name.to_string(),
                    hint,
                })
            }
            Err(CompileError::Invalid(problem)) => {
                return Err(MigrateError::Invalid {
                    version: migration.version(),
                    name: migration.name().to_string(),
                    direction,
                    problem,
                })
            }
        }
    }
    Ok(Compiled {
        migration,
        commands: out,
    })
}

/// What `migration` records for `direction`.
pub fn commands_of(migration: &dyn Migration, direction: Direction) -> (Vec<Command>, Vec<String>) {
    let mut m = Commands::new();
    match direction {
        Direction::Up => migration.up(&mut m),
        Direction::Down => migration.down(&mut m),
    }
    m.into_parts()
}

/// The SQL `migration` would send in `direction` on `backend`, statement by
/// statement, without running anything (for previews and tests).
pub fn preview(
    migration: &dyn Migration,
    direction: Direction,
    backend: &Backend,
) -> Result<Vec<String>> {
    let compiled = compile_migration(migration, direction, backend)?;
    Ok(compiled
        .commands
        .into_iter()
        .flat_map(|(_, sql)| sql)
        .collect())
}
