//! The entry point of a project's `migrate` binary, which the `quarry`
//! command runs for `quarry migrate`, `quarry rollback` and `quarry migrations`.
//!
//! A project keeps its migrations in `migrations/` (one file each, listed by
//! `migrations/mod.rs`, whose `all()` returns them), and a two-line
//! `src/bin/migrate.rs` that `quarry gen migration` writes on first use:
//!
//! ```ignore
//! // src/bin/migrate.rs
//! #[path = "../../migrations/mod.rs"]
//! mod migrations;
//!
//! fn main() -> std::process::ExitCode {
//!     quarry_migrate::cli::main(migrations::all(), |url| async move { quarry::connect(&url).await })
//! }
//! ```
//!
//! Arguments (what `quarry migrate ...` passes on):
//!
//! - `migrate [--all | --step N | --to VERSION]` (default `--all`)
//! - `rollback [--all | --step N | --to VERSION]` (default `--step 1`)
//! - `redo [--step N]` (reverts the last N, default 1, and applies them again)
//! - `migrations` (status; only reads: a missing SQLite file is an error, not
//!   created)
//! - `--dry-run` (with `migrate`, `rollback`: prints each migration's SQL for
//!   this database and runs nothing)
//! - `--database-url URL` (default: the `DATABASE_URL` environment variable)
//! - `--prefix NAME` (with `migrate`, `rollback`, `redo`, `migrations`: run in
//!   that schema (Postgres) or database (MySQL), with its own
//!   `schema_migrations`, as Ecto's `--prefix`; see
//!   [`create_prefix`](crate::create_prefix))
//!
//! Progress is printed one line per step; an error is one line on stderr and
//! the exit code is 1.

use crate::error::MigrateError;
use crate::migration::Migration;
use crate::runner::{Direction, Migrator, Target};
use quarry_query::Repo;
use std::future::Future;
use std::process::ExitCode;

/// What to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Apply pending migrations.
    Migrate,
    /// Revert applied migrations.
    Rollback,
    /// List migrations and their state.
    Status,
    /// Revert the last migrations and apply them again.
    Redo,
}

/// Parsed arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args {
    /// What to do.
    pub action: Action,
    /// How far (`None`: the action's default).
    pub target: Option<Target>,
    /// `--database-url`, if given.
    pub database_url: Option<String>,
    /// `--dry-run`: print the SQL, run nothing.
    pub dry_run: bool,
    /// `--prefix`: the schema / database to migrate, if given.
    pub prefix: Option<String>,
}

const USAGE: &str = "usage: migrate (migrate | rollback | redo | migrations) [--all | --step N | --to VERSION] [--dry-run] [--database-url URL] [--prefix NAME]";

/// Parses `args` (without the program name).
///
/// ```
/// use quarry_migrate::cli::{parse, Action};
/// use quarry_migrate::Target;
/// let a = parse(["rollback", "--step", "2"].map(String::from)).unwrap();
/// assert_eq!((a.action, a.target), (Action::Rollback, Some(Target::Step(2))));
/// assert!(parse(["migrate", "--step", "x"].map(String::from)).is_err());
/// let a = parse(["migrate", "--prefix", "tenant_a"].map(String::from)).unwrap();
/// assert_eq!(a.prefix.as_deref(), Some("tenant_a"));
/// assert!(parse(["migrate", "--prefix", "a;b"].map(String::from)).is_err());
/// ```
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut args = args.into_iter();
    let action = match args.next().as_deref() {
        Some("migrate") => Action::Migrate,
        Some("rollback") => Action::Rollback,
        Some("migrations" | "status") => Action::Status,
        Some("redo") => Action::Redo,
        Some(other) => return Err(format!("unknown command `{other}`; {USAGE}")),
        None => return Err(USAGE.to_string()),
    };
    let mut out = Args {
        action,
        target: None,
        database_url: None,
        dry_run: false,
        prefix: None,
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        let target = match flag.as_str() {
            "--all" => Some(Target::All),
            "--step" | "-n" => {
                let v = value("--step")?;
                Some(Target::Step(v.parse().map_err(|_| {
                    format!("--step takes a number of migrations, not `{v}`")
                })?))
            }
            "--to" => {
                let v = value("--to")?;
                Some(Target::To(v.parse().map_err(|_| {
                    format!("--to takes a migration version, not `{v}`")
                })?))
            }
            "--database-url" => {
                out.database_url = Some(value("--database-url")?);
                None
            }
            "--dry-run" => {
                out.dry_run = true;
                None
            }
            "--prefix" => {
                let v = value("--prefix")?;
                if !quarry_query::prefix::is_plain_identifier(&v) {
                    return Err(format!(
                        "--prefix takes a plain identifier (letters, digits and _), not `{v}`"
                    ));
                }
                out.prefix = Some(v);
                None
            }
            other => return Err(format!("unknown option `{other}`; {USAGE}")),
        };
        if let Some(t) = target {
            if out.target.is_some() {
                return Err("give only one of --all, --step and --to".to_string());
            }
            out.target = Some(t);
        }
    }
    if out.action == Action::Status && out.target.is_some() {
        return Err("migrations (status) takes no --all, --step or --to".to_string());
    }
    if out.action == Action::Redo && !matches!(out.target, None | Some(Target::Step(_))) {
        return Err("redo takes only --step N".to_string());
    }
    if out.dry_run && matches!(out.action, Action::Status | Action::Redo) {
        return Err("--dry-run goes with migrate or rollback".to_string());
    }
    Ok(out)
}

/// Runs `args` against the database `connect` opens, printing progress and the
/// result to stdout. Returns the error as one line.
pub async fn run<C, Fut, R>(
    args: Args,
    migrations: Vec<Box<dyn Migration>>,
    connect: C,
) -> Result<(), String>
where
    C: FnOnce(String) -> Fut,
    Fut: Future<Output = quarry_core::Result<R>>,
    R: Repo,
{
    let url = match args.database_url.clone() {
        Some(u) => u,
        None => std::env::var("DATABASE_URL")
            .map_err(|_| "no database URL: pass --database-url or set DATABASE_URL".to_string())?,
    };
    if args.dry_run || matches!(args.action, Action::Status) {
        // Commands that only read must not create the database they read.
        if let Some(path) = sqlite_file(&url).filter(|p| !std::path::Path::new(p).exists()) {
            return Err(format!(
                "the database {path} does not exist (nothing was created): run `quarry db create`"
            ));
        }
    }
    let repo = connect(url).await.map_err(|e| e.to_string())?;
    match &args.prefix {
        Some(p) => {
            let tenant = repo.with_prefix(p.as_str()).map_err(|e| e.to_string())?;
            drive(&args, migrations, &tenant).await
        }
        None => drive(&args, migrations, &repo).await,
    }
}

/// Runs `args` with the migrations on `repo`.
async fn drive<R: Repo>(
    args: &Args,
    migrations: Vec<Box<dyn Migration>>,
    repo: &R,
) -> Result<(), String> {
    let migrator = Migrator::new(repo, migrations)
        .map_err(|e| e.to_string())?
        .on_event(|e| println!("{e}"));
    let one_line = |e: MigrateError| e.to_string();
    if args.dry_run {
        let (direction, target) = match args.action {
            Action::Rollback => (Direction::Down, args.target.unwrap_or(Target::Step(1))),
            _ => (Direction::Up, args.target.unwrap_or(Target::All)),
        };
        let planned = migrator
            .dry_run(direction, target)
            .await
            .map_err(one_line)?;
        if planned.is_empty() {
            println!("-- nothing to run");
        }
        for p in &planned {
            print!("{p}");
        }
        return Ok(());
    }
    match args.action {
        Action::Redo => {
            let n = match args.target {
                Some(Target::Step(n)) => n,
                _ => 1,
            };
            let down = migrator.rollback(Target::Step(n)).await.map_err(one_line)?;
            println!("{down}");
            let back = down.migrations.len();
            let up = migrator
                .migrate(Target::Step(back))
                .await
                .map_err(one_line)?;
            println!("{up}");
        }
        Action::Migrate => {
            let report = migrator
                .migrate(args.target.unwrap_or(Target::All))
                .await
                .map_err(one_line)?;
            println!("{report}");
        }
        Action::Rollback => {
            let report = migrator
                .rollback(args.target.unwrap_or(Target::Step(1)))
                .await
                .map_err(one_line)?;
            println!("{report}");
        }
        Action::Status => {
            let status = migrator.status().await.map_err(one_line)?;
            println!("{status}");
        }
    }
    Ok(())
}

/// The file of a SQLite URL (`sqlite://app.db`, `sqlite:app.db?mode=rwc`), or
/// `None` for another database or an in-memory one.
fn sqlite_file(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    Some(path.to_string())
}

/// The whole `migrate` binary: parses the process arguments, runs them on a
/// runtime of its own, prints an error as one line and returns the exit code.
pub fn main<C, Fut, R>(migrations: Vec<Box<dyn Migration>>, connect: C) -> ExitCode
where
    C: FnOnce(String) -> Fut,
    Fut: Future<Output = quarry_core::Result<R>>,
    R: Repo,
{
    let result = parse(std::env::args().skip(1)).and_then(|args| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the async runtime: {e}"))?
            .block_on(run(args, migrations, connect))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
