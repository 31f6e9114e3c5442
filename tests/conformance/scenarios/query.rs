//! Query scenarios: composition, joins, selects, aggregates, subqueries, locks.

use crate::harness::{Db, Kind, Scenario, R};
use crate::schemas::{product, store, user, Product, Store, User};
use quarry::prelude::*;
use quarry::query::{count, exists, maybe_row, not_exists, row, sum};
use quarry::Error;

pub fn all() -> Vec<Scenario> {
    crate::scenarios![
        like_ilike_between,
        user_text_in_like_matches_literally,
        dynamic_filters_compose,
        inner_and_left_joins,
        same_table_joined_twice_under_aliases,
        select_columns_and_tuples,
        select_into_struct,
        subquery_in_from,
        set_operations,
        fragments_bind_their_values,
        window_functions,
        recursive_query_walks_a_tree,
        stream_rows_one_at_a_time,
        group_by_and_having,
        subqueries_in_where,
        first_last_and_distinct,
        nulls_ordering,
        row_locks,
        outer_join_capabilities,
        bulk_operations_refuse_limits,
    ]
}

/// Users Ann (owner of Shop A with Apple, Banana) and Bob (owner of Shop B with
/// Cherry), plus Pear in no store.
pub(super) async fn seed(db: &Db) -> quarry::Result<(Vec<User>, Vec<Store>)> {
    let ann = db.repo.insert(user("Ann")).await?;
    let bob = db.repo.insert(user("Bob")).await?;
    let a = db.repo.insert(store("Shop A", Some(ann.id))).await?;
    let b = db.repo.insert(store("Shop B", Some(bob.id))).await?;
    for (name, price, store) in [
        ("Apple", 1.5, Some(a.id)),
        ("Banana", 0.5, Some(a.id)),
        ("Cherry", 4.0, Some(b.id)),
        ("Pear", 2.0, None),
    ] {
        let mut p = product(name, price);
        p.store_id = store;
        db.repo.insert(p).await?;
    }
    Ok((vec![ann, bob], vec![a, b]))
}

fn names(ps: Vec<Product>) -> Vec<String> {
    ps.into_iter().map(|p| p.name).collect()
}

pub async fn like_ilike_between(db: &Db) -> R {
    seed(db).await?;
    let q = Product::query()
        .filter(Product::name.like("%an%"))
        .order_by(Product::name.asc());
    assert_eq!(names(db.repo.all(q).await?), ["Banana"]);
    let q = Product::query()
        .filter(Product::name.ilike("A%"))
        .order_by(Product::name.asc());
    assert_eq!(
        names(db.repo.all(q).await?),
        ["Apple"],
        "ilike ignores case everywhere"
    );
    let q = Product::query()
        .filter(Product::name.ilike("%E%"))
        .order_by(Product::name.asc());
    assert_eq!(names(db.repo.all(q).await?), ["Apple", "Cherry", "Pear"]);
    let q = Product::query()
        .filter(Product::price.between(1.0, 2.0))
        .order_by(Product::name.asc());
    assert_eq!(names(db.repo.all(q).await?), ["Apple", "Pear"]);
    let q = Product::query()
        .filter(Product::name.not_like("%e%"))
        .order_by(Product::name.asc());
    assert_eq!(names(db.repo.all(q).await?), ["Banana"]);
    Ok(())
}

/// `starts_with` / `contains` / `ends_with` take user text literally (`%`, `_`
/// and `\` in it match themselves), and every LIKE has the same escape
/// character on every database.
pub async fn user_text_in_like_matches_literally(db: &Db) -> R {
    for name in [
        "100%",
        "1000",
        "a_b",
        "axb",
        r"back\slash",
        "back-slash",
        "50% off",
    ] {
        db.repo.insert(product(name, 1.0)).await?;
    }
    let find = |c: quarry::query::Cond<_>| Product::query().filter(c).order_by(Product::name.asc());
    assert_eq!(
        names(db.repo.all(find(Product::name.starts_with("100%"))).await?),
        ["100%"]
    );
    assert_eq!(
        names(db.repo.all(find(Product::name.contains("_"))).await?),
        ["a_b"]
    );
    assert_eq!(
        names(db.repo.all(find(Product::name.contains("%"))).await?),
        ["100%", "50% off"]
    );
    assert_eq!(
        names(
            db.repo
                .all(find(Product::name.ends_with(r"\slash")))
                .await?
        ),
        [r"back\slash"]
    );
    assert_eq!(
        names(db.repo.all(find(Product::name.starts_with(""))).await?).len(),
        7
    );
    // The same explicit escape everywhere (SQLite has no default one).
    assert_eq!(
        names(db.repo.all(find(Product::name.like(r"a\_b"))).await?),
        ["a_b"]
    );
    assert_eq!(
        names(db.repo.all(find(Product::name.like("a_b"))).await?),
        ["a_b", "axb"]
    );
    assert_eq!(
        names(db.repo.all(find(Product::name.not_like(r"%\%%"))).await?).len(),
        5
    );
    // Bulk writes (written through sea-query) escape the same way.
    assert_eq!(
        db.repo
            .delete_all(Product::name.starts_with("100%"))
            .await?,
        1
    );
    assert_eq!(db.repo.delete_all(Product::name.like(r"back\\%")).await?, 1);
    assert_eq!(db.repo.count(Product::query()).await?, 5);
    Ok(())
}

/// union / union_all / intersect / except over queries of one schema; order,
/// limit and filters after them apply to the combined rows; a member's own
/// order and limit stay inside it; what a database lacks is refused.
pub async fn set_operations(db: &Db) -> R {
    let (_, stores) = seed(db).await?;
    let shop_a = stores[0].id;
    let by_name = |q: quarry::Query<Product>| q.order_by(Product::name.asc());
    let cheap = || Product::query().filter(Product::price.lt(2.0));
    let in_a = || Product::query().filter(Product::store_id.eq(Some(shop_a)));
    let pear = || Product::query().filter(Product::name.eq("Pear"));

    let q = by_name(cheap().union(pear()));
    assert_eq!(names(db.repo.all(q).await?), ["Apple", "Banana", "Pear"]);
    let q = by_name(cheap().union(in_a()));
    assert_eq!(
        names(db.repo.all(q).await?),
        ["Apple", "Banana"],
        "duplicates removed"
    );
    let q = by_name(cheap().union_all(in_a()));
    assert_eq!(
        names(db.repo.all(q).await?),
        ["Apple", "Apple", "Banana", "Banana"]
    );
    // Aggregates and exists over a set operation (written through sea-query).
    assert_eq!(db.repo.count(cheap().union_all(in_a())).await?, 4);
    assert!(db.repo.exists(cheap().union(pear())).await?);
    // Filters, order and limit after the operation apply to its result.
    let q = by_name(cheap().union(pear()).filter(Product::name.ne("Apple"))).limit(1);
    assert_eq!(names(db.repo.all(q).await?), ["Banana"]);
    // A member's own order and limit stay inside it.
    let dearest = Product::query().order_by(Product::price.desc()).limit(1);
    let cheapest = Product::query().order_by(Product::price.asc()).limit(1);
    let q = by_name(dearest.union(cheapest));
    assert_eq!(names(db.repo.all(q).await?), ["Banana", "Cherry"]);
    // Chained operations read left to right.
    let q = by_name(cheap().union(pear()).except(in_a()));
    assert_eq!(names(db.repo.all(q).await?), ["Pear"]);

    let q = by_name(cheap().intersect(Product::query().filter(Product::price.ge(1.0))));
    assert_eq!(names(db.repo.all(q).await?), ["Apple"]);
    let q = by_name(Product::query().except(cheap()));
    assert_eq!(names(db.repo.all(q).await?), ["Cherry", "Pear"]);

    let q = by_name(
        cheap()
            .union_all(in_a())
            .intersect_all(in_a().union_all(in_a())),
    );
    let result = db.repo.all(q).await;
    match db.kind {
        Kind::Sqlite => assert!(
            matches!(
                result,
                Err(Error::Unsupported {
                    feature: "INTERSECT ALL",
                    ..
                })
            ),
            "{result:?}"
        ),
        _ => assert_eq!(
            names(result?),
            ["Apple", "Apple", "Banana", "Banana"],
            "two of each on both sides"
        ),
    }
    let q = by_name(cheap().union_all(in_a()).except_all(in_a()));
    let result = db.repo.all(q).await;
    match db.kind {
        Kind::Sqlite => assert!(
            matches!(
                result,
                Err(Error::Unsupported {
                    feature: "EXCEPT ALL",
                    ..
                })
            ),
            "{result:?}"
        ),
        _ => assert_eq!(
            names(result?),
            ["Apple", "Banana"],
            "one of each taken away"
        ),
    }
    Ok(())
}

/// `fragment`: SQL the DSL lacks, typed, with columns qualified and values
/// bound; in filter, select, order and bulk writes; a wrong `?` count is a
/// typed error before anything is sent.
pub async fn fragments_bind_their_values(db: &Db) -> R {
    use quarry::query::{fragment, Fragment};
    seed(db).await?;
    let by_name = || Product::query().order_by(Product::name.asc());
    // A condition: the column and the value each take their `?`.
    let q = by_name().filter(fragment::<bool, _>("lower(?) = ?", (Product::name, "pear")).cond());
    assert_eq!(names(db.repo.all(q).await?), ["Pear"]);
    // A value that looks like SQL is only ever a value.
    let hostile = "x' OR '1'='1";
    let q = by_name().filter(fragment::<bool, _>("lower(?) = ?", (Product::name, hostile)).cond());
    assert!(db.repo.all(q).await?.is_empty());
    // A typed result in a projection, and a comparison on it.
    let doubled: Fragment<_, f64> = fragment("? * ?", (Product::price, 2.0));
    let rows: Vec<(String, f64)> = db
        .repo
        .all(
            by_name()
                .filter(doubled.gt(3.5))
                .select((Product::name, doubled.clone())),
        )
        .await?;
    assert_eq!(
        rows,
        [("Cherry".to_string(), 8.0), ("Pear".to_string(), 4.0)]
    );
    // Ordering by a fragment.
    let q = Product::query()
        .order_by(fragment::<f64, _>("coalesce(?, ?)", (Product::price, 0.0)).desc())
        .limit(1);
    assert_eq!(names(db.repo.all(q).await?), ["Cherry"]);
    // Through sea-query (counts, bulk writes) the same way.
    let cheap = || fragment::<bool, _>("? < ?", (Product::price, 1.0)).cond();
    assert_eq!(db.repo.count(Product::query().filter(cheap())).await?, 1);
    assert_eq!(
        db.repo.delete_all(Product::query().filter(cheap())).await?,
        1
    );
    // A text whose `?`s do not match its arguments sends nothing.
    db.reset_statements();
    let wrong =
        Product::query().filter(fragment::<bool, _>("? = ? AND ?", (Product::name, "x")).cond());
    let err = db.repo.all(wrong).await;
    assert!(matches!(err, Err(Error::Query(_))), "{err:?}");
    assert_eq!(db.statement_count(), 0, "nothing sent");
    Ok(())
}

/// row_number / rank / dense_rank / lag / lead and aggregates over a window,
/// typed, per partition and running.
pub async fn window_functions(db: &Db) -> R {
    use quarry::query::{count, dense_rank, lag, lead, over, rank, row_number, sum};
    seed(db).await?;
    let by_price = || over().order_by(Product::price.asc());
    // name, row number in its store, running total, previous, next, store size.
    type Ranked = (
        String,
        i64,
        Option<f64>,
        Option<String>,
        Option<String>,
        i64,
    );
    let rows: Vec<Ranked> = db
        .repo
        .all(
            Product::query().order_by(Product::price.asc()).select((
                Product::name,
                row_number().over(
                    over()
                        .partition_by(Product::store_id)
                        .order_by(Product::price.desc()),
                ),
                sum(Product::price).over(by_price()),
                lag(Product::name).over(by_price()),
                lead(Product::name).over(by_price()),
                count().over(over().partition_by(Product::store_id)),
            )),
        )
        .await?;
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        rows,
        [
            ("Banana".to_string(), 2, Some(0.5), None, s("Apple"), 2),
            ("Apple".to_string(), 1, Some(2.0), s("Banana"), s("Pear"), 2),
            ("Pear".to_string(), 1, Some(4.0), s("Apple"), s("Cherry"), 1),
            ("Cherry".to_string(), 1, Some(8.0), s("Pear"), None, 1),
        ]
    );
    // Ties: rank leaves gaps, dense_rank does not (every stock is the same).
    let ranks: Vec<(i64, i64)> = db
        .repo
        .all(Product::query().select((
            rank().over(over().order_by(Product::stock.asc())),
            dense_rank().over(over().order_by(Product::stock.asc())),
        )))
        .await?;
    assert_eq!(ranks, [(1, 1); 4]);
    // Ordering the query by a windowed value.
    let top = row_number().over(over().order_by(Product::price.desc()));
    let names_by_rank: Vec<String> = db
        .repo
        .all(
            Product::query()
                .order_by(top.asc())
                .limit(2)
                .select(Product::name),
        )
        .await?;
    assert_eq!(names_by_rank, ["Cherry", "Pear"]);
    Ok(())
}

/// `Query::recursive` (WITH RECURSIVE): every descendant of a category, at
/// any depth; filters and order on the result; counting it is refused.
pub async fn recursive_query_walks_a_tree(db: &Db) -> R {
    use crate::schemas::Category;
    use quarry::query::Alias;
    let mut ids = std::collections::HashMap::new();
    for (name, parent) in [
        ("All", None),
        ("Fruit", Some("All")),
        ("Veg", Some("All")),
        ("Apple", Some("Fruit")),
        ("Cherry", Some("Fruit")),
        ("Morello", Some("Cherry")),
        ("Leek", Some("Veg")),
    ] {
        let row = Category {
            name: name.to_string(),
            parent_id: parent.map(|p| ids[p]),
            ..Default::default()
        };
        let stored = db.repo.insert(row).await?;
        ids.insert(name, stored.id);
    }
    const FOUND: Alias<Category, 1> = Alias::new();
    let below = |name: &'static str| {
        let base = Category::query().filter(Category::name.eq(name));
        let step =
            Category::query().join_cte(FOUND, Category::parent_id.eq_col(FOUND.col(Category::id)));
        Query::recursive(FOUND, base, step)
    };
    let names = |rows: Vec<Category>| rows.into_iter().map(|c| c.name).collect::<Vec<_>>();
    let q = below("Fruit").order_by(Category::name.asc());
    assert_eq!(
        names(db.repo.all(q).await?),
        ["Apple", "Cherry", "Fruit", "Morello"]
    );
    let q = below("All")
        .filter(Category::name.ne("All"))
        .order_by(Category::name.asc())
        .limit(3);
    assert_eq!(names(db.repo.all(q).await?), ["Apple", "Cherry", "Fruit"]);
    assert_eq!(db.repo.all(below("Leek")).await?.len(), 1, "a leaf: itself");
    assert!(db.repo.all(below("nothing")).await?.is_empty());
    let counted = db.repo.count(below("Fruit")).await;
    assert!(matches!(counted, Err(Error::Query(_))), "{counted:?}");
    Ok(())
}

/// A search form: each optional input adds a filter.
pub async fn dynamic_filters_compose(db: &Db) -> R {
    seed(db).await?;
    struct Search {
        name: Option<&'static str>,
        max_price: Option<f64>,
        sort: &'static str,
    }
    async fn search(db: &Db, s: Search) -> quarry::Result<Vec<String>> {
        let field = quarry::schema::Field::<Product>::named(s.sort)?;
        let q = Product::query()
            .filter_opt(s.name.map(|n| Product::name.ilike(format!("%{n}%"))))
            .filter_opt(s.max_price.map(|p| Product::price.le(p)))
            .order_by_field(field, false);
        Ok(names(db.repo.all(q).await?))
    }
    let all = search(
        db,
        Search {
            name: None,
            max_price: None,
            sort: "name",
        },
    )
    .await?;
    assert_eq!(all, ["Apple", "Banana", "Cherry", "Pear"]);
    let some = search(
        db,
        Search {
            name: Some("a"),
            max_price: Some(1.6),
            sort: "price",
        },
    )
    .await?;
    assert_eq!(some, ["Banana", "Apple"]);
    let bad = search(
        db,
        Search {
            name: None,
            max_price: None,
            sort: "price desc; --",
        },
    )
    .await;
    assert!(matches!(bad, Err(Error::UnknownField { .. })), "{bad:?}");
    Ok(())
}

pub async fn inner_and_left_joins(db: &Db) -> R {
    seed(db).await?;
    // Products of Ann's store: filter on a joined table.
    let q = Product::query()
        .join(table::<Store>(), Product::store_id.eq_col(Store::id))
        .join(table::<User>(), Store::user_id.eq_col(User::id))
        .filter(User::name.eq("Ann"))
        .order_by(Product::name.asc());
    assert_eq!(names(db.repo.all(q).await?), ["Apple", "Banana"]);
    // Whole rows of both sides; a left join without a match gives None.
    let q = Product::query()
        .left_join(table::<Store>(), Product::store_id.eq_col(Store::id))
        .order_by(Product::name.asc())
        .select((row::<Product>(), maybe_row::<Store>()));
    let rows: Vec<(Product, Option<Store>)> = db.repo.all(q).await?;
    let pairs: Vec<(String, Option<String>)> = rows
        .into_iter()
        .map(|(p, s)| (p.name, s.map(|s| s.name)))
        .collect();
    assert_eq!(
        pairs,
        [
            ("Apple".to_string(), Some("Shop A".to_string())),
            ("Banana".to_string(), Some("Shop A".to_string())),
            ("Cherry".to_string(), Some("Shop B".to_string())),
            ("Pear".to_string(), None),
        ]
    );
    Ok(())
}

pub async fn same_table_joined_twice_under_aliases(db: &Db) -> R {
    let (users, _) = seed(db).await?;
    // Stores with their owner (alias 1) and, for each, every other user (alias 2).
    const OWNER: Alias<User, 1> = Alias::new();
    const OTHER: Alias<User, 2> = Alias::new();
    let q = Store::query()
        .join(OWNER, Store::user_id.eq_col(OWNER.col(User::id)))
        .join(OTHER, OTHER.col(User::id).ne_col(OWNER.col(User::id)))
        .order_by(Store::name.asc())
        .select((Store::name, OWNER.col(User::name), OTHER.col(User::name)));
    let rows: Vec<(String, String, String)> = db.repo.all(q).await?;
    assert_eq!(
        rows,
        [
            ("Shop A".to_string(), "Ann".to_string(), "Bob".to_string()),
            ("Shop B".to_string(), "Bob".to_string(), "Ann".to_string()),
        ]
    );
    assert_eq!(users.len(), 2);
    let sql = db.statements().last().cloned().unwrap_or_default();
    assert!(sql.contains("users_1") && sql.contains("users_2"), "{sql}");
    Ok(())
}

pub async fn select_columns_and_tuples(db: &Db) -> R {
    seed(db).await?;
    let names: Vec<String> = db
        .repo
        .all(
            Product::query()
                .order_by(Product::name.desc())
                .select(Product::name),
        )
        .await?;
    assert_eq!(names, ["Pear", "Cherry", "Banana", "Apple"]);
    let pairs: Vec<(String, Option<f64>)> = db
        .repo
        .all(
            Product::query()
                .filter(Product::price.gt(1.0))
                .order_by(Product::price.asc())
                .select((Product::name, Product::price)),
        )
        .await?;
    assert_eq!(
        pairs,
        [
            ("Apple".to_string(), Some(1.5)),
            ("Pear".to_string(), Some(2.0)),
            ("Cherry".to_string(), Some(4.0))
        ]
    );
    let one: Option<String> = db
        .repo
        .one(
            Product::query()
                .filter(Product::name.eq("Pear"))
                .select(Product::name),
        )
        .await?;
    assert_eq!(one.as_deref(), Some("Pear"));
    let total: Option<Option<f64>> = db
        .repo
        .one(Product::query().select(sum(Product::price)))
        .await?;
    assert_eq!(total, Some(Some(8.0)));
    Ok(())
}

pub async fn group_by_and_having(db: &Db) -> R {
    seed(db).await?;
    let q = Product::query()
        .join(table::<Store>(), Product::store_id.eq_col(Store::id))
        .group_by(Store::name)
        .having(count().gt(1))
        .select((Store::name, count(), sum(Product::price)));
    let rows: Vec<(String, i64, Option<f64>)> = db.repo.all(q).await?;
    assert_eq!(rows, [("Shop A".to_string(), 2, Some(2.0))]);
    let q = Product::query()
        .group_by(Product::store_id)
        .order_by(count().desc())
        .order_by(Product::store_id.asc())
        .select((Product::store_id, count(), sum(Product::stock)));
    let rows: Vec<(Option<i64>, i64, Option<i64>)> = db.repo.all(q).await?;
    assert_eq!(rows.len(), 3);
    assert_eq!((rows[0].1, rows[0].2), (2, Some(0)));
    Ok(())
}

pub async fn subqueries_in_where(db: &Db) -> R {
    seed(db).await?;
    // Products whose store belongs to Bob.
    let bobs_stores = Store::query()
        .join(table::<User>(), Store::user_id.eq_col(User::id))
        .filter(User::name.eq("Bob"))
        .select(Store::id);
    let q = Product::query().filter(Product::store_id.in_subquery(bobs_stores));
    assert_eq!(names(db.repo.all(q).await?), ["Cherry"]);
    let shops = Store::query().select(Store::id);
    let q = Product::query()
        .filter(Product::store_id.not_in_subquery(shops))
        .filter(Product::store_id.is_not_null());
    assert!(db.repo.all(q).await?.is_empty());
    let any_expensive = exists(
        Product::query()
            .filter(Product::price.gt(3.0))
            .select(Product::id),
    );
    assert_eq!(db.repo.count(User::query().filter(any_expensive)).await?, 2);
    let none_free = not_exists(
        Product::query()
            .filter(Product::price.eq(Some(0.0)))
            .select(Product::id),
    );
    assert_eq!(db.repo.count(User::query().filter(none_free)).await?, 2);
    Ok(())
}

pub async fn first_last_and_distinct(db: &Db) -> R {
    seed(db).await?;
    let first = db.repo.one(Product::query().first()).await?.map(|p| p.name);
    assert_eq!(first.as_deref(), Some("Apple"), "first by primary key");
    let last = db.repo.one(Product::query().last()).await?.map(|p| p.name);
    assert_eq!(last.as_deref(), Some("Pear"), "last by primary key");
    let cheapest = db
        .repo
        .one(Product::query().order_by(Product::price.desc()).last())
        .await?
        .map(|p| p.name);
    assert_eq!(
        cheapest.as_deref(),
        Some("Banana"),
        "last reverses the order"
    );
    let stores: Vec<Option<i64>> = db
        .repo
        .all(
            Product::query()
                .distinct()
                .order_by(Product::store_id.asc())
                .select(Product::store_id),
        )
        .await?;
    assert_eq!(stores.len(), 3);
    Ok(())
}

pub async fn nulls_ordering(db: &Db) -> R {
    seed(db).await?;
    let q = Product::query()
        .order_by(Product::store_id.asc().nulls_first())
        .order_by(Product::name.asc())
        .select(Product::name);
    let got: Vec<String> = db.repo.all(q).await?;
    assert_eq!(got[0], "Pear");
    let q = Product::query()
        .order_by(Product::store_id.desc().nulls_last())
        .order_by(Product::name.asc())
        .select(Product::name);
    let got: Vec<String> = db.repo.all(q).await?;
    assert_eq!(got.last().map(String::as_str), Some("Pear"));
    Ok(())
}

pub async fn row_locks(db: &Db) -> R {
    seed(db).await?;
    let tx = db.repo.begin().await?;
    let locked = tx
        .all(
            Product::query()
                .filter(Product::name.eq("Apple"))
                .for_update(),
        )
        .await;
    let skip = tx.all(Product::query().for_update().skip_locked()).await;
    let share = tx.all(Product::query().for_share()).await;
    tx.rollback().await?;
    if db.kind == Kind::Sqlite {
        assert!(
            matches!(locked, Err(Error::Unsupported { .. })),
            "{locked:?}"
        );
        assert!(matches!(skip, Err(Error::Unsupported { .. })));
        assert!(matches!(share, Err(Error::Unsupported { .. })));
    } else {
        assert_eq!(locked?.len(), 1);
        assert_eq!(skip?.len(), 4);
        assert_eq!(share?.len(), 4);
        let sql = db.statements().join("\n");
        assert!(
            sql.contains("FOR UPDATE") && sql.contains("SKIP LOCKED"),
            "{sql}"
        );
    }
    Ok(())
}

pub async fn outer_join_capabilities(db: &Db) -> R {
    seed(db).await?;
    let right = Product::query()
        .right_join(table::<Store>(), Product::store_id.eq_col(Store::id))
        .select(Store::name);
    let full = Product::query()
        .full_join(table::<Store>(), Product::store_id.eq_col(Store::id))
        .select(Product::name);
    let caps = db.repo.driver().backend().capabilities.clone();
    let right = db.repo.all(right).await;
    match caps.right_join {
        true => assert_eq!(right?.len(), 3),
        false => assert!(matches!(right, Err(Error::Unsupported { .. }))),
    }
    let full = db.repo.all(full).await;
    match caps.full_join {
        true => assert_eq!(full?.len(), 4),
        false => assert!(
            matches!(
                full,
                Err(Error::Unsupported {
                    feature: "FULL JOIN",
                    ..
                })
            ),
            "{full:?}"
        ),
    }
    assert_eq!(db.kind == Kind::MySql, !caps.full_join);
    Ok(())
}

pub async fn bulk_operations_refuse_limits(db: &Db) -> R {
    // (Joins they take: see the bulk scenarios.)
    seed(db).await?;
    let joined = Product::query().join(table::<Store>(), Product::store_id.eq_col(Store::id));
    db.reset_statements();
    let err = db.repo.delete_all(joined.clone().limit(1)).await;
    assert!(matches!(err, Err(Error::Query(_))), "{err:?}");
    let err = db
        .repo
        .update_all(joined.limit(1), Updates::new().set(Product::stock, 1))
        .await;
    assert!(matches!(err, Err(Error::Query(_))), "{err:?}");
    assert_eq!(db.statement_count(), 0);
    assert_eq!(db.repo.count(Product::query()).await?, 4);
    Ok(())
}

pub async fn select_into_struct(db: &Db) -> R {
    seed(db).await?;
    // Store::name is not nullable in the schema, but the LEFT JOIN leaves it
    // NULL for Pear: the projection types it `Option<String>`, so the struct
    // has an Option there (a String field would not compile).
    let q = Product::query()
        .left_join(table::<Store>(), Product::store_id.eq_col(Store::id))
        .filter(Product::price.ge(2.0))
        .order_by(Product::name.asc())
        .select((Product::name, Store::name, Product::price))
        .as_struct::<Listing3>();
    let rows: Vec<Listing3> = db.repo.all(q).await?;
    assert_eq!(
        rows,
        vec![
            Listing3 {
                product: "Cherry".into(),
                store: Some("Shop B".into()),
                price: Some(4.0)
            },
            Listing3 {
                product: "Pear".into(),
                store: None,
                price: Some(2.0)
            },
        ]
    );
    let q = Product::query()
        .join(table::<Store>(), Product::store_id.eq_col(Store::id))
        .filter(Product::price.ge(2.0))
        .select((Product::name, Store::name, Product::price))
        .as_struct::<Listing2>();
    let rows: Vec<Listing2> = db.repo.all(q).await?;
    assert_eq!(
        rows,
        vec![Listing2 {
            product: "Cherry".into(),
            store: "Shop B".into(),
            price: Some(4.0)
        }]
    );
    Ok(())
}

#[derive(FromTuple, Debug, PartialEq)]
struct Listing3 {
    product: String,
    store: Option<String>,
    price: Option<f64>,
}

#[derive(FromTuple, Debug, PartialEq)]
struct Listing2 {
    product: String,
    store: String,
    price: Option<f64>,
}

pub async fn subquery_in_from(db: &Db) -> R {
    seed(db).await?;
    // Of the three cheapest products, the one whose name sorts last.
    let cheapest = Product::query().order_by(Product::price.asc()).limit(3);
    let q = Query::from_subquery(cheapest)
        .order_by(Product::name.desc())
        .limit(1);
    let got = db.repo.one(q).await?.map(|p| p.name);
    assert_eq!(got.as_deref(), Some("Pear"));
    let cheap_in_a_store =
        Query::from_subquery(Product::query().filter(Product::price.lt(Some(3.0))))
            .filter(Product::store_id.is_not_null());
    assert_eq!(db.repo.count(cheap_in_a_store).await?, 2);
    Ok(())
}

pub async fn stream_rows_one_at_a_time(db: &Db) -> R {
    let rows: Vec<Product> = (0..500)
        .map(|i| product(&format!("P{i:03}"), f64::from(i)))
        .collect();
    db.repo.insert_all(rows).await?;
    let mut total = 0.0;
    let mut last = String::new();
    let seen = db
        .repo
        .stream_each(
            Product::query().order_by(Product::name.asc()),
            |p: Product| {
                assert!(p.name > last, "in order");
                last = p.name;
                total += p.price.unwrap_or(0.0);
                Ok(())
            },
        )
        .await?;
    assert_eq!(seen, 500);
    assert_eq!(total, (0..500).map(f64::from).sum::<f64>());
    let mut n = 0;
    let stopped = db
        .repo
        .stream_each(Product::query().select(Product::name), |_name: String| {
            n += 1;
            if n == 10 {
                return Err(Error::Query("enough".into()));
            }
            Ok(())
        })
        .await;
    assert!(
        matches!(stopped, Err(Error::Query(ref m)) if m.to_string() == "enough"),
        "{stopped:?}"
    );
    assert_eq!(n, 10, "the stream stops at the first error");
    // The connection is usable afterwards.
    assert_eq!(db.repo.count(Product::query()).await?, 500);
    Ok(())
}
