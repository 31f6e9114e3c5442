//! `repo.preload` and `query.preload`: every rule of Ecto's preload, with the
//! statements each costs.

use super::{product_names, seed};
use crate::harness::{Db, Kind, R};
use crate::schemas::assoc::{Comment, Post, Product, Store, Tag, User};
use quarry::prelude::*;
use quarry::Error;

pub async fn one_struct_an_option_and_a_vec(db: &Db) -> R {
    let c = seed(db).await?;
    let repo = &db.repo;
    let shop_a = repo.preload(c.stores[0].clone(), Store::products).await?;
    assert_eq!(
        product_names(shop_a.products.get()?),
        ["Apple", "Banana", "Cherry"]
    );
    assert_eq!(db.statement_count(), 1);

    db.reset_statements();
    let some = repo.preload(Some(c.stores[1].clone()), Store::user).await?;
    let owner = some.ok_or("store")?.user.into_result()?.ok_or("owner")?;
    assert_eq!(owner.name, "Bob");
    let none: Option<Store> = repo.preload(None, Store::user).await?;
    assert!(none.is_none());
    assert_eq!(db.statement_count(), 1, "None sends nothing");

    db.reset_statements();
    let all = repo.preload(c.stores.clone(), Store::products).await?;
    let counts: Vec<usize> = all
        .iter()
        .map(|s| s.products.get().map(Vec::len))
        .collect::<Result<_, _>>()?;
    assert_eq!(counts, [3, 1, 0]);
    assert_eq!(db.statement_count(), 1, "one query for three parents");

    db.reset_statements();
    let stores = repo
        .all(
            Store::query()
                .order_by(Store::id.asc())
                .preload(Store::products),
        )
        .await?;
    assert_eq!(stores.len(), 3);
    assert!(stores.iter().all(|s| s.products.is_loaded()));
    assert_eq!(db.statement_count(), 2, "the query and one preload query");
    let one = repo
        .one(
            Store::query()
                .filter(Store::name.eq("Shop B"))
                .preload(Store::user),
        )
        .await?
        .ok_or("Shop B")?;
    assert_eq!(
        one.user.get()?.as_ref().map(|u| u.name.as_str()),
        Some("Bob")
    );
    Ok(())
}

/// store -> [user, products -> [tags, store]]: several associations per
/// level, three levels, one statement per association per level.
pub async fn several_associations_and_nested_levels(db: &Db) -> R {
    let c = seed(db).await?;
    let spec = (
        Store::user,
        Store::products.preload((Product::tags, Product::store.preload(Store::user))),
    );
    let stores = db.repo.preload(c.stores.clone(), spec).await?;
    assert_eq!(db.statement_count(), 5, "{:#?}", db.statements());
    let a = &stores[0];
    assert_eq!(a.user.get()?.as_ref().map(|u| u.name.as_str()), Some("Ann"));
    let products = a.products.get()?;
    let apple = &products[0];
    assert_eq!(apple.name, "Apple");
    let tags: Vec<&str> = apple.tags.get()?.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["green", "red"], "many_to_many preload_order(name)");
    let back = apple.store.get()?.as_ref().ok_or("store")?;
    assert_eq!(back.name, "Shop A");
    assert_eq!(
        back.user.get()?.as_ref().map(|u| u.name.as_str()),
        Some("Ann"),
        "third level"
    );
    assert!(!stores[2].user.get()?.is_some(), "Shop C has no owner");
    Ok(())
}

/// The keys a preload statement sends: its `?`s, or on Postgres, where the
/// keys are one array (`= ANY($1)`), the array's elements.
fn bound(db: &Db, sql: &str, params: &str) -> usize {
    if db.kind == Kind::Postgres {
        assert!(sql.contains("= ANY($1)"), "one array of keys: {sql}");
        params.matches("Int(Some(").count()
    } else {
        sql.matches('?').count()
    }
}

pub async fn keys_deduplicated_and_null_keys_skipped(db: &Db) -> R {
    let c = seed(db).await?;
    // Four products of two stores, and one in none: two keys are sent.
    let products = db.repo.preload(c.products.clone(), Product::store).await?;
    let stmts = db.statements();
    assert_eq!(stmts.len(), 1);
    assert_eq!(
        bound(db, &stmts[0], &db.parameters()[0]),
        2,
        "keys deduplicated, NULL skipped: {}",
        stmts[0]
    );
    let stores: Vec<Option<String>> = products
        .iter()
        .map(|p| p.store.get().map(|s| s.as_ref().map(|s| s.name.clone())))
        .collect::<Result<_, _>>()?;
    assert_eq!(
        stores,
        [
            Some("Shop A".into()),
            Some("Shop A".into()),
            Some("Shop A".into()),
            Some("Shop B".into()),
            None
        ]
    );
    // Only NULL keys: no query at all, every association loaded as None.
    db.reset_statements();
    let loose = vec![c.products[4].clone(), c.products[4].clone()];
    let loose = db.repo.preload(loose, Product::store).await?;
    assert_eq!(db.statement_count(), 0, "all keys NULL: no query");
    assert!(loose.iter().all(|p| matches!(p.store.get(), Ok(None))));
    Ok(())
}

pub async fn parents_keep_order_and_children_are_ordered(db: &Db) -> R {
    let c = seed(db).await?;
    let given = vec![
        c.stores[2].clone(),
        c.stores[0].clone(),
        c.stores[1].clone(),
        c.stores[0].clone(),
    ];
    let stores = db.repo.preload(given, Store::products).await?;
    let order: Vec<&str> = stores.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        order,
        ["Shop C", "Shop A", "Shop B", "Shop A"],
        "parents keep their order"
    );
    assert_eq!(
        product_names(stores[1].products.get()?),
        ["Apple", "Banana", "Cherry"],
        "has_many ordered by preload_order(name), not insertion"
    );
    assert_eq!(
        stores[1].products.get()?,
        stores[3].products.get()?,
        "a parent given twice gets its rows twice"
    );
    // The statement orders by the association's order only: rows are grouped
    // by hashing, so no sort on the foreign key is asked of the database.
    let sql = db.statements().concat();
    let order_by = sql.find("ORDER BY").map(|at| &sql[at..]).unwrap_or("");
    assert!(
        (order_by.contains("\"name\"") || order_by.contains("`name`"))
            && !order_by.contains("store_id"),
        "{sql}"
    );
    Ok(())
}

pub async fn empty_results_are_empty_vec_or_none(db: &Db) -> R {
    let c = seed(db).await?;
    let cy = c.users[2].clone();
    let cy = db.repo.preload(cy, (User::store, User::posts)).await?;
    assert_eq!(cy.store.get()?, &None, "has_one without a row: None");
    assert!(cy.posts.get()?.is_empty(), "has_many without rows: []");
    let shop_c = db.repo.preload(c.stores[2].clone(), Store::user).await?;
    assert_eq!(
        shop_c.user.get()?,
        &None,
        "belongs_to with a NULL key: None"
    );
    Ok(())
}

pub async fn custom_query_per_level(db: &Db) -> R {
    let c = seed(db).await?;
    let spec = Store::products
        .query(
            Product::query()
                .filter(Product::price.gt(1.0))
                .order_by(Product::price.desc()),
        )
        .preload(Product::tags.query(Tag::query().filter(Tag::name.eq("red"))));
    let a = db.repo.preload(c.stores[0].clone(), spec).await?;
    let products = a.products.get()?;
    assert_eq!(
        product_names(products),
        ["Cherry", "Apple"],
        "filtered (price > 1) and in the query's order (price desc)"
    );
    for p in products {
        let tags: Vec<&str> = p.tags.get()?.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(tags, ["red"], "the nested level has its own query");
    }
    assert_eq!(db.statement_count(), 2);
    Ok(())
}

pub async fn loaded_associations_are_not_fetched_again(db: &Db) -> R {
    let c = seed(db).await?;
    let repo = &db.repo;
    let a = repo.preload(c.stores[0].clone(), Store::products).await?;
    repo.insert(Product {
        name: "Elder".into(),
        store_id: Some(a.id),
        ..Default::default()
    })
    .await?;
    db.reset_statements();
    let again = repo.preload(a.clone(), Store::products).await?;
    assert_eq!(db.statement_count(), 0, "already loaded: nothing sent");
    assert_eq!(again.products.get()?.len(), 3, "the loaded rows are kept");
    // Nested preloads still run into the rows already loaded.
    let nested = repo
        .preload(again, Store::products.preload(Product::tags))
        .await?;
    assert_eq!(db.statement_count(), 1, "only the tags");
    assert!(nested.products.get()?.iter().all(|p| p.tags.is_loaded()));
    db.reset_statements();
    let forced = repo.preload(nested, Store::products.force()).await?;
    assert_eq!(db.statement_count(), 1);
    assert_eq!(
        product_names(forced.products.get()?),
        ["Apple", "Banana", "Cherry", "Elder"],
        "forced: fetched again"
    );
    Ok(())
}

pub async fn preload_query_with_limit_is_refused(db: &Db) -> R {
    let c = seed(db).await?;
    let spec = Store::products.query(Product::query().limit(3));
    match db.repo.preload(c.stores.clone(), spec).await {
        Err(Error::Query(msg)) => assert!(msg.to_string().contains("limit_per_parent"), "{msg}"),
        other => panic!("expected Error::Query, got {other:?}"),
    }
    assert_eq!(db.statement_count(), 0);
    Ok(())
}

pub async fn many_to_many_and_through(db: &Db) -> R {
    let c = seed(db).await?;
    let repo = &db.repo;
    let red = repo.preload(c.tags[0].clone(), Tag::products).await?;
    let mut on_red = product_names(red.products.get()?);
    on_red.sort();
    assert_eq!(on_red, ["Apple", "Cherry"]);
    // has_many through has_one: a user's products through their store.
    let users = repo.preload(c.users.clone(), User::products).await?;
    assert_eq!(db.statement_count(), 2);
    let mut anns = product_names(users[0].products.get()?);
    anns.sort();
    assert_eq!(anns, ["Apple", "Banana", "Cherry"]);
    assert!(users[2].products.get()?.is_empty());
    assert!(
        !users[0].store.is_loaded(),
        "the intermediate is not loaded"
    );
    // has_many through has_many: comments of a user's posts, each once.
    let post = repo
        .insert(Post {
            title: "Hello".into(),
            user_id: Some(c.users[0].id),
            ..Default::default()
        })
        .await?;
    for body in ["first", "second"] {
        repo.insert(Comment {
            body: body.into(),
            post_id: Some(post.id),
            ..Default::default()
        })
        .await?;
    }
    db.reset_statements();
    let ann = repo.preload(c.users[0].clone(), User::comments).await?;
    let mut bodies: Vec<&str> = ann
        .comments
        .get()?
        .iter()
        .map(|c| c.body.as_str())
        .collect();
    bodies.sort();
    assert_eq!(bodies, ["first", "second"]);
    assert_eq!(
        db.statement_count(),
        1,
        "a through association is one query"
    );
    Ok(())
}

/// Every read of the Repo runs a query's preloads (Ecto's `Repo.all`,
/// `Repo.one`, `Repo.get_by!`, `Repo.stream` with `preload:`), by separate
/// queries and from a join alike.
pub async fn every_read_runs_the_preloads(db: &Db) -> R {
    seed(db).await?;
    let repo = &db.repo;
    let by_name = |name: &'static str| {
        Store::query()
            .filter(Store::name.eq(name))
            .preload((Store::user, Store::products))
    };

    db.reset_statements();
    let a = repo.get_by(by_name("Shop A")).await?.ok_or("Shop A")?;
    assert_eq!(a.user.get()?.as_ref().map(|u| u.name.as_str()), Some("Ann"));
    assert_eq!(
        product_names(a.products.get()?),
        ["Apple", "Banana", "Cherry"]
    );
    assert_eq!(db.statement_count(), 3, "{:#?}", db.statements());

    let b = repo.must_get_by(by_name("Shop B")).await?;
    assert_eq!(b.products.get()?.len(), 1);
    let missing = repo.must_get_by(by_name("nowhere")).await;
    assert!(
        matches!(missing, Err(Error::NoResults { table: "stores" })),
        "{missing:?}"
    );
    let many = repo.one(Store::query().preload(Store::products)).await;
    assert!(
        matches!(many, Err(Error::MultipleResults { count: 3, .. })),
        "{many:?}"
    );

    db.reset_statements();
    let mut seen = Vec::new();
    let count = repo
        .stream_each(
            Store::query()
                .order_by(Store::id.asc())
                .preload(Store::products),
            |s: Store| {
                seen.push((s.name.clone(), s.products.get()?.len()));
                Ok(())
            },
        )
        .await?;
    assert_eq!(count, 3);
    assert_eq!(
        seen,
        [
            ("Shop A".to_string(), 3),
            ("Shop B".to_string(), 1),
            ("Shop C".to_string(), 0)
        ]
    );
    assert_eq!(db.statement_count(), 2, "{:#?}", db.statements());

    db.reset_statements();
    let joined = repo
        .get_by(
            Store::query()
                .filter(Store::name.eq("Shop A"))
                .left_join_assoc(Store::products)
                .preload_join(Store::products),
        )
        .await?
        .ok_or("Shop A joined")?;
    assert_eq!(joined.products.get()?.len(), 3);
    assert_eq!(db.statement_count(), 1, "one joined statement");
    Ok(())
}
