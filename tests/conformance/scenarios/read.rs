use crate::harness::{Db, R};
use crate::schemas::{product, user, Product, User};
use quarry::prelude::*;
use quarry::schema::Field;
use quarry::Error;

async fn seed(db: &Db) -> quarry::Result<Vec<Product>> {
    let mut out = Vec::new();
    for (name, price) in [
        ("Apple", 1.5),
        ("Banana", 0.5),
        ("Cherry", 4.0),
        ("Date", 4.0),
    ] {
        out.push(db.repo.insert(product(name, price)).await?);
    }
    Ok(out)
}

pub async fn get_and_must_get(db: &Db) -> R {
    let u = db.repo.insert(user("Ann")).await?;
    assert_eq!(db.repo.get::<User, _>(u.id).await?, Some(u.clone()));
    assert_eq!(db.repo.get::<User, _>(u.id + 1000).await?, None);
    let err = db.repo.must_get::<User, _>(u.id + 1000).await;
    assert!(
        matches!(err, Err(Error::NoResults { table: "users" })),
        "{err:?}"
    );
    Ok(())
}

pub async fn get_casts_a_key_of_another_type(db: &Db) -> R {
    // Ecto's Repo.get casts the key: "1" finds row 1. A key that does not
    // cast is a typed error on every database, never a database error on one
    // and a silent None on another.
    let u = db.repo.insert(user("Ann")).await?;
    let id = u.id;
    assert_eq!(
        db.repo.get::<User, _>(id.to_string()).await?,
        Some(u.clone())
    );
    let small = i32::try_from(id).expect("small id");
    assert_eq!(db.repo.get::<User, _>(small).await?, Some(u.clone()));
    assert_eq!(db.repo.must_get::<User, _>(id.to_string()).await?, u);
    db.reset_statements();
    for bad in ["abc", "1.5", " 1", ""] {
        let err = db.repo.get::<User, _>(bad).await;
        assert!(
            matches!(&err, Err(Error::InvalidValue { field, .. }) if field == "id"),
            "{bad:?}: {err:?}"
        );
    }
    let err = db.repo.get::<User, _>(true).await;
    assert!(matches!(err, Err(Error::InvalidValue { .. })), "{err:?}");
    assert_eq!(
        db.statement_count(),
        0,
        "nothing is sent for a key that does not cast"
    );
    // A string key is not an integer: refused the same way.
    let label = crate::schemas::Label {
        code: "7".into(),
        text: "seven".into(),
        ..Default::default()
    };
    db.repo.insert(label.clone()).await?;
    let found: Option<crate::schemas::Label> = db.repo.get("7").await?;
    assert_eq!(found.map(|l| l.text), Some("seven".to_string()));
    let err = db.repo.get::<crate::schemas::Label, _>(7_i64).await;
    assert!(matches!(err, Err(Error::InvalidValue { .. })), "{err:?}");
    Ok(())
}

pub async fn get_by_one_and_multiple_results(db: &Db) -> R {
    seed(db).await?;
    let apple = db
        .repo
        .get_by(Product::name.eq("Apple"))
        .await?
        .expect("apple");
    assert_eq!(apple.price, Some(1.5));
    assert!(db.repo.get_by(Product::name.eq("Kiwi")).await?.is_none());
    let err = db.repo.must_get_by(Product::name.eq("Kiwi")).await;
    assert!(matches!(err, Err(Error::NoResults { .. })));
    let multi = db.repo.one(Product::price.eq(Some(4.0))).await;
    assert!(
        matches!(multi, Err(Error::MultipleResults { count: 2, .. })),
        "{multi:?}"
    );
    let both = db
        .repo
        .get_by(Product::name.eq("Cherry").and(Product::price.eq(Some(4.0))))
        .await?;
    assert!(both.is_some());
    Ok(())
}

pub async fn all_filters_orders_and_limits(db: &Db) -> R {
    seed(db).await?;
    let names = |ps: Vec<Product>| ps.into_iter().map(|p| p.name).collect::<Vec<_>>();
    let all = db
        .repo
        .all(Product::query().order_by(Product::name.asc()))
        .await?;
    assert_eq!(names(all), ["Apple", "Banana", "Cherry", "Date"]);
    let cheap = |q: Query<Product>| q.filter(Product::price.lt(Some(2.0)));
    let q = cheap(Product::query()).order_by(Product::price.desc());
    assert_eq!(names(db.repo.all(q).await?), ["Apple", "Banana"]);
    let q = Product::query()
        .filter(Product::price.ge(Some(4.0)))
        .or_filter(Product::name.eq("Banana"))
        .order_by(Product::name.desc())
        .limit(2)
        .offset(1);
    assert_eq!(names(db.repo.all(q).await?), ["Cherry", "Banana"]);
    let none = db
        .repo
        .all(Product::query().filter(Product::price.gt(Some(100.0))))
        .await?;
    assert!(none.is_empty());
    let not = db
        .repo
        .all(Product::query().filter(Product::name.eq("Apple").not()))
        .await?;
    assert_eq!(not.len(), 3);
    Ok(())
}

pub async fn exists_and_count(db: &Db) -> R {
    assert!(!db.repo.exists(Product::query()).await?);
    assert_eq!(db.repo.count(Product::query()).await?, 0);
    seed(db).await?;
    assert!(db.repo.exists(Product::name.eq("Date")).await?);
    assert!(!db.repo.exists(Product::name.eq("Fig")).await?);
    assert_eq!(db.repo.count(Product::price.eq(Some(4.0))).await?, 2);
    Ok(())
}

pub async fn reload_and_reload_all_keep_order(db: &Db) -> R {
    let ps = seed(db).await?;
    db.repo
        .update_all(
            Product::name.eq("Cherry"),
            Updates::new().set(Product::stock, 9),
        )
        .await?;
    let fresh = db.repo.reload(&ps[2]).await?.expect("cherry");
    assert_eq!(fresh.stock, 9);
    db.repo.delete(ps[1].clone()).await?;
    let order = vec![ps[3].clone(), ps[1].clone(), ps[0].clone()];
    let got = db.repo.reload_all(&order).await?;
    let names: Vec<Option<String>> = got.into_iter().map(|p| p.map(|p| p.name)).collect();
    assert_eq!(
        names,
        [Some("Date".to_string()), None, Some("Apple".to_string())]
    );
    assert!(db.repo.reload(&ps[1]).await?.is_none());
    Ok(())
}

pub async fn in_empty_list_and_null_comparisons(db: &Db) -> R {
    seed(db).await?;
    db.repo
        .insert(Product {
            name: "Nameless price".into(),
            ..Default::default()
        })
        .await?;
    let none: Vec<f64> = vec![];
    assert_eq!(
        db.repo.count(Product::price.in_list(none.clone())).await?,
        0,
        "IN () matches nothing"
    );
    assert_eq!(
        db.repo.count(Product::price.not_in(none)).await?,
        5,
        "NOT IN () matches everything"
    );
    assert_eq!(db.repo.count(Product::price.in_list([1.5, 0.5])).await?, 2);
    assert_eq!(
        db.repo.count(Product::price.not_in([1.5, 0.5])).await?,
        2,
        "NULL is in neither"
    );
    assert_eq!(
        db.repo.count(Product::price.eq(None)).await?,
        1,
        "eq(None) is IS NULL"
    );
    assert_eq!(
        db.repo.count(Product::price.ne(None)).await?,
        4,
        "ne(None) is IS NOT NULL"
    );
    assert_eq!(db.repo.count(Product::price.is_null()).await?, 1);
    assert!(!db.statements().iter().any(|s| s.contains("= NULL")));
    // On Postgres an IN list is one array parameter: the SQL is the same
    // whatever the list's length (so is the prepared statement).
    db.reset_statements();
    assert_eq!(
        db.repo
            .count(Product::name.in_list(["Apple", "Date"]))
            .await?,
        2
    );
    assert_eq!(
        db.repo
            .count(Product::name.in_list(["Apple", "Date", "Fig", "Kiwi"]))
            .await?,
        2
    );
    let seen = db.statements();
    if db.kind == crate::harness::Kind::Postgres {
        assert!(seen[0].contains("= ANY("), "{seen:?}");
        assert_eq!(seen[0], seen[1], "one SQL text for both lengths");
    } else {
        assert_ne!(seen[0], seen[1]);
    }
    Ok(())
}

pub async fn runtime_field_names_are_checked(db: &Db) -> R {
    seed(db).await?;
    let sort = Field::<Product>::named("price")?;
    let q = Product::query()
        .order_by_field(sort, true)
        .order_by(Product::name.asc());
    let first = db.repo.all(q).await?.remove(0);
    assert_eq!(first.name, "Cherry");
    let bad = Field::<Product>::named("price; DROP TABLE products");
    assert!(matches!(bad, Err(Error::UnknownField { .. })), "{bad:?}");
    assert_eq!(db.repo.count(Product::query()).await?, 4);
    Ok(())
}
