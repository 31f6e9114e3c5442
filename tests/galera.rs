//! A three-node MariaDB Galera cluster on localhost (scripts/galera.sh: its own
//! data directories and free ports), written to on every node. Galera checks
//! a transaction against the others at COMMIT (certification): of two nodes
//! updating one row at once, one commits and the other fails with a deadlock
//! (1213), which quarry classifies transient, so `transaction_retrying` runs
//! it again. Every write the cluster acknowledged must be on all three nodes.
//!
//! Skipped (with a message) where mariadbd or the Galera provider (Debian
//! package galera-4) is not installed. CI runs it in a step of its own
//! (QUARRY_TEST_CLUSTERS=1); without it the test returns at once.

#![cfg(feature = "mysql")]

use quarry::error::ErrorClass;
use quarry::prelude::*;
use quarry::schema::ValueType;
use quarry::{AnyRepo, Error, PoolOptions, Retry, Value};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The cluster, stopped and removed when dropped.
struct Cluster {
    dir: PathBuf,
    ports: [u16; 3],
}

impl Cluster {
    fn start(name: &str) -> Option<Cluster> {
        if std::env::var_os("QUARRY_TEST_CLUSTERS").is_none() {
            eprintln!("skipped: set QUARRY_TEST_CLUSTERS=1 to start a Galera cluster (CI's cluster step does)");
            return None;
        }
        let dir = std::env::temp_dir().join(format!("quarry-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cluster = Cluster {
            dir,
            ports: [free_port(), free_port(), free_port()],
        };
        let started = Instant::now();
        let status = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/galera.sh"))
            .arg("start")
            .arg(&cluster.dir)
            .args(cluster.ports.map(|p| p.to_string()))
            .status()
            .expect("run scripts/galera.sh");
        match status.code() {
            Some(0) => {
                eprintln!("galera cluster started in {:?}", started.elapsed());
                Some(cluster)
            }
            Some(2) => {
                eprintln!("skipped: no mariadbd or Galera provider on this machine");
                None
            }
            other => panic!(
                "the cluster did not start ({other:?}); see {}",
                cluster.dir.display()
            ),
        }
    }

    /// One repo per node, on database `test` (created on node 1).
    async fn repos(&self) -> Vec<AnyRepo> {
        let admin = quarry::connect(&format!("mysql://root@127.0.0.1:{}/mysql", self.ports[0]))
            .await
            .unwrap();
        admin
            .execute_raw("CREATE DATABASE IF NOT EXISTS test", vec![])
            .await
            .unwrap();
        admin.close(Duration::from_secs(1)).await.unwrap();
        let mut repos = Vec::new();
        for port in self.ports {
            repos.push(
                quarry::connect_with(
                    &format!("mysql://root@127.0.0.1:{port}/test"),
                    PoolOptions {
                        max_connections: 4,
                        ..PoolOptions::default()
                    },
                )
                .await
                .unwrap(),
            );
        }
        repos
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/galera.sh"))
            .arg("stop")
            .arg(&self.dir)
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A causal read (`wsrep_sync_wait`: the node first applies every write the
/// cluster committed before it), repeated for up to 10 s until it reads
/// `expected` (`wsrep_sync_wait` is not applied to every statement kind on
/// every version; a write that is missing for 10 s is lost).
async fn assert_reads(repo: &AnyRepo, sql: &'static str, expected: i64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found = repo
            .transaction(|tx| {
                Box::pin(async move {
                    tx.execute_raw("SET SESSION wsrep_sync_wait = 1", vec![])
                        .await?;
                    let rows = tx.query_raw(sql, vec![], &[ValueType::I64]).await?;
                    Ok::<_, Error>(rows[0].values[0].as_i64().unwrap())
                })
            })
            .await
            .unwrap();
        if found == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{sql}: {found}, expected {expected}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn setup(repos: &[AnyRepo]) {
    repos[0]
        .execute_raw(
            "CREATE TABLE counters (id BIGINT PRIMARY KEY, v BIGINT NOT NULL) ENGINE=InnoDB",
            vec![],
        )
        .await
        .unwrap();
    repos[0]
        .execute_raw(
            "CREATE TABLE acks (id BIGINT AUTO_INCREMENT PRIMARY KEY, node INT NOT NULL) ENGINE=InnoDB",
            vec![],
        )
        .await
        .unwrap();
    repos[0]
        .execute_raw("INSERT INTO counters (id, v) VALUES (1, 0)", vec![])
        .await
        .unwrap();
    // Every node sees the tables before the tests write there.
    for r in repos {
        assert_reads(r, "SELECT COUNT(*) FROM counters", 1).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn galera_cluster() {
    let Some(cluster) = Cluster::start("galera") else {
        return;
    };
    let repos = cluster.repos().await;
    setup(&repos).await;

    // 1. Two nodes update one row at once: the first COMMIT certifies, the
    // second fails with a deadlock, which is transient.
    let started = Instant::now();
    let a = repos[0].begin().await.unwrap();
    a.execute_raw("UPDATE counters SET v = v + 1 WHERE id = 1", vec![])
        .await
        .unwrap();
    let b = repos[1].begin().await.unwrap();
    b.execute_raw("UPDATE counters SET v = v + 10 WHERE id = 1", vec![])
        .await
        .unwrap();
    a.commit().await.expect("the first commit wins");
    let lost = match b
        .execute_raw("UPDATE counters SET v = v + 100 WHERE id = 1", vec![])
        .await
    {
        // Aborted by the winner's write set while it ran (brute force abort).
        Err(e) => e,
        Ok(_) => b.commit().await.expect_err("the second commit must lose"),
    };
    assert_eq!(lost.class(), ErrorClass::Deadlock, "{lost:?}");
    assert!(lost.is_transient(), "{lost:?}");
    eprintln!("certification conflict: {lost}");
    // Retried, the loser's work commits on top of the winner's.
    let attempts = AtomicU32::new(0);
    repos[1]
        .transaction_retrying(Retry::new(5), |tx| {
            attempts.fetch_add(1, Ordering::Relaxed);
            Box::pin(async move {
                tx.execute_raw("UPDATE counters SET v = v + 10 WHERE id = 1", vec![])
                    .await
            })
        })
        .await
        .unwrap();
    for r in &repos {
        assert_reads(r, "SELECT v FROM counters WHERE id = 1", 11).await;
    }
    eprintln!("conflict and retry took {:?}", started.elapsed());

    // 2. Writers on all three nodes increment the row and log an ack, retrying
    // on transient errors: every acknowledged transaction is on every node.
    let started = Instant::now();
    let acked = Arc::new(AtomicU32::new(0));
    let retries = Arc::new(AtomicU32::new(0));
    let mut tasks = Vec::new();
    for w in 0..6usize {
        let repo = repos[w % 3].clone();
        let (acked, retries) = (acked.clone(), retries.clone());
        tasks.push(tokio::spawn(async move {
            for _ in 0..15 {
                let runs = AtomicU32::new(0);
                let node = i32::try_from(w % 3).unwrap();
                let out = repo
                    .transaction_retrying(
                        Retry::new(20).backoff(Duration::from_millis(2), Duration::from_millis(50)),
                        |tx| {
                            runs.fetch_add(1, Ordering::Relaxed);
                            Box::pin(async move {
                                tx.execute_raw(
                                    "UPDATE counters SET v = v + 1 WHERE id = 1",
                                    vec![],
                                )
                                .await?;
                                tx.execute_raw(
                                    "INSERT INTO acks (node) VALUES (?)",
                                    vec![Value::I32(node)],
                                )
                                .await
                            })
                        },
                    )
                    .await;
                retries.fetch_add(runs.load(Ordering::Relaxed) - 1, Ordering::Relaxed);
                match out {
                    Ok(_) => {
                        acked.fetch_add(1, Ordering::Relaxed);
                    }
                    // Retries ran out: a transient error, and nothing stored.
                    Err(e) => assert!(e.is_transient(), "{e:?}"),
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let acked = i64::from(acked.load(Ordering::Relaxed));
    assert!(acked > 0);
    for r in &repos {
        assert_reads(r, "SELECT COUNT(*) FROM acks", acked).await;
        assert_reads(r, "SELECT v FROM counters WHERE id = 1", 11 + acked).await;
    }
    eprintln!(
        "{acked} acknowledged increments on 3 nodes ({} runs again after a conflict) in {:?}",
        retries.load(Ordering::Relaxed),
        started.elapsed()
    );
    for r in repos {
        r.close(Duration::from_secs(1)).await.unwrap();
    }
}
