//! Prepared queries: built once with typed arguments, run with new ones.

use crate::harness::{Db, Kind, Scenario, R};
use crate::schemas::{Product, Store, User};
use quarry::prelude::*;
use quarry::query::row;
use quarry::{Error, ListParam};

pub fn all() -> Vec<Scenario> {
    crate::scenarios![
        runs_again_with_new_arguments,
        selects_joins_and_one_argument_used_twice,
        arguments_outside_their_query_are_refused,
        list_arguments_for_in,
    ]
}

/// The query scenarios' rows: products Apple 1.5 and Banana 0.5 in Shop A
/// (returned), Cherry 4.0 in Shop B, Pear 2.0 in no store.
async fn seed(db: &Db) -> quarry::Result<Store> {
    let (_, mut stores) = super::query::seed(db).await?;
    Ok(stores.swap_remove(0))
}

fn names(ps: Vec<Product>) -> Vec<String> {
    ps.into_iter().map(|p| p.name).collect()
}

pub async fn runs_again_with_new_arguments(db: &Db) -> R {
    seed(db).await?;
    let cheaper = Prepared::new(|(pattern, max): (Param<String>, Param<f64>)| {
        Product::query()
            .filter(Product::name.like(pattern))
            .filter(Product::price.lt(max))
            .order_by(Product::name.asc())
            .limit(10)
    });
    db.reset_statements();
    // (Lowercase letters only: LIKE ignores ASCII case on SQLite and MySQL.)
    let found = db.repo.all(cheaper.bind(("%r%".to_string(), 3.0))).await?;
    assert_eq!(names(found), ["Pear"]);
    let found = db.repo.all(cheaper.bind(("%e%".to_string(), 5.0))).await?;
    assert_eq!(names(found), ["Apple", "Cherry", "Pear"]);
    let sql = db.statements();
    assert_eq!(sql.len(), 2);
    assert_eq!(sql[0], sql[1], "one SQL text for every run");
    assert!(
        sql[0].contains(&format!("LIKE {}", db.placeholder(1))),
        "arguments are bound: {}",
        sql[0]
    );
    let params = db.parameters();
    assert!(
        params[1].contains("%e%") && params[1].contains("10"),
        "{params:?}"
    );

    // One row by an argument, through `one`.
    let by_name =
        Prepared::new(|(name,): (Param<String>,)| Product::query().filter(Product::name.eq(name)));
    let pear = db.repo.one(by_name.bind(("Pear".to_string(),))).await?;
    assert_eq!(pear.map(|p| p.price), Some(Some(2.0)));
    let none = db.repo.one(by_name.bind(("Kiwi".to_string(),))).await?;
    assert!(none.is_none());
    Ok(())
}

pub async fn selects_joins_and_one_argument_used_twice(db: &Db) -> R {
    let shop = seed(db).await?;
    // A projection over a join, filtered on the joined table; `bound` is used
    // twice (a BETWEEN of the same argument).
    let in_store = Prepared::new(|(store, bound): (Param<i64>, Param<f64>)| {
        Product::query()
            .join(table::<Store>(), Product::store_id.eq_col(Store::id))
            .filter(Store::id.eq(store))
            .filter(
                Product::price
                    .le(bound)
                    .or(Product::price.between(bound, bound)),
            )
            .order_by(Product::name.asc())
            .select((Product::name, Store::name))
    });
    let rows = db.repo.all(in_store.bind((shop.id, 1.5))).await?;
    assert_eq!(
        rows,
        [
            ("Apple".to_string(), "Shop A".to_string()),
            ("Banana".to_string(), "Shop A".to_string())
        ]
    );
    let rows = db.repo.all(in_store.bind((shop.id, 1.0))).await?;
    assert_eq!(rows, [("Banana".to_string(), "Shop A".to_string())]);
    let rows = db.repo.all(in_store.bind((shop.id + 100, 9.0))).await?;
    assert!(rows.is_empty());

    // Whole rows of the root through `row()`, and a query with no arguments.
    let all_rows = Prepared::new(|(): ()| {
        Product::query()
            .filter(Product::store_id.is_null())
            .order_by(Product::name.desc())
            .select(row::<Product>())
    });
    let rows = db.repo.all(all_rows.bind(())).await?;
    assert_eq!(names(rows), ["Pear"]);
    Ok(())
}

pub async fn arguments_outside_their_query_are_refused(db: &Db) -> R {
    seed(db).await?;
    // A Param smuggled out of its builder into an ordinary query.
    let mut leaked = None;
    let _named = Prepared::new(|(name,): (Param<String>,)| {
        leaked = Some(name);
        User::query().filter(User::name.eq(name))
    });
    let Some(name) = leaked else {
        panic!("the builder ran")
    };
    db.reset_statements();
    let err = db
        .repo
        .all(Product::query().filter(Product::name.eq(name)))
        .await;
    assert!(
        matches!(err, Err(Error::Query(ref m)) if m.to_string().contains("Prepared::new")),
        "{err:?}"
    );
    // A list argument smuggled out the same way.
    let mut leaked_list = None;
    let _by_ids = Prepared::new(|(ids,): (ListParam<i64>,)| {
        leaked_list = Some(ids);
        Product::query().filter(Product::id.in_param(ids))
    });
    let Some(ids) = leaked_list else {
        panic!("the builder ran")
    };
    let err = db
        .repo
        .all(Product::query().filter(Product::id.in_param(ids)))
        .await;
    assert!(
        matches!(err, Err(Error::Query(ref m)) if m.to_string().contains("Prepared::new")),
        "{err:?}"
    );
    // A Param of a two-argument query used in a one-argument one.
    let mut second = None;
    let _two = Prepared::new(|(a, b): (Param<String>, Param<String>)| {
        second = Some(b);
        User::query().filter(User::name.eq(a))
    });
    let Some(b) = second else {
        panic!("the builder ran")
    };
    let wrong =
        Prepared::new(|(_a,): (Param<String>,)| Product::query().filter(Product::name.eq(b)));
    let err = db.repo.all(wrong.bind(("Apple".to_string(),))).await;
    assert!(
        matches!(err, Err(Error::Query(ref m)) if m.to_string().contains("argument 1")),
        "{err:?}"
    );
    assert_eq!(db.statement_count(), 0, "nothing was sent");
    Ok(())
}

pub async fn list_arguments_for_in(db: &Db) -> R {
    let shop = seed(db).await?;
    let all = db
        .repo
        .all(Product::query().order_by(Product::id.asc()))
        .await?;
    let id = |name: &str| all.iter().find(|p| p.name == name).map(|p| p.id);
    let by_ids = Prepared::new(|(ids,): (ListParam<i64>,)| {
        Product::query()
            .filter(Product::id.in_param(ids))
            .order_by(Product::name.asc())
    });
    let ids = |names: &[&str]| names.iter().filter_map(|n| id(n)).collect::<Vec<i64>>();
    db.reset_statements();
    let found = db.repo.all(by_ids.bind((ids(&["Pear", "Apple"]),))).await?;
    assert_eq!(names(found), ["Apple", "Pear"]);
    let found = db
        .repo
        .all(by_ids.bind((ids(&["Cherry", "Banana", "Pear"]),)))
        .await?;
    assert_eq!(names(found), ["Banana", "Cherry", "Pear"]);
    let found = db.repo.all(by_ids.bind((Vec::new(),))).await?;
    assert!(found.is_empty(), "an empty list matches nothing");
    let sql = db.statements();
    if db.kind == Kind::Postgres {
        assert!(
            sql.iter().all(|s| s == &sql[0]),
            "one array parameter: {sql:?}"
        );
    }
    // A list of strings beside a value argument, on a nullable column.
    let named_in_store = Prepared::new(|(names, store): (ListParam<String>, Param<i64>)| {
        Product::query()
            .filter(Product::name.in_param(names))
            .filter(Product::store_id.eq(store))
            .order_by(Product::name.desc())
    });
    let wanted = vec![
        "Apple".to_string(),
        "Cherry".to_string(),
        "Banana".to_string(),
    ];
    let found = db.repo.all(named_in_store.bind((wanted, shop.id))).await?;
    assert_eq!(names(found), ["Banana", "Apple"]);
    let in_stores = Prepared::new(|(stores,): (ListParam<i64>,)| {
        Product::query().filter(Product::store_id.in_param(stores))
    });
    assert_eq!(
        db.repo.all(in_stores.bind((vec![shop.id],))).await?.len(),
        2
    );
    Ok(())
}
