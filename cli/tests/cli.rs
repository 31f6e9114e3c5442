//! End to end: the `quarry` binary on a throwaway project that depends on this
//! workspace's quarry, with a temporary SQLite database: gen schema, gen
//! migration, db create, migrate, migrations (status), rollback, db drop.
//!
//! The project's `migrate` binary is built by a nested cargo into
//! `target/tmp/quarry-cli-e2e-target` (kept between runs, so only the first
//! run compiles quarry's dependencies).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

type R = Result<(), Box<dyn std::error::Error>>;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

struct Project {
    dir: PathBuf,
}

/// The test app's Cargo.toml: quarry as its only dependency (chrono, serde_json
/// come re-exported), a feature of its own that `[package.metadata.quarry]`
/// passes to the migrate binary, and an application binary (`src/main.rs`).
fn manifest(quarry: &Path) -> String {
    format!(
        "[package]\nname = \"e2e_app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\nquarry = {{ path = {:?} }}\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n\n\
         [features]\nextra = []\n\n\
         [package.metadata.quarry]\nfeatures = [\"extra\"]\n\n[workspace]\n",
        quarry.display().to_string()
    )
}

/// Without the `extra` feature the app does not build: the migrate binary
/// builds only when quarry passes the project's features on.
const LIB_RS: &str = "//! The e2e app.\n\n#[cfg(not(feature = \"extra\"))]\ncompile_error!(\"built without the extra feature\");\n";

/// The application: inserts and queries through the generated schema.
const MAIN_RS: &str = r#"use e2e_app::widget::Widget;
use quarry::prelude::*;

#[tokio::main(flavor = "current_thread")]
async fn main() -> quarry::Result<()> {
    let repo = quarry::connect("sqlite://app.db").await?;
    let attrs = quarry::serde_json::json!({"name": "gear", "weight": "2.5"});
    let gear = repo.insert(Widget::changeset(Widget::default(), attrs)).await?;
    let light = repo.all(Widget::query().filter(Widget::weight.lt(Some(3.0)))).await?;
    println!("app: inserted {} as {}, {} light", gear.name, gear.id, light.len());
    let invalid = repo.insert(Widget::changeset(Widget::default(), quarry::serde_json::json!({}))).await;
    if let Err(quarry::Error::Invalid(e)) = invalid {
        println!("app: {}", quarry::serde_json::to_string(&*e).unwrap_or_default());
    }
    Ok(())
}
"#;

impl Project {
    fn new() -> Result<Project, Box<dyn std::error::Error>> {
        let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let dir = tmp.join(format!("quarry-cli-e2e-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src"))?;
        let quarry = workspace();
        std::fs::write(dir.join("Cargo.toml"), manifest(&quarry))?;
        std::fs::write(dir.join("src/lib.rs"), LIB_RS)?;
        std::fs::write(
            dir.join("src/main.rs"),
            "fn main() { println!(\"app: hello\"); }\n",
        )?;
        // A relative SQLite path, from .env: relative to the project wherever
        // quarry runs.
        std::fs::write(dir.join(".env"), "DATABASE_URL=sqlite://app.db\n")?;
        // The workspace's lock file, so the nested build picks the same versions.
        std::fs::copy(quarry.join("Cargo.lock"), dir.join("Cargo.lock"))?;
        Ok(Project { dir })
    }

    fn target_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("quarry-cli-e2e-target")
    }

    fn quarry_in(&self, sub: &str, args: &[&str]) -> Result<Output, std::io::Error> {
        Command::new(env!("CARGO_BIN_EXE_quarry"))
            .args(args)
            .current_dir(self.dir.join(sub))
            .env_remove("DATABASE_URL")
            .env("CARGO_TARGET_DIR", Self::target_dir())
            .output()
    }

    fn quarry(&self, args: &[&str]) -> Result<Output, std::io::Error> {
        self.quarry_in("", args)
    }

    /// Runs quarry, expecting success; returns stdout.
    fn ok(&self, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
        let out = self.quarry(args)?;
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        if !out.status.success() {
            return Err(format!("quarry {args:?} failed:\n{stdout}\n{stderr}").into());
        }
        Ok(stdout)
    }

    /// Runs quarry, expecting failure; returns stderr.
    fn fails(&self, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
        fails(self.quarry(args)?, args)
    }

    /// `cargo run` in the project (the application binary); returns stdout.
    fn cargo_run(&self, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let out = Command::new(cargo)
            .arg("run")
            .args(args)
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", Self::target_dir())
            .output()?;
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            return Err(format!("cargo run {args:?} failed:\n{stdout}\n{stderr}").into());
        }
        Ok(stdout)
    }
}

fn fails(out: Output, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
    if out.status.success() {
        return Err(format!(
            "quarry {args:?} succeeded:\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stderr).to_string())
}

fn expect(cond: bool, what: impl std::fmt::Display) -> R {
    if cond {
        Ok(())
    } else {
        Err(what.to_string().into())
    }
}

fn migration_file(dir: &Path, name: &str) -> Option<PathBuf> {
    std::fs::read_dir(dir.join("migrations"))
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            p.file_name().and_then(|f| f.to_str()).is_some_and(|f| {
                f.ends_with(&format!("_{name}.rs")) && f.len() == 14 + 2 + name.len() + 2
            })
        })
}

#[test]
fn gen_migrate_status_rollback_on_sqlite() -> R {
    let p = Project::new()?;

    // Before any migration: nothing to run, and nothing is written.
    let err = p.fails(&["migrate"])?;
    expect(
        err.contains("no migrations in this project yet") && err.contains("quarry gen migration"),
        &err,
    )?;
    expect(
        !p.dir.join("migrations").exists() && !p.dir.join("src/bin").exists(),
        "migrate scaffolded files",
    )?;

    // gen schema refuses a field named like the primary key, or twice.
    let err = p.fails(&["gen", "schema", "Widget", "widgets", "id:integer"])?;
    expect(err.contains("`id` is the primary key"), &err)?;
    let err = p.fails(&["gen", "schema", "Widget", "widgets", "a:string", "a:text"])?;
    expect(err.contains("field `a` is given twice"), &err)?;

    // gen schema: the struct with its changeset, and its create_widgets
    // migration (the first generation also lays out migrations/, the
    // project's migrate binary, and default-run).
    let out = p.ok(&[
        "gen",
        "schema",
        "Widget",
        "widgets",
        "name:string",
        "weight:float",
    ])?;
    expect(out.contains("* creating migrations/mod.rs"), &out)?;
    expect(out.contains("* creating src/bin/migrate.rs"), &out)?;
    expect(out.contains("default-run = \"e2e_app\""), &out)?;
    expect(
        out.contains("_create_widgets.rs") && out.contains("* creating src/widget.rs"),
        &out,
    )?;
    let cargo_toml = std::fs::read_to_string(p.dir.join("Cargo.toml"))?;
    expect(
        cargo_toml.contains("name = \"e2e_app\"\ndefault-run = \"e2e_app\"\n"),
        &cargo_toml,
    )?;
    let schema = std::fs::read_to_string(p.dir.join("src/widget.rs"))?;
    expect(
        schema.contains("#[quarry(table = \"widgets\", timestamps)]")
            && schema.contains("pub name: String,")
            && schema.contains("pub weight: Option<f64>,")
            && schema.contains("pub inserted_at: quarry::chrono::NaiveDateTime,"),
        &schema,
    )?;
    let create = migration_file(&p.dir, "create_widgets").ok_or("no create_widgets file")?;
    let text = std::fs::read_to_string(&create)?;
    expect(
        text.contains("t.add(\"name\", Type::String).not_null();")
            && text.contains("t.add(\"weight\", Type::Float);"),
        &text,
    )?;
    std::fs::write(
        p.dir.join("src/lib.rs"),
        format!("{LIB_RS}\npub mod widget;\n"),
    )?;
    std::fs::write(p.dir.join("src/main.rs"), MAIN_RS)?;

    // gen migration: a timestamped file registered in migrations/mod.rs.
    let out = p.ok(&["gen", "migration", "AddWidgetColor"])?;
    let color = migration_file(&p.dir, "add_widget_color").ok_or("no add_widget_color file")?;
    expect(out.contains("* updating migrations/mod.rs"), &out)?;
    let text = std::fs::read_to_string(&color)?;
    expect(
        text.contains("fn name(&self) -> &str {\n        \"add_widget_color\""),
        &text,
    )?;
    let body = text.replace(
        "let _ = m;",
        "m.alter_table(\"widgets\", |t| {\n            t.add(\"color\", Type::String);\n        });",
    );
    std::fs::write(&color, body)?;
    let mod_rs = std::fs::read_to_string(p.dir.join("migrations/mod.rs"))?;
    expect(
        mod_rs.contains("Box::new(create_widgets::CreateWidgets),\n        Box::new(add_widget_color::AddWidgetColor),"),
        &mod_rs,
    )?;

    // A duplicate name is refused, in one line.
    let err = p.fails(&["gen", "migration", "create_widgets"])?;
    expect(
        err.starts_with("error: a migration named create_widgets already exists: migrations/")
            && err.trim_end().lines().count() == 1,
        &err,
    )?;

    // Read-only: status before the database exists is an error, and creates
    // no file (from a subdirectory too: the path is the project's).
    let out = p.quarry_in("src", &["migrations"])?;
    let err = fails(out, &["migrations"])?;
    expect(
        err.contains("does not exist") && err.contains("quarry db create"),
        &err,
    )?;
    // cargo's build progress is shown (on stderr).
    expect(err.contains("Running") || err.contains("Finished"), &err)?;
    expect(
        !p.dir.join("app.db").exists() && !p.dir.join("src/app.db").exists(),
        "status created a database",
    )?;

    // db create, twice, from a subdirectory: the file is the project's.
    let out = p.quarry_in("src", &["db", "create"])?;
    expect(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("has been created"),
        format!("{out:?}"),
    )?;
    expect(p.dir.join("app.db").exists(), "app.db in the project")?;
    let out = p.ok(&["db", "create"])?;
    expect(out.contains("has already been created"), &out)?;

    // An unregistered migration file is an error naming it; nothing runs.
    let stray = p.dir.join("migrations/20990101000000_stray.rs");
    std::fs::write(&stray, "// not registered\n")?;
    let err = p.fails(&["migrate"])?;
    expect(
        err.contains("migrations/20990101000000_stray.rs is not registered in migrations/mod.rs"),
        &err,
    )?;
    std::fs::remove_file(&stray)?;

    // --dry-run prints the SQL and runs nothing.
    let out = p.ok(&["migrate", "--dry-run"])?;
    expect(
        out.contains("CREATE TABLE \"widgets\"") && out.contains("ALTER TABLE \"widgets\""),
        &out,
    )?;
    let out = p.ok(&["migrations"])?;
    expect(
        out.lines()
            .filter(|l| l.trim_start().starts_with("down"))
            .count()
            == 2,
        &out,
    )?;

    // migrate: builds (with the project's `extra` feature, from
    // [package.metadata.quarry]) and runs the project's migrate binary.
    let out = p.ok(&["migrate"])?;
    expect(
        out.contains("== Running")
            && out.contains("create table widgets")
            && out.contains("alter table widgets"),
        &out,
    )?;
    expect(out.contains("Migrated 2 migration(s)"), &out)?;
    let out = p.ok(&["migrate"])?;
    expect(out.contains("Migrations already up"), &out)?;

    // `cargo run` runs the application (default-run), which inserts and
    // queries through the generated schema, and gets changeset errors as
    // Ecto's JSON.
    let out = p.cargo_run(&["--features", "extra"])?;
    expect(out.contains("app: inserted gear as 1, 1 light"), &out)?;
    expect(
        out.contains(r#"app: {"errors":{"name":["can't be blank"],"weight":["can't be blank"]}}"#),
        &out,
    )?;

    // status
    let out = p.ok(&["migrations"])?;
    let up_lines = out
        .lines()
        .filter(|l| l.trim_start().starts_with("up "))
        .count();
    expect(up_lines == 2 && out.contains("add_widget_color"), &out)?;

    // rollback --to a version no migration has: refused, nothing reverted.
    let err = p.fails(&["rollback", "--to", "999"])?;
    expect(err.contains("no migration has version 999"), &err)?;
    // rollback --dry-run: the reverse SQL, nothing reverted.
    let out = p.ok(&["rollback", "--dry-run"])?;
    expect(out.contains("add_widget_color (down)"), &out)?;

    // redo: the last one down and up again.
    let out = p.ok(&["migrate", "redo"])?;
    expect(
        out.contains("Rolled back 1 migration(s)") && out.contains("Migrated 1 migration(s)"),
        &out,
    )?;

    // rollback: the last one.
    let out = p.ok(&["rollback"])?;
    expect(
        out.contains("Rolled back 1 migration(s)") && out.contains("add_widget_color"),
        &out,
    )?;
    let out = p.ok(&["migrations"])?;
    expect(
        out.lines()
            .any(|l| l.trim_start().starts_with("down") && l.contains("add_widget_color"))
            && out
                .lines()
                .any(|l| l.trim_start().starts_with("up") && l.contains("create_widgets")),
        &out,
    )?;
    let out = p.ok(&["rollback", "--all"])?;
    expect(out.contains("Rolled back 1 migration(s)"), &out)?;

    // db reset: dropped, created, migrated.
    let out = p.ok(&["db", "reset"])?;
    expect(
        out.contains("has been dropped")
            && out.contains("has been created")
            && out.contains("Migrated 2 migration(s)"),
        &out,
    )?;

    // gen schema --from-db: the schema of the migrated table, which builds
    // (the migrate binary compiles the app's library).
    let out = p.ok(&["gen", "schema", "WidgetRow", "widgets", "--from-db"])?;
    expect(out.contains("* creating src/widget_row.rs"), &out)?;
    let row = std::fs::read_to_string(p.dir.join("src/widget_row.rs"))?;
    expect(
        row.contains("#[quarry(table = \"widgets\", timestamps)]")
            && row.contains("pub id: i64,")
            && row.contains("pub name: String,")
            && row.contains("pub weight: Option<f64>,")
            && row.contains("pub color: Option<String>,")
            && row.contains("pub inserted_at: quarry::chrono::NaiveDateTime,"),
        &row,
    )?;
    std::fs::write(
        p.dir.join("src/lib.rs"),
        format!("{LIB_RS}\npub mod widget;\npub mod widget_row;\n"),
    )?;
    let out = p.ok(&["migrations"])?;
    expect(out.contains("up"), &out)?;

    // clap suggests the command meant.
    let err = p.fails(&["migrat"])?;
    expect(err.contains("similar") && err.contains("migrate"), &err)?;

    // Errors are one line and a non-zero exit.
    std::fs::remove_file(p.dir.join(".env"))?;
    let err = p.fails(&["migrate"])?;
    expect(
        err.trim_end()
            == "error: no database URL: pass --database-url, set DATABASE_URL or add it to .env",
        &err,
    )?;

    let out = p.ok(&["db", "drop", "--database-url", "sqlite://app.db"])?;
    expect(out.contains("has been dropped"), &out)?;
    expect(!p.dir.join("app.db").exists(), "app.db removed")?;
    let _ = std::fs::remove_dir_all(&p.dir);
    Ok(())
}
