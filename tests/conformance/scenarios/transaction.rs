use crate::harness::{Db, R};
use crate::schemas::{user, User};
use quarry::prelude::*;
use quarry::Error;

async fn names(db: &Db) -> quarry::Result<Vec<String>> {
    Ok(db
        .repo
        .all(User::query().order_by(User::name.asc()))
        .await?
        .into_iter()
        .map(|u| u.name)
        .collect())
}

pub async fn commits_on_ok(db: &Db) -> R {
    let id = db
        .repo
        .transaction(|tx| {
            Box::pin(async move {
                let a = tx.insert(user("A")).await?;
                tx.insert(user("B")).await?;
                Ok::<_, Error>(a.id)
            })
        })
        .await?;
    assert!(id > 0);
    assert_eq!(names(db).await?, ["A", "B"]);
    assert!(db.statements().iter().any(|s| s == "COMMIT"));
    Ok(())
}

#[derive(Debug)]
enum AppError {
    Db(#[allow(dead_code)] Error),
    Business(&'static str),
}
impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        AppError::Db(e)
    }
}

pub async fn rolls_back_on_err(db: &Db) -> R {
    let result: Result<(), AppError> = db
        .repo
        .transaction(|tx| {
            Box::pin(async move {
                tx.insert(user("A")).await?;
                Err(AppError::Business("out of stock"))
            })
        })
        .await;
    assert!(
        matches!(result, Err(AppError::Business("out of stock"))),
        "{result:?}"
    );
    assert!(names(db).await?.is_empty());
    Ok(())
}

pub async fn rolls_back_on_panic(db: &Db) -> R {
    let repo = db.repo.clone();
    let task = tokio::spawn(async move {
        let _: Result<(), Error> = repo
            .transaction(|tx| {
                Box::pin(async move {
                    tx.insert(user("Doomed")).await?;
                    panic!("boom inside the transaction");
                })
            })
            .await;
    });
    let joined = task.await;
    assert!(
        joined.map_err(|e| e.is_panic()).err().unwrap_or(false),
        "the task panicked"
    );
    assert!(names(db).await?.is_empty(), "the insert was rolled back");
    db.repo.insert(user("After")).await?;
    assert_eq!(names(db).await?, ["After"]);
    Ok(())
}

pub async fn nested_failure_rolls_back_to_savepoint(db: &Db) -> R {
    db.repo
        .transaction(|tx| {
            Box::pin(async move {
                tx.insert(user("Outer 1")).await?;
                let inner: Result<(), Error> = tx
                    .transaction(|inner| {
                        Box::pin(async move {
                            inner.insert(user("Inner")).await?;
                            Err(Error::Query("inner fails".into()))
                        })
                    })
                    .await;
                assert!(inner.is_err());
                tx.insert(user("Outer 2")).await?;
                let ok: Result<(), Error> = tx
                    .transaction(|inner| {
                        Box::pin(async move {
                            inner.insert(user("Inner kept")).await?;
                            Ok(())
                        })
                    })
                    .await;
                ok?;
                Ok::<_, Error>(())
            })
        })
        .await?;
    assert_eq!(names(db).await?, ["Inner kept", "Outer 1", "Outer 2"]);
    assert!(db.statements().iter().any(|s| s.starts_with("SAVEPOINT")));
    assert!(db
        .statements()
        .iter()
        .any(|s| s.starts_with("ROLLBACK TO SAVEPOINT")));
    Ok(())
}

pub async fn begin_commit_and_drop(db: &Db) -> R {
    {
        let tx = db.repo.begin().await?;
        tx.insert(user("Dropped")).await?;
        let inside: Vec<User> = tx.all(User::query()).await?;
        assert_eq!(inside.len(), 1, "visible inside the transaction");
    }
    assert!(names(db).await?.is_empty(), "dropping rolls back");
    let tx = db.repo.begin().await?;
    tx.insert(user("Kept")).await?;
    {
        let sp = tx.begin().await?;
        sp.insert(user("Dropped savepoint")).await?;
    }
    tx.insert(user("Kept too")).await?;
    tx.commit().await?;
    assert_eq!(names(db).await?, ["Kept", "Kept too"]);
    let tx = db.repo.begin().await?;
    tx.insert(user("Rolled back")).await?;
    tx.rollback().await?;
    assert_eq!(names(db).await?.len(), 2);
    Ok(())
}
