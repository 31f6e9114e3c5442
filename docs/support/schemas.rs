// The schemas the guides' examples use (the conformance suite's tutorial
// schemas, tests/conformance/schemas.rs): each example starts with a hidden
// `include!` of this file, so the guides compile as doctests.

use quarry::chrono::NaiveDateTime;
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

impl Product {
    /// The product's changeset.
    pub fn changeset(product: Product, attrs: impl Into<Params>) -> Changeset<Product> {
        let fields = (Product::name, Product::price, Product::store_id);
        Changeset::cast(product, attrs, fields).validate_required(Product::name)
    }
}
