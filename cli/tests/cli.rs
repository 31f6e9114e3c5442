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
    db_url: String,
}

impl Project {
    fn new() -> Result<Project, Box<dyn std::error::Error>> {
        let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let dir = tmp.join(format!("quarry-cli-e2e-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src"))?;
        let quarry = workspace();
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"e2e_app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
                 [dependencies]\nquarry = {{ path = {:?} }}\nchrono = \"0.4\"\n\n[workspace]\n",
                quarry.display().to_string()
            ),
        )?;
        std::fs::write(dir.join("src/lib.rs"), "//! The e2e app.\n")?;
        // The workspace's lock file, so the nested build picks the same versions.
        std::fs::copy(quarry.join("Cargo.lock"), dir.join("Cargo.lock"))?;
        let db_url = format!("sqlite://{}", dir.join("app.db").display());
        Ok(Project { dir, db_url })
    }

    fn quarry(&self, args: &[&str]) -> Result<Output, std::io::Error> {
        let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        Command::new(env!("CARGO_BIN_EXE_quarry"))
            .args(args)
            .current_dir(&self.dir)
            .env("DATABASE_URL", &self.db_url)
            .env("CARGO_TARGET_DIR", tmp.join("quarry-cli-e2e-target"))
            .output()
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
        let out = self.quarry(args)?;
        if out.status.success() {
            return Err(format!("quarry {args:?} succeeded").into());
        }
        Ok(String::from_utf8_lossy(&out.stderr).to_string())
    }
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

    // gen schema: the struct with its changeset, and its create_widgets
    // migration (the first generation also lays out migrations/ and the
    // project's migrate binary).
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
    expect(
        out.contains("_create_widgets.rs") && out.contains("* creating src/widget.rs"),
        &out,
    )?;
    let schema = std::fs::read_to_string(p.dir.join("src/widget.rs"))?;
    expect(
        schema.contains("#[quarry(table = \"widgets\", timestamps)]"),
        &schema,
    )?;
    std::fs::write(
        p.dir.join("src/lib.rs"),
        "//! The e2e app.\n\npub mod widget;\n",
    )?;

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

    // db create, twice.
    let out = p.ok(&["db", "create"])?;
    expect(out.contains("has been created"), &out)?;
    let out = p.ok(&["db", "create"])?;
    expect(out.contains("has already been created"), &out)?;

    // migrate: builds and runs the project's migrate binary.
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

    // status
    let out = p.ok(&["migrations"])?;
    let up_lines = out
        .lines()
        .filter(|l| l.trim_start().starts_with("up "))
        .count();
    expect(up_lines == 2 && out.contains("add_widget_color"), &out)?;

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

    // Errors are one line and a non-zero exit.
    let out = Command::new(env!("CARGO_BIN_EXE_quarry"))
        .args(["migrate"])
        .current_dir(&p.dir)
        .env_remove("DATABASE_URL")
        .output()?;
    let err = String::from_utf8_lossy(&out.stderr);
    expect(
        !out.status.success()
            && err.trim_end() == "error: no database URL: pass --database-url or set DATABASE_URL",
        &err,
    )?;

    let out = p.ok(&["db", "drop"])?;
    expect(out.contains("has been dropped"), &out)?;
    expect(!p.dir.join("app.db").exists(), "app.db removed")?;
    let _ = std::fs::remove_dir_all(&p.dir);
    Ok(())
}
