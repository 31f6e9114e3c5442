use crate::harness::{Db, R};
use crate::schemas::{product, user, Product, User};
use quarry::prelude::*;
use quarry::Error;

pub async fn sends_only_changed_columns(db: &Db) -> R {
    let p = db.repo.insert(product("Chair", 30.0)).await?;
    // Someone else changes the description meanwhile; our update of the price
    // must not overwrite it.
    db.repo
        .update_all(
            Product::id.eq(p.id),
            Updates::new().set(Product::description, "Oak"),
        )
        .await?;
    db.reset_statements();
    let cs = Changeset::cast(
        p.clone(),
        serde_json::json!({"price": "35.5"}),
        Product::price,
    );
    let updated = db.repo.update(cs).await?;
    assert_eq!(updated.price, Some(35.5));
    assert_eq!(db.statement_count(), 1);
    let sql = &db.statements()[0];
    assert!(
        sql.contains("price") && !sql.contains("description") && !sql.contains("name"),
        "{sql}"
    );
    let stored: Product = db.repo.must_get(p.id).await?;
    assert_eq!(stored.description.as_deref(), Some("Oak"));
    assert_eq!(stored.price, Some(35.5));
    Ok(())
}

pub async fn no_changes_sends_no_query(db: &Db) -> R {
    let u = db.repo.insert(user("Kim")).await?;
    db.reset_statements();
    let same = Changeset::cast(u.clone(), serde_json::json!({"name": "Kim"}), User::name);
    assert!(same.changes().is_empty());
    let back = db.repo.update(same).await?;
    assert_eq!(db.statement_count(), 0);
    assert_eq!(back.updated_at, u.updated_at);
    assert_eq!(back, u);
    Ok(())
}

pub async fn refreshes_updated_at(db: &Db) -> R {
    let u = db.repo.insert(user("Lee")).await?;
    let old = chrono::NaiveDate::from_ymd_opt(2001, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("date");
    db.repo
        .update_all(
            User::id.eq(u.id),
            Updates::new()
                .set(User::updated_at, old)
                .set(User::inserted_at, old),
        )
        .await?;
    let stale: User = db.repo.must_get(u.id).await?;
    let updated = db
        .repo
        .update(Changeset::new(stale).put_change(User::age, Some(40)))
        .await?;
    assert!(updated.updated_at > old);
    assert_eq!(updated.inserted_at, old, "inserted_at is not touched");
    let stored: User = db.repo.must_get(u.id).await?;
    assert_eq!(stored.updated_at, updated.updated_at);
    assert_eq!(stored.age, Some(40));
    Ok(())
}

pub async fn missing_row_is_stale(db: &Db) -> R {
    let u = db.repo.insert(user("Gone")).await?;
    db.repo.delete(u.clone()).await?;
    let err = db
        .repo
        .update(Changeset::new(u).put_change(User::name, "X".to_string()))
        .await;
    assert!(
        matches!(
            err,
            Err(Error::Stale {
                action: "update",
                ..
            })
        ),
        "{err:?}"
    );
    Ok(())
}

pub async fn invalid_changeset_sends_no_query(db: &Db) -> R {
    let u = db.repo.insert(user("Val")).await?;
    db.reset_statements();
    let cs = Changeset::cast(u, serde_json::json!({"age": "old"}), User::age);
    let err = db.repo.update(cs).await.expect_err("invalid");
    assert_eq!(db.statement_count(), 0);
    let cs = err.changeset::<Changeset<User>>().expect("changeset");
    assert_eq!(cs.action(), Some(Action::Update));
    assert_eq!(cs.error_messages()["age"], vec!["is invalid"]);
    Ok(())
}

pub async fn delete_marks_deleted_and_missing_is_stale(db: &Db) -> R {
    let u = db.repo.insert(user("Del")).await?;
    let deleted = db.repo.delete(u.clone()).await?;
    assert_eq!(deleted.meta.state(), State::Deleted);
    assert!(db.repo.get::<User, _>(u.id).await?.is_none());
    let again = db.repo.delete(u).await;
    assert!(
        matches!(
            again,
            Err(Error::Stale {
                action: "delete",
                ..
            })
        ),
        "{again:?}"
    );
    Ok(())
}

pub async fn optimistic_lock_bumps_and_detects_stale(db: &Db) -> R {
    let p = db.repo.insert(product("Desk", 100.0)).await?;
    assert_eq!(p.lock_version, 1);
    let first = Changeset::new(p.clone())
        .put_change(Product::price, Some(90.0))
        .optimistic_lock(Product::lock_version);
    let updated = db.repo.update(first).await?;
    assert_eq!(updated.lock_version, 2);
    let stale = Changeset::new(p.clone())
        .put_change(Product::price, Some(80.0))
        .optimistic_lock(Product::lock_version);
    let err = db.repo.update(stale).await;
    assert!(matches!(err, Err(Error::Stale { .. })), "{err:?}");
    let stored: Product = db.repo.must_get(p.id).await?;
    assert_eq!((stored.price, stored.lock_version), (Some(90.0), 2));
    let stale_delete = db
        .repo
        .delete(Changeset::new(p).optimistic_lock(Product::lock_version))
        .await;
    assert!(matches!(stale_delete, Err(Error::Stale { .. })));
    Ok(())
}

pub async fn optimistic_lock_stale_field_error(db: &Db) -> R {
    let p = db.repo.insert(product("Shelf", 20.0)).await?;
    db.repo
        .update(
            Changeset::new(p.clone())
                .put_change(Product::stock, 5)
                .optimistic_lock(Product::lock_version),
        )
        .await?;
    let cs = Changeset::new(p)
        .put_change(Product::stock, 6)
        .optimistic_lock(Product::lock_version)
        .stale_error_field(Product::lock_version);
    let err = db.repo.update(cs).await.expect_err("stale");
    let cs = err.changeset::<Changeset<Product>>().expect("changeset");
    let e = &cs.errors_on("lock_version")[0];
    assert_eq!(e.message, "is stale");
    assert_eq!(e.meta("stale"), Some(&serde_json::json!(true)));
    Ok(())
}

pub async fn insert_or_update_follows_the_state(db: &Db) -> R {
    // Built: inserted.
    let cs = Changeset::cast(
        Product::default(),
        serde_json::json!({"name": "Tulip", "price": "2"}),
        (Product::name, Product::price),
    );
    db.reset_statements();
    let stored = db.repo.insert_or_update(cs).await?;
    assert!(stored.id > 0);
    assert_eq!(stored.meta.state(), State::Loaded);
    assert!(
        db.statements()[0].starts_with("INSERT"),
        "{:?}",
        db.statements()
    );
    // Loaded: the changes are updated, by key.
    let cs = Changeset::cast(
        stored.clone(),
        serde_json::json!({"price": "3"}),
        Product::price,
    );
    db.reset_statements();
    let updated = db.repo.insert_or_update(cs).await?;
    assert_eq!((updated.id, updated.price), (stored.id, Some(3.0)));
    assert_eq!(db.statement_count(), 1);
    assert!(
        db.statements()[0].starts_with("UPDATE"),
        "{:?}",
        db.statements()
    );
    assert_eq!(db.repo.count(Product::query()).await?, 1);
    assert_eq!(
        db.repo.must_get::<Product, _>(stored.id).await?.price,
        Some(3.0)
    );
    // Deleted: refused, nothing sent.
    let deleted = db.repo.delete(updated).await?;
    db.reset_statements();
    let err = db
        .repo
        .insert_or_update(Changeset::new(deleted))
        .await
        .expect_err("deleted");
    assert!(
        matches!(err, Error::Query(quarry::error::QueryError::Deleted { .. })),
        "{err:?}"
    );
    assert_eq!(db.statement_count(), 0);
    // In a multi too.
    let mut multi = Multi::new();
    let fresh = multi.insert_or_update("fresh", Changeset::new(product("Rose", 1.0)));
    let done = db.repo.transaction_multi(multi).await?;
    assert_eq!(done.get(fresh)?.name, "Rose");
    Ok(())
}
