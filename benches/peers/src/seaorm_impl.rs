//! SeaORM 2.0 on the sqlx pool quarry uses (`DatabaseConnection::from(pool)`),
//! entities in the 2.0 dense format its docs recommend (`#[sea_orm::model]`,
//! relations as `HasMany` / `BelongsTo` fields):
//!
//! - trivial_query: `Entity::find().all(db)`;
//! - medium_complex: `find_also_related(post::Entity)` + `filter`, giving
//!   `Vec<(user::Model, Option<post::Model>)>`;
//! - insert: `insert_many(active models).exec_without_returning(db)` (one
//!   multi-row INSERT, no ids asked back, like quarry's `insert_all` and sqlx);
//! - loading_associations: the 2.0 Entity Loader,
//!   `user::Entity::load().with((post::Entity, comment::Entity)).all(db)`,
//!   which runs one query per level and nests the results in `ModelEx`.

use sea_orm::entity::prelude::HasMany;
use sea_orm::{ActiveValue, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// users.
pub mod user {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub hair_color: Option<String>,
        #[sea_orm(has_many)]
        pub posts: HasMany<super::post::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// posts.
pub mod post {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "posts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub title: String,
        pub body: Option<String>,
        #[sea_orm(belongs_to, from = "user_id", to = "id")]
        pub user: BelongsTo<super::user::Entity>,
        #[sea_orm(has_many)]
        pub comments: HasMany<super::comment::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// comments.
pub mod comment {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "comments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub post_id: i64,
        pub text: String,
        #[sea_orm(belongs_to, from = "post_id", to = "id")]
        pub post: BelongsTo<super::post::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// trivial_query.
pub async fn trivial(db: &DatabaseConnection) -> usize {
    user::Entity::find()
        .all(db)
        .await
        .map(|v| v.len())
        .unwrap_or(0)
}

/// medium_complex.
pub async fn medium(db: &DatabaseConnection) -> usize {
    user::Entity::find()
        .find_also_related(post::Entity)
        .filter(user::Column::HairColor.eq("black"))
        .all(db)
        .await
        .map(|v| v.len())
        .unwrap_or(0)
}

/// insert: one multi-row INSERT of `n` users.
pub async fn insert(db: &DatabaseConnection, n: usize) -> usize {
    let users = (0..n).map(|i| user::ActiveModel {
        id: ActiveValue::NotSet,
        name: ActiveValue::Set(format!("User {i}")),
        hair_color: ActiveValue::Set(None),
    });
    user::Entity::insert_many(users)
        .exec_without_returning(db)
        .await
        .map(|c| c as usize)
        .unwrap_or(0)
}

/// loading_associations through the Entity Loader. Returns the number of
/// comments reached.
pub async fn associations(db: &DatabaseConnection) -> usize {
    let users = user::Entity::load()
        .with((post::Entity, comment::Entity))
        .all(db)
        .await
        .unwrap_or_default();
    let mut comments = 0;
    for u in &users {
        if let HasMany::Loaded(posts) = &u.posts {
            for p in posts {
                if let HasMany::Loaded(cs) = &p.comments {
                    comments += cs.len();
                }
            }
        }
    }
    comments
}
