//! Multi: named steps in one transaction, typed results, failures that name
//! their step and leave nothing written.

use crate::harness::{Db, R};
use crate::schemas::{product, store, user, Product, Store, User};
use quarry::multi::Results;
use quarry::prelude::*;
use quarry::Error;

async fn counts(db: &Db) -> quarry::Result<(i64, i64, i64)> {
    Ok((
        db.repo.count(User::query()).await?,
        db.repo.count(Store::query()).await?,
        db.repo.count(Product::query()).await?,
    ))
}

pub async fn steps_run_in_one_transaction_with_typed_results(db: &Db) -> R {
    let old = db.repo.insert(product("Old", 1.0)).await?;
    let mut multi = Multi::new();
    let owner = multi.insert("owner", user("Owner"));
    let shop = multi.run("shop", move |tx, done: &Results| {
        Box::pin(async move {
            let owner: &User = done.get(owner)?;
            tx.insert(store("Shop", Some(owner.id))).await
        })
    });
    let stocked = multi.run("stock", move |tx, done| {
        Box::pin(async move {
            let shop = done.get(shop)?;
            let rows: Vec<Product> = ["Tulip", "Rose"]
                .into_iter()
                .map(|n| Product {
                    store_id: Some(shop.id),
                    ..product(n, 2.0)
                })
                .collect();
            Ok(tx.insert_all(rows).await?.0)
        })
    });
    let more = multi.insert_all("more", vec![product("Lily", 3.0)]);
    let raised = multi.update_all(
        "raise",
        Product::price.eq(Some(2.0)),
        Updates::new().set(Product::price, Some(2.5)),
    );
    let renamed = multi.update(
        "rename",
        Changeset::new(old.clone()).put_change(Product::name, "Older".to_string()),
    );
    let gone = multi.delete("drop", old);
    let cleared = multi.delete_all("clear", Product::name.eq("Nothing"));
    db.reset_statements();
    let done = db.repo.transaction_multi(multi).await?;
    assert_eq!(
        done.names(),
        ["owner", "shop", "stock", "more", "raise", "rename", "drop", "clear"]
    );
    let owner: &User = done.get(owner)?;
    let shop: &Store = done.get(shop)?;
    assert_eq!(shop.user_id, Some(owner.id));
    assert_eq!(*done.get(stocked)?, 2);
    assert_eq!(*done.get(more)?, 1);
    assert_eq!(*done.get(raised)?, 2);
    assert_eq!(done.get(renamed)?.name, "Older");
    assert_eq!(done.get(gone)?.meta.state(), State::Deleted);
    assert_eq!(*done.get(cleared)?, 0);
    let statements = db.statements();
    assert_eq!(
        statements.iter().filter(|s| *s == "COMMIT").count(),
        1,
        "one transaction: {statements:?}"
    );
    assert_eq!(statements.last().map(String::as_str), Some("COMMIT"));
    assert_eq!(counts(db).await?, (1, 1, 3));
    Ok(())
}

pub async fn a_failing_third_step_leaves_the_first_two_unwritten(db: &Db) -> R {
    let mut multi = Multi::new();
    let owner = multi.insert("owner", user("Owner"));
    let shop = multi.run("shop", move |tx, done| {
        Box::pin(async move { tx.insert(store("Shop", Some(done.get(owner)?.id))).await })
    });
    let bad = multi.run("product", move |tx, done| {
        Box::pin(async move {
            let mut p = product("Tulip", 1.0);
            p.store_id = Some(done.get(shop)?.id);
            p.stock = -1;
            let cs = Changeset::new(p).check_constraint(Product::stock, "stock_not_negative");
            tx.insert(cs).await
        })
    });
    let never = multi.insert("never", user("Never"));
    let err = db
        .repo
        .transaction_multi(multi)
        .await
        .expect_err("the third step fails");
    assert_eq!(err.step(), Some("product"));
    assert_eq!(err.done().names(), ["owner", "shop"]);
    assert_eq!(err.done().get(owner)?.name, "Owner");
    assert!(
        err.done().get(shop)?.id > 0,
        "the results before it are given"
    );
    assert!(err.done().get(bad).is_err() && err.done().get(never).is_err());
    let cs = err
        .error()
        .changeset::<Changeset<Product>>()
        .expect("the step's invalid changeset");
    assert_eq!(cs.error_messages()["stock"], vec!["is invalid"]);
    assert!(err.to_string().contains("`product`"), "{err}");
    assert_eq!(counts(db).await?, (0, 0, 0), "nothing written");
    Ok(())
}

pub async fn duplicate_names_and_invalid_changesets_fail_before_anything_runs(db: &Db) -> R {
    let mut multi = Multi::new();
    multi.insert("a", user("A"));
    multi.insert("a", user("B"));
    db.reset_statements();
    let err = db
        .repo
        .transaction_multi(multi)
        .await
        .expect_err("duplicate");
    assert_eq!(err.step(), Some("a"));
    assert!(err.to_string().contains("two steps named `a`"), "{err}");
    assert_eq!(db.statement_count(), 0);

    let mut multi = Multi::new();
    multi.insert("ok", user("A"));
    let invalid = Changeset::cast(User::default(), serde_json::json!({"name": ""}), User::name)
        .validate_required(User::name);
    multi.insert("invalid", invalid);
    let err = db.repo.transaction_multi(multi).await.expect_err("invalid");
    assert_eq!(err.step(), Some("invalid"));
    assert!(err.done().is_empty());
    let cs = err
        .error()
        .changeset::<Changeset<User>>()
        .expect("the changeset");
    assert_eq!(cs.action(), Some(Action::Insert));
    assert_eq!(cs.error_messages()["name"], vec!["can't be blank"]);
    assert_eq!(db.statement_count(), 0, "nothing sent");
    assert_eq!(counts(db).await?.0, 0);
    Ok(())
}

pub async fn append_and_merge(db: &Db) -> R {
    let mut first = Multi::new();
    let a = first.insert("a", user("A"));
    let mut second = Multi::new();
    let b = second.insert("b", user("B"));
    first.append(second);
    first.merge(move |done| {
        let a = done.get(a)?;
        let mut more = Multi::new();
        more.insert("shop of a", store("Shop", Some(a.id)));
        Ok(more)
    });
    let after = first.run("after", move |tx, _| {
        Box::pin(async move { tx.count(Store::query()).await })
    });
    let done = db.repo.transaction_multi(first).await?;
    assert_eq!(done.names(), ["a", "b", "shop of a", "after"]);
    assert_eq!(done.get(b)?.name, "B", "a handle of the appended multi");
    assert_eq!(
        done.get_named::<Store>("shop of a")?.name,
        "Shop",
        "a merged step, by name"
    );
    assert!(done.get_named::<User>("shop of a").is_err(), "not a User");
    assert_eq!(*done.get(after)?, 1);
    // A merged step named like one before is refused, and rolls back.
    let mut multi = Multi::new();
    multi.insert("c", user("C"));
    multi.merge(|_| {
        let mut m = Multi::new();
        m.insert("c", user("C again"));
        Ok(m)
    });
    let err = db
        .repo
        .transaction_multi(multi)
        .await
        .expect_err("duplicate");
    assert_eq!(err.step(), Some("c"));
    assert_eq!(counts(db).await?.0, 2, "C was rolled back");
    Ok(())
}

pub async fn inside_a_transaction_it_is_a_savepoint(db: &Db) -> R {
    let result = db
        .repo
        .transaction(|tx| {
            Box::pin(async move {
                tx.insert(user("Outer")).await?;
                let mut multi = Multi::new();
                multi.insert("inner", user("Inner"));
                multi.run("fail", |_, _| {
                    Box::pin(async { Err::<(), _>(Error::Query("no".into())) })
                });
                let err = tx.transaction_multi(multi).await.expect_err("fails");
                assert_eq!(err.step(), Some("fail"));
                Ok::<_, Error>(())
            })
        })
        .await;
    result?;
    let names: Vec<String> = db
        .repo
        .all(User::query())
        .await?
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["Outer"]);
    Ok(())
}
