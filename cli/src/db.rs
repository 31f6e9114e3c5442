//! `quarry db create` / `quarry db drop`: a SQLite file, a PostgreSQL or a
//! MySQL/MariaDB database.

use quarry::driver::PoolOptions;
use quarry::schema::ValueType;
use quarry::{Repo, Value};

/// Create or drop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `db create`.
    Create,
    /// `db drop`.
    Drop,
}

fn scheme(url: &str) -> String {
    url.split(':').next().unwrap_or("").to_ascii_lowercase()
}

/// The SQLite file of `url`, or `None` for an in-memory database.
fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    Some(path.to_string())
}

/// `url` with a relative SQLite file made relative to `root` (other URLs as
/// they are).
pub fn anchor_sqlite(url: &str, root: &std::path::Path) -> String {
    match sqlite_path(url) {
        Some(path) if std::path::Path::new(&path).is_relative() => {
            let query = url.split_once('?').map(|(_, q)| q);
            let abs = root.join(&path).display().to_string();
            match query {
                Some(q) => format!("sqlite://{abs}?{q}"),
                None => format!("sqlite://{abs}"),
            }
        }
        _ => url.to_string(),
    }
}

/// The database name of a server URL (`postgres://host/name?x` → `name`), and
/// the URL with the name replaced by `with` (or removed).
fn split_database(url: &str, with: Option<&str>) -> (Option<String>, String) {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let host_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[host_start..].find('/').map(|i| host_start + i);
    let name = path_start
        .map(|i| base[i + 1..].to_string())
        .filter(|n| !n.is_empty());
    let mut out = base[..path_start.unwrap_or(base.len())].to_string();
    if let Some(w) = with {
        out.push('/');
        out.push_str(w);
    }
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    (name, out)
}

async fn admin(url: &str) -> Result<quarry::AnyRepo, String> {
    let options = PoolOptions {
        max_connections: 1,
        acquire_timeout: std::time::Duration::from_secs(10),
        ..PoolOptions::default()
    };
    quarry::connect_with(url, options)
        .await
        .map_err(|e| e.to_string())
}

/// Creates or drops the database of `url`; returns the message to print.
pub async fn run(op: Op, url: &str) -> Result<String, String> {
    match scheme(url).as_str() {
        "sqlite" => sqlite(op, url).await,
        "postgres" | "postgresql" => {
            let (name, _) = split_database(url, None);
            let name = name.ok_or_else(|| format!("the URL {url} names no database"))?;
            let mut last = String::new();
            // The maintenance database, or template1 where there is none.
            for maintenance in ["postgres", "template1"] {
                let (_, admin_url) = split_database(url, Some(maintenance));
                match admin(&admin_url).await {
                    Ok(repo) => return server(op, &repo, &name, true).await,
                    Err(e) => last = e,
                }
            }
            Err(last)
        }
        "mysql" | "mariadb" => {
            let (name, admin_url) = split_database(url, None);
            let name = name.ok_or_else(|| format!("the URL {url} names no database"))?;
            let repo = admin(&admin_url).await?;
            server(op, &repo, &name, false).await
        }
        _ => Err(format!(
            "unsupported database URL `{url}`: expected sqlite:, postgres:// or mysql://"
        )),
    }
}

async fn sqlite(op: Op, url: &str) -> Result<String, String> {
    let path = sqlite_path(url)
        .ok_or_else(|| "an in-memory SQLite database needs no create or drop".to_string())?;
    let exists = std::path::Path::new(&path).exists();
    match (op, exists) {
        (Op::Create, true) => Ok(format!("The database {path} has already been created")),
        (Op::Create, false) => {
            let repo = quarry::connect(&format!("sqlite://{path}"))
                .await
                .map_err(|e| e.to_string())?;
            drop(repo);
            Ok(format!("The database {path} has been created"))
        }
        (Op::Drop, false) => Ok(format!("The database {path} has already been dropped")),
        (Op::Drop, true) => {
            for suffix in ["", "-wal", "-shm"] {
                let file = format!("{path}{suffix}");
                if std::path::Path::new(&file).exists() {
                    std::fs::remove_file(&file)
                        .map_err(|e| format!("cannot remove {file}: {e}"))?;
                }
            }
            Ok(format!("The database {path} has been dropped"))
        }
    }
}

fn quote(name: &str, postgres: bool) -> String {
    if postgres {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

async fn server(
    op: Op,
    repo: &quarry::AnyRepo,
    name: &str,
    postgres: bool,
) -> Result<String, String> {
    let exists_sql = if postgres {
        "SELECT 1 FROM pg_database WHERE datname = $1"
    } else {
        "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?"
    };
    let exists = !repo
        .query_raw(
            exists_sql,
            vec![Value::String(name.to_string())],
            &[ValueType::I64],
        )
        .await
        .map_err(|e| e.to_string())?
        .is_empty();
    let q = quote(name, postgres);
    let (sql, done) = match (op, exists) {
        (Op::Create, true) => return Ok(format!("The database {name} has already been created")),
        (Op::Drop, false) => return Ok(format!("The database {name} has already been dropped")),
        (Op::Create, false) if postgres => (format!("CREATE DATABASE {q}"), "created"),
        (Op::Create, false) => (
            format!("CREATE DATABASE {q} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"),
            "created",
        ),
        (Op::Drop, true) => (format!("DROP DATABASE {q}"), "dropped"),
    };
    repo.execute_raw(&sql, vec![])
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!("The database {name} has been {done}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(sqlite_path("sqlite://app.db"), Some("app.db".into()));
        assert_eq!(
            sqlite_path("sqlite:/tmp/a.db?mode=rwc"),
            Some("/tmp/a.db".into())
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        let root = std::path::Path::new("/p");
        assert_eq!(anchor_sqlite("sqlite://app.db", root), "sqlite:///p/app.db");
        assert_eq!(
            anchor_sqlite("sqlite:app.db?mode=rwc", root),
            "sqlite:///p/app.db?mode=rwc"
        );
        assert_eq!(anchor_sqlite("sqlite:///abs.db", root), "sqlite:///abs.db");
        assert_eq!(anchor_sqlite("sqlite::memory:", root), "sqlite::memory:");
        assert_eq!(
            split_database("postgres://u@h:5432/app?sslmode=disable", Some("postgres")),
            (
                Some("app".into()),
                "postgres://u@h:5432/postgres?sslmode=disable".into()
            )
        );
        assert_eq!(
            split_database("mysql://root@h/app", None),
            (Some("app".into()), "mysql://root@h".into())
        );
    }
}
