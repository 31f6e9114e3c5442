//! Nested changesets: `cast_assoc` / `put_assoc` written with their owner in
//! one transaction, matched by key, on_replace, nested errors and rollback.

use crate::harness::{Db, Scenario, R};
use crate::schemas::assoc::{Product, Store, User};
use quarry::prelude::*;
use quarry::{assoc, Error};
use serde_json::json;

pub fn all() -> Vec<Scenario> {
    crate::scenarios![
        nested_insert_of_parent_and_children,
        nested_update_matches_children_by_key,
        nested_invalid_child_writes_nothing,
        nested_child_constraint_rolls_back_the_parent,
        nested_belongs_to_and_has_one,
        nested_put_assoc_has_many_and_has_one,
        nested_embeds_round_trip,
        nested_two_levels,
        nested_embed_errors_nest_and_write_nothing,
    ]
}

/// The products' changeset function (Ecto's `Product.changeset/2`).
pub fn product_changeset(p: Product, params: Params) -> Changeset<Product> {
    Changeset::cast(p, params, (Product::name, Product::price, Product::stock))
        .validate_required(Product::name)
        .unique_constraint((Product::name, Product::store_id))
        .check_constraint(Product::stock, "stock_not_negative")
}

fn store_changeset(s: Store, params: Params) -> Changeset<Store> {
    Changeset::cast(s, params, Store::name).validate_required(Store::name)
}

fn products_of(store: &Store) -> Result<Vec<(String, Option<i64>)>, Error> {
    Ok(store
        .products
        .get()?
        .iter()
        .map(|p| (p.name.clone(), p.store_id))
        .collect())
}

async fn stored_names(db: &Db, store: &Store) -> Result<Vec<String>, Error> {
    let q = assoc(store, Store::products).order_by(Product::name.asc());
    Ok(db.repo.all(q).await?.into_iter().map(|p| p.name).collect())
}

pub async fn nested_insert_of_parent_and_children(db: &Db) -> R {
    let body = json!({"name": "Shop", "products": [
        {"name": "Kiwi", "price": "1.5"},
        {"name": "Lime", "stock": 3}
    ]});
    let cs = store_changeset(Store::default(), body.clone().into())
        .cast_assoc_with(Store::products, product_changeset)?;
    let stored = db.repo.insert(cs).await?;
    assert!(stored.id > 0);
    assert_eq!(
        products_of(&stored)?,
        [
            ("Kiwi".to_string(), Some(stored.id)),
            ("Lime".to_string(), Some(stored.id))
        ],
        "the result holds the stored children, foreign keys set"
    );
    let kids = stored.products.get()?;
    assert!(kids
        .iter()
        .all(|p| p.id > 0 && p.meta.state() == State::Loaded));
    assert_eq!(kids[0].price, Some(1.5));
    assert_eq!(kids[1].stock, 3);
    assert_eq!(stored_names(db, &stored).await?, ["Kiwi", "Lime"]);
    // A map of index => params (a form) works the same.
    let form = json!({"name": "Form shop", "products": {"1": {"name": "B"}, "0": {"name": "A"}}});
    let cs = store_changeset(Store::default(), form.into())
        .cast_assoc_with(Store::products, product_changeset)?;
    let stored = db.repo.insert(cs).await?;
    let names: Vec<_> = products_of(&stored)?.into_iter().map(|p| p.0).collect();
    assert_eq!(names, ["A", "B"]);
    // An empty list: the association comes back loaded and empty.
    let cs = store_changeset(
        Store::default(),
        json!({"name": "Empty", "products": []}).into(),
    )
    .cast_assoc_with(Store::products, product_changeset)?;
    let stored = db.repo.insert(cs).await?;
    assert_eq!(stored.products.get()?.len(), 0);
    Ok(())
}

pub async fn nested_update_matches_children_by_key(db: &Db) -> R {
    let cs = store_changeset(
        Store::default(),
        json!({"name": "Shop", "products": [{"name": "Kiwi"}, {"name": "Lime"}, {"name": "Plum"}]})
            .into(),
    )
    .cast_assoc_with(Store::products, product_changeset)?;
    let stored = db.repo.insert(cs).await?;
    let [kiwi, lime, plum] = stored
        .products
        .get()?
        .clone()
        .try_into()
        .map_err(|_| "three")?;
    // Update Kiwi, insert Fig, leave out Lime (deleted) and Plum (given back unchanged).
    let params = json!({"name": "Shop 2", "products": [
        {"id": kiwi.id, "name": "Kiwi 2"},
        {"name": "Fig"},
        {"id": plum.id.to_string()}
    ]});
    let opts = CastAssoc::with(product_changeset).on_replace(OnReplace::Delete);
    let cs = store_changeset(stored.clone(), params.clone().into())
        .cast_assoc_opts(Store::products, opts)?;
    let updated = db.repo.update(cs).await?;
    assert_eq!(updated.name, "Shop 2");
    let names: Vec<_> = products_of(&updated)?.into_iter().map(|p| p.0).collect();
    assert_eq!(
        names,
        ["Kiwi 2", "Fig", "Plum"],
        "the replaced child is left out"
    );
    let kids = updated.products.get()?;
    assert_eq!(kids[0].id, kiwi.id, "Kiwi was updated, not re-inserted");
    assert!(kids[1].id > plum.id && kids[1].store_id == Some(updated.id));
    assert_eq!(stored_names(db, &updated).await?, ["Fig", "Kiwi 2", "Plum"]);
    assert_eq!(
        db.repo.get::<Product, _>(lime.id).await?,
        None,
        "on_replace delete deleted the row"
    );
    // on_replace nilify: the left-out child stays, without its store.
    let reloaded = db
        .repo
        .preload(
            db.repo.must_get::<Store, _>(updated.id).await?,
            Store::products,
        )
        .await?;
    let keep: Vec<_> = reloaded
        .products
        .get()?
        .iter()
        .filter(|p| p.name != "Fig")
        .map(|p| json!({"id": p.id}))
        .collect();
    let opts = CastAssoc::with(product_changeset).on_replace(OnReplace::Nilify);
    let cs = store_changeset(reloaded, json!({"products": keep}).into())
        .cast_assoc_opts(Store::products, opts)?;
    let updated = db.repo.update(cs).await?;
    assert_eq!(updated.products.get()?.len(), 2);
    let fig = db
        .repo
        .must_get_by(Product::query().filter(Product::name.eq("Fig")))
        .await?;
    assert_eq!(fig.store_id, None, "nilified, not deleted");
    // on_replace raise (the default) is a typed error before anything runs.
    let cs = store_changeset(updated.clone(), json!({"products": []}).into());
    let err = cs
        .cast_assoc_with(Store::products, product_changeset)
        .err()
        .ok_or("raise")?;
    assert!(matches!(
        err,
        Error::Query(quarry::error::QueryError::OnReplaceRaise { .. })
    ));
    // Casting an association that is not loaded on a loaded owner.
    let bare = db.repo.must_get::<Store, _>(updated.id).await?;
    let err = store_changeset(bare, params.into())
        .cast_assoc_with(Store::products, product_changeset)
        .err()
        .ok_or("not loaded")?;
    assert!(matches!(
        err,
        Error::NotLoaded {
            association: "products",
            ..
        }
    ));
    Ok(())
}

pub async fn nested_invalid_child_writes_nothing(db: &Db) -> R {
    let body = json!({"name": "Shop", "products": [{"name": "Kiwi"}, {"name": ""}, {"price": "x", "name": "Ok"}]});
    let cs = store_changeset(Store::default(), body.into())
        .cast_assoc_with(Store::products, product_changeset)?;
    assert!(!cs.is_valid());
    db.reset_statements();
    let Err(Error::Invalid(invalid)) = db.repo.insert(cs).await else {
        return Err("expected an invalid changeset".into());
    };
    assert_eq!(db.statement_count(), 0, "no query for an invalid child");
    let expected =
        json!({"products": [{}, {"name": ["can't be blank"]}, {"price": ["is invalid"]}]});
    assert_eq!(serde_json::to_value(invalid.error_messages())?, expected);
    assert_eq!(
        serde_json::to_value(&*invalid)?,
        json!({"errors": expected}),
        "the 422 body nests too"
    );
    let cs = invalid
        .into_changeset::<Changeset<Store>>()
        .map_err(|_| "changeset")?;
    assert_eq!(cs.action(), Some(Action::Insert));
    assert_eq!(cs.assoc_changes(Store::products).map(<[_]>::len), Some(3));
    assert_eq!(db.repo.count(Store::query()).await?, 0);
    assert_eq!(db.repo.count(Product::query()).await?, 0);
    // A string where a list is expected: "is invalid", no panic.
    let cs = store_changeset(
        Store::default(),
        json!({"name": "S", "products": "Kiwi"}).into(),
    )
    .cast_assoc_with(Store::products, product_changeset)?;
    assert_eq!(
        serde_json::to_value(cs.error_messages())?,
        json!({"products": ["is invalid"]})
    );
    Ok(())
}

pub async fn nested_child_constraint_rolls_back_the_parent(db: &Db) -> R {
    // Two products of one name in one store: the unique index refuses the second.
    let body = json!({"name": "Shop", "products": [{"name": "Kiwi"}, {"name": "Kiwi"}]});
    let cs = store_changeset(Store::default(), body.into())
        .cast_assoc_with(Store::products, product_changeset)?;
    assert!(cs.is_valid());
    let Err(Error::Invalid(invalid)) = db.repo.insert(cs).await else {
        return Err("expected the child's constraint error".into());
    };
    assert_eq!(
        serde_json::to_value(invalid.error_messages())?,
        json!({"products": [{}, {"name": ["has already been taken"]}]})
    );
    assert_eq!(
        db.repo.count(Store::query()).await?,
        0,
        "the parent rolled back"
    );
    assert_eq!(db.repo.count(Product::query()).await?, 0);
    // On update: a check constraint on a child rolls back the parent's change.
    let cs = store_changeset(
        Store::default(),
        json!({"name": "Shop", "products": [{"name": "Kiwi"}]}).into(),
    )
    .cast_assoc_with(Store::products, product_changeset)?;
    let stored = db.repo.insert(cs).await?;
    let kiwi = stored.products.get()?.first().cloned().ok_or("kiwi")?;
    let params =
        json!({"name": "Renamed", "products": [{"id": kiwi.id, "stock": -1}, {"name": "Lime"}]});
    let cs = store_changeset(stored.clone(), params.into())
        .cast_assoc_with(Store::products, product_changeset)?;
    let Err(Error::Invalid(invalid)) = db.repo.update(cs).await else {
        return Err("expected the check constraint error".into());
    };
    assert_eq!(
        serde_json::to_value(invalid.error_messages())?,
        json!({"products": [{"stock": ["is invalid"]}, {}]})
    );
    let again = db.repo.must_get::<Store, _>(stored.id).await?;
    assert_eq!(again.name, "Shop", "the parent's update rolled back");
    assert_eq!(
        stored_names(db, &stored).await?,
        ["Kiwi"],
        "Lime rolled back"
    );
    // Inside a transaction of the caller, the nested write is a savepoint.
    let tx = db.repo.begin().await?;
    let cs = store_changeset(
        Store::default(),
        json!({"name": "T", "products": [{"name": "A"}, {"name": "A"}]}).into(),
    )
    .cast_assoc_with(Store::products, product_changeset)?;
    assert!(matches!(tx.insert(cs).await, Err(Error::Invalid(_))));
    let cs = store_changeset(
        Store::default(),
        json!({"name": "T2", "products": [{"name": "A"}]}).into(),
    )
    .cast_assoc_with(Store::products, product_changeset)?;
    tx.insert(cs).await?;
    tx.commit().await?;
    assert_eq!(
        db.repo
            .count(Store::query().filter(Store::name.eq("T")))
            .await?,
        0
    );
    assert_eq!(
        db.repo
            .count(Store::query().filter(Store::name.eq("T2")))
            .await?,
        1
    );
    Ok(())
}

fn user_changeset(u: User, params: Params) -> Changeset<User> {
    Changeset::cast(u, params, User::name).validate_required(User::name)
}

pub async fn nested_belongs_to_and_has_one(db: &Db) -> R {
    // belongs_to: the parent row first, the child's foreign key from it.
    let cs = product_changeset(
        Product::default(),
        json!({"name": "Kiwi", "store": {"name": "New shop"}}).into(),
    )
    .cast_assoc_with(Product::store, store_changeset)?;
    let kiwi = db.repo.insert(cs).await?;
    let shop = kiwi.store.get()?.clone().ok_or("store")?;
    assert!(shop.id > 0 && shop.name == "New shop");
    assert_eq!(kiwi.store_id, Some(shop.id));
    assert_eq!(
        db.repo.must_get::<Product, _>(kiwi.id).await?.store_id,
        Some(shop.id)
    );
    // An invalid parent: nested under its name.
    let cs = product_changeset(
        Product::default(),
        json!({"name": "Lime", "store": {"name": ""}}).into(),
    )
    .cast_assoc_with(Product::store, store_changeset)?;
    assert_eq!(
        serde_json::to_value(cs.error_messages())?,
        json!({"store": {"name": ["can't be blank"]}})
    );
    // has_one: a user with its store.
    let cs = user_changeset(
        User::default(),
        json!({"name": "Ann", "store": {"name": "Ann's"}}).into(),
    )
    .cast_assoc_with(User::store, store_changeset)?;
    let ann = db.repo.insert(cs).await?;
    let first = ann.store.get()?.clone().ok_or("store")?;
    assert_eq!(first.user_id, Some(ann.id));
    // A new store replaces the old one (on_replace delete: the old row goes).
    let opts = CastAssoc::with(store_changeset).on_replace(OnReplace::Delete);
    let cs = user_changeset(ann.clone(), json!({"store": {"name": "Ann's 2"}}).into())
        .cast_assoc_opts(User::store, opts)?;
    let ann2 = db.repo.update(cs).await?;
    let second = ann2.store.get()?.clone().ok_or("store")?;
    assert!(second.id != first.id && second.name == "Ann's 2");
    assert_eq!(db.repo.get::<Store, _>(first.id).await?, None);
    // on_replace update: the params update the current store in place.
    let opts = CastAssoc::with(store_changeset).on_replace(OnReplace::Update);
    let cs = user_changeset(ann2, json!({"store": {"name": "Ann's 3"}}).into())
        .cast_assoc_opts(User::store, opts)?;
    let ann3 = db.repo.update(cs).await?;
    let third = ann3.store.get()?.clone().ok_or("store")?;
    assert_eq!(third.id, second.id);
    assert_eq!(
        db.repo.must_get::<Store, _>(second.id).await?.name,
        "Ann's 3"
    );
    Ok(())
}

pub async fn nested_put_assoc_has_many_and_has_one(db: &Db) -> R {
    let cs = store_changeset(
        Store::default(),
        json!({"name": "Shop", "products": [{"name": "Kiwi"}, {"name": "Lime"}]}).into(),
    )
    .cast_assoc_with(Store::products, product_changeset)?;
    let stored = db.repo.insert(cs).await?;
    let mut kiwi = stored.products.get()?.first().cloned().ok_or("kiwi")?;
    kiwi.name = "Kiwi 2".into();
    let fig = Product {
        name: "Fig".into(),
        ..Default::default()
    };
    // The default on_replace (raise): Lime would be replaced.
    let err = Changeset::new(stored.clone())
        .put_assoc(Store::products, vec![kiwi.clone(), fig.clone()])
        .err()
        .ok_or("raise")?;
    assert!(matches!(
        err,
        Error::Query(quarry::error::QueryError::OnReplaceRaise { .. })
    ));
    let cs = Changeset::new(stored.clone()).put_assoc_with(
        Store::products,
        vec![kiwi.clone(), fig],
        OnReplace::Delete,
    )?;
    let items = cs.assoc_changes(Store::products).ok_or("children")?;
    let actions: Vec<_> = items.iter().map(|c| c.action()).collect();
    assert_eq!(
        actions,
        [
            Some(Action::Update),
            Some(Action::Insert),
            Some(Action::Delete)
        ]
    );
    let updated = db.repo.update(cs).await?;
    let names: Vec<_> = products_of(&updated)?.into_iter().map(|p| p.0).collect();
    assert_eq!(names, ["Kiwi 2", "Fig"]);
    assert_eq!(stored_names(db, &stored).await?, ["Fig", "Kiwi 2"]);
    assert_eq!(
        db.repo.count(Product::query()).await?,
        2,
        "Lime was deleted"
    );
    // A loaded product of another store moves here.
    let other = db
        .repo
        .insert(Store {
            name: "Other".into(),
            ..Default::default()
        })
        .await?;
    let other = db.repo.preload(other, Store::products).await?;
    let cs = Changeset::new(other).put_assoc(Store::products, vec![kiwi.clone()])?;
    let other = db.repo.update(cs).await?;
    assert_eq!(
        products_of(&other)?,
        [("Kiwi 2".to_string(), Some(other.id))]
    );
    assert_eq!(
        db.repo.must_get::<Product, _>(kiwi.id).await?.store_id,
        Some(other.id)
    );
    // has_one on a new owner: both inserted.
    let shop = Store {
        name: "Bo's".into(),
        ..Default::default()
    };
    let cs = user_changeset(User::default(), json!({"name": "Bo"}).into())
        .put_assoc(User::store, Some(shop))?;
    let bo = db.repo.insert(cs).await?;
    let bos = bo.store.get()?.clone().ok_or("store")?;
    assert_eq!(bos.user_id, Some(bo.id));
    assert_eq!(
        db.repo.must_get::<Store, _>(bos.id).await?.user_id,
        Some(bo.id)
    );
    Ok(())
}

pub async fn nested_embeds_round_trip(db: &Db) -> R {
    use crate::schemas::embeds::{Address, Line, Order};
    let body = json!({
        "number": "A-1",
        "address": {"street": " 1 Main St", "city": "Oslo"},
        "lines": [{"sku": "p1", "qty": 2}, {"sku": "p2", "qty": "3"}]
    });
    let cs = Order::default()
        .changeset(body.into())
        .cast_embed(Order::address)?
        .cast_embed(Order::lines)?;
    assert!(cs.is_valid());
    assert_eq!(cs.embed_changes(Order::lines).map(<[_]>::len), Some(2));
    let stored = db.repo.insert(cs).await?;
    let read = db.repo.must_get::<Order, _>(stored.id).await?;
    let address = read.address.0.clone().ok_or("address")?;
    assert_eq!(
        (address.street.as_str(), address.city.as_str()),
        (" 1 Main St", "Oslo")
    );
    let lines = read.lines.0.clone();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| !l.id.is_nil()), "new lines get a key");
    assert_ne!(lines[0].id, lines[1].id);
    assert_eq!((lines[1].sku.as_str(), lines[1].qty), ("p2", 3));
    assert_eq!(
        stored.lines, read.lines,
        "the insert's result is what was stored"
    );
    // Update one line by key, add one, drop one (on_replace delete).
    let params =
        json!({"lines": [{"id": lines[0].id.to_string(), "qty": 5}, {"sku": "p3", "qty": 1}]});
    let cs = Changeset::cast(read.clone(), params, Order::number)
        .cast_embed_opts(Order::lines, CastAssoc::new().on_replace(OnReplace::Delete))?;
    db.repo.update(cs).await?;
    let again = db.repo.must_get::<Order, _>(read.id).await?;
    let got: Vec<_> = again
        .lines
        .0
        .iter()
        .map(|l| (l.sku.as_str(), l.qty))
        .collect();
    assert_eq!(got, [("p1", 5), ("p3", 1)]);
    assert_eq!(again.lines.0[0].id, lines[0].id, "updated in place");
    assert_eq!(again.address, read.address, "an embed not cast is kept");
    // Removing the address needs an on_replace; raise is the default.
    let cs = Changeset::cast(again.clone(), json!({"address": null}), Order::number);
    assert!(matches!(
        cs.clone().cast_embed(Order::address),
        Err(Error::Query(
            quarry::error::QueryError::OnReplaceRaise { .. }
        ))
    ));
    let cs = cs.cast_embed_opts(
        Order::address,
        CastAssoc::new().on_replace(OnReplace::Delete),
    )?;
    db.repo.update(cs).await?;
    assert_eq!(
        db.repo.must_get::<Order, _>(read.id).await?.address.0,
        None::<Address>
    );
    // on_replace update: new params update the current address.
    let cs = Changeset::cast(again, json!({"address": {"city": "Bergen"}}), Order::number)
        .cast_embed_opts(
            Order::address,
            CastAssoc::new().on_replace(OnReplace::Update),
        )?;
    let updated = db.repo.update(cs).await?;
    let address = updated.address.0.ok_or("address")?;
    assert_eq!(
        (address.street.as_str(), address.city.as_str()),
        (" 1 Main St", "Bergen")
    );
    let _: Option<Line> = None;
    Ok(())
}

pub async fn nested_embed_errors_nest_and_write_nothing(db: &Db) -> R {
    use crate::schemas::embeds::Order;
    let body =
        json!({"number": "A-2", "address": {"city": ""}, "lines": [{"sku": "ok"}, {"qty": -1}]});
    let cs = Order::default()
        .changeset(body.into())
        .cast_embed(Order::address)?
        .cast_embed(Order::lines)?;
    assert!(!cs.is_valid());
    let expected = json!({
        "address": {"city": ["can't be blank"], "street": ["can't be blank"]},
        "lines": [{}, {"qty": ["must be greater than 0"], "sku": ["can't be blank"]}]
    });
    assert_eq!(serde_json::to_value(cs.error_messages())?, expected);
    let Err(Error::Invalid(invalid)) = db.repo.insert(cs).await else {
        return Err("expected an invalid changeset".into());
    };
    assert_eq!(serde_json::to_value(invalid.error_messages())?, expected);
    assert_eq!(db.repo.count(Order::query()).await?, 0);
    // Wrong shapes: "is invalid", never a panic.
    let cs = Order::default()
        .changeset(json!({"number": "A-3", "address": [1], "lines": "p1"}).into())
        .cast_embed(Order::address)?
        .cast_embed(Order::lines)?;
    assert_eq!(
        serde_json::to_value(cs.error_messages())?,
        json!({"address": ["is invalid"], "lines": ["is invalid"]})
    );
    Ok(())
}

fn store_with_products(s: Store, params: Params) -> Changeset<Store> {
    let cs = store_changeset(s, params);
    match cs
        .clone()
        .cast_assoc_with(Store::products, product_changeset)
    {
        Ok(cs) => cs,
        Err(_) => cs,
    }
}

pub async fn nested_two_levels(db: &Db) -> R {
    // A user, its store and the store's products from one body.
    let body = json!({"name": "Cy", "store": {"name": "Cy's", "products": [{"name": "Kiwi"}, {"name": ""}]}});
    let cs = user_changeset(User::default(), body.into())
        .cast_assoc_with(User::store, store_with_products)?;
    assert_eq!(
        serde_json::to_value(cs.error_messages())?,
        json!({"store": {"products": [{}, {"name": ["can't be blank"]}]}})
    );
    assert!(matches!(db.repo.insert(cs).await, Err(Error::Invalid(_))));
    let body = json!({"name": "Cy", "store": {"name": "Cy's", "products": [{"name": "Kiwi"}, {"name": "Kiwi"}]}});
    let cs = user_changeset(User::default(), body.into())
        .cast_assoc_with(User::store, store_with_products)?;
    let Err(Error::Invalid(invalid)) = db.repo.insert(cs).await else {
        return Err("expected the grandchild's constraint error".into());
    };
    assert_eq!(
        serde_json::to_value(invalid.error_messages())?,
        json!({"store": {"products": [{}, {"name": ["has already been taken"]}]}})
    );
    assert_eq!(
        db.repo.count(User::query()).await?,
        0,
        "all three levels rolled back"
    );
    assert_eq!(db.repo.count(Store::query()).await?, 0);
    let body = json!({"name": "Cy", "store": {"name": "Cy's", "products": [{"name": "Kiwi"}, {"name": "Lime"}]}});
    let cs = user_changeset(User::default(), body.into())
        .cast_assoc_with(User::store, store_with_products)?;
    let cy = db.repo.insert(cs).await?;
    let store = cy.store.get()?.clone().ok_or("store")?;
    assert_eq!(store.user_id, Some(cy.id));
    assert_eq!(
        products_of(&store)?,
        [
            ("Kiwi".to_string(), Some(store.id)),
            ("Lime".to_string(), Some(store.id))
        ]
    );
    assert_eq!(stored_names(db, &store).await?, ["Kiwi", "Lime"]);
    // Bulk writes and upserts refuse nested changesets rather than drop them.
    let nested = || {
        store_changeset(
            Store::default(),
            json!({"name": "Bulk", "products": [{"name": "A"}]}).into(),
        )
        .cast_assoc_with(Store::products, product_changeset)
    };
    assert!(matches!(
        db.repo.insert_all(vec![nested()?]).await,
        Err(Error::Query(_))
    ));
    let conflict = quarry::query::OnConflict::nothing().target(Store::id);
    assert!(matches!(
        db.repo.upsert(nested()?, conflict).await,
        Err(Error::Query(_))
    ));
    assert_eq!(
        db.repo
            .count(Store::query().filter(Store::name.eq("Bulk")))
            .await?,
        0
    );
    Ok(())
}
