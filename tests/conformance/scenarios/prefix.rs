//! Prefixes (issue 17): a query, a schema and a repo by default read from and
//! write to another schema (Postgres) or database (MySQL). Each scenario makes
//! two tenants next to the harness's database (named after it), with copies of
//! the `stores` and `products` tables, and drops them afterwards. SQLite has
//! no schemas (ATTACHed databases are not supported): there a prefix is a
//! typed refusal with nothing sent.

use crate::harness::{Db, Kind, R};
use crate::schemas::{product, store, Product, Store};
use quarry::error::QueryError;
use quarry::prelude::*;
use quarry::Error;

/// Two tenants (schemas / databases) with empty `stores` and `products`
/// tables; dropped by [`Tenants::drop_all`].
struct Tenants {
    a: String,
    b: String,
}

impl Tenants {
    async fn create(db: &Db) -> quarry::Result<Tenants> {
        let current = match db.kind {
            Kind::Postgres => "SELECT current_schema()",
            _ => "SELECT DATABASE()",
        };
        let rows = db
            .repo
            .query_raw(current, vec![], &[quarry::schema::ValueType::String])
            .await?;
        let base = match rows.first().and_then(|r| r.values.first()) {
            Some(quarry::Value::String(s)) => s.clone(),
            other => return Err(Error::Query(format!("no current schema: {other:?}").into())),
        };
        let t = Tenants {
            a: format!("{base}_ta"),
            b: format!("{base}_tb"),
        };
        for name in [&t.a, &t.b] {
            match db.kind {
                Kind::Postgres => {
                    db.exec(&format!("CREATE SCHEMA {name}")).await?;
                    for table in ["stores", "products"] {
                        db.exec(&format!(
                            "CREATE TABLE {name}.{table} (LIKE {base}.{table} INCLUDING ALL)"
                        ))
                        .await?;
                    }
                }
                _ => {
                    db.exec(&format!("CREATE DATABASE {name}")).await?;
                    for table in ["stores", "products"] {
                        db.exec(&format!("CREATE TABLE {name}.{table} LIKE {base}.{table}"))
                            .await?;
                    }
                }
            }
        }
        db.reset_statements();
        Ok(t)
    }

    async fn drop_all(self, db: &Db) -> R {
        for name in [&self.a, &self.b] {
            match db.kind {
                Kind::Postgres => db.exec(&format!("DROP SCHEMA {name} CASCADE")).await?,
                _ => db.exec(&format!("DROP DATABASE {name}")).await?,
            };
        }
        Ok(())
    }
}

fn unsupported<T: std::fmt::Debug>(r: quarry::Result<T>) -> bool {
    matches!(
        r,
        Err(Error::Unsupported {
            backend: "SQLite",
            ..
        })
    )
}

/// SQLite: every statement that would carry a prefix is refused, typed,
/// before anything is sent.
async fn sqlite_refuses(db: &Db) -> R {
    let tenant = db.repo.with_prefix("tenant_a")?;
    db.reset_statements();
    assert!(unsupported(tenant.all(from::<Product>()).await));
    assert!(unsupported(tenant.insert(product("A", 1.0)).await));
    assert!(unsupported(tenant.count(from::<Product>()).await));
    assert!(unsupported(
        db.repo.all(from::<Product>().prefix("tenant_a")).await
    ));
    assert_eq!(db.statement_count(), 0, "{:?}", db.statements());
    Ok(())
}

pub async fn the_same_statements_in_two_tenants_stay_apart(db: &Db) -> R {
    if db.kind == Kind::Sqlite {
        return sqlite_refuses(db).await;
    }
    let t = Tenants::create(db).await?;
    let a = db.repo.with_prefix(&t.a)?;
    let b = db.repo.with_prefix(t.b.as_str())?;
    let apple = a.insert(product("Apple", 1.5)).await?;
    a.insert(product("Apricot", 2.0)).await?;
    b.insert(product("Banana", 0.5)).await?;
    let names = |rows: Vec<Product>| rows.into_iter().map(|p| p.name).collect::<Vec<_>>();
    let by_name = || from::<Product>().order_by(Product::name.asc());
    assert_eq!(names(a.all(by_name()).await?), ["Apple", "Apricot"]);
    assert_eq!(names(b.all(by_name()).await?), ["Banana"]);
    // The harness's own tables saw none of it.
    assert_eq!(db.repo.count(from::<Product>()).await?, 0);
    // Reads by key, updates, deletes, aggregates and bulk writes stay in
    // their tenant.
    assert_eq!(
        a.get::<Product, _>(apple.id).await?.map(|p| p.name),
        Some("Apple".into())
    );
    let cs = Changeset::cast(
        apple.clone(),
        serde_json::json!({"price": "3"}),
        Product::price,
    );
    let updated = a.update(cs).await?;
    assert_eq!(updated.price, Some(3.0));
    assert_eq!(
        a.aggregate(from::<Product>(), Aggregate::sum(Product::price))
            .await?,
        Some(5.0)
    );
    // An upsert's conflict clause names the tenant's table.
    let mut again = product("Apple", 9.0);
    again.id = apple.id;
    let up = a
        .upsert(
            again,
            quarry::query::OnConflict::replace(Product::price).target(Product::id),
        )
        .await?;
    assert_eq!((up.id, up.price), (apple.id, Some(9.0)));
    assert_eq!(b.count(from::<Product>()).await?, 1);
    assert!(a.exists(Product::name.eq("Apricot")).await?);
    assert!(!b.exists(Product::name.eq("Apricot")).await?);
    let n = a
        .update_all(
            Product::name.eq("Apricot"),
            Updates::new().set(Product::stock, 7),
        )
        .await?;
    assert_eq!(n, 1);
    a.insert_all(vec![product("Avocado", 1.0), product("Acerola", 1.0)])
        .await?;
    assert_eq!(a.count(from::<Product>()).await?, 4);
    assert_eq!(b.count(from::<Product>()).await?, 1);
    a.delete(updated).await?;
    assert_eq!(a.delete_all(Product::name.eq("Avocado")).await?, 1);
    assert_eq!(a.count(from::<Product>()).await?, 2);
    // A transaction opened by the tenant's repo (and its savepoints) stays
    // in the tenant; a rolled back insert is gone.
    let res: Result<(), Error> = a
        .transaction(|tx| {
            Box::pin(async move {
                tx.insert(product("Almond", 1.0)).await?;
                let inner = tx.begin().await?;
                inner.insert(product("Anise", 1.0)).await?;
                inner.commit().await?;
                Err(Error::Query("roll back".into()))
            })
        })
        .await;
    assert!(res.is_err());
    a.transaction(|tx| {
        Box::pin(async move {
            tx.insert(product("Almond", 1.0)).await?;
            Ok::<_, Error>(())
        })
    })
    .await?;
    // A transaction of the pool, seen through a prefix: its statements and
    // its savepoints' target the tenant.
    let (ta, tb) = (t.a.clone(), t.b.clone());
    db.repo
        .transaction(|tx| {
            Box::pin(async move {
                let in_b = tx.with_prefix(tb.as_str())?;
                in_b.insert(product("Blueberry", 1.0)).await?;
                let sp = in_b.begin().await?;
                sp.insert(product("Boysenberry", 1.0)).await?;
                sp.commit().await?;
                let in_a = tx.with_prefix(ta.as_str())?;
                assert_eq!(in_a.count(from::<Product>()).await?, 3);
                Ok::<_, Error>(())
            })
        })
        .await?;
    assert_eq!(
        names(b.all(by_name()).await?),
        ["Banana", "Blueberry", "Boysenberry"]
    );
    assert_eq!(
        names(a.all(by_name()).await?),
        ["Acerola", "Almond", "Apricot"]
    );
    assert_eq!(db.repo.count(from::<Product>()).await?, 0);
    t.drop_all(db).await
}

pub async fn a_query_prefix_wins_over_the_repo_default(db: &Db) -> R {
    if db.kind == Kind::Sqlite {
        return Ok(());
    }
    let t = Tenants::create(db).await?;
    let a = db.repo.with_prefix(&t.a)?;
    a.insert(product("Apple", 1.5)).await?;
    db.repo
        .with_prefix(&t.b)?
        .insert(product("Banana", 0.5))
        .await?;
    db.repo.insert(product("Plain", 9.0)).await?;
    let one = |rows: Vec<Product>| rows.into_iter().map(|p| p.name).collect::<Vec<_>>();
    // The repo's default, then a query's own prefix over it, on a repo with
    // and without a default.
    assert_eq!(one(a.all(from::<Product>()).await?), ["Apple"]);
    assert_eq!(
        one(a.all(from::<Product>().prefix(t.b.as_str())).await?),
        ["Banana"]
    );
    assert_eq!(
        one(db.repo.all(from::<Product>().prefix(t.a.as_str())).await?),
        ["Apple"]
    );
    assert_eq!(one(db.repo.all(from::<Product>()).await?), ["Plain"]);
    // A query prefix covers its subqueries and joins: the stores of tenant
    // b, joined to its products.
    let s = db
        .repo
        .with_prefix(&t.b)?
        .insert(store("B-store", None))
        .await?;
    db.repo
        .with_prefix(&t.b)?
        .update_all(
            Product::name.eq("Banana"),
            Updates::new().set(Product::store_id, Some(s.id)),
        )
        .await?;
    let joined = from::<Product>()
        .join(table::<Store>(), Product::store_id.eq_col(Store::id))
        .filter(Store::name.eq("B-store"))
        .prefix(t.b.as_str());
    assert_eq!(one(a.all(joined).await?), ["Banana"]);
    t.drop_all(db).await
}

pub async fn preloads_stay_in_the_tenant(db: &Db) -> R {
    if db.kind == Kind::Sqlite {
        return Ok(());
    }
    let t = Tenants::create(db).await?;
    for (tenant, item) in [(&t.a, "a-item"), (&t.b, "b-item")] {
        let repo = db.repo.with_prefix(tenant)?;
        let s = repo.insert(store("Shop", None)).await?;
        let mut p = product(item, 1.0);
        p.store_id = Some(s.id);
        repo.insert(p).await?;
    }
    // A preload read from another tenant (or the harness's tables) would
    // find the other tenant's product or none.
    let items = |stores: Vec<Store>| {
        stores
            .into_iter()
            .flat_map(|s| s.products.get().map(|v| v.to_vec()).unwrap_or_default())
            .map(|p| p.name)
            .collect::<Vec<_>>()
    };
    let a = db.repo.with_prefix(&t.a)?;
    assert_eq!(
        items(a.all(from::<Store>().preload(Store::products)).await?),
        ["a-item"]
    );
    // A query's own prefix is its preloads' too.
    assert_eq!(
        items(
            db.repo
                .all(
                    from::<Store>()
                        .prefix(t.b.as_str())
                        .preload(Store::products)
                )
                .await?
        ),
        ["b-item"]
    );
    assert_eq!(
        items(
            a.all(
                from::<Store>()
                    .prefix(t.b.as_str())
                    .preload(Store::products)
            )
            .await?
        ),
        ["b-item"]
    );
    t.drop_all(db).await
}

pub async fn a_bad_prefix_is_a_typed_error_and_sends_nothing(db: &Db) -> R {
    db.reset_statements();
    for bad in ["a;b", "x y", "", "1abc", "tenant\"", "t`x", "a.b"] {
        let err = db.repo.with_prefix(bad).map(|_| ());
        assert!(
            matches!(&err, Err(Error::Query(QueryError::InvalidPrefix(t))) if t == bad),
            "{bad:?}: {err:?}"
        );
        let err = db.repo.all(from::<Product>().prefix(bad)).await;
        assert!(
            matches!(&err, Err(Error::Query(QueryError::InvalidPrefix(t))) if t == bad),
            "{bad:?}: {err:?}"
        );
    }
    assert_eq!(db.statement_count(), 0, "{:?}", db.statements());
    Ok(())
}

/// The migrations a tenant gets: a table, then one referencing it, with an
/// index.
fn tenant_migrations() -> Vec<Box<dyn quarry::migration::Migration>> {
    use quarry::migration::prelude::*;
    struct Shops;
    impl Migration for Shops {
        fn version(&self) -> i64 {
            20240101000001
        }
        fn name(&self) -> &str {
            "create_px_shops"
        }
        fn change(&self, m: &mut Commands) {
            m.create_table("px_shops", |t| {
                t.add("name", Type::String);
            });
        }
    }
    struct Items;
    impl Migration for Items {
        fn version(&self) -> i64 {
            20240101000002
        }
        fn name(&self) -> &str {
            "create_px_items"
        }
        fn change(&self, m: &mut Commands) {
            m.create_table("px_items", |t| {
                t.add("name", Type::String);
                t.add("shop_id", references("px_shops"));
            });
            m.create_index(index("px_items", ["name"]));
        }
    }
    vec![Box::new(Shops), Box::new(Items)]
}

/// The tables of schema / database `prefix` whose names start with `px_`.
async fn tables_in(db: &Db, prefix: &str) -> quarry::Result<Vec<String>> {
    let sql = format!(
        "SELECT table_name FROM information_schema.tables \
         WHERE table_schema = {} AND table_name LIKE 'px\\_%' ORDER BY table_name",
        db.placeholder(1)
    );
    let rows = db
        .repo
        .query_raw(
            &sql,
            vec![quarry::Value::String(prefix.to_string())],
            &[quarry::schema::ValueType::String],
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| match r.values.into_iter().next() {
            Some(quarry::Value::String(s)) => Some(s),
            _ => None,
        })
        .collect())
}

pub async fn migrating_a_tenant_keeps_its_own_versions(db: &Db) -> R {
    use quarry::migration::{create_prefix, drop_prefix, MigrateError, Migrator, Target};
    if db.kind == Kind::Sqlite {
        let tenant = db.repo.with_prefix("tenant_a")?;
        db.reset_statements();
        let err = Migrator::new(&tenant, tenant_migrations())?
            .migrate(Target::All)
            .await;
        assert!(
            matches!(&err, Err(MigrateError::Database(e)) if matches!(**e, Error::Unsupported { .. })),
            "{err:?}"
        );
        let err = create_prefix(&db.repo, "tenant_a").await;
        assert!(
            matches!(&err, Err(MigrateError::Database(e)) if matches!(**e, Error::Unsupported { .. })),
            "{err:?}"
        );
        assert_eq!(db.statement_count(), 0, "{:?}", db.statements());
        return Ok(());
    }
    let t = Tenants::create(db).await?;
    let (a, b) = (format!("{}_m", t.a), format!("{}_m", t.b));
    for p in [&a, &b, &a] {
        // Creating it twice is nothing.
        create_prefix(&db.repo, p.as_str()).await?;
    }
    let in_a = db.repo.with_prefix(&a)?;
    let in_b = db.repo.with_prefix(&b)?;
    let report = Migrator::new(&in_a, tenant_migrations())?
        .migrate(Target::All)
        .await?;
    assert_eq!(report.versions().len(), 2);
    Migrator::new(&in_b, tenant_migrations())?
        .migrate(Target::Step(1))
        .await?;
    assert_eq!(tables_in(db, &a).await?, ["px_items", "px_shops"]);
    assert_eq!(tables_in(db, &b).await?, ["px_shops"]);
    // Each prefix keeps its own schema_migrations; the connection's own has
    // none of them.
    let applied = |s: quarry::migration::Status| s.applied().len();
    assert_eq!(
        applied(Migrator::new(&in_a, tenant_migrations())?.status().await?),
        2
    );
    assert_eq!(
        applied(Migrator::new(&in_b, tenant_migrations())?.status().await?),
        1
    );
    assert_eq!(
        applied(
            Migrator::new(&db.repo, tenant_migrations())?
                .status()
                .await?
        ),
        0
    );
    // The reference was made in the tenant: an item takes the tenant's
    // shop and refuses one that is not there.
    db.exec(&format!("INSERT INTO {a}.px_shops (name) VALUES ('s')"))
        .await?;
    db.exec(&format!(
        "INSERT INTO {a}.px_items (name, shop_id) SELECT 'i', MAX(id) FROM {a}.px_shops"
    ))
    .await?;
    let bad = db
        .exec(&format!(
            "INSERT INTO {a}.px_items (name, shop_id) VALUES ('j', 999999)"
        ))
        .await;
    assert!(bad.is_err(), "{bad:?}");
    // The pool's connections are back on their own database / schema.
    for _ in 0..4 {
        assert_eq!(db.repo.count(from::<Product>()).await?, 0);
    }
    // Rolling one tenant back leaves the other as it was.
    Migrator::new(&in_a, tenant_migrations())?
        .rollback(Target::All)
        .await?;
    assert!(tables_in(db, &a).await?.is_empty());
    assert_eq!(tables_in(db, &b).await?, ["px_shops"]);
    for p in [&a, &b, &b] {
        drop_prefix(&db.repo, p.as_str()).await?;
    }
    assert!(tables_in(db, &b).await?.is_empty());
    t.drop_all(db).await
}

/// A table of a schema / database of its own whatever the repo's default
/// (Ecto's `@schema_prefix`): shared by every tenant.
#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "px_notes", prefix = "quarry_px_shared")]
pub struct SharedNote {
    pub meta: Meta,
    pub id: i64,
    pub body: String,
}

fn note(body: &str) -> SharedNote {
    SharedNote {
        body: body.into(),
        ..Default::default()
    }
}

pub async fn a_schema_prefix_sits_between_query_and_repo(db: &Db) -> R {
    use quarry::migration::{create_prefix, drop_prefix};
    if db.kind == Kind::Sqlite {
        db.reset_statements();
        assert!(unsupported(db.repo.insert(note("x")).await));
        assert!(unsupported(db.repo.all(from::<SharedNote>()).await));
        assert_eq!(db.statement_count(), 0);
        return Ok(());
    }
    let t = Tenants::create(db).await?;
    let pk = match db.kind {
        Kind::Postgres => "BIGSERIAL PRIMARY KEY",
        _ => "BIGINT AUTO_INCREMENT PRIMARY KEY",
    };
    create_prefix(&db.repo, "quarry_px_shared").await?;
    for p in ["quarry_px_shared", t.a.as_str()] {
        db.exec(&format!(
            "CREATE TABLE IF NOT EXISTS {p}.px_notes (id {pk}, body TEXT NOT NULL)"
        ))
        .await?;
    }
    db.exec("DELETE FROM quarry_px_shared.px_notes").await?;
    let a = db.repo.with_prefix(&t.a)?;
    // The schema's prefix, with or without a repo default (which it wins
    // over).
    db.repo.insert(note("from the pool")).await?;
    let mine = a.insert(note("from tenant a")).await?;
    let bodies = |rows: Vec<SharedNote>| {
        let mut v: Vec<String> = rows.into_iter().map(|n| n.body).collect();
        v.sort();
        v
    };
    assert_eq!(
        bodies(a.all(from::<SharedNote>()).await?),
        ["from tenant a", "from the pool"]
    );
    assert_eq!(bodies(db.repo.all(from::<SharedNote>()).await?).len(), 2);
    a.delete(mine).await?;
    assert_eq!(db.repo.count(from::<SharedNote>()).await?, 1);
    // A query's prefix wins over the schema's.
    db.exec(&format!(
        "INSERT INTO {}.px_notes (body) VALUES ('tenant copy')",
        t.a
    ))
    .await?;
    assert_eq!(
        bodies(
            db.repo
                .all(from::<SharedNote>().prefix(t.a.as_str()))
                .await?
        ),
        ["tenant copy"]
    );
    drop_prefix(&db.repo, "quarry_px_shared").await?;
    t.drop_all(db).await
}

pub fn all() -> Vec<crate::harness::Scenario> {
    crate::scenarios![
        a_schema_prefix_sits_between_query_and_repo,
        migrating_a_tenant_keeps_its_own_versions,
        the_same_statements_in_two_tenants_stay_apart,
        a_query_prefix_wins_over_the_repo_default,
        preloads_stay_in_the_tenant,
        a_bad_prefix_is_a_typed_error_and_sends_nothing,
    ]
}
