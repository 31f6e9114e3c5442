//! Writing through associations: build_assoc, inserting with parents and
//! children, replacing or clearing a parent, many-to-many links.

use super::{product_names, seed};
use crate::harness::{Db, R};
use crate::schemas::assoc::{Product, Store, Tag};
use crate::schemas::user;
use quarry::prelude::*;
use quarry::{assoc, Error};

pub async fn build_assoc_sets_the_foreign_key(db: &Db) -> R {
    let c = seed(db).await?;
    let mut kiwi = Store::products.build(&c.stores[1])?;
    assert_eq!(kiwi.store_id, Some(c.stores[1].id));
    assert_eq!(kiwi.meta.state(), State::Built);
    kiwi.name = "Kiwi".into();
    db.repo.insert(kiwi).await?;
    let q = assoc(&c.stores[1], Store::products).order_by(Product::name.asc());
    assert_eq!(product_names(&db.repo.all(q).await?), ["Date", "Kiwi"]);
    assert!(matches!(
        Product::store.build(&c.products[0]),
        Err(Error::Query(_))
    ));
    Ok(())
}

pub async fn insert_with_parent_and_children_in_one_transaction(db: &Db) -> R {
    let c = seed(db).await?;
    let repo = &db.repo;
    let store = Store {
        name: "Shop N".into(),
        user: Assoc::loaded(Some(user("Nia"))),
        products: Assoc::loaded(vec![
            Product {
                name: "Kiwi".into(),
                ..Default::default()
            },
            c.products[4].clone(),
        ]),
        ..Default::default()
    };
    let stored = repo
        .insert_with(store, (Store::user, Store::products))
        .await?;
    let nia = stored.user.get()?.as_ref().ok_or("user")?;
    assert!(
        nia.id > 0 && nia.name == "Nia",
        "the new parent is inserted first"
    );
    assert_eq!(stored.user_id, Some(nia.id));
    let products = stored.products.get()?;
    assert_eq!(product_names(products), ["Kiwi", "Loose"]);
    assert!(products
        .iter()
        .all(|p| p.id > 0 && p.store_id == Some(stored.id)));
    let q = assoc(&stored, Store::products).order_by(Product::name.asc());
    assert_eq!(
        product_names(&repo.all(q).await?),
        ["Kiwi", "Loose"],
        "a new child inserted, a loaded one moved"
    );

    // Many-to-many: a new tag is inserted, both are linked.
    let mut fig = Product {
        name: "Fig".into(),
        ..Default::default()
    };
    fig.tags.set(vec![
        Tag {
            name: "sweet".into(),
            ..Default::default()
        },
        c.tags[0].clone(),
    ]);
    let fig = repo.insert_with(fig, Product::tags).await?;
    let fig = repo.preload(fig, Product::tags.force()).await?;
    let tags: Vec<&str> = fig.tags.get()?.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["red", "sweet"]);
    Ok(())
}

pub async fn failed_child_rolls_back_the_parent(db: &Db) -> R {
    seed(db).await?;
    let repo = &db.repo;
    let (stores, products) = (
        repo.count(Store::query()).await?,
        repo.count(Product::query()).await?,
    );
    let store = Store {
        name: "Shop X".into(),
        products: Assoc::loaded(vec![
            Product {
                name: "Fine".into(),
                ..Default::default()
            },
            Product {
                name: "Broken".into(),
                stock: -1,
                ..Default::default()
            },
        ]),
        ..Default::default()
    };
    let err = repo.insert_with(store, Store::products).await;
    assert!(
        matches!(err, Err(Error::Constraint { .. })),
        "the CHECK constraint fails: {err:?}"
    );
    assert_eq!(
        repo.count(Store::query()).await?,
        stores,
        "the store is rolled back"
    );
    assert_eq!(repo.count(Product::query()).await?, products);
    Ok(())
}

pub async fn put_assoc_replaces_and_clears_a_parent(db: &Db) -> R {
    let c = seed(db).await?;
    let repo = &db.repo;
    let apple = c.products[1].clone();
    let cs = Changeset::new(apple.clone()).put_assoc(Product::store, Some(c.stores[1].clone()))?;
    assert_eq!(cs.get_change(Product::store_id), Some(Some(c.stores[1].id)));
    let moved = repo.update(cs).await?;
    assert_eq!(db.statement_count(), 1);
    assert_eq!(moved.store_id, Some(c.stores[1].id));
    assert_eq!(
        moved.store.get()?.as_ref().map(|s| s.name.as_str()),
        Some("Shop B")
    );
    let stored: Product = repo.must_get(apple.id).await?;
    assert_eq!(stored.store_id, Some(c.stores[1].id));

    let cleared = repo
        .update(Changeset::new(moved).put_assoc(Product::store, None)?)
        .await?;
    assert_eq!(cleared.store.get()?, &None);
    let stored: Product = repo.must_get(apple.id).await?;
    assert_eq!(stored.store_id, None, "the foreign key is cleared");

    db.reset_statements();
    let unsaved = Changeset::new(apple).put_assoc(Product::store, Some(Store::default()))?;
    assert_eq!(unsaved.error_messages()["store"], ["is not saved"]);
    assert!(matches!(repo.update(unsaved).await, Err(Error::Invalid(_))));
    let many = Changeset::new(Tag::default()).put_assoc(Tag::products, Vec::new());
    assert!(
        matches!(many, Err(Error::Query(_))),
        "put_assoc takes belongs_to, has_many and has_one"
    );
    assert_eq!(db.statement_count(), 0);
    Ok(())
}

pub async fn link_and_unlink_many_to_many(db: &Db) -> R {
    let c = seed(db).await?;
    let repo = &db.repo;
    let banana = c.products[2].clone();
    repo.link(&banana, Product::tags, &c.tags[1]).await?;
    assert_eq!(db.statement_count(), 1);
    let banana = repo.preload(banana, Product::tags).await?;
    let tags: Vec<&str> = banana.tags.get()?.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["green"]);
    assert_eq!(repo.unlink(&banana, Product::tags, &c.tags[1]).await?, 1);
    let banana = repo.preload(banana, Product::tags.force()).await?;
    assert!(banana.tags.get()?.is_empty());
    assert_eq!(repo.unlink(&banana, Product::tags, &c.tags[1]).await?, 0);
    let err = repo.link(&c.stores[0], Store::products, &banana).await;
    assert!(
        matches!(err, Err(Error::Query(_))),
        "links are many_to_many only"
    );
    Ok(())
}

pub async fn assoc_constraint_puts_the_error_on_the_association(db: &Db) -> R {
    seed(db).await?;
    let cs = Changeset::cast(
        Product::default(),
        serde_json::json!({"name": "Ghost", "store_id": 999_999}),
        (Product::name, Product::store_id),
    )
    .assoc_constraint(Product::store);
    match db.repo.insert(cs).await {
        Err(Error::Invalid(invalid)) => {
            let cs = invalid
                .changeset::<Changeset<Product>>()
                .ok_or("changeset")?;
            assert_eq!(cs.error_messages()["store"], ["does not exist"]);
        }
        other => panic!("expected an invalid changeset, got {other:?}"),
    }
    Ok(())
}
