//! The project the command runs in: its root, its migrations folder, and its
//! `migrate` binary.

use std::path::{Path, PathBuf};

/// The nearest directory from `start` upwards that has a `Cargo.toml`.
pub fn root(start: &Path) -> Result<PathBuf, String> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        if d.join("Cargo.toml").is_file() {
            return Ok(d.to_path_buf());
        }
        dir = d.parent();
    }
    Err(format!(
        "no Cargo.toml in {} or above: run quarry inside your project (or pass --project)",
        start.display()
    ))
}

/// The migrations folder's `mod.rs` as `quarry gen migration` first writes it.
pub const MIGRATIONS_MOD: &str = r#"//! This project's migrations, oldest first. `quarry gen migration <name>` adds a
//! file here and registers it below; `quarry migrate` runs them.

use quarry::migration::Migration;

/// Every migration of this project.
pub fn all() -> Vec<Box<dyn Migration>> {
    vec![
    ]
}
"#;

/// `src/bin/migrate.rs`: the binary `quarry migrate` runs.
pub fn migrate_bin(migrations_dir: &str) -> String {
    format!(
        r#"//! Runs this project's migrations: `quarry migrate`, `quarry rollback` and
//! `quarry migrations` build and run it (`cargo run --bin migrate -- ...`).
//! Written by `quarry gen migration`; safe to keep in version control.

#[path = "../../{migrations_dir}/mod.rs"]
mod migrations;

fn main() -> std::process::ExitCode {{
    quarry::migration::cli::main(migrations::all(), |url| async move {{
        quarry::connect(&url).await
    }})
}}
"#
    )
}

/// Writes `path` with `contents` unless it exists; says what it did.
pub fn create_file(root: &Path, path: &Path, contents: &str) -> Result<bool, String> {
    if path.exists() {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("* creating {}", relative(root, path));
    Ok(true)
}

/// `path` relative to `root`, for messages.
pub fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Makes sure the migrations folder (with its `mod.rs`) and
/// `src/bin/migrate.rs` exist.
pub fn ensure_layout(root: &Path, migrations_dir: &str) -> Result<(), String> {
    create_file(
        root,
        &root.join(migrations_dir).join("mod.rs"),
        MIGRATIONS_MOD,
    )?;
    create_file(
        root,
        &root.join("src").join("bin").join("migrate.rs"),
        &migrate_bin(migrations_dir),
    )?;
    Ok(())
}

/// Runs the project's `migrate` binary with `args` through cargo, output
/// streamed. Returns its exit code.
pub fn run_migrate_bin(
    root: &Path,
    args: &[String],
    database_url: Option<&str>,
) -> Result<i32, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut cmd = std::process::Command::new(&cargo);
    cmd.arg("run")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .arg("--bin")
        .arg("migrate")
        .arg("--")
        .args(args);
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run `{cargo} run --bin migrate`: {e}"))?;
    Ok(status.code().unwrap_or(1))
}
