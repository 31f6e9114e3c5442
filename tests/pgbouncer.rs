//! quarry behind PgBouncer in transaction mode (scripts/pgbouncer.sh, a
//! private PgBouncer on a free port in front of the test server of
//! QUARRY_TEST_POSTGRES_URL). With one server connection for every client,
//! two clients that name their prepared statements collide; with
//! `pooler=transaction` many clients share it without a failure. (CI also
//! runs the Postgres conformance suite through PgBouncer.)
//!
//! Runs with QUARRY_TEST_CLUSTERS=1 (CI's cluster step); skipped with a
//! message without it, without QUARRY_TEST_POSTGRES_URL, or where pgbouncer
//! is not installed.

#![cfg(feature = "postgres")]

use quarry::prelude::*;
use quarry::schema::ValueType;
use quarry::{AnyRepo, PoolOptions, Value};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

fn script() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pgbouncer.sh")
}

/// A private PgBouncer, stopped and removed when dropped.
struct Bouncer {
    dir: PathBuf,
    port: u16,
}

impl Bouncer {
    /// PgBouncer in transaction mode with `size` server connections, in front
    /// of the test server; `None` (with a message) when it cannot run here.
    fn start(size: u32) -> Option<Bouncer> {
        if std::env::var_os("QUARRY_TEST_CLUSTERS").is_none() {
            eprintln!(
                "skipped: set QUARRY_TEST_CLUSTERS=1 to start PgBouncer (CI's cluster step does)"
            );
            return None;
        }
        let Ok(url) = std::env::var("QUARRY_TEST_POSTGRES_URL") else {
            eprintln!("skipped: QUARRY_TEST_POSTGRES_URL is not set");
            return None;
        };
        // postgres://user@host:PORT/db?...
        let server_port = url
            .split('@')
            .nth(1)
            .and_then(|rest| rest.split(['/', '?']).next())
            .and_then(|host| host.rsplit_once(':'))
            .map(|(_, port)| port.to_string())
            .unwrap_or_else(|| "5432".to_string());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir =
            std::env::temp_dir().join(format!("quarry-pgbouncer-{}-{size}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let status = Command::new(script())
            .arg("start")
            .arg(&dir)
            .arg(port.to_string())
            .arg(server_port)
            .arg("transaction")
            .arg(size.to_string())
            .status()
            .expect("run scripts/pgbouncer.sh");
        match status.code() {
            Some(0) => Some(Bouncer { dir, port }),
            Some(2) => {
                eprintln!(
                    "skipped: pgbouncer is not installed (Debian: apt-get install pgbouncer)"
                );
                None
            }
            other => panic!("pgbouncer did not start ({other:?}); see {}", dir.display()),
        }
    }

    fn url(&self, params: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/test{params}", self.port)
    }

    async fn connect(&self, params: &str) -> quarry::Result<AnyRepo> {
        quarry::connect_with(
            &self.url(params),
            PoolOptions {
                max_connections: 2,
                acquire_timeout: Duration::from_secs(10),
                ..PoolOptions::default()
            },
        )
        .await
    }
}

impl Drop for Bouncer {
    fn drop(&mut self) {
        let _ = Command::new(script()).arg("stop").arg(&self.dir).status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn one(repo: &impl Repo, n: i64) -> quarry::Result<i64> {
    let rows = repo
        .query_raw(
            "SELECT $1::bigint + 0",
            vec![Value::I64(n)],
            &[ValueType::I64],
        )
        .await?;
    Ok(rows[0].values[0].as_i64().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn named_prepared_statements_collide_behind_a_transaction_pooler() {
    let Some(bouncer) = Bouncer::start(1) else {
        return;
    };
    // Both clients reach the one server connection; each names its first
    // statement the same way, so the second one's name is taken.
    let first = bouncer
        .connect("")
        .await
        .expect("the first client connects");
    one(&first, 1).await.expect("the first client's statement");
    let second = async {
        let repo = bouncer.connect("").await?;
        one(&repo, 2).await?;
        one(&repo, 3).await
    }
    .await;
    let e = second.expect_err("named statements of two clients on one server connection");
    eprintln!("without pooler=transaction: {e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pooler_transaction_mode_shares_server_connections() {
    let Some(bouncer) = Bouncer::start(2) else {
        return;
    };
    let table = format!("pgbouncer_{}", std::process::id());
    // Six clients with two connections each over two server connections.
    let mut repos = Vec::new();
    for _ in 0..6 {
        repos.push(bouncer.connect("?pooler=transaction").await.unwrap());
    }
    let admin = &repos[0];
    admin
        .execute_raw(&format!("DROP TABLE IF EXISTS {table}"), vec![])
        .await
        .unwrap();
    admin
        .execute_raw(
            &format!("CREATE TABLE {table} (id BIGSERIAL PRIMARY KEY, client INT NOT NULL, n INT NOT NULL)"),
            vec![],
        )
        .await
        .unwrap();
    // A statement that cannot run in a transaction goes over the simple protocol.
    let db = format!("quarry_pgb_{}", std::process::id());
    admin
        .execute_raw(&format!("CREATE DATABASE {db}"), vec![])
        .await
        .unwrap();
    admin
        .execute_raw(&format!("DROP DATABASE {db}"), vec![])
        .await
        .unwrap();

    let mut tasks = Vec::new();
    for (client, repo) in repos.iter().cloned().enumerate() {
        let table = table.clone();
        tasks.push(tokio::spawn(async move {
            let client = i32::try_from(client).unwrap();
            for n in 0..40 {
                // A value only this client and statement would get back.
                let mark = i64::from(client) * 1000 + n;
                assert_eq!(one(&repo, mark).await.unwrap(), mark);
                repo.execute_raw(
                    &format!("INSERT INTO {table} (client, n) VALUES ($1, $2)"),
                    vec![Value::I32(client), Value::I32(i32::try_from(n).unwrap())],
                )
                .await
                .unwrap();
                if n % 10 == 0 {
                    // A transaction keeps its server connection throughout.
                    let sql = format!("SELECT count(*) FROM {table} WHERE client = $1");
                    let seen = repo
                        .transaction(|tx| {
                            Box::pin(async move {
                                tx.execute_raw("SET LOCAL statement_timeout = 5000", vec![])
                                    .await?;
                                let rows = tx
                                    .query_raw(&sql, vec![Value::I32(client)], &[ValueType::I64])
                                    .await?;
                                Ok::<_, quarry::Error>(rows[0].values[0].as_i64().unwrap())
                            })
                        })
                        .await
                        .unwrap();
                    assert_eq!(seen, n + 1);
                }
            }
            // with_timeout: SET LOCAL inside the statement's own transaction.
            let timed = repo.with_timeout(Duration::from_secs(5));
            assert_eq!(one(&timed, 7).await.unwrap(), 7);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let rows = admin
        .query_raw(
            &format!("SELECT count(*) FROM {table}"),
            vec![],
            &[ValueType::I64],
        )
        .await
        .unwrap();
    assert_eq!(rows[0].values[0], Value::I64(6 * 40));
    admin
        .execute_raw(&format!("DROP TABLE {table}"), vec![])
        .await
        .unwrap();
    for r in repos {
        r.close(Duration::from_secs(1)).await.unwrap();
    }
}
