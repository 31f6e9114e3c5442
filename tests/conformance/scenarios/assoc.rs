//! Association scenarios: declaring (not-loaded state), preload (every rule,
//! with statement counts), join preload and per-parent limits, `assoc`
//! queries and association joins, and writing through associations.

mod declare;
mod join;
mod preload;
mod scale;
mod write;

use crate::harness::{Db, Scenario};
use crate::schemas::assoc::{Product, Store, Tag, User};
use declare::{not_loaded_is_a_typed_error_and_prints_a_marker, tutorial_user_store_product};
use join::{
    assoc_builds_the_query_of_associated_rows, join_assoc_under_an_alias, join_on_an_association,
    join_preload_collapses_parents, left_join_preload_without_match,
    newest_three_per_parent_with_window_function, newest_three_per_parent_without_window_functions,
};
use preload::{
    custom_query_per_level, empty_results_are_empty_vec_or_none, every_read_runs_the_preloads,
    keys_deduplicated_and_null_keys_skipped, loaded_associations_are_not_fetched_again,
    many_to_many_and_through, one_struct_an_option_and_a_vec,
    parents_keep_order_and_children_are_ordered, preload_query_with_limit_is_refused,
    several_associations_and_nested_levels,
};
use quarry::prelude::*;
use scale::{hundred_thousand_parents, hundred_users_ten_posts_ten_comments_in_three_statements};
use write::{
    assoc_constraint_puts_the_error_on_the_association, build_assoc_sets_the_foreign_key,
    failed_child_rolls_back_the_parent, insert_with_parent_and_children_in_one_transaction,
    link_and_unlink_many_to_many, put_assoc_replaces_and_clears_a_parent,
};

pub fn all() -> Vec<Scenario> {
    crate::scenarios![
        not_loaded_is_a_typed_error_and_prints_a_marker,
        tutorial_user_store_product,
        one_struct_an_option_and_a_vec,
        several_associations_and_nested_levels,
        every_read_runs_the_preloads,
        keys_deduplicated_and_null_keys_skipped,
        parents_keep_order_and_children_are_ordered,
        empty_results_are_empty_vec_or_none,
        custom_query_per_level,
        loaded_associations_are_not_fetched_again,
        preload_query_with_limit_is_refused,
        many_to_many_and_through,
        hundred_users_ten_posts_ten_comments_in_three_statements,
        hundred_thousand_parents,
        join_preload_collapses_parents,
        left_join_preload_without_match,
        newest_three_per_parent_with_window_function,
        newest_three_per_parent_without_window_functions,
        assoc_builds_the_query_of_associated_rows,
        join_on_an_association,
        join_assoc_under_an_alias,
        build_assoc_sets_the_foreign_key,
        insert_with_parent_and_children_in_one_transaction,
        failed_child_rolls_back_the_parent,
        put_assoc_replaces_and_clears_a_parent,
        link_and_unlink_many_to_many,
        assoc_constraint_puts_the_error_on_the_association,
    ]
}

/// The catalog: users Ann, Bob and Cy (no store); stores Shop A (Ann, with
/// Cherry, Apple, Banana inserted in that order), Shop B (Bob, with Date) and
/// Shop C (no owner, no products); Loose, a product in no store; tags red and
/// green (Apple: red and green, Cherry: red).
pub struct Catalog {
    pub users: Vec<User>,
    pub stores: Vec<Store>,
    pub products: Vec<Product>,
    pub tags: Vec<Tag>,
}

fn user(name: &str) -> User {
    User {
        name: name.into(),
        ..Default::default()
    }
}

fn product(name: &str, price: f64, store: Option<&Store>) -> Product {
    Product {
        name: name.into(),
        price: Some(price),
        store_id: store.map(|s| s.id),
        ..Default::default()
    }
}

pub async fn seed(db: &Db) -> quarry::Result<Catalog> {
    let repo = &db.repo;
    let mut users = Vec::new();
    for name in ["Ann", "Bob", "Cy"] {
        users.push(repo.insert(user(name)).await?);
    }
    let mut stores = Vec::new();
    for (name, owner) in [("Shop A", Some(0)), ("Shop B", Some(1)), ("Shop C", None)] {
        let store = Store {
            name: name.into(),
            user_id: owner.map(|i: usize| users[i].id),
            ..Default::default()
        };
        stores.push(repo.insert(store).await?);
    }
    let mut products = Vec::new();
    for (name, price, store) in [
        ("Cherry", 4.0, Some(0)),
        ("Apple", 1.5, Some(0)),
        ("Banana", 0.5, Some(0)),
        ("Date", 3.0, Some(1)),
        ("Loose", 9.0, None),
    ] {
        let p = product(name, price, store.map(|i: usize| &stores[i]));
        products.push(repo.insert(p).await?);
    }
    let mut tags = Vec::new();
    for name in ["red", "green"] {
        let t = Tag {
            name: name.into(),
            ..Default::default()
        };
        tags.push(repo.insert(t).await?);
    }
    repo.link(&products[1], Product::tags, &tags[0]).await?;
    repo.link(&products[1], Product::tags, &tags[1]).await?;
    repo.link(&products[0], Product::tags, &tags[0]).await?;
    db.reset_statements();
    Ok(Catalog {
        users,
        stores,
        products,
        tags,
    })
}

/// The names of some rows.
pub fn names<'a, T: 'a>(
    rows: impl IntoIterator<Item = &'a T>,
    name: fn(&T) -> &str,
) -> Vec<String> {
    rows.into_iter().map(|r| name(r).to_string()).collect()
}

/// Product names.
pub fn product_names<'a>(rows: impl IntoIterator<Item = &'a Product>) -> Vec<String> {
    names(rows, |p| &p.name)
}
