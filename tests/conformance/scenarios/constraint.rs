use crate::harness::{Db, R};
use crate::schemas::{product, store, user, Product, User};
use quarry::error::ConstraintKind;
use quarry::prelude::*;
use quarry::Error;

fn with_email(name: &str, email: &str) -> Changeset<User> {
    Changeset::cast(user(name), serde_json::json!({"email": email}), User::email)
}

pub async fn declared_unique_becomes_changeset_error(db: &Db) -> R {
    db.repo.insert(with_email("A", "a@x.io")).await?;
    let err = db
        .repo
        .insert(with_email("B", "a@x.io").unique_constraint(User::email))
        .await
        .expect_err("taken");
    let cs = err.changeset::<Changeset<User>>().expect("changeset");
    let e = &cs.errors_on("email")[0];
    assert_eq!(e.message, "has already been taken");
    assert_eq!(e.meta("constraint"), Some(&serde_json::json!("unique")));
    assert_eq!(
        e.meta("constraint_name"),
        Some(&serde_json::json!("users_email_index"))
    );
    assert!(!cs.is_valid());
    assert_eq!(
        db.repo.count(User::query()).await?,
        1,
        "nothing was written"
    );
    // Multi-column unique index, declared with its fields.
    let mut p = product("Pen", 1.0);
    p.store_id = None;
    let s = db.repo.insert(store("S", None)).await?;
    p.store_id = Some(s.id);
    db.repo.insert(p.clone()).await?;
    let err = db
        .repo
        .insert(Changeset::new(p).unique_constraint((Product::name, Product::store_id)))
        .await
        .expect_err("dup");
    let cs = err.changeset::<Changeset<Product>>().expect("changeset");
    assert_eq!(
        cs.errors_on("name")[0].meta("constraint_name"),
        Some(&serde_json::json!("products_name_store_id_index"))
    );
    Ok(())
}

pub async fn undeclared_unique_is_typed_error(db: &Db) -> R {
    db.repo.insert(with_email("A", "dup@x.io")).await?;
    let err = db.repo.insert(with_email("B", "dup@x.io")).await;
    match err {
        Err(Error::Constraint { name, kind, table }) => {
            assert_eq!(kind, ConstraintKind::Unique);
            assert_eq!(name, "users_email_index");
            assert_eq!(table, "users");
        }
        other => panic!("expected a constraint error, got {other:?}"),
    }
    Ok(())
}

pub async fn foreign_key_error_on_the_right_field(db: &Db) -> R {
    let u = db.repo.insert(user("Owner")).await?;
    let s = db.repo.insert(store("Real", Some(u.id))).await?;
    let mut p = product("Orphan", 1.0);
    p.store_id = Some(s.id + 999);
    let cs = Changeset::new(p.clone()).foreign_key_constraint(Product::store_id);
    let err = db.repo.insert(cs).await.expect_err("fk");
    let cs = err
        .changeset::<Changeset<Product>>()
        .unwrap_or_else(|| panic!("declared: {err:?}"));
    let e = &cs.errors_on("store_id")[0];
    assert_eq!(e.message, "does not exist");
    assert_eq!(e.meta("constraint"), Some(&serde_json::json!("foreign")));
    assert_eq!(
        e.meta("constraint_name"),
        Some(&serde_json::json!("products_store_id_fkey"))
    );
    // Undeclared: a typed error naming the constraint.
    let err = db.repo.insert(p).await;
    match err {
        Err(Error::Constraint {
            name,
            kind: ConstraintKind::ForeignKey,
            ..
        }) => assert_eq!(name, "products_store_id_fkey"),
        other => panic!("expected a foreign key error, got {other:?}"),
    }
    // On update too.
    let mut good = product("Good", 1.0);
    good.store_id = Some(s.id);
    let good = db.repo.insert(good).await?;
    let cs = Changeset::new(good)
        .put_change(Product::store_id, Some(s.id + 5))
        .foreign_key_constraint(Product::store_id);
    let err = db.repo.update(cs).await.expect_err("fk on update");
    assert!(err.changeset::<Changeset<Product>>().is_some(), "{err:?}");
    Ok(())
}

pub async fn check_constraint_by_name(db: &Db) -> R {
    let mut p = product("Negative", 1.0);
    p.stock = -1;
    let cs = Changeset::new(p.clone()).check_constraint(Product::stock, "stock_not_negative");
    let err = db.repo.insert(cs).await.expect_err("check");
    let cs = err
        .changeset::<Changeset<Product>>()
        .unwrap_or_else(|| panic!("declared: {err:?}"));
    let e = &cs.errors_on("stock")[0];
    assert_eq!(e.message, "is invalid");
    assert_eq!(e.meta("constraint"), Some(&serde_json::json!("check")));
    let err = db.repo.insert(p).await;
    assert!(
        matches!(&err, Err(Error::Constraint { kind: ConstraintKind::Check, name, .. }) if name == "stock_not_negative"),
        "{err:?}"
    );
    Ok(())
}

pub async fn not_null_is_typed_error(db: &Db) -> R {
    let cs = Changeset::cast(user("x"), serde_json::json!({"name": null}), User::name);
    let err = db.repo.insert(cs).await;
    let violation_kind = match &err {
        Err(Error::Constraint { kind, .. }) => Some(*kind),
        _ => None,
    };
    assert_eq!(violation_kind, Some(ConstraintKind::NotNull), "{err:?}");
    Ok(())
}
