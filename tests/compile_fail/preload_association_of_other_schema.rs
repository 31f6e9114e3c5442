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
    #[quarry(belongs_to)]
    pub store: Assoc<Option<Store>>,
}

fn main() {
    // `Product::store` is an association of Product: stores cannot preload it.
    let _ = Store::query().preload(Product::store);
}
