//! The pool through a database server crash and restart, under load: a private
//! server of its own (scripts/private-db.sh: its own data directory and port) is
//! killed without a clean shutdown while writers insert rows, then started
//! again. The pool must be usable right after the server is back (the first
//! statement succeeds: the dead connections were found and dropped while the
//! server was down), every failure meanwhile is a connection error, and no
//! write the pool acknowledged is lost.
//!
//! Skipped (with a message) where the server's programs are not installed.

#![cfg(any(feature = "postgres", feature = "mysql"))]

use quarry::schema::ValueType;
use quarry::{Error, PoolOptions, Repo, Value};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How to reach and drive a private server.
#[derive(Clone)]
struct Ctl {
    kind: &'static str,
    dir: PathBuf,
    port: u16,
}

/// A private server, stopped and removed when dropped.
struct Server(Ctl);

impl std::ops::Deref for Server {
    type Target = Ctl;
    fn deref(&self) -> &Ctl {
        &self.0
    }
}

impl Ctl {
    fn script(&self, op: &str) -> Option<i32> {
        Command::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/private-db.sh"
        ))
        .arg(op)
        .arg(self.kind)
        .arg(&self.dir)
        .arg(self.port.to_string())
        .status()
        .expect("run scripts/private-db.sh")
        .code()
    }

    fn crash(&self) {
        assert_eq!(self.script("crash"), Some(0), "crash {}", self.kind);
    }

    fn restart(&self) {
        assert_eq!(self.script("start"), Some(0), "restart {}", self.kind);
    }
}

impl Server {
    /// Starts a new server; `None` when its programs are not installed.
    fn start(kind: &'static str) -> Option<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir =
            std::env::temp_dir().join(format!("quarry-restart-{kind}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let server = Server(Ctl { kind, dir, port });
        match server.script("start") {
            Some(0) => Some(server),
            Some(2) => {
                eprintln!("skipped: no {kind} server programs on this machine");
                None
            }
            other => panic!(
                "{kind} did not start ({other:?}); see {}",
                server.dir.display()
            ),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.script("stop");
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const WRITERS: i32 = 4;
/// The most inserts a writer makes, whatever happens (bounded load).
const MAX_WRITES: i32 = 20_000;

#[derive(Default)]
struct Log {
    /// (writer, seq) of every insert the pool acknowledged, and when.
    acked: Vec<(i32, i32, Instant)>,
    /// Failures that were not connection errors.
    unexpected: Vec<String>,
    /// Connection errors, by kind.
    connection: Vec<String>,
}

async fn writer(
    repo: quarry::AnyRepo,
    w: i32,
    insert: String,
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<Log>>,
) {
    for seq in 0..MAX_WRITES {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let out = repo
            .execute_raw(&insert, vec![Value::I32(w), Value::I32(seq)])
            .await;
        let pause = {
            let mut log = log.lock().expect("log");
            match out {
                Ok(_) => {
                    log.acked.push((w, seq, Instant::now()));
                    2
                }
                // Every failure of the outage must be one a retry loop retries.
                Err(e) if !e.is_transient() => {
                    log.unexpected
                        .push(format!("not transient ({}): {e:?}", e.class()));
                    20
                }
                Err(Error::Connection(e)) => {
                    log.connection.push(e.kind.to_string());
                    20
                }
                Err(other) => {
                    log.unexpected.push(format!("{other:?}"));
                    20
                }
            }
        };
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
}

async fn through_restart(server: &Server, url: &str, numbered: bool) {
    let options = PoolOptions {
        max_connections: 6,
        acquire_timeout: Duration::from_secs(5),
        ..PoolOptions::default()
    };
    let repo = quarry::connect_with(url, options).await.expect("connect");
    repo.execute_raw(
        "CREATE TABLE acked (writer INT NOT NULL, seq INT NOT NULL, PRIMARY KEY (writer, seq))",
        vec![],
    )
    .await
    .expect("create table");
    let insert = if numbered {
        "INSERT INTO acked (writer, seq) VALUES ($1, $2)"
    } else {
        "INSERT INTO acked (writer, seq) VALUES (?, ?)"
    };
    let stop = Arc::new(AtomicBool::new(false));
    let log = Arc::new(Mutex::new(Log::default()));
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| {
            tokio::spawn(writer(
                repo.clone(),
                w,
                insert.to_string(),
                Arc::clone(&stop),
                Arc::clone(&log),
            ))
        })
        .collect();

    tokio::time::sleep(Duration::from_millis(700)).await;
    let before = log.lock().expect("log").acked.len();
    assert!(before > 0, "the writers wrote before the crash");
    // Crash and start again off the runtime's threads (the scripts block).
    let ctl = server.0.clone();
    tokio::task::spawn_blocking(move || {
        ctl.crash();
        std::thread::sleep(Duration::from_millis(500));
        ctl.restart();
    })
    .await
    .expect("restart");
    let back = Instant::now();

    // Right after: the first statement works.
    let first = repo.execute_raw("SELECT 1", vec![]).await;
    assert!(
        first.is_ok(),
        "first statement after the restart: {first:?}"
    );

    tokio::time::sleep(Duration::from_millis(700)).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.expect("writer");
    }
    let log = Arc::try_unwrap(log)
        .ok()
        .expect("log")
        .into_inner()
        .expect("log");
    assert!(
        log.unexpected.is_empty(),
        "non-connection failures: {:?}",
        log.unexpected
    );
    assert!(
        !log.connection.is_empty(),
        "the writers saw the server go away"
    );
    for w in 0..WRITERS {
        assert!(
            log.acked.iter().any(|(aw, _, at)| *aw == w && *at > back),
            "writer {w} wrote again after the restart"
        );
    }

    let rows = repo
        .query_raw(
            "SELECT writer, seq FROM acked",
            vec![],
            &[ValueType::I32, ValueType::I32],
        )
        .await
        .expect("read back");
    let stored: std::collections::HashSet<(i32, i32)> = rows
        .iter()
        .map(|r| match (&r.values[0], &r.values[1]) {
            (Value::I32(w), Value::I32(s)) => (*w, *s),
            other => panic!("unexpected row {other:?}"),
        })
        .collect();
    let lost: Vec<_> = log
        .acked
        .iter()
        .filter(|(w, s, _)| !stored.contains(&(*w, *s)))
        .collect();
    assert!(lost.is_empty(), "acknowledged writes lost: {lost:?}");
    eprintln!(
        "{}: {} writes acknowledged ({before} before the crash), {} connection errors while down ({:?}), none lost",
        server.kind,
        log.acked.len(),
        log.connection.len(),
        {
            let mut kinds = log.connection.clone();
            kinds.sort();
            kinds.dedup();
            kinds
        }
    );
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_pool_survives_a_server_crash_and_restart() {
    let Some(server) = Server::start("postgres") else {
        return;
    };
    let url = format!("postgres://postgres@127.0.0.1:{}/postgres", server.port);
    runtime().block_on(through_restart(&server, &url, true));
}

#[cfg(feature = "mysql")]
#[test]
fn mariadb_pool_survives_a_server_crash_and_restart() {
    let Some(server) = Server::start("mariadb") else {
        return;
    };
    let admin = format!("mysql://root@127.0.0.1:{}/mysql", server.port);
    let url = format!("mysql://root@127.0.0.1:{}/quarry_restart", server.port);
    runtime().block_on(async {
        let repo = quarry::connect(&admin).await.expect("connect");
        repo.execute_raw("CREATE DATABASE quarry_restart", vec![])
            .await
            .expect("create database");
        drop(repo);
        through_restart(&server, &url, false).await;
    });
}
