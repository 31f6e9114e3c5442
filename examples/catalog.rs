//! The catalog tutorial (`shared/reference/seed-ecto-tutorial.txt`) replayed in
//! Rust on embedded SQLite: stores, products, changesets.
//!
//! Run it with `cargo run --example catalog`.

use chrono::NaiveDateTime;
use quarry::prelude::*;

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "stores", timestamps)]
pub struct Store {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    pub inserted_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "users", timestamps)]
pub struct User {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
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
    Ok(())
}
