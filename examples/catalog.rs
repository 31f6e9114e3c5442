//! The catalog tutorial (`shared/reference/seed-ecto-tutorial.txt`) replayed in
//! Rust on embedded SQLite: stores, products, changesets, and the associations
//! between users, stores and products with their preloads.
//!
//! Run it with `cargo run --example catalog`.

#![cfg_attr(test, allow(dead_code))]

use chrono::NaiveDateTime;
use quarry::prelude::*;

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "stores", timestamps)]
pub struct Store {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    /// `has_many :products, Catalog.Product`.
    #[quarry(has_many)]
    pub products: Assoc<Vec<Product>>,
    /// The `add_user_store_association` migration's column.
    pub user_id: Option<i64>,
    /// `belongs_to :user, Catalog.User`.
    #[quarry(belongs_to)]
    pub user: Assoc<Option<User>>,
    pub inserted_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "users", timestamps)]
pub struct User {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    /// `has_one :store, Catalog.Store`.
    #[quarry(has_one)]
    pub store: Assoc<Option<Store>>,
    pub inserted_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "products", timestamps)]
pub struct Product {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    pub description: String,
    /// Nullable, like the tutorial's `add :price, :float`: a built product has no
    /// price until one is cast, so `validate_required` can report it.
    pub price: Option<f64>,
    /// The `add_store_product_association` migration's column.
    pub store_id: Option<i64>,
    /// `belongs_to :store, Catalog.Store`.
    #[quarry(belongs_to)]
    pub store: Assoc<Option<Store>>,
    pub inserted_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Store {
    /// `Catalog.Store.changeset/2`.
    pub fn changeset(store: Store, attrs: impl Into<Params>) -> Changeset<Store> {
        Changeset::cast(store, attrs, Store::name).validate_required(Store::name)
    }
}

impl Product {
    /// `Catalog.Product.changeset/2`.
    pub fn changeset(product: Product, attrs: impl Into<Params>) -> Changeset<Product> {
        let fields = (Product::name, Product::description, Product::price);
        Changeset::cast(product, attrs, fields).validate_required(fields)
    }
}

/// The tutorial's five migrations (`create_store`, `create_user`,
/// `create_product`, `add_store_product_association`,
/// `add_user_store_association`), laid out as `quarry gen migration` writes them.
#[path = "catalog/migrations/mod.rs"]
mod migrations;

fn step(prompt: &str) {
    println!("\niex> {prompt}");
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> quarry::Result<()> {
    // `mix ecto.migrate`: embedded SQLite unless DATABASE_URL names another
    // database (build with `--features postgres` or `--features mysql` for those).
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite::memory:".to_string());
    let repo = quarry::connect(&url).await?;
    let migrator = quarry::migration::Migrator::new(&repo, migrations::all())?
        .on_event(|event| println!("{event}"));
    println!(
        "{}",
        migrator.migrate(quarry::migration::Target::All).await?
    );

    step(r#"{:ok, new_store} = Repo.insert(%Store{name: "Logan Spark Store"})"#);
    let new_store = repo
        .insert(Store {
            name: "Logan Spark Store".into(),
            ..Default::default()
        })
        .await?;
    println!("{new_store:#?}");

    step(r#"{:ok, new_product} = Repo.insert(%Product{name: "Spark Armour", price: 200.99, ...})"#);
    let new_product = repo
        .insert(Product {
            name: "Spark Armour".into(),
            price: Some(200.99),
            description: "The latest sneakers from the Logan Spark collection".into(),
            ..Default::default()
        })
        .await?;
    println!("{new_product:#?}");

    step("Repo.all(Store)");
    let stores = repo.all(Store::query()).await?;
    println!("{stores:#?}");

    step("Repo.get(Product, new_product.id)");
    let product: Option<Product> = repo.get(new_product.id).await?;
    println!("{product:#?}");

    step(
        r#"Product.changeset(%Product{}, %{name: "Mcatty tulip", description: "Tulips from the Mcatty gardens", price: 100.00})"#,
    );
    let changeset = Product::changeset(
        Product::default(),
        serde_json::json!({"name": "Mcatty tulip", "description": "Tulips from the Mcatty gardens", "price": 100.00}),
    );
    println!("{changeset:#?}");

    step(r#"Product.changeset(%Product{}, %{..., inStock: true})"#);
    let changeset = Product::changeset(
        Product::default(),
        serde_json::json!({"name": "Mcatty tulip", "description": "Tulips from the Mcatty gardens", "price": 100.00, "inStock": true}),
    );
    println!("{changeset:#?}");

    step(
        r#"changeset = Product.changeset(%Product{}, %{name: "Mcatty tulip", description: "Tulips from the Mcatty gardens"})"#,
    );
    let changeset = Product::changeset(
        Product::default(),
        serde_json::json!({"name": "Mcatty tulip", "description": "Tulips from the Mcatty gardens"}),
    );
    println!("{changeset:#?}");

    step("changeset.errors");
    println!("{:?}", changeset.errors());
    step("changeset.valid?");
    println!("{}", changeset.is_valid());

    step("Repo.insert(changeset)  # invalid: no query is sent");
    match repo.insert(changeset).await {
        Err(quarry::Error::Invalid(invalid)) => {
            println!("{{:error, {invalid}}}");
            println!(
                "as JSON: {}",
                serde_json::to_string(
                    &invalid
                        .changeset::<Changeset<Product>>()
                        .map(|c| c.error_messages())
                )
                .unwrap_or_default()
            );
        }
        other => println!("unexpected: {other:?}"),
    }

    associations(&repo).await
}

/// The tutorial's association steps: a user, their store, a product in it;
/// the user with the store preloaded; the nested preload store -> user.
async fn associations(repo: &quarry::AnyRepo) -> quarry::Result<()> {
    step(r#"Repo.insert(%User{name: "Alex"})"#);
    let user = repo
        .insert(User {
            name: "Alex".into(),
            ..Default::default()
        })
        .await?;
    println!("{user:#?}");

    step(r#"{:ok, store} = Repo.insert(%Store{name: "Alex store", user: user})"#);
    let store = repo
        .insert(Store {
            name: "Alex store".into(),
            user: Assoc::loaded(Some(user.clone())),
            ..Default::default()
        })
        .await?;
    println!("{store:#?}");

    step(
        r#"{:ok, product} = Repo.insert(%Product{name: "Alex turtle necks", price: 20.99, description: "Cheap turtle necks to make you comfortable", store: store})"#,
    );
    let product = repo
        .insert(Product {
            name: "Alex turtle necks".into(),
            price: Some(20.99),
            description: "Cheap turtle necks to make you comfortable".into(),
            store: Assoc::loaded(Some(store.clone())),
            ..Default::default()
        })
        .await?;
    println!("{product:#?}");

    step("Repo.get(User, 1) |> Repo.preload([:store])");
    let alex: User = repo.must_get(user.id).await?;
    let alex = repo.preload(alex, User::store).await?;
    println!("{alex:#?}");

    step("Repo.get(User, 1) |> Repo.preload([store: :user])");
    let alex: User = repo.must_get(user.id).await?;
    let alex = repo.preload(alex, User::store.preload(Store::user)).await?;
    println!("{alex:#?}");

    nested_params(repo).await
}

/// A store with its products from one JSON body (Ecto's `cast_assoc`).
async fn nested_params(repo: &quarry::AnyRepo) -> quarry::Result<()> {
    let product = |p: Product, params: Params| Product::changeset(p, params);
    step(
        r#"%Store{} |> Store.changeset(%{"name" => "Mcatty Gardens", "products" => [...]}) |> cast_assoc(:products) |> Repo.insert()"#,
    );
    let body = serde_json::json!({
        "name": "Mcatty Gardens",
        "products": [
            {"name": "Mcatty tulip", "description": "Tulips from the Mcatty gardens", "price": 100.00},
            {"name": "Mcatty rose", "description": "Roses from the Mcatty gardens", "price": "12.50"}
        ]
    });
    let changeset =
        Store::changeset(Store::default(), body).cast_assoc_with(Store::products, product)?;
    let store = repo.insert(changeset).await?;
    println!("{store:#?}");

    step(
        r#"... "products" => [%{"name" => "Mcatty lily"}] |> Repo.insert()  # a child is invalid"#,
    );
    let body = serde_json::json!({"name": "Mcatty Annex", "products": [{"name": "Mcatty lily"}]});
    let changeset =
        Store::changeset(Store::default(), body).cast_assoc_with(Store::products, product)?;
    match repo.insert(changeset).await {
        Err(quarry::Error::Invalid(invalid)) => println!(
            "as JSON: {}",
            serde_json::to_string(&*invalid).unwrap_or_default()
        ),
        other => println!("unexpected: {other:?}"),
    }
    Ok(())
}

/// The catalog's tests, each on a sandbox with the migrations above applied
/// (`cargo test --example catalog`; with `DATABASE_URL` set, on that
/// database, rolled back at the end).
#[cfg(test)]
mod tests {
    use super::*;
    use quarry::testing::Sandbox;

    /// A fixture: the tutorial's first store.
    async fn logan_spark_store(repo: &Sandbox) -> quarry::Result<()> {
        repo.insert(Store {
            name: "Logan Spark Store".into(),
            ..Default::default()
        })
        .await
        .map(drop)
    }

    #[quarry::test(migrations = migrations::all, fixtures(logan_spark_store))]
    async fn a_product_joins_the_store(repo: Sandbox) -> quarry::Result<()> {
        let store = repo.must_get_by(Store::query()).await?;
        let product = repo
            .insert(Product::changeset(
                Product {
                    store_id: Some(store.id),
                    ..Default::default()
                },
                serde_json::json!({"name": "Spark Armour", "description": "Sneakers", "price": 200.99}),
            ))
            .await?;
        let store = repo.preload(store, Store::products).await?;
        assert_eq!(store.products.get().ok().map(|p| p.len()), Some(1));
        assert_eq!(product.store_id, Some(store.id));
        Ok(())
    }

    #[quarry::test(migrations = migrations::all)]
    async fn an_invalid_product_sends_no_query(repo: Sandbox) -> quarry::Result<()> {
        let changeset = Product::changeset(
            Product::default(),
            serde_json::json!({"name": "Mcatty tulip", "description": "Tulips"}),
        );
        assert!(matches!(
            repo.insert(changeset).await,
            Err(quarry::Error::Invalid(_))
        ));
        assert_eq!(repo.count(Product::query()).await?, 0);
        Ok(())
    }

    #[quarry::test(migrations = migrations::all)]
    async fn a_users_store_preloads(repo: Sandbox) -> quarry::Result<()> {
        // Each test starts empty: the other tests' stores are not here.
        assert_eq!(repo.count(Store::query()).await?, 0);
        let user = repo
            .insert(User {
                name: "Alex".into(),
                ..Default::default()
            })
            .await?;
        repo.insert(Store {
            name: "Alex store".into(),
            user: Assoc::loaded(Some(user.clone())),
            ..Default::default()
        })
        .await?;
        let alex = repo.preload(user, User::store).await?;
        let store = alex.store.get().ok().cloned().flatten().map(|s| s.name);
        assert_eq!(store.as_deref(), Some("Alex store"));
        Ok(())
    }
}
