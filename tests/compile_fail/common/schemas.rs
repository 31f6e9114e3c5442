// Schemas shared by the compile-fail cases (included, not a test of its own).
use quarry::prelude::*;

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "stores")]
pub struct Store {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
}

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "products")]
pub struct Product {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    pub price: f64,
    pub store_id: Option<i64>,
}
