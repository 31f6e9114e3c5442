//! The schemas the scenarios use, and their tables in each database's DDL.

use crate::harness::Kind;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use quarry::prelude::*;

// `User`, `Store` and `Product` (the tutorial's tables) are declared once, with
// their associations, in `assoc` below; scenarios that never touch an
// association see them as plain schemas (associations start not loaded).
pub use assoc::{Product, Store, User};

/// Every field type, for round trips.
#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "samples")]
pub struct Sample {
    pub meta: Meta,
    pub id: i64,
    pub small: i16,
    pub int: i32,
    pub big: i64,
    pub real: f32,
    pub double: f64,
    pub flag: bool,
    pub text: String,
    pub bytes: Vec<u8>,
    pub doc: serde_json::Value,
    pub day: NaiveDate,
    pub at: NaiveDateTime,
    pub at_utc: DateTime<Utc>,
    pub maybe_int: Option<i64>,
    pub maybe_text: Option<String>,
    pub maybe_at: Option<NaiveDateTime>,
}

/// A schema whose field name differs from its column name, and whose key is not
/// database-generated.
#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "labels")]
pub struct Label {
    pub meta: Meta,
    #[quarry(primary_key, no_autogenerate)]
    pub code: String,
    #[quarry(column = "label_text")]
    pub text: String,
}

/// A tree: each category has a parent (for recursive queries).
#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "categories")]
pub struct Category {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    pub parent_id: Option<i64>,
}

/// The DDL template; `{pk}`, `{text}`, `{key}` (an indexable string), `{float}`,
/// `{real}`, `{bool}`, `{ts}`, `{tsz}`, `{date}`, `{bytes}`, `{json}` are replaced
/// per database.
const TEMPLATE: &[&str] = &[
    "CREATE TABLE users (id {pk}, name {key} NOT NULL, email {key}, age INTEGER, inserted_at {ts} NOT NULL, updated_at {ts} NOT NULL)",
    "CREATE UNIQUE INDEX users_email_index ON users (email)",
    "CREATE TABLE stores (id {pk}, name {key} NOT NULL, user_id BIGINT, inserted_at {ts} NOT NULL, updated_at {ts} NOT NULL,
        CONSTRAINT stores_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id))",
    "CREATE TABLE products (id {pk}, name {key} NOT NULL, description {text}, price {float}, status {key} DEFAULT 'draft',
        stock INTEGER NOT NULL DEFAULT 0, store_id BIGINT, lock_version INTEGER NOT NULL DEFAULT 1,
        inserted_at {ts} NOT NULL, updated_at {ts} NOT NULL,
        CONSTRAINT products_store_id_fkey FOREIGN KEY (store_id) REFERENCES stores (id),
        CONSTRAINT stock_not_negative CHECK (stock >= 0))",
    "CREATE UNIQUE INDEX products_name_store_id_index ON products (name, store_id)",
    "CREATE TABLE samples (id {pk}, small SMALLINT NOT NULL, `int` INTEGER NOT NULL, big BIGINT NOT NULL,
        `real` {real} NOT NULL, `double` {float} NOT NULL, flag {bool} NOT NULL, `text` {text} NOT NULL,
        bytes {bytes} NOT NULL, doc {json} NOT NULL, day {date} NOT NULL, at {ts} NOT NULL, at_utc {tsz} NOT NULL,
        maybe_int BIGINT, maybe_text {text}, maybe_at {ts})",
    "CREATE TABLE labels (code {key} PRIMARY KEY, label_text {text} NOT NULL)",
    "CREATE TABLE categories (id {pk}, name {key} NOT NULL, parent_id BIGINT)",
    // Associations (schemas in `assoc` below).
    "CREATE TABLE posts (id {pk}, user_id BIGINT, title {key} NOT NULL,
        CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id))",
    "CREATE INDEX posts_user_id_index ON posts (user_id)",
    "CREATE TABLE comments (id {pk}, post_id BIGINT, body {key} NOT NULL,
        CONSTRAINT comments_post_id_fkey FOREIGN KEY (post_id) REFERENCES posts (id))",
    "CREATE INDEX comments_post_id_index ON comments (post_id)",
    "CREATE TABLE tags (id {pk}, name {key} NOT NULL)",
    "CREATE TABLE products_tags (product_id BIGINT NOT NULL, tag_id BIGINT NOT NULL,
        PRIMARY KEY (product_id, tag_id),
        CONSTRAINT products_tags_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id),
        CONSTRAINT products_tags_tag_id_fkey FOREIGN KEY (tag_id) REFERENCES tags (id))",
    // Embedded schemas (`embeds` below): JSON columns.
    "CREATE TABLE nested_orders (id {pk}, number {key} NOT NULL, address {json}, `items` {json})",
];

/// The test tables for `kind`.
pub fn ddl(kind: Kind) -> Vec<String> {
    let subs: &[(&str, &str)] = match kind {
        Kind::Sqlite => &[
            ("{pk}", "INTEGER PRIMARY KEY AUTOINCREMENT"),
            ("{text}", "TEXT"),
            ("{key}", "TEXT"),
            ("{float}", "REAL"),
            ("{real}", "REAL"),
            ("{bool}", "BOOLEAN"),
            ("{ts}", "TEXT"),
            ("{tsz}", "TEXT"),
            ("{date}", "TEXT"),
            ("{bytes}", "BLOB"),
            ("{json}", "TEXT"),
            ("`", "\""),
        ],
        Kind::Postgres => &[
            ("{pk}", "BIGSERIAL PRIMARY KEY"),
            ("{text}", "TEXT"),
            ("{key}", "TEXT"),
            ("{float}", "DOUBLE PRECISION"),
            ("{real}", "REAL"),
            ("{bool}", "BOOLEAN"),
            ("{ts}", "TIMESTAMP"),
            ("{tsz}", "TIMESTAMPTZ"),
            ("{date}", "DATE"),
            ("{bytes}", "BYTEA"),
            ("{json}", "JSONB"),
            ("`", "\""),
        ],
        Kind::MySql => &[
            ("{pk}", "BIGINT AUTO_INCREMENT PRIMARY KEY"),
            ("{text}", "TEXT"),
            ("{key}", "VARCHAR(191)"),
            ("{float}", "DOUBLE"),
            ("{real}", "FLOAT"),
            ("{bool}", "BOOLEAN"),
            ("{ts}", "DATETIME(6)"),
            ("{tsz}", "DATETIME(6)"),
            ("{date}", "DATE"),
            ("{bytes}", "LONGBLOB"),
            ("{json}", "JSON"),
        ],
    };
    TEMPLATE
        .iter()
        .map(|t| {
            subs.iter()
                .fold(t.to_string(), |acc, (k, v)| acc.replace(k, v))
        })
        .collect()
}

/// A user built in memory.
pub fn user(name: &str) -> User {
    User {
        name: name.to_string(),
        ..Default::default()
    }
}

/// A store built in memory, owned by `user_id`.
pub fn store(name: &str, user_id: Option<i64>) -> Store {
    Store {
        name: name.to_string(),
        user_id,
        ..Default::default()
    }
}

/// A product built in memory.
pub fn product(name: &str, price: f64) -> Product {
    Product {
        name: name.to_string(),
        price: Some(price),
        ..Default::default()
    }
}

/// The tutorial's schemas with their associations (its second half): `users`,
/// `stores` and `products` (also re-exported above for every scenario), plus
/// posts, comments and tags.
pub mod assoc {
    use chrono::NaiveDateTime;
    use quarry::prelude::*;

    #[derive(Schema, Clone, Debug, PartialEq)]
    #[quarry(table = "users", timestamps)]
    pub struct User {
        pub meta: Meta,
        pub id: i64,
        pub name: String,
        pub email: Option<String>,
        pub age: Option<i32>,
        #[quarry(has_one)]
        pub store: Assoc<Option<Store>>,
        #[quarry(has_many(preload_order(title)))]
        pub posts: Assoc<Vec<Post>>,
        #[quarry(has_many(through(posts, comments)))]
        pub comments: Assoc<Vec<Comment>>,
        #[quarry(has_many(through(store, products)))]
        pub products: Assoc<Vec<Product>>,
        pub inserted_at: NaiveDateTime,
        pub updated_at: NaiveDateTime,
    }

    #[derive(Schema, Clone, Debug, PartialEq)]
    #[quarry(table = "stores", timestamps)]
    pub struct Store {
        pub meta: Meta,
        pub id: i64,
        pub name: String,
        pub user_id: Option<i64>,
        #[quarry(belongs_to)]
        pub user: Assoc<Option<User>>,
        #[quarry(has_many(preload_order(name)))]
        pub products: Assoc<Vec<Product>>,
        pub inserted_at: NaiveDateTime,
        pub updated_at: NaiveDateTime,
    }

    #[derive(Schema, Clone, Debug, PartialEq)]
    #[quarry(table = "products", timestamps)]
    pub struct Product {
        pub meta: Meta,
        pub id: i64,
        pub name: String,
        pub description: Option<String>,
        pub price: Option<f64>,
        pub status: Option<String>,
        pub stock: i32,
        pub store_id: Option<i64>,
        #[quarry(default = 1)]
        pub lock_version: i32,
        #[quarry(virtual)]
        pub note: Option<String>,
        #[quarry(belongs_to)]
        pub store: Assoc<Option<Store>>,
        #[quarry(many_to_many(join_through = "products_tags", preload_order(name)))]
        pub tags: Assoc<Vec<Tag>>,
        pub inserted_at: NaiveDateTime,
        pub updated_at: NaiveDateTime,
    }

    #[derive(Schema, Clone, Debug, PartialEq)]
    #[quarry(table = "tags")]
    pub struct Tag {
        pub meta: Meta,
        pub id: i64,
        pub name: String,
        #[quarry(many_to_many(join_through = "products_tags"))]
        pub products: Assoc<Vec<Product>>,
    }

    #[derive(Schema, Clone, Debug, PartialEq)]
    #[quarry(table = "posts")]
    pub struct Post {
        pub meta: Meta,
        pub id: i64,
        pub user_id: Option<i64>,
        pub title: String,
        #[quarry(belongs_to)]
        pub user: Assoc<Option<User>>,
        #[quarry(has_many)]
        pub comments: Assoc<Vec<Comment>>,
    }

    #[derive(Schema, Clone, Debug, PartialEq)]
    #[quarry(table = "comments")]
    pub struct Comment {
        pub meta: Meta,
        pub id: i64,
        pub post_id: Option<i64>,
        pub body: String,
        #[quarry(belongs_to)]
        pub post: Assoc<Option<Post>>,
    }
}

/// Embedded schemas: an order with one address (`embeds_one`, no key) and
/// lines (`embeds_many`, UUID keys quarry generates), in JSON columns.
pub mod embeds {
    use quarry::changeset::{EmbedsMany, EmbedsOne};
    use quarry::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Schema, Clone, Debug, PartialEq)]
    #[quarry(table = "nested_orders")]
    pub struct Order {
        pub meta: Meta,
        pub id: i64,
        pub number: String,
        pub address: EmbedsOne<Address>,
        #[quarry(column = "items")]
        pub lines: EmbedsMany<Line>,
    }

    #[derive(Schema, Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[quarry(embedded)]
    pub struct Address {
        #[serde(skip)]
        pub meta: Meta,
        pub street: String,
        pub city: String,
    }

    #[derive(Schema, Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[quarry(embedded)]
    pub struct Line {
        #[serde(skip)]
        pub meta: Meta,
        #[quarry(primary_key)]
        pub id: quarry::uuid::Uuid,
        pub sku: String,
        pub qty: i32,
    }

    impl DefaultChangeset for Address {
        fn changeset(self, params: Params) -> Changeset<Self> {
            Changeset::cast(self, params, (Address::street, Address::city))
                .validate_required((Address::street, Address::city))
        }
    }

    impl DefaultChangeset for Line {
        fn changeset(self, params: Params) -> Changeset<Self> {
            Changeset::cast(self, params, (Line::sku, Line::qty))
                .validate_required(Line::sku)
                .validate_number(Line::qty, quarry::changeset::Number::new().greater_than(0))
        }
    }

    impl DefaultChangeset for Order {
        fn changeset(self, params: Params) -> Changeset<Self> {
            Changeset::cast(self, params, Order::number).validate_required(Order::number)
        }
    }
}
