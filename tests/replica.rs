//! Read replicas on real servers: a private PostgreSQL primary and two
//! streaming replicas made with `pg_basebackup -R` (scripts/replica.sh, its
//! own data directories and free ports). Each read is checked on the
//! connection that served it (`pg_is_in_recovery()`, `inet_server_port()`),
//! or by what it sees while the replicas' WAL replay is paused.
//!
//! Skipped (with a message) where the PostgreSQL server programs are not
//! installed. CI runs it in its cluster step (QUARRY_TEST_CLUSTERS=1);
//! without that variable the tests return at once.

#![cfg(feature = "postgres")]

use chrono::NaiveDateTime;
use quarry::prelude::*;
use quarry::replica::ReplicatedRepo;
use quarry::schema::ValueType;
use quarry::{Assoc, Error, Meta, PoolOptions, Value};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "stores", timestamps)]
pub struct Store {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    #[quarry(has_many)]
    pub products: Assoc<Vec<Product>>,
    pub inserted_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "products", timestamps)]
pub struct Product {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    pub store_id: Option<i64>,
    pub inserted_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

const SCHEMA: [&str; 2] = [
    "CREATE TABLE stores (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL,
        inserted_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL)",
    "CREATE TABLE products (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL,
        store_id BIGINT REFERENCES stores (id),
        inserted_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL)",
];

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn script(name: &str) -> String {
    format!("{}/scripts/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A private primary and its replicas, stopped and removed when dropped.
struct ReplicaSet {
    dir: PathBuf,
    primary: u16,
    replicas: Vec<u16>,
}

impl ReplicaSet {
    /// `None` (with a message) when PostgreSQL's server programs are missing.
    fn start(name: &str, replicas: usize) -> Option<ReplicaSet> {
        if std::env::var_os("QUARRY_TEST_CLUSTERS").is_none() {
            eprintln!("skipped: set QUARRY_TEST_CLUSTERS=1 to start a primary and its replicas (CI's cluster step does)");
            return None;
        }
        let dir = std::env::temp_dir().join(format!("quarry-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let set = ReplicaSet {
            dir,
            primary: free_port(),
            replicas: (0..replicas).map(|_| free_port()).collect(),
        };
        let started = Instant::now();
        let status = Command::new(script("replica.sh"))
            .arg("start")
            .arg(&set.dir)
            .arg(set.primary.to_string())
            .args(set.replicas.iter().map(|p| p.to_string()))
            .status()
            .expect("run scripts/replica.sh");
        match status.code() {
            Some(0) => {
                eprintln!(
                    "replica set ({replicas} replicas) started in {:?}",
                    started.elapsed()
                );
                Some(set)
            }
            Some(2) => {
                eprintln!("skipped: no PostgreSQL server programs on this machine");
                None
            }
            other => panic!(
                "the replica set did not start ({other:?}); see {}",
                set.dir.display()
            ),
        }
    }

    fn url(port: u16) -> String {
        format!("postgres://postgres@127.0.0.1:{port}/postgres")
    }

    fn replica_urls(&self) -> Vec<String> {
        self.replicas.iter().map(|p| Self::url(*p)).collect()
    }

    /// Stops (`stop`) or starts (`start`) one replica.
    fn replica(&self, op: &str, port: u16) {
        let status = Command::new(script("private-db.sh"))
            .arg(op)
            .arg("postgres")
            .arg(self.dir.join(format!("replica-{port}")))
            .arg(port.to_string())
            .status()
            .expect("run scripts/private-db.sh");
        assert!(status.success(), "{op} replica {port}");
    }

    async fn connect(&self, retry_after: Duration) -> ReplicatedRepo {
        let urls = self.replica_urls();
        let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
        quarry::replica::connect_with_retry_after(
            &Self::url(self.primary),
            &urls,
            PoolOptions {
                max_connections: 4,
                acquire_timeout: Duration::from_secs(5),
                ..PoolOptions::default()
            },
            retry_after,
        )
        .await
        .expect("connect to the primary and its replicas")
    }

    /// Waits until every replica has replayed all the primary has written.
    async fn caught_up(&self) {
        let primary = quarry::connect(&Self::url(self.primary)).await.unwrap();
        let lsn = primary
            .query_raw(
                "SELECT pg_current_wal_lsn()::text",
                vec![],
                &[ValueType::String],
            )
            .await
            .unwrap()[0]
            .values[0]
            .clone();
        for url in self.replica_urls() {
            let replica = quarry::connect(&url).await.unwrap();
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                let rows = replica
                    .query_raw(
                        "SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn",
                        vec![lsn.clone()],
                        &[ValueType::Bool],
                    )
                    .await
                    .unwrap();
                if rows[0].values[0] == Value::Bool(true) {
                    break;
                }
                assert!(Instant::now() < deadline, "{url} did not catch up");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            replica.close(Duration::from_secs(1)).await.unwrap();
        }
        primary.close(Duration::from_secs(1)).await.unwrap();
    }

    /// Pauses (`true`) or resumes WAL replay on every replica.
    async fn replay(&self, paused: bool) {
        let f = if paused {
            "pg_wal_replay_pause"
        } else {
            "pg_wal_replay_resume"
        };
        for url in self.replica_urls() {
            let replica = quarry::connect(&url).await.unwrap();
            replica
                .execute_raw(&format!("SELECT {f}()"), vec![])
                .await
                .unwrap();
            replica.close(Duration::from_secs(1)).await.unwrap();
        }
    }
}

impl Drop for ReplicaSet {
    fn drop(&mut self) {
        let _ = Command::new(script("replica.sh"))
            .arg("stop")
            .arg(&self.dir)
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// (in recovery, port) of the server that ran the statement.
async fn served_by(repo: &impl Repo) -> quarry::Result<(bool, i32)> {
    let rows = repo
        .query_raw(
            "SELECT pg_is_in_recovery(), inet_server_port()",
            vec![],
            &[ValueType::Bool, ValueType::I32],
        )
        .await?;
    let row = &rows[0].values;
    Ok((row[0] == Value::Bool(true), row[1].as_i64().unwrap() as i32))
}

fn store(name: &str) -> Store {
    Store {
        name: name.into(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_to_replicas_and_writes_to_the_primary() {
    let Some(set) = ReplicaSet::start("replica-routing", 2) else {
        return;
    };
    let repo = set.connect(Duration::from_secs(1)).await;
    for ddl in SCHEMA {
        repo.execute_raw(ddl, vec![]).await.unwrap();
    }
    let first = repo.insert(store("first")).await.unwrap();
    set.caught_up().await;

    // Raw reads: each from a replica, round-robin over both.
    let mut ports = std::collections::BTreeSet::new();
    for _ in 0..6 {
        let (recovery, port) = served_by(&repo).await.unwrap();
        assert!(recovery, "a read was served by the primary (port {port})");
        ports.insert(port);
    }
    let expected: std::collections::BTreeSet<i32> =
        set.replicas.iter().map(|p| i32::from(*p)).collect();
    assert_eq!(ports, expected, "reads are spread over every replica");

    // The primary handle and transactions run on the primary.
    assert_eq!(
        served_by(&repo.primary()).await.unwrap(),
        (false, i32::from(set.primary))
    );
    let in_tx = repo
        .transaction(|tx| Box::pin(async move { served_by(tx).await }))
        .await
        .unwrap();
    assert_eq!(in_tx, (false, i32::from(set.primary)));

    // With replay paused, a write on the primary is invisible to reads that
    // went to a replica, and visible through the primary handle.
    set.replay(true).await;
    let second = repo.insert(store("second")).await.unwrap();
    repo.insert(Product {
        name: "Tulip".into(),
        store_id: Some(first.id),
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(repo.all(Store::query()).await.unwrap().len(), 1, "all");
    assert_eq!(repo.count(Store::query()).await.unwrap(), 1, "count");
    assert_eq!(repo.get::<Store, _>(second.id).await.unwrap(), None, "get");
    assert!(repo.one(Store::id.eq(second.id)).await.unwrap().is_none());
    assert!(!repo.exists(Store::id.eq(second.id)).await.unwrap());
    let streamed = repo.stream_each(Store::query(), |_| Ok(())).await.unwrap();
    assert_eq!(streamed, 1, "stream_each");
    let preloaded = repo.preload(first.clone(), Store::products).await.unwrap();
    assert!(preloaded.products.get().unwrap().is_empty(), "preload");
    // The primary has them all; so does reload (it reads the row as stored).
    assert_eq!(repo.primary().count(Store::query()).await.unwrap(), 2);
    assert!(repo.reload(&second).await.unwrap().is_some(), "reload");
    let on_primary = repo
        .primary()
        .preload(first.clone(), Store::products)
        .await
        .unwrap();
    assert_eq!(on_primary.products.get().unwrap().len(), 1);
    // Writes never wait for a replica: update and delete go to the primary.
    let renamed = repo
        .update(Changeset::new(second.clone()).put_change(Store::name, "renamed".to_string()))
        .await
        .unwrap();
    assert_eq!(renamed.name, "renamed");
    set.replay(false).await;
    set.caught_up().await;
    assert_eq!(repo.count(Store::query()).await.unwrap(), 2);
    assert_eq!(
        repo.get::<Store, _>(second.id).await.unwrap().unwrap().name,
        "renamed"
    );

    // The replica handle reads, and refuses writes before they are sent.
    let replica = repo.replica();
    assert!(served_by(&replica).await.unwrap().0);
    assert_eq!(replica.count(Store::query()).await.unwrap(), 2);
    for refused in [
        replica.insert(store("refused")).await.map(|_| ()),
        replica.delete(first.clone()).await.map(|_| ()),
        replica
            .update_all(
                Store::query(),
                Updates::new().set(Store::name, "x".to_string()),
            )
            .await
            .map(|_| ()),
        replica
            .execute_raw("DELETE FROM stores", vec![])
            .await
            .map(|_| ()),
        replica
            .query_raw(
                "SELECT id FROM stores FOR UPDATE",
                vec![],
                &[ValueType::I64],
            )
            .await
            .map(|_| ()),
    ] {
        let e = refused.unwrap_err();
        assert!(matches!(e, Error::ReadOnly { .. }), "{e:?}");
        assert!(!e.is_transient());
    }
    // Its transactions are read-only transactions on a replica.
    let in_replica_tx = replica
        .transaction(|tx| {
            Box::pin(async move {
                let served = served_by(tx).await?;
                let refused = tx.insert(store("refused")).await.unwrap_err();
                assert!(matches!(refused, Error::ReadOnly { .. }), "{refused:?}");
                Ok::<_, Error>(served)
            })
        })
        .await
        .unwrap();
    assert!(in_replica_tx.0);
    assert_eq!(repo.primary().count(Store::query()).await.unwrap(), 2);
    repo.close(Duration::from_secs(1)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_replica_is_skipped_without_a_failed_read() {
    let Some(set) = ReplicaSet::start("replica-stop", 2) else {
        return;
    };
    let retry_after = Duration::from_millis(500);
    let repo = set.connect(retry_after).await;
    for ddl in SCHEMA {
        repo.execute_raw(ddl, vec![]).await.unwrap();
    }
    repo.insert(store("only")).await.unwrap();
    set.caught_up().await;
    let (r1, r2) = (i32::from(set.replicas[0]), i32::from(set.replicas[1]));

    // Readers run all along; every read must succeed.
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let repo = repo.clone();
            tokio::spawn(async move {
                let mut reads = 0u32;
                let deadline = Instant::now() + Duration::from_secs(6);
                while Instant::now() < deadline {
                    served_by(&repo).await.expect("a read failed");
                    assert_eq!(repo.count(Store::query()).await.expect("a count failed"), 1);
                    reads += 2;
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                reads
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_millis(500)).await;
    let stopped = Instant::now();
    set.replica("stop", set.replicas[0]);
    eprintln!("replica {r1} stopped in {:?}", stopped.elapsed());
    // Reads now land on the other replica.
    for _ in 0..5 {
        assert_eq!(served_by(&repo).await.unwrap(), (true, r2));
    }
    // With both stopped, reads fall back to the primary.
    set.replica("stop", set.replicas[1]);
    for _ in 0..5 {
        assert_eq!(
            served_by(&repo).await.unwrap(),
            (false, i32::from(set.primary))
        );
    }
    // Started again, a replica is back in the rotation after `retry_after`.
    set.replica("start", set.replicas[0]);
    tokio::time::sleep(retry_after * 2).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if served_by(&repo).await.unwrap() == (true, r1) {
            break;
        }
        assert!(Instant::now() < deadline, "replica {r1} did not come back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The replica handle has no fallback: with one replica up it reads there.
    assert_eq!(served_by(&repo.replica()).await.unwrap(), (true, r1));

    let mut total = 0;
    for r in readers {
        total += r.await.expect("a reader failed");
    }
    eprintln!("{total} reads while replicas stopped and started, none failed");
    repo.close(Duration::from_secs(1)).await.unwrap();
}
