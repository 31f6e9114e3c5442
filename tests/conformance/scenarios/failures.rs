//! When the database misbehaves: errors classified, statement timeouts,
//! transactions that retry themselves, the pool's state, graceful close, and
//! futures dropped part-way.

use crate::harness::{Db, Kind, R};
use crate::schemas::{user, User};
use quarry::error::ErrorClass;
use quarry::prelude::*;
use quarry::query::BoxFuture;
use quarry::schema::ValueType;
use quarry::{AnyRepo, Error, PoolOptions, Retry, Transaction, Value};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A statement that runs for minutes unless cancelled (MariaDB stops a
/// recursive CTE at `max_recursive_iterations`: it sleeps instead).
fn forever(db: &Db) -> &'static str {
    match db.kind {
        Kind::MySql => "SELECT SLEEP(60)",
        _ => "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000000000) SELECT COUNT(*) FROM c",
    }
}

/// A table of two accounts on `pool`'s database.
async fn accounts(pool: &AnyRepo) -> R {
    pool.execute_raw("DROP TABLE IF EXISTS accounts", vec![])
        .await?;
    pool.execute_raw(
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)",
        vec![],
    )
    .await?;
    pool.execute_raw(
        "INSERT INTO accounts (id, balance) VALUES (1, 0), (2, 0)",
        vec![],
    )
    .await?;
    Ok(())
}

async fn balances(pool: &AnyRepo) -> quarry::Result<Vec<i64>> {
    let rows = pool
        .query_raw(
            "SELECT balance FROM accounts ORDER BY id",
            vec![],
            &[ValueType::I64],
        )
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| r.values.first().and_then(Value::as_i64))
        .collect())
}

fn options(max: u32, acquire: Duration) -> PoolOptions {
    PoolOptions {
        max_connections: max,
        acquire_timeout: acquire,
        ..PoolOptions::default()
    }
}

pub async fn errors_are_classified(db: &Db) -> R {
    let u = db.repo.insert(user("Ann")).await?;
    let mut twin = user("Ann");
    twin.id = u.id;
    let dup = db.repo.insert(twin).await.expect_err("duplicate key");
    assert_eq!(dup.class(), ErrorClass::Constraint, "{dup:?}");
    assert!(!dup.is_transient());
    let missing = db
        .repo
        .must_get::<User, _>(u.id + 1000)
        .await
        .expect_err("no row");
    assert_eq!(missing.class(), ErrorClass::NotFound);
    let bad = db
        .repo
        .execute_raw("SELECT * FROM no_such_table", vec![])
        .await
        .expect_err("no such table");
    assert!(!bad.is_transient(), "{bad:?}");
    if db.kind != Kind::Sqlite {
        // Nothing listens on port 1: a failure to connect, worth retrying.
        let url = match db.kind {
            Kind::Postgres => "postgres://postgres@127.0.0.1:1/test",
            _ => "mysql://root@127.0.0.1:1/test",
        };
        let refused = quarry::connect(url).await.expect_err("refused");
        assert_eq!(refused.class(), ErrorClass::ConnectFailed, "{refused:?}");
        assert!(refused.is_transient());
    }
    Ok(())
}

pub async fn statement_timeout_is_typed_and_the_pool_recovers(db: &Db) -> R {
    // A pool of one connection: after the timeout it must serve the next call.
    let pool = db.pool_with(options(1, Duration::from_secs(5))).await?;
    let timed = pool.with_timeout(Duration::from_millis(300));
    let err = timed
        .query_raw(forever(db), vec![], &[ValueType::I64])
        .await
        .expect_err("cut by the timeout");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_eq!(err.class(), ErrorClass::StatementTimeout);
    assert!(!err.is_transient());
    let one = pool
        .query_raw("SELECT 1", vec![], &[ValueType::I64])
        .await?;
    assert_eq!(one.len(), 1, "the connection is clean for the next user");
    // Without the override, the same connection runs without a timeout.
    let quick = timed
        .query_raw("SELECT 2", vec![], &[ValueType::I64])
        .await?;
    assert_eq!(quick.len(), 1);

    // Inside a transaction: the timeout's error ends it (rolled back), the
    // connection is then usable again.
    accounts(&pool).await?;
    let slow = forever(db);
    let out: quarry::Result<()> = timed
        .transaction(|tx| {
            Box::pin(async move {
                tx.execute_raw("UPDATE accounts SET balance = 5 WHERE id = 1", vec![])
                    .await?;
                tx.query_raw(slow, vec![], &[ValueType::I64]).await?;
                Ok(())
            })
        })
        .await;
    assert!(matches!(out, Err(Error::Timeout(_))), "{out:?}");
    assert_eq!(balances(&pool).await?, vec![0, 0], "rolled back");

    // The pool's own timeout applies to every statement.
    let strict = db
        .pool_with(PoolOptions {
            statement_timeout: Some(Duration::from_millis(300)),
            ..options(1, Duration::from_secs(5))
        })
        .await?;
    let err = strict
        .query_raw(forever(db), vec![], &[ValueType::I64])
        .await
        .expect_err("cut by the pool's timeout");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_eq!(
        strict
            .query_raw("SELECT 3", vec![], &[ValueType::I64])
            .await?
            .len(),
        1
    );
    Ok(())
}

/// Adds 1 to both accounts, `first` then `second`, in a retrying
/// transaction; `hold` runs between the two updates on the first attempt (to
/// make the two transfers collide). Counts attempts.
async fn transfer(
    pool: &AnyRepo,
    first: i64,
    second: i64,
    hold: Arc<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync>,
    attempts: Arc<AtomicU32>,
) -> quarry::Result<()> {
    let held = Arc::new(AtomicBool::new(false));
    pool.transaction_retrying(
        Retry::new(8).backoff(Duration::from_millis(10), Duration::from_millis(200)),
        move |tx: &Transaction| -> BoxFuture<'_, quarry::Result<()>> {
            let hold = Arc::clone(&hold);
            let held = Arc::clone(&held);
            let attempts = Arc::clone(&attempts);
            Box::pin(async move {
                attempts.fetch_add(1, Ordering::SeqCst);
                let sql = "UPDATE accounts SET balance = balance + 1 WHERE id = ";
                tx.execute_raw(&format!("{sql}{first}"), vec![]).await?;
                if !held.swap(true, Ordering::SeqCst) {
                    hold().await;
                }
                tx.execute_raw(&format!("{sql}{second}"), vec![]).await?;
                Ok(())
            })
        },
    )
    .await
}

pub async fn conflicting_transactions_are_retried(db: &Db) -> R {
    // Two transfers that lock the two rows in opposite orders: on Postgres
    // and MariaDB a deadlock (one victim, 40P01 / 1213); on SQLite the second
    // writer finds the database locked (a lock timeout). The retrying
    // transaction runs the loser again; both transfers land.
    let sqlite = db.kind == Kind::Sqlite;
    let acquire = if sqlite {
        Duration::from_millis(150)
    } else {
        Duration::from_secs(10)
    };
    let pool = db.pool_with(options(4, acquire)).await?;
    accounts(&pool).await?;
    let attempts = Arc::new(AtomicU32::new(0));
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let hold: Arc<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync> = if sqlite {
        // The first writer keeps its lock past the second's patience.
        Arc::new(|| -> BoxFuture<'static, ()> {
            Box::pin(tokio::time::sleep(Duration::from_millis(400)))
        })
    } else {
        let barrier = Arc::clone(&barrier);
        Arc::new(move || -> BoxFuture<'static, ()> {
            let barrier = Arc::clone(&barrier);
            Box::pin(async move {
                barrier.wait().await;
            })
        })
    };
    let none: Arc<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync> =
        Arc::new(|| -> BoxFuture<'static, ()> { Box::pin(async {}) });
    let (a, b) = tokio::join!(
        transfer(&pool, 1, 2, Arc::clone(&hold), Arc::clone(&attempts)),
        async {
            if sqlite {
                // Start once the first writer holds its lock.
                tokio::time::sleep(Duration::from_millis(50)).await;
                transfer(&pool, 2, 1, Arc::clone(&none), Arc::clone(&attempts)).await
            } else {
                transfer(&pool, 2, 1, Arc::clone(&hold), Arc::clone(&attempts)).await
            }
        }
    );
    a?;
    b?;
    assert_eq!(
        balances(&pool).await?,
        vec![2, 2],
        "both transfers landed once"
    );
    assert!(
        attempts.load(Ordering::SeqCst) >= 3,
        "one transfer ran again ({} attempts)",
        attempts.load(Ordering::SeqCst)
    );
    Ok(())
}

pub async fn pool_reports_its_state_and_a_timeout_says_why(db: &Db) -> R {
    let pool = db.pool_with(options(1, Duration::from_millis(300))).await?;
    let idle = pool.pool_status().expect("a pool");
    assert_eq!((idle.max, idle.open, idle.in_use), (1, 1, 0), "{idle}");
    // Known load: a transaction holds the only connection...
    let tx = pool.begin().await?;
    let held = pool.pool_status().expect("a pool");
    assert_eq!((held.open, held.idle, held.in_use), (1, 0, 1), "{held}");
    assert!(tx.pool_status().is_none(), "a transaction is no pool");
    // ...so another task waits, then gives up with the pool's state.
    let other = pool.clone();
    let waiter = tokio::spawn(async move {
        other
            .query_raw("SELECT 1", vec![], &[ValueType::I64])
            .await
            .map(|_| ())
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(pool.pool_status().expect("a pool").waiting, 1);
    let err = waiter.await.expect("task").expect_err("no free connection");
    assert_eq!(err.class(), ErrorClass::PoolTimeout, "{err:?}");
    assert!(err.is_transient());
    match &err {
        Error::Connection(c) => {
            let status = c.pool.expect("the pool's state");
            assert_eq!(status.in_use, 1, "{status}");
            assert!(err.to_string().contains("in use"), "{err}");
        }
        other => panic!("expected a connection error, got {other:?}"),
    }
    tx.rollback().await?;
    let after = pool.pool_status().expect("a pool");
    assert_eq!(
        (after.idle, after.in_use, after.waiting),
        (1, 0, 0),
        "{after}"
    );
    Ok(())
}

pub async fn close_waits_for_work_in_flight(db: &Db) -> R {
    let pool = db.pool_with(options(2, Duration::from_secs(5))).await?;
    let slow = match db.kind {
        Kind::Postgres => Some("SELECT 1 FROM (SELECT pg_sleep(0.3)) AS s"),
        Kind::MySql => Some("SELECT SLEEP(0.3) + 1"),
        // SQLite runs a statement on the task that awaits it: nothing else
        // runs on this thread meanwhile, so nothing is in flight to wait for.
        Kind::Sqlite => None,
    };
    let in_flight = slow.map(|sql| {
        let p = pool.clone();
        tokio::spawn(async move {
            p.query_raw(sql, vec![], &[ValueType::I64])
                .await
                .map(|rows| rows.len())
        })
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    pool.close(Duration::from_secs(5)).await?;
    if let Some(task) = in_flight {
        assert_eq!(
            task.await.expect("task")?,
            1,
            "the statement in flight finished"
        );
    }
    let err = pool
        .query_raw("SELECT 1", vec![], &[ValueType::I64])
        .await
        .expect_err("closed");
    assert!(
        matches!(&err, Error::Connection(c) if c.kind == quarry::error::ConnectionErrorKind::PoolClosed),
        "{err:?}"
    );
    Ok(())
}

pub async fn dropped_futures_leave_nothing_behind(db: &Db) -> R {
    let pool = db.pool_with(options(1, Duration::from_secs(5))).await?;
    accounts(&pool).await?;
    // A transaction future dropped part-way: nothing committed, and its
    // connection (the pool's only one) comes back clean.
    let cut = tokio::time::timeout(
        Duration::from_millis(100),
        pool.transaction(|tx| {
            Box::pin(async move {
                tx.execute_raw("UPDATE accounts SET balance = 9 WHERE id = 1", vec![])
                    .await?;
                tokio::time::sleep(Duration::from_secs(30)).await;
                Ok::<_, Error>(())
            })
        }),
    )
    .await;
    assert!(cut.is_err(), "the future was dropped");
    assert_eq!(balances(&pool).await?, vec![0, 0], "nothing committed");
    // A read dropped part-way (its rows still coming) frees its connection.
    let read = tokio::time::timeout(Duration::from_millis(20), async {
        pool.query_raw(
            "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 200000) SELECT n FROM c",
            vec![],
            &[ValueType::I64],
        )
        .await
    })
    .await;
    let _ = read;
    assert_eq!(balances(&pool).await?, vec![0, 0], "the pool serves again");
    Ok(())
}
