//! catalog-api: the catalog as a JSON service (`cargo run -p catalog-api`): the tutorial's stores and products behind
//! axum. Everything a handler needs from quarry is here: filters and sort keys
//! from the query string (through the runtime-named field API: an unknown sort
//! key is a 400, never SQL text), a preload, changesets whose errors are the
//! 422 body, and quarry's typed errors mapped to statuses.
//!
//! | route | what |
//! |---|---|
//! | `GET /products?name=tul&max_price=5&sort=price&desc=true` | list, filtered and sorted |
//! | `GET /products/{id}` | one product with its store preloaded |
//! | `POST /products` | create through the changeset: 201, or 422 `{"errors": {...}}` |
//! | `PATCH /products/{id}` | update through the changeset: 200, 404, or 422 |
//! | `DELETE /products/{id}` | 204 or 404 |
//! | `POST /stores` | create a store |

use axum::extract::{Path, Query as UrlQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use quarry::chrono::NaiveDateTime;
use quarry::prelude::*;
use quarry::schema::Field;
use quarry::serde_json::{json, Value as JsonValue};
use quarry::AnyRepo;
use serde::{Deserialize, Serialize};

#[path = "../../catalog/migrations/mod.rs"]
pub mod migrations;

/// A store (`has_many :products`).
#[derive(Schema, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[quarry(table = "stores", timestamps)]
pub struct Store {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    pub user_id: Option<i64>,
    pub inserted_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A product (`belongs_to :store`): serialises with its store when preloaded,
/// `null` when not.
#[derive(Schema, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[quarry(table = "products", timestamps)]
pub struct Product {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    pub description: String,
    pub price: Option<f64>,
    pub store_id: Option<i64>,
    #[quarry(belongs_to)]
    pub store: Assoc<Option<Store>>,
    pub inserted_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Product {
    /// What a client may set, and what must be there.
    pub fn changeset(product: Product, attrs: impl Into<Params>) -> Changeset<Product> {
        let fields = (
            Product::name,
            Product::description,
            Product::price,
            Product::store_id,
        );
        Changeset::cast(product, attrs, fields)
            .validate_required((Product::name, Product::description))
            .validate_number(Product::price, Number::new().greater_than_or_equal_to(0))
            .foreign_key_constraint(Product::store_id)
    }
}

impl Store {
    /// A store's changeset.
    pub fn changeset(store: Store, attrs: impl Into<Params>) -> Changeset<Store> {
        Changeset::cast(store, attrs, Store::name).validate_required(Store::name)
    }
}

/// A quarry error as an HTTP answer.
pub struct ApiError(quarry::Error);

impl From<quarry::Error> for ApiError {
    fn from(e: quarry::Error) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        use quarry::Error;
        match self.0 {
            // The changeset's errors, as Phoenix answers them.
            Error::Invalid(invalid) => {
                (StatusCode::UNPROCESSABLE_ENTITY, Json(json!(&*invalid))).into_response()
            }
            Error::NoResults { .. } | Error::Stale { .. } => (
                StatusCode::NOT_FOUND,
                Json(json!({"errors": {"detail": ["Not Found"]}})),
            )
                .into_response(),
            e @ Error::UnknownField { .. } => (
                StatusCode::BAD_REQUEST,
                Json(json!({"errors": {"detail": [e.to_string()]}})),
            )
                .into_response(),
            e => {
                tracing_free_log(&e);
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(json!({"errors": {"detail": ["Internal Server Error"]}})),
                )
                    .into_response()
            }
        }
    }
}

fn tracing_free_log(e: &quarry::Error) {
    eprintln!("catalog_api: {e}");
}

type Result<T> = std::result::Result<T, ApiError>;

/// The list's query string.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    /// Case-insensitive substring of the name.
    pub name: Option<String>,
    /// Highest price.
    pub max_price: Option<f64>,
    /// A field to sort by (any field of Product); default `id`.
    pub sort: Option<String>,
    /// Sort descending.
    #[serde(default)]
    pub desc: bool,
}

async fn list(
    State(repo): State<AnyRepo>,
    UrlQuery(params): UrlQuery<ListParams>,
) -> Result<Json<Vec<Product>>> {
    let sort = Field::<Product>::named(params.sort.as_deref().unwrap_or("id"))?;
    let q = Product::query()
        .filter_opt(params.name.map(|n| Product::name.ilike(format!("%{n}%"))))
        .filter_opt(params.max_price.map(|p| Product::price.le(p)))
        .order_by_field(sort, params.desc);
    Ok(Json(repo.all(q).await?))
}

async fn show(State(repo): State<AnyRepo>, Path(id): Path<i64>) -> Result<Json<Product>> {
    let product: Product = repo.must_get(id).await?;
    Ok(Json(repo.preload(product, Product::store).await?))
}

async fn create(
    State(repo): State<AnyRepo>,
    Json(attrs): Json<JsonValue>,
) -> Result<(StatusCode, Json<Product>)> {
    let product = repo
        .insert(Product::changeset(Product::default(), attrs))
        .await?;
    Ok((StatusCode::CREATED, Json(product)))
}

async fn update(
    State(repo): State<AnyRepo>,
    Path(id): Path<i64>,
    Json(attrs): Json<JsonValue>,
) -> Result<Json<Product>> {
    let product: Product = repo.must_get(id).await?;
    Ok(Json(repo.update(Product::changeset(product, attrs)).await?))
}

async fn delete(State(repo): State<AnyRepo>, Path(id): Path<i64>) -> Result<StatusCode> {
    let product: Product = repo.must_get(id).await?;
    repo.delete(product).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn create_store(
    State(repo): State<AnyRepo>,
    Json(attrs): Json<JsonValue>,
) -> Result<(StatusCode, Json<Store>)> {
    let store = repo
        .insert(Store::changeset(Store::default(), attrs))
        .await?;
    Ok((StatusCode::CREATED, Json(store)))
}

/// The service over `repo`.
pub fn router(repo: AnyRepo) -> Router {
    Router::new()
        .route("/products", get(list).post(create))
        .route("/products/{id}", get(show).patch(update).delete(delete))
        .route("/stores", post(create_store))
        .with_state(repo)
}

/// Connects to `url` and runs the catalog's migrations.
pub async fn setup(url: &str) -> quarry::Result<AnyRepo> {
    let repo = quarry::connect(url).await?;
    quarry::migration::Migrator::new(&repo, migrations::all())
        .map_err(quarry::Error::from)?
        .migrate(quarry::migration::Target::All)
        .await
        .map_err(quarry::Error::from)?;
    Ok(repo)
}
