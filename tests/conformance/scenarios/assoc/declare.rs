//! Declared associations: their not-loaded state, and the tutorial's steps.

use crate::harness::{Db, R};
use crate::schemas::assoc::{Product, Store, User};
use crate::schemas::user;
use quarry::prelude::*;
use quarry::Error;

pub async fn not_loaded_is_a_typed_error_and_prints_a_marker(db: &Db) -> R {
    let names: Vec<&str> = User::FIELDS.iter().map(|f| f.name).collect();
    assert_eq!(
        names,
        ["id", "name", "email", "age", "inserted_at", "updated_at"],
        "association fields are not columns"
    );
    let alex = db.repo.insert(user("Alex")).await?;
    let alex: User = db.repo.must_get(alex.id).await?;
    db.reset_statements();
    match alex.store.get() {
        Err(Error::NotLoaded {
            schema: "User",
            association: "store",
        }) => {}
        other => panic!("expected NotLoaded, got {other:?}"),
    }
    assert!(alex.posts.value().is_none(), "not loaded is None, not []");
    assert!(!alex.posts.is_loaded());
    let shown = format!("{alex:?}");
    assert!(
        shown.contains("store: #NotLoaded<association :store is not loaded>"),
        "{shown}"
    );
    let err = alex
        .posts
        .get()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("association `posts` of User is not loaded"),
        "{err}"
    );
    assert_eq!(
        db.statement_count(),
        0,
        "reading an association sends nothing"
    );
    Ok(())
}

/// The tutorial: a user, their store (inserted with `user: user`), a product in
/// it (inserted with `store: store`); the user with the store preloaded; the
/// nested preload store -> user.
pub async fn tutorial_user_store_product(db: &Db) -> R {
    let repo = &db.repo;
    let user = repo.insert(user("Alex")).await?;
    let store = repo
        .insert(Store {
            name: "Alex store".into(),
            user: Assoc::loaded(Some(user.clone())),
            ..Default::default()
        })
        .await?;
    assert_eq!(
        store.user_id,
        Some(user.id),
        "the loaded parent sets user_id"
    );
    let product = repo
        .insert(Product {
            name: "Alex turtle necks".into(),
            price: Some(20.99),
            description: Some("Cheap turtle necks to make you comfortable".into()),
            store: Assoc::loaded(Some(store.clone())),
            ..Default::default()
        })
        .await?;
    assert_eq!(product.store_id, Some(store.id));

    // Repo.get(User, 1) |> Repo.preload([:store])
    db.reset_statements();
    let found: Option<User> = repo.get(user.id).await?;
    let found = repo.preload(found, User::store).await?.ok_or("no user")?;
    assert_eq!(db.statement_count(), 2, "get + one preload query");
    let loaded = found.store.get()?.as_ref().ok_or("no store")?;
    assert_eq!(loaded.name, "Alex store");
    assert_eq!(loaded.user_id, Some(user.id));
    assert!(!loaded.products.is_loaded() && !loaded.user.is_loaded());
    let shown = format!("{found:#?}");
    assert!(
        shown.contains("products: #NotLoaded<association :products is not loaded>"),
        "{shown}"
    );

    // Repo.get(User, 1) |> Repo.preload([store: :user])
    db.reset_statements();
    let found: User = repo.must_get(user.id).await?;
    let found = repo
        .preload(found, User::store.preload(Store::user))
        .await?;
    assert_eq!(db.statement_count(), 3, "get + store + user");
    let store = found.store.get()?.as_ref().ok_or("no store")?;
    let owner = store.user.get()?.as_ref().ok_or("no owner")?;
    assert_eq!(owner.name, "Alex");
    assert!(!owner.store.is_loaded(), "one level down is not loaded");
    Ok(())
}
