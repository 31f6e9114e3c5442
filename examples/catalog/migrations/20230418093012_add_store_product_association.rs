//! Migration 20230418093012_add_store_product_association (the tutorial's `mix ecto.gen.migration add_store_product_association`).

use quarry::migration::prelude::*;

pub struct AddStoreProductAssociation;

impl Migration for AddStoreProductAssociation {
    fn version(&self) -> i64 {
        20230418093012
    }

    fn name(&self) -> &str {
        "add_store_product_association"
    }

    fn change(&self, m: &mut Commands) {
        m.alter_table("products", |t| {
            t.add("store_id", references("stores"));
        });
    }
}
