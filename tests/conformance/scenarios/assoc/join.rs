//! Join preload, per-parent limits, `assoc` queries and joins on associations.

use super::{product_names, seed};
use crate::harness::{Db, R};
use crate::schemas::assoc::{Product, Store, Tag, User};
use async_trait::async_trait;
use quarry::assoc;
use quarry::driver::{Backend, Driver, ExecResult, Statement};
use quarry::driver::{RowSink, RunOptions, TxDriver};
use quarry::prelude::*;

pub async fn join_preload_collapses_parents(db: &Db) -> R {
    seed(db).await?;
    let repo = &db.repo;
    let q = Store::query()
        .join_assoc(Store::products)
        .filter(Product::price.gt(1.0))
        .order_by(Store::id.asc())
        .order_by(Product::name.asc())
        .preload_join(Store::products);
    let stores = repo.all(q).await?;
    assert_eq!(
        db.statement_count(),
        1,
        "one statement fills the association"
    );
    let names: Vec<&str> = stores.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["Shop A", "Shop B"],
        "duplicate parent rows collapse"
    );
    assert_eq!(
        product_names(stores[0].products.get()?),
        ["Apple", "Cherry"],
        "only the joined (filtered) rows"
    );
    assert_eq!(product_names(stores[1].products.get()?), ["Date"]);

    // Many-to-many through the join table, plus a preload by query.
    db.reset_statements();
    let q = Product::query()
        .join_assoc(Product::tags)
        .order_by(Product::name.asc())
        .order_by(Tag::name.asc())
        .preload_join(Product::tags)
        .preload(Product::store);
    let products = repo.all(q).await?;
    assert_eq!(db.statement_count(), 2);
    assert_eq!(product_names(&products), ["Apple", "Cherry"]);
    let tags: Vec<&str> = products[0]
        .tags
        .get()?
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(tags, ["green", "red"]);
    assert!(products.iter().all(|p| p.store.is_loaded()));
    Ok(())
}

pub async fn left_join_preload_without_match(db: &Db) -> R {
    seed(db).await?;
    let repo = &db.repo;
    let q = Store::query()
        .left_join_assoc(Store::products)
        .order_by(Store::id.asc())
        .preload_join(Store::products);
    let stores = repo.all(q).await?;
    assert_eq!(stores.len(), 3);
    assert_eq!(stores[0].products.get()?.len(), 3);
    assert!(stores[2].products.get()?.is_empty(), "no match: []");
    let q = Product::query()
        .left_join_assoc(Product::store)
        .order_by(Product::id.asc())
        .preload_join(Product::store);
    let products = repo.all(q).await?;
    assert_eq!(products.len(), 5);
    assert_eq!(
        products[0].store.get()?.as_ref().map(|s| s.name.as_str()),
        Some("Shop A")
    );
    assert_eq!(products[4].store.get()?, &None, "no match: None");
    Ok(())
}

/// Shop A gets Fig and Grape too (five products), Shop B keeps Date.
async fn more_products(db: &Db) -> quarry::Result<Vec<Store>> {
    let c = seed(db).await?;
    for name in ["Fig", "Grape"] {
        db.repo
            .insert(Product {
                name: name.into(),
                store_id: Some(c.stores[0].id),
                ..Default::default()
            })
            .await?;
    }
    db.reset_statements();
    Ok(c.stores)
}

/// The newest three products of each store.
async fn newest_three<Rp: Repo>(repo: &Rp, stores: Vec<Store>) -> quarry::Result<Vec<Store>> {
    let spec = Store::products
        .query(Product::query().order_by(Product::id.desc()))
        .limit_per_parent(3);
    repo.preload(stores, spec).await
}

fn check_newest_three(stores: &[Store]) -> R {
    assert_eq!(
        product_names(stores[0].products.get()?),
        ["Grape", "Fig", "Banana"]
    );
    assert_eq!(product_names(stores[1].products.get()?), ["Date"]);
    assert!(stores[2].products.get()?.is_empty());
    Ok(())
}

pub async fn newest_three_per_parent_with_window_function(db: &Db) -> R {
    let stores = more_products(db).await?;
    let stores = newest_three(&db.repo, stores).await?;
    check_newest_three(&stores)?;
    let sql = db.statements();
    assert_eq!(sql.len(), 1);
    assert!(sql[0].contains("ROW_NUMBER()"), "{}", sql[0]);
    Ok(())
}

/// The same database, reporting no window functions.
struct NoWindows<'a> {
    inner: &'a dyn Driver,
    backend: Backend,
}

#[async_trait]
impl Driver for NoWindows<'_> {
    fn backend(&self) -> &Backend {
        &self.backend
    }
    async fn run(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> quarry::Result<ExecResult> {
        self.inner.run(stmt, options, rows).await
    }
    async fn begin(&self) -> quarry::Result<Box<dyn TxDriver>> {
        self.inner.begin().await
    }
}

struct NoWindowsRepo<'a>(NoWindows<'a>);

impl Repo for NoWindowsRepo<'_> {
    fn driver(&self) -> &dyn Driver {
        &self.0
    }
}

pub async fn newest_three_per_parent_without_window_functions(db: &Db) -> R {
    let stores = more_products(db).await?;
    let mut backend = db.repo.driver().backend().clone();
    backend.capabilities.window_functions = false;
    let repo = NoWindowsRepo(NoWindows {
        inner: db.repo.driver(),
        backend,
    });
    let stores = newest_three(&repo, stores).await?;
    check_newest_three(&stores)?;
    let sql = db.statements();
    assert_eq!(sql.len(), 1);
    assert!(!sql[0].contains("ROW_NUMBER"), "{}", sql[0]);
    Ok(())
}

pub async fn assoc_builds_the_query_of_associated_rows(db: &Db) -> R {
    let c = seed(db).await?;
    let repo = &db.repo;
    let q = assoc(&c.stores[0], Store::products).order_by(Product::name.asc());
    assert_eq!(
        product_names(&repo.all(q).await?),
        ["Apple", "Banana", "Cherry"]
    );
    let q = assoc(&c.stores, Store::products)
        .filter(Product::price.lt(2.0))
        .order_by(Product::name.asc());
    assert_eq!(product_names(&repo.all(q).await?), ["Apple", "Banana"]);
    let stores = repo.all(assoc(&c.products[1], Product::store)).await?;
    assert_eq!(stores.len(), 1);
    assert_eq!(stores[0].name, "Shop A");
    let tags = repo
        .all(assoc(&c.products[1], Product::tags).order_by(Tag::name.asc()))
        .await?;
    let tags: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["green", "red"]);
    let through = repo
        .all(assoc(&c.users[0], User::products).order_by(Product::name.asc()))
        .await?;
    assert_eq!(product_names(&through), ["Apple", "Banana", "Cherry"]);
    let none = repo.all(assoc(&c.products[4], Product::store)).await?;
    assert!(none.is_empty(), "a NULL key has no associated rows");
    assert_eq!(repo.count(assoc(&c.stores[2], Store::products)).await?, 0);
    Ok(())
}

pub async fn join_on_an_association(db: &Db) -> R {
    seed(db).await?;
    let repo = &db.repo;
    let q = Product::query()
        .join_assoc(Product::store)
        .filter(Store::name.eq("Shop B"));
    assert_eq!(product_names(&repo.all(q).await?), ["Date"]);
    let q = Product::query()
        .join_assoc(Product::tags)
        .filter(Tag::name.eq("green"));
    assert_eq!(product_names(&repo.all(q).await?), ["Apple"]);
    // An association of a source joined before.
    let q = User::query()
        .join_assoc(User::store)
        .join_assoc(Store::products)
        .filter(Product::name.eq("Date"));
    let users = repo.all(q).await?;
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].name, "Bob");
    // Through an association: users by the products of their store.
    let q = User::query()
        .join_assoc(User::products)
        .filter(Product::name.eq("Apple"));
    let users = repo.all(q).await?;
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].name, "Ann");
    Ok(())
}

/// `join_assoc_as` / `left_join_assoc_as`: an association joined under an
/// alias, so a query can reach the same table twice (here its own table:
/// the other products of each product's store), and filter on the alias.
pub async fn join_assoc_under_an_alias(db: &Db) -> R {
    seed(db).await?;
    const SIBLING: quarry::query::Alias<Product, 1> = quarry::query::Alias::new();
    // Products in the same store as Apple (Apple included).
    let q = Product::query()
        .join_assoc(Product::store)
        .join_assoc_as(Store::products, SIBLING)
        .filter(SIBLING.col(Product::name).eq("Apple"))
        .order_by(Product::name.asc());
    assert_eq!(
        product_names(&db.repo.all(q).await?),
        ["Apple", "Banana", "Cherry"]
    );
    // Pairs of a product and a sibling, both typed, from one statement.
    let pairs: Vec<(String, String)> = db
        .repo
        .all(
            Product::query()
                .join_assoc(Product::store)
                .join_assoc_as(Store::products, SIBLING)
                .filter(Product::name.eq("Date"))
                .select((Product::name, SIBLING.col(Product::name))),
        )
        .await?;
    assert_eq!(pairs, [("Date".to_string(), "Date".to_string())]);
    // LEFT JOIN under an alias keeps stores without products.
    const ITEM: quarry::query::Alias<Product, 2> = quarry::query::Alias::new();
    let rows: Vec<(String, Option<Product>)> = db
        .repo
        .all(
            Store::query()
                .left_join_assoc_as(Store::products, ITEM)
                .filter(Store::name.eq("Shop C"))
                .select((
                    Store::name,
                    quarry::query::maybe_row::<quarry::query::Alias<Product, 2>>(),
                )),
        )
        .await?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "Shop C");
    assert!(rows[0].1.is_none(), "no products: None");
    Ok(())
}
