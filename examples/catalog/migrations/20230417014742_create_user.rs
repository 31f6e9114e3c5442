//! Migration 20230417014742_create_user (the tutorial's `mix ecto.gen.migration create_user`).

use quarry::migration::prelude::*;

pub struct CreateUser;

impl Migration for CreateUser {
    fn version(&self) -> i64 {
        20230417014742
    }

    fn name(&self) -> &str {
        "create_user"
    }

    fn change(&self, m: &mut Commands) {
        m.create_table("users", |t| {
            t.add("name", Type::String);
            t.timestamps();
        });
    }
}
