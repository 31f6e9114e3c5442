//! `#[quarry::test]` and the sandbox's behaviour, on SQLite, and on
//! PostgreSQL and MariaDB when QUARRY_TEST_POSTGRES_URL / QUARRY_TEST_MYSQL_URL
//! are set (the attribute skips a test whose `env` variable is unset). The
//! fifty-at-once run is tests/sandbox.rs.

mod sandbox_app;

use quarry::prelude::*;
use quarry::testing::Sandbox;
use sandbox_app::{insert_items, item_count, items_tagged, Note};
use std::sync::{Arc, Mutex};

type R = quarry::Result<()>;

/// Makes `sqlite`, `postgres` and `mysql` tests of a scenario function, in
/// a module named after it.
macro_rules! on_each_backend {
    ($name:ident $(, fixtures($($fx:tt)*))?) => {
        mod $name {
            use super::*;

            #[quarry::test(url = "sqlite::memory:", migrations = sandbox_app::all $(, fixtures($($fx)*))?)]
            async fn sqlite(repo: Sandbox) -> R {
                super::$name(repo).await
            }

            #[cfg(feature = "postgres")]
            #[quarry::test(env = "QUARRY_TEST_POSTGRES_URL", migrations = sandbox_app::all $(, fixtures($($fx)*))?)]
            async fn postgres(repo: Sandbox) -> R {
                super::$name(repo).await
            }

            #[cfg(feature = "mysql")]
            #[quarry::test(env = "QUARRY_TEST_MYSQL_URL", migrations = sandbox_app::all $(, fixtures($($fx)*))?)]
            async fn mysql(repo: Sandbox) -> R {
                super::$name(repo).await
            }
        }
    };
}

/// A fixture function: a note on the first fixture item.
async fn note_on_first_fixture(repo: &Sandbox) -> R {
    let first = items_tagged(repo, "fixture").await?;
    repo.insert(Note {
        item_id: first[0].id,
        body: "from a fixture function".into(),
        ..Default::default()
    })
    .await?;
    Ok(())
}

/// The fixtures ran, in order, inside the sandbox: the SQL file (whose
/// string holds a `;`), then the function that reads its rows.
async fn fixtures_run_in_order(repo: Sandbox) -> R {
    assert_eq!(items_tagged(&repo, "fixture").await?.len(), 1);
    assert_eq!(
        items_tagged(&repo, "fixture; with a semicolon")
            .await?
            .len(),
        1
    );
    assert_eq!(repo.count(Note::query()).await?, 1);
    Ok(())
}
on_each_backend!(
    fixtures_run_in_order,
    fixtures(
        "tests/fixtures/sandbox_items.sql",
        super::note_on_first_fixture
    )
);

/// The test starts from empty tables (the migrations are applied, no other
/// test's rows are seen), and what it commits stays visible to it.
async fn commit_inside_the_sandbox(repo: Sandbox) -> R {
    assert_eq!(item_count(&repo).await?, 0);
    repo.transaction(|tx| Box::pin(async move { insert_items(tx, "committed", 3).await }))
        .await?;
    assert_eq!(items_tagged(&repo, "committed").await?.len(), 3);
    Ok(())
}
on_each_backend!(commit_inside_the_sandbox);

/// A nested transaction that rolls back takes only its own rows with it.
async fn nested_rollback_keeps_the_outer_rows(repo: Sandbox) -> R {
    let tx = repo.begin().await?;
    insert_items(&tx, "outer", 2).await?;
    let inner = tx.begin().await?;
    insert_items(&inner, "inner", 2).await?;
    drop(inner); // dropped without commit: rolled back
    tx.commit().await?;
    assert_eq!(items_tagged(&repo, "outer").await?.len(), 2);
    assert!(items_tagged(&repo, "inner").await?.is_empty());
    // A transaction rolled back outright.
    let tx = repo.begin().await?;
    insert_items(&tx, "rolled back", 1).await?;
    tx.rollback().await?;
    assert_eq!(item_count(&repo).await?, 2);
    Ok(())
}
on_each_backend!(nested_rollback_keeps_the_outer_rows);

/// A failed statement (a unique violation, as a test of a changeset's
/// constraint provokes) leaves the sandbox usable, on PostgreSQL too.
async fn a_failed_statement_leaves_the_sandbox_usable(repo: Sandbox) -> R {
    insert_items(&repo, "dup", 1).await?;
    let again = insert_items(&repo, "dup", 1).await;
    assert!(
        matches!(again, Err(quarry::Error::Constraint { .. })),
        "{again:?}"
    );
    insert_items(&repo, "after", 2).await?;
    assert_eq!(item_count(&repo).await?, 3);
    // Inside a transaction the failure is the transaction's, as without the
    // sandbox; rolling it back recovers.
    let tx = repo.begin().await?;
    assert!(insert_items(&tx, "dup", 1).await.is_err());
    tx.rollback().await?;
    assert_eq!(item_count(&repo).await?, 3);
    Ok(())
}
on_each_backend!(a_failed_statement_leaves_the_sandbox_usable);

/// Shared mode: a spawned task uses the test's sandbox and sees its rows.
/// While one task has a transaction open, another task's statement waits
/// for it to end (as a statement on another connection would wait for the
/// first one's commit to see its rows); the task's own statements through
/// the sandbox handle run inside its transaction.
async fn spawned_tasks_share_the_sandbox(repo: Sandbox) -> R {
    let items = insert_items(&repo, "shared", 2).await?;
    let other = repo.clone();
    let seen = tokio::spawn(async move { items_tagged(&other, "shared").await })
        .await
        .expect("task")?;
    assert_eq!(seen, items);

    let log = Arc::new(Mutex::new(Vec::<&str>::new()));
    let tx = repo.begin().await?;
    insert_items(&tx, "in tx", 2).await?;
    // The same task, through the sandbox handle: inside the transaction.
    assert_eq!(items_tagged(&repo, "in tx").await?.len(), 2);
    let (other, task_log) = (repo.clone(), Arc::clone(&log));
    let waiter = tokio::spawn(async move {
        let n = items_tagged(&other, "in tx").await?.len();
        task_log.lock().unwrap().push("other task read");
        Ok::<_, quarry::Error>(n)
    });
    // Let the task run up to its wait.
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    log.lock().unwrap().push("commit");
    tx.commit().await?;
    assert_eq!(waiter.await.expect("task")?, 2);
    assert_eq!(*log.lock().unwrap(), ["commit", "other task read"]);
    Ok(())
}
on_each_backend!(spawned_tasks_share_the_sandbox);

/// On a multi-thread runtime, tasks spawned onto other workers share the
/// sandbox the same way.
#[quarry::test(url = "sqlite::memory:", migrations = sandbox_app::all, flavor = "multi_thread")]
async fn a_multi_thread_runtime(repo: Sandbox) -> R {
    let tasks: Vec<_> = (0..4)
        .map(|i| {
            let repo = repo.clone();
            tokio::spawn(async move {
                repo.transaction(|tx| {
                    Box::pin(async move { insert_items(tx, &format!("task {i}"), 2).await })
                })
                .await
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task")?;
    }
    assert_eq!(item_count(&repo).await?, 8);
    Ok(())
}

/// A test that panics: the attribute keeps `#[should_panic]`, and the
/// sandbox is rolled back on the way out.
#[quarry::test(url = "sqlite::memory:", migrations = sandbox_app::all)]
#[should_panic(expected = "on purpose")]
async fn a_panicking_test_is_reported_as_one(repo: Sandbox) {
    insert_items(&repo, "panics", 1).await.unwrap();
    panic!("on purpose");
}

/// `env` names a variable that is unset: the test is skipped (it passes
/// without running its body).
#[quarry::test(env = "QUARRY_TEST_SANDBOX_VARIABLE_NOBODY_SETS")]
async fn an_unset_env_variable_skips_the_test(_repo: Sandbox) {
    panic!("a skipped test's body ran");
}

/// Returning `()` works, and so does the sandbox without migrations (an
/// empty in-memory database).
#[quarry::test(url = "sqlite::memory:")]
async fn without_migrations(repo: Sandbox) {
    repo.execute_raw("CREATE TABLE scratch (id INTEGER PRIMARY KEY)", vec![])
        .await
        .unwrap();
    assert_eq!(repo.driver().backend().name, "SQLite");
}

/// The sandbox without the attribute: opened on a pool, committed into,
/// rolled back; the pool's own connection then sees nothing.
async fn sandbox_on_a_pool(url: &str) -> R {
    let repo = quarry::connect(url).await?;
    quarry::migration::Migrator::new(&repo, sandbox_app::all())?
        .migrate(quarry::migration::Target::All)
        .await?;
    let before = item_count(&repo).await?;
    let sandbox = Sandbox::new(&repo).await?;
    sandbox
        .transaction(|tx| Box::pin(async move { insert_items(tx, "pool", 2).await }))
        .await?;
    assert_eq!(items_tagged(&sandbox, "pool").await?.len(), 2);
    if repo.driver().backend().name != "SQLite" {
        // Another connection does not see the sandbox's rows.
        assert_eq!(item_count(&repo).await?, before);
    }
    sandbox.rollback().await?;
    assert!(sandbox.is_ended());
    assert!(matches!(
        item_count(&sandbox).await,
        Err(quarry::Error::TransactionDone)
    ));
    drop(sandbox);
    assert_eq!(item_count(&repo).await?, before);
    // Dropped without a rollback (a panic's unwinding): rolled back too.
    let sandbox = Sandbox::new(&repo).await?;
    sandbox
        .transaction(|tx| Box::pin(async move { insert_items(tx, "dropped", 2).await }))
        .await?;
    drop(sandbox);
    assert_eq!(item_count(&repo).await?, before);
    Ok(())
}

#[tokio::test]
async fn sandbox_api_sqlite() -> R {
    let path = std::env::temp_dir().join(format!("quarry_sandbox_{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let out = sandbox_on_a_pool(&format!("sqlite://{}", path.display())).await;
    let _ = std::fs::remove_file(&path);
    out
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn sandbox_api_postgres() -> R {
    match std::env::var("QUARRY_TEST_POSTGRES_URL") {
        Ok(url) => sandbox_on_a_pool(&url).await,
        Err(_) => Ok(()),
    }
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn sandbox_api_mysql() -> R {
    match std::env::var("QUARRY_TEST_MYSQL_URL") {
        Ok(url) => sandbox_on_a_pool(&url).await,
        Err(_) => Ok(()),
    }
}
