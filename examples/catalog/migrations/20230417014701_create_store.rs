//! Migration 20230417014701_create_store (the tutorial's `mix ecto.gen.migration create_store`).

use quarry::migration::prelude::*;

pub struct CreateStore;

impl Migration for CreateStore {
    fn version(&self) -> i64 {
        20230417014701
    }

    fn name(&self) -> &str {
        "create_store"
    }

    fn change(&self, m: &mut Commands) {
        m.create_table("stores", |t| {
            t.add("name", Type::String);
            t.timestamps();
        });
    }
}
