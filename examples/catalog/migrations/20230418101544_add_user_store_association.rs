//! Migration 20230418101544_add_user_store_association (the tutorial's `mix ecto.gen.migration add_user_store_association`).

use quarry::migration::prelude::*;

pub struct AddUserStoreAssociation;

impl Migration for AddUserStoreAssociation {
    fn version(&self) -> i64 {
        20230418101544
    }

    fn name(&self) -> &str {
        "add_user_store_association"
    }

    fn change(&self, m: &mut Commands) {
        m.alter_table("stores", |t| {
            t.add("user_id", references("users"));
        });
    }
}
