//! What is SQLite's own in the adapter: its pool, its threading modes, its
//! URLs, transactions ending cleanly, the in-memory database's single
//! connection. (The shared behaviour is the conformance suite's.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // a test

use quarry_core::{ConnectionErrorKind, Error, Value, ValueType};
use quarry_query::driver::PoolOptions;
use quarry_query::Repo;
use quarry_sqlite::{connect, connect_with, SqliteRepo};
use std::path::PathBuf;
use std::time::{Duration, Instant};

type R = Result<(), Box<dyn std::error::Error>>;

fn temp_db(name: &str) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("quarry-sqlite-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}", dir.join("t.db").display());
    (dir, url)
}

async fn count(repo: &impl Repo, table: &str) -> Result<i64, Error> {
    let rows = repo
        .query_raw(
            &format!("SELECT COUNT(*) FROM {table}"),
            vec![],
            &[ValueType::I64],
        )
        .await?;
    Ok(rows[0].values[0].as_i64().unwrap_or(-1))
}

async fn one(repo: &impl Repo, sql: &str, ty: ValueType) -> Result<Value, Error> {
    let mut rows = repo.query_raw(sql, vec![], &[ty]).await?;
    Ok(rows.remove(0).values.remove(0))
}

/// A query that keeps SQLite busy for seconds (counting to a billion).
const SLOW: &str = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT max(x) FROM c";

#[tokio::test]
async fn using_the_repo_inside_its_own_transaction_fails_at_once_in_memory() -> R {
    let repo = connect_with(
        "sqlite::memory:",
        PoolOptions {
            acquire_timeout: Duration::from_secs(20),
            ..PoolOptions::default()
        },
    )
    .await?;
    repo.execute_raw("CREATE TABLE t (id INTEGER PRIMARY KEY)", vec![])
        .await?;
    let started = Instant::now();
    let outcome: Result<(), Error> = repo
        .transaction(|tx| {
            let repo = repo.clone();
            Box::pin(async move {
                tx.execute_raw("INSERT INTO t (id) VALUES (1)", vec![])
                    .await?;
                // The wrong handle: the only connection is the transaction's.
                repo.execute_raw("INSERT INTO t (id) VALUES (2)", vec![])
                    .await
                    .map(drop)
            })
        })
        .await;
    let err = outcome.expect_err("the repo cannot run inside its own transaction");
    assert!(started.elapsed() < Duration::from_secs(5), "it waited");
    assert_eq!(
        err.connection_kind(),
        Some(ConnectionErrorKind::HeldByTransaction),
        "{err:?}"
    );
    assert!(err.to_string().contains("transaction handle"), "{err}");
    // The transaction rolled back; the connection is free and clean.
    assert_eq!(count(&repo, "t").await?, 0);
    // begin() on the same task is refused the same way.
    let tx = repo.begin().await?;
    let Err(err) = repo.begin().await else {
        panic!("a second begin on the same task")
    };
    assert_eq!(
        err.connection_kind(),
        Some(ConnectionErrorKind::HeldByTransaction)
    );
    drop(tx);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_tasks_wait_for_the_in_memory_transaction() -> R {
    let repo = connect("sqlite::memory:").await?;
    repo.execute_raw("CREATE TABLE t (id INTEGER PRIMARY KEY)", vec![])
        .await?;
    let tx = repo.begin().await?;
    tx.execute_raw("INSERT INTO t (id) VALUES (1)", vec![])
        .await?;
    let other = {
        let repo = repo.clone();
        tokio::spawn(async move { count(&repo, "t").await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !other.is_finished(),
        "the other task waits for the connection"
    );
    tx.commit().await?;
    assert_eq!(other.await??, 1, "and then sees the committed row");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiters_that_give_up_lose_nothing() -> R {
    let repo = connect("sqlite::memory:").await?;
    repo.execute_raw("CREATE TABLE t (id INTEGER PRIMARY KEY)", vec![])
        .await?;
    let tx = repo.begin().await?;
    tx.execute_raw("INSERT INTO t (id) VALUES (1)", vec![])
        .await?;
    // Queued behind the transaction, then gone before it ends.
    let quitter = {
        let repo = repo.clone();
        tokio::spawn(async move {
            tokio::time::timeout(Duration::from_millis(50), count(&repo, "t"))
                .await
                .is_err()
        })
    };
    let patient = {
        let repo = repo.clone();
        tokio::spawn(async move { count(&repo, "t").await })
    };
    assert!(quitter.await?, "the first waiter gave up");
    tx.commit().await?;
    // The one connection (the database itself) went to the next waiter.
    assert_eq!(patient.await??, 1);
    assert_eq!(count(&repo, "t").await?, 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_moved_to_another_task_is_waited_for() -> R {
    let repo = connect("sqlite::memory:").await?;
    repo.execute_raw("CREATE TABLE t (id INTEGER PRIMARY KEY)", vec![])
        .await?;
    // Begun here, then used and committed by another task: this task may
    // wait for it.
    let tx = repo.begin().await?;
    let (used, was_used) = tokio::sync::oneshot::channel::<()>();
    let (go, wait) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(async move {
        tx.execute_raw("INSERT INTO t (id) VALUES (1)", vec![])
            .await?;
        let _ = used.send(());
        let _ = wait.await;
        tx.commit().await
    });
    was_used.await?;
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let _ = go.send(());
    });
    assert_eq!(count(&repo, "t").await?, 1, "waited for the commit");
    worker.await??;
    Ok(())
}

#[tokio::test]
async fn a_dropped_transaction_rolls_back_and_the_connection_comes_back_clean() -> R {
    for url in ["sqlite::memory:", "sqlite::memory:?spawn_blocking=true"] {
        let repo = connect(url).await?;
        repo.execute_raw("CREATE TABLE t (id INTEGER PRIMARY KEY)", vec![])
            .await?;
        {
            let tx = repo.begin().await?;
            tx.execute_raw("INSERT INTO t (id) VALUES (1)", vec![])
                .await?;
            let nested = tx.begin().await?;
            nested
                .execute_raw("INSERT INTO t (id) VALUES (2)", vec![])
                .await?;
        }
        assert_eq!(count(&repo, "t").await?, 0, "{url}");
        // Not inside a leftover transaction: this BEGIN would fail otherwise.
        let tx = repo.begin().await?;
        tx.execute_raw("INSERT INTO t (id) VALUES (3)", vec![])
            .await?;
        tx.commit().await?;
        assert_eq!(count(&repo, "t").await?, 1, "{url}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_blocking_statement_interrupts_it() -> R {
    let repo = connect("sqlite::memory:?spawn_blocking=true").await?;
    let started = Instant::now();
    let timed_out =
        tokio::time::timeout(Duration::from_millis(200), one(&repo, SLOW, ValueType::I64)).await;
    assert!(timed_out.is_err(), "the slow query was cut short");
    // The connection is back (interrupted, not finishing the count) long
    // before the query would have ended.
    assert_eq!(
        one(&repo, "SELECT 41 + 1", ValueType::I64).await?,
        Value::I64(42)
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // Inside a transaction: the interrupted statement leaves the transaction
    // usable or, if SQLite ended it, refuses to go on outside it.
    repo.execute_raw("CREATE TABLE t (id INTEGER PRIMARY KEY)", vec![])
        .await?;
    let tx = repo.begin().await?;
    tx.execute_raw("INSERT INTO t (id) VALUES (1)", vec![])
        .await?;
    let _ = tokio::time::timeout(Duration::from_millis(100), one(&tx, SLOW, ValueType::I64)).await;
    match tx
        .execute_raw("INSERT INTO t (id) VALUES (2)", vec![])
        .await
    {
        Ok(_) => tx.commit().await?,
        Err(Error::TransactionDone) => drop(tx),
        Err(e) => return Err(e.into()),
    }
    let n = count(&repo, "t").await?;
    assert!(n == 0 || n == 2, "all or nothing: {n}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_blocking_mode_runs_everything_the_inline_mode_does() -> R {
    let (dir, url) = temp_db("blocking");
    let repo = connect(&format!("{url}?spawn_blocking=true")).await?;
    repo.execute_raw(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, at TEXT)",
        vec![],
    )
    .await?;
    let inserted = repo
        .execute_raw(
            "INSERT INTO t (name, at) VALUES (?, ?), (?, ?)",
            vec![
                Value::from("a"),
                Value::Null(ValueType::DateTimeUtc),
                Value::from("b"),
                Value::Null(ValueType::DateTimeUtc),
            ],
        )
        .await?;
    assert_eq!(inserted.rows_affected, 2);
    assert_eq!(inserted.last_insert_id, Some(2));
    let err = repo
        .execute_raw("INSERT INTO t (name) VALUES (?)", vec![Value::from("a")])
        .await
        .expect_err("duplicate");
    let v = err.constraint_violation().expect("a constraint");
    assert_eq!(v.columns, vec!["name"]);
    // 1000 rows stream through batches, in order.
    repo.execute_raw(
        "WITH RECURSIVE s(i) AS (SELECT 3 UNION ALL SELECT i + 1 FROM s WHERE i < 1000) INSERT INTO t (name) SELECT 'n' || i FROM s",
        vec![],
    )
    .await?;
    let rows = repo
        .query_raw(
            "SELECT id, name FROM t ORDER BY id",
            vec![],
            &[ValueType::I64, ValueType::String],
        )
        .await?;
    assert_eq!(rows.len(), 1000);
    assert_eq!(
        rows[999].values,
        vec![Value::I64(1000), Value::from("n1000")]
    );
    assert_eq!(rows[999].columns, vec!["id", "name"]);
    let tx = repo.begin().await?;
    tx.execute_raw("DELETE FROM t", vec![]).await?;
    tx.rollback().await?;
    assert_eq!(count(&repo, "t").await?, 1000);
    drop(repo);
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

#[tokio::test]
async fn files_get_a_pool_in_wal_with_foreign_keys() -> R {
    let (dir, url) = temp_db("pool");
    let repo = connect_with(
        &url,
        PoolOptions {
            max_connections: 2,
            acquire_timeout: Duration::from_millis(300),
            ..PoolOptions::default()
        },
    )
    .await?;
    assert_eq!(
        one(&repo, "PRAGMA journal_mode", ValueType::String).await?,
        Value::from("wal")
    );
    assert_eq!(
        one(&repo, "PRAGMA foreign_keys", ValueType::I64).await?,
        Value::I64(1)
    );
    repo.execute_raw("CREATE TABLE t (id INTEGER PRIMARY KEY)", vec![])
        .await?;
    // Two transactions hold both connections: a reader on another task times
    // out with a typed error.
    let a = repo.begin().await?;
    let b = {
        let repo = repo.clone();
        tokio::spawn(async move { repo.begin().await }).await??
    };
    let waited = {
        let repo = repo.clone();
        tokio::spawn(async move { count(&repo, "t").await }).await?
    };
    assert_eq!(
        waited.expect_err("no connection free").connection_kind(),
        Some(ConnectionErrorKind::PoolTimeout)
    );
    // This task holds only one of the two: it waits as well, not refused.
    let mine = count(&repo, "t").await.expect_err("no connection free");
    assert_eq!(
        mine.connection_kind(),
        Some(ConnectionErrorKind::PoolTimeout)
    );
    // A write waits out the busy timeout behind the other writer.
    a.execute_raw("INSERT INTO t (id) VALUES (1)", vec![])
        .await?;
    let busy = b
        .execute_raw("INSERT INTO t (id) VALUES (2)", vec![])
        .await
        .expect_err("locked");
    match &busy {
        Error::Database(db) => assert_eq!(db.code.as_deref(), Some("5"), "{db:?}"),
        other => panic!("{other:?}"),
    }
    a.commit().await?;
    drop(b);
    assert_eq!(count(&repo, "t").await?, 1);
    // Waiting for the lock does not block the thread: on this very task a
    // writer waits while the lock holder goes on and commits.
    let a = repo.begin().await?;
    a.execute_raw("INSERT INTO t (id) VALUES (3)", vec![])
        .await?;
    let b = repo.begin().await?;
    let (waited, committed) = tokio::join!(
        b.execute_raw("INSERT INTO t (id) VALUES (4)", vec![]),
        async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            a.commit().await
        }
    );
    committed?;
    waited?;
    b.commit().await?;
    assert_eq!(count(&repo, "t").await?, 3);
    drop(repo);
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

#[tokio::test]
async fn urls_and_open_failures_are_typed() -> R {
    let err = connect("sqlite://x.db?journal=wal")
        .await
        .expect_err("bad parameter");
    assert_eq!(err.connection_kind(), Some(ConnectionErrorKind::InvalidUrl));
    assert!(err.to_string().contains("journal"), "{err}");
    let err = connect("sqlite:///no/such/dir/x.db")
        .await
        .expect_err("cannot open");
    assert_eq!(
        err.connection_kind(),
        Some(ConnectionErrorKind::Open),
        "{err:?}"
    );
    assert!(err.driver_error().is_some());
    let (dir, url) = temp_db("ro");
    let err = connect(&format!("{url}?mode=ro"))
        .await
        .expect_err("missing file");
    assert_eq!(
        err.connection_kind(),
        Some(ConnectionErrorKind::Open),
        "{err:?}"
    );
    let repo = connect(&url).await?;
    repo.execute_raw("CREATE TABLE t (id INTEGER PRIMARY KEY)", vec![])
        .await?;
    let ro = connect(&format!("{url}?mode=ro")).await?;
    assert_eq!(count(&ro, "t").await?, 0);
    let err = ro
        .execute_raw("INSERT INTO t (id) VALUES (1)", vec![])
        .await
        .expect_err("read-only");
    assert!(matches!(err, Error::Database(_)), "{err:?}");
    drop((repo, ro));
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

#[tokio::test]
async fn named_memory_databases_are_shared_and_anonymous_ones_are_not() -> R {
    let a = connect("sqlite:quarry_adapter_shared?mode=memory").await?;
    let b = connect("sqlite:quarry_adapter_shared?mode=memory").await?;
    a.execute_raw("CREATE TABLE t (id INTEGER PRIMARY KEY)", vec![])
        .await?;
    assert_eq!(count(&b, "t").await?, 0);
    let c = connect("sqlite::memory:").await?;
    let d = connect("sqlite::memory:").await?;
    c.execute_raw("CREATE TABLE t (id INTEGER PRIMARY KEY)", vec![])
        .await?;
    assert!(count(&d, "t").await.is_err(), "a fresh database each time");
    Ok(())
}

#[tokio::test]
async fn raw_sql_edge_cases() -> R {
    let repo: SqliteRepo = connect("sqlite::memory:").await?;
    // Several statements in one string run in order, values bound across them.
    repo.execute_raw(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES (?); INSERT INTO t (v) VALUES (?)",
        vec![Value::from("x"), Value::from("y")],
    )
    .await?;
    assert_eq!(count(&repo, "t").await?, 2);
    // Numbered placeholders take the value of their number.
    let rows = repo
        .query_raw(
            "SELECT ?2 || ?1, $1",
            vec![Value::from("a"), Value::from("b")],
            &[ValueType::String, ValueType::String],
        )
        .await?;
    assert_eq!(rows[0].values, vec![Value::from("ba"), Value::from("a")]);
    // A value too many or too few is refused, not bound as NULL or dropped.
    for values in [vec![], vec![Value::I64(1), Value::I64(2)]] {
        let err = repo
            .query_raw("SELECT ?", values, &[ValueType::I64])
            .await
            .expect_err("count mismatch");
        assert!(matches!(err, Error::Query(_)), "{err:?}");
    }
    // A statement that changes nothing reports no rows affected.
    let r = repo.execute_raw("UPDATE t SET v = 'z'", vec![]).await?;
    assert_eq!(r.rows_affected, 2);
    let r = repo.execute_raw("SELECT 1", vec![]).await?;
    assert_eq!(r.rows_affected, 0);
    // A SQL error keeps SQLite's code and message.
    let err = repo
        .execute_raw("SELEC 1", vec![])
        .await
        .expect_err("syntax");
    match &err {
        Error::Database(db) => {
            assert_eq!(db.code.as_deref(), Some("1"));
            assert!(db.message.contains("syntax error"), "{db:?}");
        }
        other => panic!("{other:?}"),
    }
    // A transaction SQLite ended by itself does not go on outside it.
    let tx = repo.begin().await?;
    tx.execute_raw("ROLLBACK", vec![]).await?;
    let err = tx
        .execute_raw("INSERT INTO t (v) VALUES ('outside')", vec![])
        .await
        .expect_err("no transaction any more");
    assert!(matches!(err, Error::TransactionDone), "{err:?}");
    assert!(matches!(tx.commit().await, Err(Error::TransactionDone)));
    assert_eq!(count(&repo, "t").await?, 2);
    Ok(())
}

#[tokio::test]
async fn values_are_stored_as_sqlx_stored_them() -> R {
    use chrono::{NaiveDate, TimeZone, Utc};
    let repo = connect("sqlite::memory:").await?;
    let day = NaiveDate::from_ymd_opt(2024, 5, 6).expect("date");
    let at = day.and_hms_micro_opt(7, 8, 9, 120_000).expect("time");
    let rows = repo
        .query_raw(
            "SELECT ?, ?, ?, ?, ?, typeof(?)",
            vec![
                Value::Bool(true),
                Value::Date(day),
                Value::DateTime(at),
                Value::DateTimeUtc(Utc.from_utc_datetime(&at)),
                Value::Json(serde_json::json!({"a": [1, "x"]})),
                Value::F32(1.5),
            ],
            &[
                ValueType::I64,
                ValueType::String,
                ValueType::String,
                ValueType::String,
                ValueType::String,
                ValueType::String,
            ],
        )
        .await?;
    assert_eq!(
        rows[0].values,
        vec![
            Value::I64(1),
            Value::from("2024-05-06"),
            Value::from("2024-05-06 07:08:09.120"),
            Value::from("2024-05-06T07:08:09.120+00:00"),
            Value::from(r#"{"a":[1,"x"]}"#),
            Value::from("real"),
        ]
    );
    Ok(())
}

/// `run_now`, the fast path the shared layer tries first: it runs at once
/// where a connection is free (the pool's, or a transaction's), inside the
/// transaction for a transaction, with the call's timeout; `None` (nothing
/// ran) where it would have to wait, and always in `spawn_blocking` mode.
#[tokio::test]
async fn run_now_runs_at_once_where_nothing_waits() -> R {
    use quarry_query::driver::RunOptions;
    use quarry_query::Statement;
    let repo = connect("sqlite::memory:").await?;
    repo.execute_raw("CREATE TABLE t (id INTEGER PRIMARY KEY)", vec![])
        .await?;
    let driver = repo.driver();
    let now = RunOptions::default();
    let insert = |id: i64| Statement::raw("INSERT INTO t (id) VALUES (?)", [Value::I64(id)]);
    let done = driver
        .run_now(&insert(1), now, None)
        .expect("a free connection")?;
    assert_eq!(done.rows_affected, 1);
    let select = Statement::raw("SELECT id FROM t ORDER BY id", []);
    let mut seen = Vec::new();
    let mut sink = |row: &dyn quarry_core::Row| {
        seen.push(row.value(0, ValueType::I64)?);
        Ok(())
    };
    driver
        .run_now(&select, now, Some(&mut sink))
        .expect("a free connection")?;
    assert_eq!(seen, [Value::I64(1)]);

    let err = driver
        .run_now(
            &Statement::raw(SLOW, []),
            RunOptions::with_timeout(Duration::from_millis(50)),
            None,
        )
        .expect("a free connection")
        .expect_err("interrupted at the call's timeout");
    assert_eq!(err.class(), quarry_core::ErrorClass::StatementTimeout);

    let tx = driver.begin().await?;
    assert!(
        driver.run_now(&insert(2), now, None).is_none(),
        "the only connection is the transaction's: nothing runs"
    );
    let done = tx
        .run_now(&insert(2), now, None)
        .expect("the slot is free")?;
    assert_eq!(done.rows_affected, 1);
    tx.rollback().await?;
    assert!(
        tx.run_now(&insert(3), now, None)
            .expect("the slot is free")
            .is_err(),
        "a finished transaction refuses statements"
    );
    drop(tx);
    assert_eq!(count(&repo, "t").await?, 1, "the transaction rolled back");

    let blocking = connect("sqlite::memory:?spawn_blocking=true").await?;
    assert!(blocking
        .driver()
        .run_now(&Statement::raw("SELECT 1", []), now, None)
        .is_none());
    Ok(())
}
