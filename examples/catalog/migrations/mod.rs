//! This project's migrations, oldest first. `quarry gen migration <name>` adds
//! a file here and registers it below; `quarry migrate` runs them.

use quarry::migration::Migration;

#[path = "20230418093012_add_store_product_association.rs"]
mod add_store_product_association;
#[path = "20230418101544_add_user_store_association.rs"]
mod add_user_store_association;
#[path = "20230417014818_create_product.rs"]
mod create_product;
#[path = "20230417014701_create_store.rs"]
mod create_store;
#[path = "20230417014742_create_user.rs"]
mod create_user;

/// Every migration of this project.
pub fn all() -> Vec<Box<dyn Migration>> {
    vec![
        Box::new(create_store::CreateStore),
        Box::new(create_user::CreateUser),
        Box::new(create_product::CreateProduct),
        Box::new(add_store_product_association::AddStoreProductAssociation),
        Box::new(add_user_store_association::AddUserStoreAssociation),
    ]
}
