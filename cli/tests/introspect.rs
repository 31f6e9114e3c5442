//! `quarry gen schema --from-db` on every database: the fields of an existing
//! table (types, nullability, timestamps) and a belongs_to per foreign key.
//! PostgreSQL and MySQL/MariaDB run when QUARRY_TEST_POSTGRES_URL /
//! QUARRY_TEST_MYSQL_URL are set.

use quarry::Repo;
use std::path::PathBuf;
use std::process::Command;

type R = Result<(), Box<dyn std::error::Error>>;

/// Creates `<prefix>stores` and `<prefix>products` (products.store_id
/// referencing stores) on `url`, runs gen schema --from-db on products, and
/// returns the file.
fn generate(url: &str, prefix: &str, ddl: &[String]) -> Result<String, Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let repo = rt.block_on(quarry::connect(url))?;
    for sql in ddl {
        rt.block_on(repo.execute_raw(sql, vec![]))?;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "quarry-introspect-{}-{prefix}",
        url.split(':').next().unwrap_or("db")
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"x\"\nversion = \"0.1.0\"\n",
    )?;
    let out = Command::new(env!("CARGO_BIN_EXE_quarry"))
        .args(["gen", "schema", "Product"])
        .arg(format!("{prefix}products"))
        .args(["--from-db", "--database-url", url])
        .current_dir(&dir)
        .env_remove("DATABASE_URL")
        .output()?;
    let result = if out.status.success() {
        Ok(std::fs::read_to_string(dir.join("src/product.rs"))?)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).to_string().into())
    };
    let _ = rt.block_on(repo.execute_raw(&format!("DROP TABLE {prefix}products"), vec![]));
    let _ = rt.block_on(repo.execute_raw(&format!("DROP TABLE {prefix}stores"), vec![]));
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn check(file: &str, prefix: &str) {
    let parent = format!("{}Store", camel(prefix));
    for want in [
        format!("#[quarry(table = \"{prefix}products\", timestamps)]"),
        "pub struct Product {\n    pub meta: Meta,\n    pub id: i64,\n    pub name: String,"
            .to_string(),
        "pub price: Option<f64>,".to_string(),
        "pub store_id: Option<i64>,".to_string(),
        format!("#[quarry(belongs_to)]\n    pub store: Assoc<Option<{parent}>>,"),
        "pub inserted_at: quarry::chrono::NaiveDateTime,".to_string(),
    ] {
        assert!(file.contains(&want), "no {want:?} in:\n{file}");
    }
}

fn camel(prefix: &str) -> String {
    prefix
        .split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn ddl(prefix: &str, pk: &str, float: &str, ts: &str) -> Vec<String> {
    vec![
        format!("DROP TABLE IF EXISTS {prefix}products"),
        format!("DROP TABLE IF EXISTS {prefix}stores"),
        format!("CREATE TABLE {prefix}stores (id {pk}, name TEXT NOT NULL)"),
        format!(
            "CREATE TABLE {prefix}products (id {pk}, name VARCHAR(100) NOT NULL, price {float}, \
             store_id BIGINT, inserted_at {ts} NOT NULL, updated_at {ts} NOT NULL, \
             FOREIGN KEY (store_id) REFERENCES {prefix}stores (id))"
        ),
    ]
}

#[test]
fn from_db_on_sqlite() -> R {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let db = dir.join(format!("introspect-{}.db", std::process::id()));
    let url = format!("sqlite://{}", db.display());
    let prefix = "intro_";
    let file = generate(
        &url,
        prefix,
        &ddl(prefix, "INTEGER PRIMARY KEY", "REAL", "TEXT"),
    )?;
    let _ = std::fs::remove_file(&db);
    check(&file, prefix);
    Ok(())
}

fn server(var: &str, pk: &str, float: &str, ts: &str) -> R {
    let Some(url) = std::env::var(var).ok().filter(|u| !u.is_empty()) else {
        eprintln!("{var} is not set: not run");
        return Ok(());
    };
    let prefix = format!("intro{}_", std::process::id());
    let file = generate(&url, &prefix, &ddl(&prefix, pk, float, ts))?;
    check(&file, &prefix);
    Ok(())
}

#[test]
fn from_db_on_postgres() -> R {
    server(
        "QUARRY_TEST_POSTGRES_URL",
        "BIGSERIAL PRIMARY KEY",
        "DOUBLE PRECISION",
        "TIMESTAMP",
    )
}

#[test]
fn from_db_on_mysql() -> R {
    server(
        "QUARRY_TEST_MYSQL_URL",
        "BIGINT AUTO_INCREMENT PRIMARY KEY",
        "DOUBLE",
        "DATETIME",
    )
}
