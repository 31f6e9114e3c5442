use quarry::prelude::*;

#[derive(Schema, Clone, Debug)]
#[quarry(table = "stores")]
pub struct Store {
    pub meta: Meta,
    pub id: i64,
    #[quarry(has_many)]
    pub products: Assoc<Vec<Product>>,
}

#[derive(Schema, Clone, Debug)]
#[quarry(table = "products")]
pub struct Product {
    pub meta: Meta,
    pub id: i64,
    pub store_id: Option<i64>,
}

fn main() {
    // What is nested under `products` must be an association of Product.
    let _ = Store::products.preload(Store::products);
}
