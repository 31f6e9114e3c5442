//! `quarry`: the command line of the quarry data layer, with the counterparts
//! of Ecto's mix tasks.
//!
//! | quarry | mix |
//! |---|---|
//! | `quarry db create` / `quarry db drop` | `mix ecto.create` / `mix ecto.drop` |
//! | `quarry db setup` / `quarry db reset` | `mix ecto.setup` / `mix ecto.reset` |
//! | `quarry gen migration <name>` | `mix ecto.gen.migration <name>` |
//! | `quarry gen schema Product products name:string` | `mix phx.gen.schema ...` |
//! | `quarry gen schema Product products --from-db` | diesel's `print-schema` |
//! | `quarry migrate [--step N \| --to V \| --all] [--dry-run]` | `mix ecto.migrate` |
//! | `quarry migrate redo [--step N]` | diesel's `migration redo` |
//! | `quarry rollback [--step N \| --to V \| --all] [--dry-run]` | `mix ecto.rollback` |
//! | `quarry migrations` | `mix ecto.migrations` |
//!
//! A project's migrations are Rust: `migrations/*.rs`, listed by
//! `migrations/mod.rs`. `quarry migrate`, `rollback` and `migrations` build and
//! run the project's `src/bin/migrate.rs` (written by the first `gen`), which
//! hands them to `quarry::migration::cli::main`, with the project's features
//! (`--features`, `[package.metadata.quarry] features`).

mod db;
mod gen_migration;
mod gen_schema;
mod introspect;
mod naming;
mod project;

use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "quarry",
    version,
    about = "quarry's command line: databases, migrations, schemas",
    after_help = "The database URL comes from --database-url, DATABASE_URL or the project's .env file.\n\
                  A relative SQLite path (sqlite://app.db) is relative to the project's directory."
)]
struct Cli {
    /// The project directory (default: the nearest one with a Cargo.toml).
    #[arg(long, global = true)]
    project: Option<PathBuf>,
    /// The database URL (default: DATABASE_URL, from the environment or .env).
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// The migrations folder, relative to the project (default:
    /// [package.metadata.quarry] migrations_dir, or "migrations").
    #[arg(long, global = true)]
    migrations_dir: Option<String>,
    /// Cargo features of your project to build its migrate binary with, such
    /// as postgres (added to [package.metadata.quarry] features).
    #[arg(long, short = 'F', global = true, value_delimiter = ',')]
    features: Vec<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create, drop, set up or reset the database.
    #[command(subcommand)]
    Db(DbCommand),
    /// Generate a migration or a schema.
    #[command(subcommand)]
    Gen(GenCommand),
    /// Apply pending migrations (all unless --step or --to); `migrate redo`
    /// reverts and reapplies the last one.
    #[command(args_conflicts_with_subcommands = true)]
    Migrate {
        #[command(subcommand)]
        redo: Option<MigrateCommand>,
        #[command(flatten)]
        range: Range,
        /// Print each migration's SQL for this database; run nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Revert applied migrations (the last one unless --step, --to or --all).
    Rollback {
        #[command(flatten)]
        range: Range,
        /// Print each migration's SQL for this database; run nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// List migrations, up or down (only reads: creates nothing).
    Migrations,
}

#[derive(Subcommand, Debug)]
enum MigrateCommand {
    /// Revert the last migrations and apply them again (diesel's `migration redo`).
    Redo {
        /// This many migrations (default 1).
        #[arg(long, short = 'n', default_value_t = 1)]
        step: usize,
    },
}

#[derive(Subcommand, Debug)]
enum DbCommand {
    /// Create the database (a SQLite file, or a database on the server).
    Create,
    /// Drop the database.
    Drop,
    /// Create the database and run the migrations (mix ecto.setup).
    Setup,
    /// Drop the database, create it and run the migrations (mix ecto.reset).
    Reset,
}

#[derive(Subcommand, Debug)]
enum GenCommand {
    /// A new migration: YYYYMMDDhhmmss_NAME.rs (UTC) in the migrations folder.
    Migration {
        /// Its name, such as create_store.
        name: String,
    },
    /// A schema struct with its changeset, and its create_TABLE migration.
    Schema {
        /// The struct, such as Product.
        module: String,
        /// The table, such as products.
        table: String,
        /// Fields as name:type (string, text, integer, bigint, float, boolean,
        /// date, naive_datetime, utc_datetime, binary, map, references:TABLE).
        /// string and text fields are `String` over NOT NULL columns, the
        /// others `Option<T>` over nullable ones.
        fields: Vec<String>,
        /// Write no migration.
        #[arg(long)]
        no_migration: bool,
        /// Read the fields from the table in the database (no fields given, no
        /// migration written): types, nullability, timestamps, and a
        /// belongs_to for each foreign key.
        #[arg(long, conflicts_with_all = ["fields", "no_migration"])]
        from_db: bool,
        /// Where the schema file goes, relative to the project.
        #[arg(long, default_value = "src")]
        dir: String,
    },
}

#[derive(Args, Debug)]
struct Range {
    /// Every migration.
    #[arg(long, conflicts_with_all = ["step", "to"])]
    all: bool,
    /// This many migrations.
    #[arg(long, short = 'n', conflicts_with = "to")]
    step: Option<usize>,
    /// Up to (migrate) or down to (rollback) this version, inclusive; a
    /// version no migration has is refused.
    #[arg(long)]
    to: Option<i64>,
    /// Run in this schema (Postgres) or database (MySQL), for a tenant: its
    /// tables and its own schema_migrations (create it first; a plain
    /// identifier).
    #[arg(long)]
    prefix: Option<String>,
}

impl Range {
    fn args(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.all {
            out.push("--all".to_string());
        }
        if let Some(n) = self.step {
            out.extend(["--step".to_string(), n.to_string()]);
        }
        if let Some(v) = self.to {
            out.extend(["--to".to_string(), v.to_string()]);
        }
        if let Some(p) = &self.prefix {
            out.extend(["--prefix".to_string(), p.clone()]);
        }
        out
    }
}

/// The command's setting: the project (when there is one) and what its
/// Cargo.toml and .env say.
struct Context<'a> {
    cli: &'a Cli,
    root: Result<PathBuf, String>,
    manifest: project::Manifest,
}

impl<'a> Context<'a> {
    fn new(cli: &'a Cli) -> Result<Self, String> {
        let start = match &cli.project {
            Some(p) => p.clone(),
            None => std::env::current_dir().map_err(|e| format!("no current directory: {e}"))?,
        };
        let root = project::root(&start);
        let manifest = match &root {
            Ok(r) => project::manifest(r)?,
            Err(_) => project::Manifest::default(),
        };
        // The project's .env, else the nearest one (as dotenvy looks); a
        // variable already set wins.
        match &root {
            Ok(r) if r.join(".env").is_file() => {
                dotenvy::from_path(r.join(".env")).map_err(|e| format!("cannot read .env: {e}"))?
            }
            _ => match dotenvy::dotenv() {
                Ok(_) => {}
                Err(e) if e.not_found() => {}
                Err(e) => return Err(format!("cannot read .env: {e}")),
            },
        }
        Ok(Context {
            cli,
            root,
            manifest,
        })
    }

    fn root(&self) -> Result<&Path, String> {
        self.root.as_deref().map_err(Clone::clone)
    }

    fn migrations_dir(&self) -> String {
        self.cli
            .migrations_dir
            .clone()
            .or_else(|| self.manifest.migrations_dir.clone())
            .unwrap_or_else(|| "migrations".to_string())
    }

    fn features(&self) -> Vec<String> {
        let mut out = self.manifest.features.clone();
        for f in &self.cli.features {
            if !f.is_empty() && !out.contains(f) {
                out.push(f.clone());
            }
        }
        out
    }

    /// The URL, with a relative SQLite path made relative to the project (so
    /// `cd src && quarry migrations` reads the project's database).
    fn database_url(&self) -> Result<String, String> {
        let url = self
            .cli
            .database_url
            .clone()
            .or_else(|| std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()))
            .ok_or_else(|| {
                "no database URL: pass --database-url, set DATABASE_URL or add it to .env"
                    .to_string()
            })?;
        Ok(match &self.root {
            Ok(root) => db::anchor_sqlite(&url, root),
            Err(_) => url,
        })
    }
}

fn block_on<F: std::future::Future>(f: F) -> Result<F::Output, String> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?
        .block_on(f))
}

/// Runs the command; `Ok(code)` is the exit code of a command that reported
/// its own failure (the project's migrate binary).
fn run(cx: &Context<'_>) -> Result<u8, String> {
    let cli = cx.cli;
    match &cli.command {
        Command::Db(op) => {
            let url = cx.database_url()?;
            let ops: &[db::Op] = match op {
                DbCommand::Create => &[db::Op::Create],
                DbCommand::Drop => &[db::Op::Drop],
                DbCommand::Setup => &[db::Op::Create],
                DbCommand::Reset => &[db::Op::Drop, db::Op::Create],
            };
            for op in ops {
                let message = block_on(db::run(*op, &url))??;
                println!("{message}");
            }
            if matches!(op, DbCommand::Setup | DbCommand::Reset) {
                return migrate_bin(cx, vec!["migrate".to_string()]);
            }
            Ok(0)
        }
        Command::Gen(GenCommand::Migration { name }) => {
            gen_migration::generate(cx.root()?, &cx.migrations_dir(), name, None)?;
            Ok(0)
        }
        Command::Gen(GenCommand::Schema {
            module,
            table,
            fields: _,
            no_migration: _,
            dir,
            from_db: true,
        }) => {
            let url = cx.database_url()?;
            let root = cx.root()?;
            let file = block_on(async {
                let repo = quarry::connect(&url).await.map_err(|e| e.to_string())?;
                let scheme = url.split(':').next().unwrap_or("").to_ascii_lowercase();
                let t = introspect::read(&repo, &scheme, table).await?;
                gen_schema::check_module(module)?;
                introspect::schema_file(module, table, &t)
            })??;
            let path = root
                .join(dir)
                .join(format!("{}.rs", naming::snake_case(module)));
            if path.exists() {
                return Err(format!("{} already exists", project::relative(root, &path)));
            }
            project::create_file(root, &path, &file)?;
            println!(
                "Add `mod {};` to your crate root (src/main.rs or src/lib.rs).",
                naming::snake_case(module)
            );
            Ok(0)
        }
        Command::Gen(GenCommand::Schema {
            module,
            table,
            fields,
            no_migration,
            dir,
            from_db: false,
        }) => {
            gen_schema::generate(
                cx.root()?,
                dir,
                &cx.migrations_dir(),
                module,
                table,
                fields,
                *no_migration,
            )?;
            Ok(0)
        }
        Command::Migrate {
            redo: Some(MigrateCommand::Redo { step }),
            ..
        } => migrate_bin(
            cx,
            vec!["redo".to_string(), "--step".to_string(), step.to_string()],
        ),
        Command::Migrate {
            redo: None,
            range,
            dry_run,
        } => {
            let mut args = vec!["migrate".to_string()];
            args.extend(range.args());
            if *dry_run {
                args.push("--dry-run".to_string());
            }
            migrate_bin(cx, args)
        }
        Command::Rollback { range, dry_run } => {
            let mut args = vec!["rollback".to_string()];
            args.extend(range.args());
            if *dry_run {
                args.push("--dry-run".to_string());
            }
            migrate_bin(cx, args)
        }
        Command::Migrations => migrate_bin(cx, vec!["migrations".to_string()]),
    }
}

fn migrate_bin(cx: &Context<'_>, args: Vec<String>) -> Result<u8, String> {
    let root = cx.root()?;
    let url = cx.database_url()?;
    project::check_runnable(root, &cx.migrations_dir())?;
    let code = project::run_migrate_bin(root, &cx.features(), &args, Some(&url))?;
    match code {
        0 => Ok(0),
        // The migrate binary printed its one-line error already.
        1 => Ok(1),
        other => Err(format!(
            "building or running the project's migrate binary failed (`cargo run --bin migrate` exited with {other})"
        )),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match Context::new(&cli).and_then(|cx| run(&cx)) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
