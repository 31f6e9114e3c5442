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

/// What `quarry` reads from the project's `Cargo.toml`: the package's name
/// and `default-run`, and `[package.metadata.quarry]`:
///
/// ```toml
/// [package.metadata.quarry]
/// features = ["postgres"]          # passed to `cargo run --bin migrate`
/// migrations_dir = "db/migrations" # default "migrations"
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    /// `[package] name`.
    pub name: Option<String>,
    /// `[package] default-run`.
    pub default_run: Option<String>,
    /// `[package.metadata.quarry] features`.
    pub features: Vec<String>,
    /// `[package.metadata.quarry] migrations_dir`.
    pub migrations_dir: Option<String>,
}

/// Reads `root/Cargo.toml`.
pub fn manifest(root: &Path) -> Result<Manifest, String> {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc: toml::Table = text
        .parse()
        .map_err(|e| format!("cannot parse {}: {e}", path.display()))?;
    let package = doc.get("package").and_then(|p| p.as_table());
    let get = |key: &str| {
        package
            .and_then(|p| p.get(key))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let quarry = package
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("quarry"));
    let features = match quarry.and_then(|q| q.get("features")) {
        None => Vec::new(),
        Some(v) => v
            .as_array()
            .and_then(|a| {
                a.iter()
                    .map(|f| f.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or_else(|| {
                "[package.metadata.quarry] features must be a list of strings, like [\"postgres\"]"
                    .to_string()
            })?,
    };
    let migrations_dir = match quarry.and_then(|q| q.get("migrations_dir")) {
        None => None,
        Some(v) => Some(v.as_str().map(str::to_string).ok_or_else(|| {
            "[package.metadata.quarry] migrations_dir must be a string".to_string()
        })?),
    };
    Ok(Manifest {
        name: get("name"),
        default_run: get("default-run"),
        features,
        migrations_dir,
    })
}

/// Adds `default-run = "<package>"` to `[package]` when the project has a
/// `src/main.rs` and no `default-run`: with `src/bin/migrate.rs` beside it the
/// package has two binaries, and `cargo run` must still run the application.
pub fn ensure_default_run(root: &Path) -> Result<(), String> {
    let m = manifest(root)?;
    let (Some(name), None) = (m.name, m.default_run) else {
        return Ok(());
    };
    if !root.join("src").join("main.rs").is_file() {
        return Ok(());
    }
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut out = String::with_capacity(text.len() + 40);
    let mut in_package = false;
    let mut done = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_package = trimmed == "[package]";
        }
        out.push_str(line);
        if in_package && !done && trimmed.starts_with("name") && trimmed.contains('=') {
            if !line.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&format!("default-run = {name:?}\n"));
            done = true;
        }
    }
    if !done {
        return Err(format!(
            "add `default-run = {name:?}` to [package] in Cargo.toml, so `cargo run` runs your application and not src/bin/migrate.rs"
        ));
    }
    std::fs::write(&path, out).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!(
        "* updating Cargo.toml (default-run = {name:?}: `cargo run` still runs your application)"
    );
    Ok(())
}

/// The migrations folder `src/bin/migrate.rs` includes (its `#[path]`).
fn included_dir(migrate_rs: &str) -> Option<String> {
    let start = migrate_rs.find("#[path = \"../../")? + "#[path = \"../../".len();
    let rest = migrate_rs.get(start..)?;
    let end = rest.find("/mod.rs\"]")?;
    rest.get(..end).map(str::to_string)
}

/// Makes sure the migrations folder (with its `mod.rs`) and
/// `src/bin/migrate.rs` exist (for the generators), and that `migrate.rs`
/// includes this migrations folder: one quarry wrote for another folder is
/// rewritten, an edited one that disagrees is an error.
pub fn ensure_layout(root: &Path, migrations_dir: &str) -> Result<(), String> {
    create_file(
        root,
        &root.join(migrations_dir).join("mod.rs"),
        MIGRATIONS_MOD,
    )?;
    let bin = root.join("src").join("bin").join("migrate.rs");
    if create_file(root, &bin, &migrate_bin(migrations_dir))? {
        ensure_default_run(root)?;
    } else {
        check_bin(root, migrations_dir)?;
    }
    Ok(())
}

/// Checks `src/bin/migrate.rs` runs `migrations_dir`; rewrites it when it is
/// quarry's own file for another folder.
pub fn check_bin(root: &Path, migrations_dir: &str) -> Result<(), String> {
    let bin = root.join("src").join("bin").join("migrate.rs");
    let text =
        std::fs::read_to_string(&bin).map_err(|e| format!("cannot read {}: {e}", bin.display()))?;
    match included_dir(&text) {
        Some(dir) if dir == migrations_dir.trim_end_matches('/') => Ok(()),
        Some(dir) if text == migrate_bin(&dir) => {
            std::fs::write(&bin, migrate_bin(migrations_dir))
                .map_err(|e| format!("cannot write {}: {e}", bin.display()))?;
            println!("* updating src/bin/migrate.rs (runs {migrations_dir}/mod.rs)");
            Ok(())
        }
        Some(dir) => Err(format!(
            "src/bin/migrate.rs runs {dir}/mod.rs, not {migrations_dir}/mod.rs: pass --migrations-dir {dir} or change its #[path]"
        )),
        // A migrate.rs of the project's own design: trusted as it is.
        None => Ok(()),
    }
}

/// Before running migrations: the layout must exist (nothing is created), and
/// every migration file of the folder must be registered in its `mod.rs`.
pub fn check_runnable(root: &Path, migrations_dir: &str) -> Result<(), String> {
    let bin = root.join("src").join("bin").join("migrate.rs");
    let folder = root.join(migrations_dir);
    let mod_rs = folder.join("mod.rs");
    if !bin.is_file() || !mod_rs.is_file() {
        return Err(format!(
            "no migrations in this project yet (no {} or {}): write one with `quarry gen migration <name>`",
            relative(root, &mod_rs),
            relative(root, &bin)
        ));
    }
    check_bin(root, migrations_dir)?;
    let listed = std::fs::read_to_string(&mod_rs)
        .map_err(|e| format!("cannot read {}: {e}", mod_rs.display()))?;
    let mut files: Vec<String> = std::fs::read_dir(&folder)
        .map_err(|e| format!("cannot read {}: {e}", folder.display()))?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|f| is_migration_file(f))
        .collect();
    files.sort();
    for file in files {
        let module = file
            .strip_suffix(".rs")
            .and_then(|s| s.split_once('_'))
            .map(|(_, m)| m.to_string())
            .unwrap_or_default();
        if !listed.contains(&format!("\"{file}\"")) && !listed.contains(&format!("mod {module};")) {
            return Err(format!(
                "{} is not registered in {}: add `#[path = \"{file}\"] mod {module};` and its `Box::new(..)` to all() (`quarry gen migration` does both), or delete the file",
                relative(root, &folder.join(&file)),
                relative(root, &mod_rs)
            ));
        }
    }
    Ok(())
}

/// `20230417014701_create_store.rs`.
fn is_migration_file(file: &str) -> bool {
    let Some(stem) = file.strip_suffix(".rs") else {
        return false;
    };
    match stem.split_once('_') {
        Some((v, name)) => {
            v.len() == 14 && v.bytes().all(|b| b.is_ascii_digit()) && !name.is_empty()
        }
        None => false,
    }
}

/// Runs the project's `migrate` binary with `args` through cargo
/// (`cargo run --bin migrate`, with `features`), in the project's directory,
/// cargo's build progress and the binary's output streamed. Returns its exit
/// code.
pub fn run_migrate_bin(
    root: &Path,
    features: &[String],
    args: &[String],
    database_url: Option<&str>,
) -> Result<i32, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut cmd = std::process::Command::new(&cargo);
    cmd.arg("run")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .arg("--bin")
        .arg("migrate");
    if !features.is_empty() {
        cmd.arg("--features").arg(features.join(","));
    }
    cmd.arg("--").args(args).current_dir(root);
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run `{cargo} run --bin migrate`: {e}"))?;
    Ok(status.code().unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrate_rs_path_and_files() {
        assert_eq!(
            included_dir(&migrate_bin("db/migrations")).as_deref(),
            Some("db/migrations")
        );
        assert!(is_migration_file("20230417014701_create_store.rs"));
        assert!(!is_migration_file("mod.rs"));
        assert!(!is_migration_file("2023_x.rs"));
    }
}
