//! Migration 20230417014818_create_product (the tutorial's `mix ecto.gen.migration create_product`).

use quarry::migration::prelude::*;

pub struct CreateProduct;

impl Migration for CreateProduct {
    fn version(&self) -> i64 {
        20230417014818
    }

    fn name(&self) -> &str {
        "create_product"
    }

    fn change(&self, m: &mut Commands) {
        m.create_table("products", |t| {
            t.add("name", Type::String);
            t.add("price", Type::Float);
            t.add("description", Type::String);
            t.timestamps();
        });
    }
}
