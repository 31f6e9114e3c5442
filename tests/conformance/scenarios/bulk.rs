use crate::harness::{Db, Kind, R};
use crate::schemas::{product, store, user, Product, Store, User};
use quarry::prelude::*;
use quarry::Error;

pub async fn aggregates(db: &Db) -> R {
    // Each aggregate's result is its Rust type: `None` over no rows.
    let sum: Option<f64> = db
        .repo
        .aggregate(Product::query(), Aggregate::sum(Product::price))
        .await?;
    assert_eq!(sum, None, "sum of nothing is NULL");
    let max: Option<String> = db
        .repo
        .aggregate(Product::query(), Aggregate::max(Product::name))
        .await?;
    assert_eq!(max, None);
    assert_eq!(
        db.repo
            .aggregate(Product::query(), Aggregate::count())
            .await?,
        0
    );
    for (name, price, stock) in [("A", 1.0, 1), ("B", 2.0, 2), ("C", 4.0, 2)] {
        let mut p = product(name, price);
        p.stock = stock;
        db.repo.insert(p).await?;
    }
    let q = Product::query;
    let count: i64 = db.repo.aggregate(q(), Aggregate::count()).await?;
    assert_eq!(count, 3);
    let price_sum: Option<f64> = db
        .repo
        .aggregate(q(), Aggregate::sum(Product::price))
        .await?;
    assert_eq!(price_sum, Some(7.0));
    let stock_sum: Option<i64> = db
        .repo
        .aggregate(q(), Aggregate::sum(Product::stock))
        .await?;
    assert_eq!(stock_sum, Some(5), "an integer column sums to an integer");
    let avg: Option<f64> = db
        .repo
        .aggregate(q(), Aggregate::avg(Product::stock))
        .await?;
    assert_eq!(avg, Some(5.0 / 3.0));
    let min: Option<f64> = db
        .repo
        .aggregate(q(), Aggregate::min(Product::price))
        .await?;
    assert_eq!(min, Some(1.0));
    let max: Option<String> = db
        .repo
        .aggregate(q(), Aggregate::max(Product::name))
        .await?;
    assert_eq!(max.as_deref(), Some("C"));
    let distinct: i64 = db
        .repo
        .aggregate(q(), Aggregate::count_distinct(Product::stock))
        .await?;
    assert_eq!(distinct, 2);
    let filtered = db
        .repo
        .aggregate(Product::price.gt(Some(1.5)), Aggregate::sum(Product::price))
        .await?;
    assert_eq!(filtered, Some(6.0));
    Ok(())
}

pub async fn aggregate_wraps_windowed_queries(db: &Db) -> R {
    for (name, price) in [("A", 1.0), ("B", 2.0), ("C", 4.0)] {
        db.repo.insert(product(name, price)).await?;
    }
    let top2 = Product::query().order_by(Product::price.desc()).limit(2);
    assert_eq!(
        db.repo
            .aggregate(top2.clone(), Aggregate::sum(Product::price))
            .await?,
        Some(6.0)
    );
    assert_eq!(db.repo.count(top2).await?, 2);
    Ok(())
}

pub async fn insert_all_rows_with_different_columns(db: &Db) -> R {
    // Each row writes its own set of columns; a column a row leaves out is
    // not sent for it (NULL here: these columns have no default).
    let mut with_email = user("Email");
    with_email.email = Some("e@example.com".into());
    let mut with_age = user("Age");
    with_age.age = Some(41);
    let mut both = user("Both");
    both.email = Some("b@example.com".into());
    both.age = Some(7);
    let cast = Changeset::cast(user("Cast"), serde_json::json!({"age": "30"}), User::age);
    let rows = vec![
        Changeset::from(with_email),
        Changeset::from(user("Plain")),
        Changeset::from(with_age),
        cast,
        Changeset::from(both),
    ];
    assert_eq!(db.repo.insert_all(rows).await?.0, 5);
    let all = db.repo.all(User::query().order_by(User::id.asc())).await?;
    let got: Vec<(&str, Option<&str>, Option<i32>)> = all
        .iter()
        .map(|u| (u.name.as_str(), u.email.as_deref(), u.age))
        .collect();
    assert_eq!(
        got,
        [
            ("Email", Some("e@example.com"), None),
            ("Plain", None, None),
            ("Age", None, Some(41)),
            ("Cast", None, Some(30)),
            ("Both", Some("b@example.com"), Some(7)),
        ]
    );
    Ok(())
}

pub async fn insert_all_fills_timestamps(db: &Db) -> R {
    let rows: Vec<User> = (0..25).map(|i| user(&format!("User {i}"))).collect();
    let (count, stored) = db.repo.insert_all(rows).await?;
    assert_eq!(count, 25);
    let all = db.repo.all(User::query().order_by(User::id.asc())).await?;
    assert_eq!(all.len(), 25);
    assert!(all
        .iter()
        .all(|u| u.inserted_at.and_utc().timestamp() > 0 && u.inserted_at == u.updated_at));
    assert!(
        all.iter().all(|u| u.inserted_at == all[0].inserted_at),
        "one clock reading per insert_all"
    );
    assert!(stored.is_empty(), "insert_all returns no rows unless asked");
    let more: Vec<User> = (0..3).map(|i| user(&format!("More {i}"))).collect();
    let returned = db.repo.insert_all_returning(more).await;
    if db.repo.driver().backend().capabilities.insert_returning {
        let (n, rows) = returned?;
        assert_eq!(n, 3);
        let names: Vec<&str> = rows.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["More 0", "More 1", "More 2"]);
        assert!(rows
            .iter()
            .all(|u| u.id > 0 && u.meta.state() == State::Loaded));
        assert!(rows.windows(2).all(|w| w[0].id < w[1].id));
    } else {
        assert!(
            matches!(returned, Err(quarry::Error::Unsupported { .. })),
            "{returned:?}"
        );
        assert_eq!(
            db.repo.count(User::name.like("More%")).await?,
            0,
            "nothing inserted"
        );
    }
    let invalid = Changeset::cast(user("x"), serde_json::json!({"age": "x"}), User::age);
    db.reset_statements();
    let err = db
        .repo
        .insert_all(vec![Changeset::new(user("ok")), invalid])
        .await;
    assert!(err.is_err());
    assert_eq!(db.statement_count(), 0, "an invalid row sends nothing");
    assert_eq!(db.repo.insert_all(Vec::<User>::new()).await?.0, 0);
    Ok(())
}

pub async fn update_all_and_delete_all(db: &Db) -> R {
    for (name, price) in [("A", 1.0), ("B", 2.0), ("C", 4.0)] {
        db.repo.insert(product(name, price)).await?;
    }
    let n = db
        .repo
        .update_all(
            Product::price.ge(Some(2.0)),
            Updates::new()
                .set(Product::status, "sale")
                .inc(Product::stock, 3),
        )
        .await?;
    assert_eq!(n, 2);
    assert_eq!(db.repo.count(Product::status.eq("sale")).await?, 2);
    assert_eq!(
        db.repo
            .aggregate(Product::query(), Aggregate::sum(Product::stock))
            .await?,
        Some(6)
    );
    let gone = db.repo.delete_all(Product::status.eq("sale")).await?;
    assert_eq!(gone, 2);
    assert_eq!(db.repo.count(Product::query()).await?, 1);
    assert_eq!(db.repo.delete_all(Product::query()).await?, 1);
    Ok(())
}

/// Rows that need several INSERT statements (more parameters than one statement
/// may bind) go in one transaction: a failing statement leaves none of them.
pub async fn insert_all_over_several_statements_is_atomic(db: &Db) -> R {
    let max_params = db.repo.driver().backend().capabilities.max_params;
    // Each row writes name, email and both timestamps: 4 parameters, so this
    // many rows need at least two statements.
    let n = max_params / 4 + 10;
    let row = |i: usize| User {
        name: format!("U{i}"),
        email: Some(format!("u{i}@example.com")),
        ..Default::default()
    };
    let mut rows: Vec<User> = (0..n).map(row).collect();
    // The last row, in the last statement, repeats the first row's email.
    rows[n - 1].email = Some("u0@example.com".into());
    db.reset_statements();
    let err = db.repo.insert_all(rows).await;
    assert!(err.is_err(), "duplicate email: {err:?}");
    let inserts = db
        .statements()
        .iter()
        .filter(|s| s.starts_with("INSERT"))
        .count();
    assert!(inserts >= 2, "several statements were sent: {inserts}");
    assert_eq!(
        db.repo.count(User::query()).await?,
        0,
        "the statements before the failing one were rolled back"
    );
    let (count, _) = db.repo.insert_all((0..n).map(row).collect()).await?;
    assert_eq!(count as usize, n);
    assert_eq!(db.repo.count(User::query()).await? as usize, n);
    let stored = db.repo.all(User::query().order_by(User::id.asc())).await?;
    assert!(
        stored
            .iter()
            .enumerate()
            .all(|(i, u)| u.name == format!("U{i}")
                && u.email.as_deref() == Some(format!("u{i}@example.com").as_str())),
        "every row, across the statement boundaries, stored its own values"
    );
    // Inside a transaction the statements share a savepoint: rolled back with it.
    let tx = db.repo.begin().await?;
    let mut rows: Vec<User> = (n..2 * n).map(row).collect();
    rows[n - 1].email = Some(format!("u{n}@example.com"));
    assert!(tx.insert_all(rows).await.is_err());
    tx.insert(row(3 * n)).await?;
    tx.commit().await?;
    assert_eq!(
        db.repo.count(User::query()).await? as usize,
        n + 1,
        "the failed insert_all left nothing; the transaction went on"
    );
    Ok(())
}

pub async fn insert_all_left_out_columns_keep_database_defaults(db: &Db) -> R {
    // `status` has the column default 'draft'. A row that gives a status and
    // one that does not, in one insert_all: the second must get the default,
    // not a NULL taken from the first row's column list.
    let mut live = product("Live", 1.0);
    live.status = Some("live".into());
    let plain = product("Plain", 2.0);
    let mut live_again = product("Live again", 3.0);
    live_again.status = Some("live".into());
    let rows = vec![live, plain, live_again, product("Plain again", 4.0)];
    db.reset_statements();
    let (count, stored) = db.repo.insert_all_returning(rows).await?;
    assert_eq!(count, 4);
    let statuses = |ps: &[Product]| -> Vec<(String, Option<String>)> {
        ps.iter()
            .map(|p| (p.name.clone(), p.status.clone()))
            .collect()
    };
    let expected = vec![
        ("Live".to_string(), Some("live".to_string())),
        ("Plain".to_string(), Some("draft".to_string())),
        ("Live again".to_string(), Some("live".to_string())),
        ("Plain again".to_string(), Some("draft".to_string())),
    ];
    assert_eq!(statuses(&stored), expected, "returned in input order");
    let all = db
        .repo
        .all(Product::query().order_by(Product::id.asc()))
        .await?;
    assert_eq!(statuses(&all), expected, "stored");
    // All or nothing still: a failing row leaves none of the others.
    let mut bad = product("Bad", 1.0);
    bad.stock = -1;
    let before = db.repo.count(Product::query()).await?;
    let err = db
        .repo
        .insert_all(vec![product("Fine", 1.0), bad])
        .await
        .expect_err("the check constraint fails");
    assert!(err.constraint_violation().is_some(), "{err:?}");
    assert_eq!(db.repo.count(Product::query()).await?, before);
    Ok(())
}

/// Ann owns Shop A (Apple, Banana), Bo owns Shop B (Cherry); Pear has no store.
async fn shops(db: &Db) -> quarry::Result<()> {
    let ann = db.repo.insert(user("Ann")).await?;
    let bo = db.repo.insert(user("Bo")).await?;
    let a = db.repo.insert(store("Shop A", Some(ann.id))).await?;
    let b = db.repo.insert(store("Shop B", Some(bo.id))).await?;
    for (name, shop) in [
        ("Apple", Some(a.id)),
        ("Banana", Some(a.id)),
        ("Cherry", Some(b.id)),
        ("Pear", None),
    ] {
        let mut p = product(name, 1.0);
        p.store_id = shop;
        p.stock = 1;
        db.repo.insert(p).await?;
    }
    Ok(())
}

fn owned_by(name: &str) -> Query<Product, impl quarry::query::scope::Closed> {
    Product::query()
        .join(table::<Store>(), Product::store_id.eq_col(Store::id))
        .join(table::<User>(), Store::user_id.eq_col(User::id))
        .filter(User::name.eq(name))
}

async fn stock_of(db: &Db) -> quarry::Result<Vec<(String, i32, Option<String>)>> {
    Ok(db
        .repo
        .all(Product::query().order_by(Product::name.asc()))
        .await?
        .into_iter()
        .map(|p| (p.name, p.stock, p.description))
        .collect())
}

pub async fn update_all_and_delete_all_over_joins(db: &Db) -> R {
    shops(db).await?;
    let restock = || {
        Updates::new()
            .inc(Product::stock, 5)
            .set(Product::description, "Ann's")
    };
    let n = db.repo.update_all(owned_by("Ann"), restock()).await?;
    assert_eq!(n, 2);
    let s = |n: &str, k, d: Option<&str>| (n.to_string(), k, d.map(str::to_string));
    assert_eq!(
        stock_of(db).await?,
        [
            s("Apple", 6, Some("Ann's")),
            s("Banana", 6, Some("Ann's")),
            s("Cherry", 1, None),
            s("Pear", 1, None)
        ]
    );
    // With the stored rows back where the database has UPDATE ... RETURNING.
    let (n, rows) = db
        .repo
        .update_all_returning(owned_by("Ann"), restock())
        .await?;
    assert_eq!(n, 2);
    match db.kind {
        Kind::MySql => assert!(rows.is_none(), "MySQL/MariaDB: the count alone"),
        _ => {
            let mut got: Vec<(String, i32)> = rows
                .expect("rows")
                .into_iter()
                .map(|p| (p.name, p.stock))
                .collect();
            got.sort();
            assert_eq!(got, [("Apple".to_string(), 11), ("Banana".to_string(), 11)]);
        }
    }
    // DELETE over a join: PostgreSQL's USING, MySQL's multi-table DELETE;
    // SQLite has no syntax for it.
    let deleted = db.repo.delete_all(owned_by("Bo")).await;
    match db.kind {
        Kind::Sqlite => {
            assert!(
                matches!(deleted, Err(Error::Unsupported { .. })),
                "{deleted:?}"
            );
            assert_eq!(db.repo.count(Product::query()).await?, 4, "nothing deleted");
            db.repo.delete_all(Product::name.eq("Cherry")).await?;
        }
        _ => assert_eq!(deleted?, 1),
    }
    let names: Vec<String> = stock_of(db).await?.into_iter().map(|r| r.0).collect();
    assert_eq!(names, ["Apple", "Banana", "Pear"]);
    // An outer join: MySQL's multi-table UPDATE takes it; FROM lists cannot.
    let storeless = Product::query()
        .left_join(table::<Store>(), Product::store_id.eq_col(Store::id))
        .filter(Store::id.is_null());
    let result = db
        .repo
        .update_all(storeless, Updates::new().set(Product::stock, 0))
        .await;
    match db.kind {
        Kind::MySql => assert_eq!(result?, 1),
        _ => assert!(
            matches!(result, Err(Error::Unsupported { .. })),
            "{result:?}"
        ),
    }
    // A limit is still refused, before anything is sent.
    db.reset_statements();
    let err = db.repo.delete_all(owned_by("Ann").limit(1)).await;
    assert!(matches!(err, Err(Error::Query(_))), "{err:?}");
    assert_eq!(db.statement_count(), 0);
    Ok(())
}

pub async fn delete_all_returning_gives_the_rows_where_it_can(db: &Db) -> R {
    shops(db).await?;
    let (n, rows) = db
        .repo
        .delete_all_returning(Product::name.eq("Pear"))
        .await?;
    assert_eq!(n, 1);
    let caps = db.repo.driver().backend().capabilities.clone();
    if caps.delete_returning {
        let rows = rows.expect("rows");
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].name.as_str(), rows[0].stock), ("Pear", 1));
    } else {
        assert!(rows.is_none());
    }
    // Over a join: MariaDB's multi-table DELETE has no RETURNING (the count
    // alone), SQLite no joined DELETE at all.
    let joined = db.repo.delete_all_returning(owned_by("Bo")).await;
    match db.kind {
        Kind::Sqlite => assert!(
            matches!(joined, Err(Error::Unsupported { .. })),
            "{joined:?}"
        ),
        Kind::MySql => {
            let (n, rows) = joined?;
            assert_eq!((n, rows.is_none()), (1, true));
        }
        Kind::Postgres => {
            let (n, rows) = joined?;
            assert_eq!(n, 1);
            assert_eq!(rows.expect("rows")[0].name, "Cherry");
        }
    }
    // update_all_returning without joins.
    let (n, rows) = db
        .repo
        .update_all_returning(
            Product::name.eq("Apple"),
            Updates::new().set(Product::stock, 9),
        )
        .await?;
    assert_eq!(n, 1);
    if caps.update_returning {
        assert_eq!(rows.expect("rows")[0].stock, 9);
    } else {
        assert!(rows.is_none());
    }
    Ok(())
}
