use quarry::prelude::*;

#[derive(Schema, Clone, Debug)]
#[quarry(table = "stores")]
pub struct Store {
    pub meta: Meta,
    pub id: i64,
}

#[derive(Schema, Clone, Debug)]
#[quarry(table = "products")]
pub struct Product {
    pub meta: Meta,
    pub id: i64,
    // belongs_to needs the foreign key column `store_id`.
    #[quarry(belongs_to)]
    pub store: Assoc<Option<Store>>,
}

fn main() {}
