//! `quarry`: the command line of the quarry data layer, with the counterparts
//! of Ecto's mix tasks.
//!
//! | quarry | mix |
//! |---|---|
//! | `quarry db create` / `quarry db drop` | `mix ecto.create` / `mix ecto.drop` |
//! | `quarry gen migration <name>` | `mix ecto.gen.migration <name>` |
//! | `quarry gen schema Product products name:string` | `mix phx.gen.schema ...` |
//! | `quarry migrate [--step N \| --to V \| --all]` | `mix ecto.migrate` |
//! | `quarry rollback [--step N \| --to V \| --all]` | `mix ecto.rollback` |
//! | `quarry migrations` | `mix ecto.migrations` |
//!
//! A project's migrations are Rust: `migrations/*.rs`, listed by
//! `migrations/mod.rs`. `quarry migrate`, `rollback` and `migrations` build and
//! run the project's `src/bin/migrate.rs` (written on first use), which hands
//! them to `quarry::migration::cli::main`.

mod db;
mod gen_migration;
mod gen_schema;
mod naming;
mod project;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "quarry",
    version,
    about = "quarry's command line: databases, migrations, schemas"
)]
struct Cli {
    /// The project directory (default: the nearest one with a Cargo.toml).
    #[arg(long, global = true)]
    project: Option<PathBuf>,
    /// The database URL (default: the DATABASE_URL environment variable).
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// The migrations folder, relative to the project.
    #[arg(long, global = true, default_value = "migrations")]
    migrations_dir: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create or drop the database.
    #[command(subcommand)]
    Db(DbCommand),
    /// Generate a migration or a schema.
    #[command(subcommand)]
    Gen(GenCommand),
    /// Apply pending migrations (all unless --step or --to).
    Migrate(Range),
    /// Revert applied migrations (the last one unless --step, --to or --all).
    Rollback(Range),
    /// List migrations, up or down.
    Migrations,
}

#[derive(Subcommand, Debug)]
enum DbCommand {
    /// Create the database (a SQLite file, or a database on the server).
    Create,
    /// Drop the database.
    Drop,
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
        fields: Vec<String>,
        /// Write no migration.
        #[arg(long)]
        no_migration: bool,
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
    /// Up to (migrate) or down to (rollback) this version, inclusive.
    #[arg(long)]
    to: Option<i64>,
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
        out
    }
}

fn database_url(cli: &Cli) -> Result<String, String> {
    cli.database_url
        .clone()
        .or_else(|| std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()))
        .ok_or_else(|| "no database URL: pass --database-url or set DATABASE_URL".to_string())
}

fn project_root(cli: &Cli) -> Result<PathBuf, String> {
    let start = match &cli.project {
        Some(p) => p.clone(),
        None => std::env::current_dir().map_err(|e| format!("no current directory: {e}"))?,
    };
    project::root(&start)
}

/// Runs the command; `Ok(code)` is the exit code of a command that reported
/// its own failure (the project's migrate binary).
fn run(cli: &Cli) -> Result<u8, String> {
    match &cli.command {
        Command::Db(op) => {
            let url = database_url(cli)?;
            let op = match op {
                DbCommand::Create => db::Op::Create,
                DbCommand::Drop => db::Op::Drop,
            };
            let message = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start the async runtime: {e}"))?
                .block_on(db::run(op, &url))?;
            println!("{message}");
            Ok(0)
        }
        Command::Gen(GenCommand::Migration { name }) => {
            gen_migration::generate(&project_root(cli)?, &cli.migrations_dir, name, None)?;
            Ok(0)
        }
        Command::Gen(GenCommand::Schema {
            module,
            table,
            fields,
            no_migration,
            dir,
        }) => {
            gen_schema::generate(
                &project_root(cli)?,
                dir,
                &cli.migrations_dir,
                module,
                table,
                fields,
                *no_migration,
            )?;
            Ok(0)
        }
        Command::Migrate(range) | Command::Rollback(range) => {
            let action = if matches!(cli.command, Command::Migrate(_)) {
                "migrate"
            } else {
                "rollback"
            };
            let mut args = vec![action.to_string()];
            args.extend(range.args());
            migrate_bin(cli, args)
        }
        Command::Migrations => migrate_bin(cli, vec!["migrations".to_string()]),
    }
}

fn migrate_bin(cli: &Cli, args: Vec<String>) -> Result<u8, String> {
    let root = project_root(cli)?;
    let url = database_url(cli)?;
    project::ensure_layout(&root, &cli.migrations_dir)?;
    let code = project::run_migrate_bin(&root, &args, Some(&url))?;
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
    match run(&cli) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
