//! Diesel 2.3 with its synchronous connections (`SqliteConnection` on the
//! bundled libsqlite3, `PgConnection` on libpq, `MysqlConnection` on
//! libmysqlclient / MariaDB Connector/C), as its guides write it:
//! `table!` schema, `Queryable` + `Selectable` structs loaded with
//! `as_select()`, a `left_join` selecting `(User, Option<Post>)`, a batch
//! `insert_into(..).values(&Vec<_>)`, and `belonging_to` + `grouped_by` for
//! associations (three queries). The same code serves the three backends
//! through one macro.
//!
//! On SQLite, Diesel's connection is its own in-memory database (it cannot
//! share sqlx's), so the bench seeds it with the same rows through
//! [`DieselBench::seed`]; on Postgres and MariaDB it reads the tables quarry
//! seeded.

use diesel::prelude::*;

use crate::{hair_color, ASSOC_COMMENTS, ASSOC_POSTS, ASSOC_USERS};

/// The `table!` schema (what `diesel print-schema` would write).
pub mod schema {
    diesel::table! {
        users (id) {
            id -> BigInt,
            name -> Text,
            hair_color -> Nullable<Text>,
        }
    }

    diesel::table! {
        posts (id) {
            id -> BigInt,
            user_id -> BigInt,
            title -> Text,
            body -> Nullable<Text>,
        }
    }

    diesel::table! {
        comments (id) {
            id -> BigInt,
            post_id -> BigInt,
            text -> Text,
        }
    }

    diesel::joinable!(posts -> users (user_id));
    diesel::joinable!(comments -> posts (post_id));
    diesel::allow_tables_to_appear_in_same_query!(users, posts, comments);
}

use schema::{comments, posts, users};

/// A user row.
#[derive(Queryable, Selectable, Identifiable, Debug, Clone, PartialEq)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub hair_color: Option<String>,
}

/// A post row.
#[derive(Queryable, Selectable, Identifiable, Associations, Debug, Clone, PartialEq)]
#[diesel(belongs_to(User))]
#[diesel(table_name = posts)]
pub struct Post {
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub body: Option<String>,
}

/// A comment row.
#[derive(Queryable, Selectable, Identifiable, Associations, Debug, Clone, PartialEq)]
#[diesel(belongs_to(Post))]
#[diesel(table_name = comments)]
pub struct Comment {
    pub id: i64,
    pub post_id: i64,
    pub text: String,
}

/// A user to insert. `None` is bound as NULL (not DEFAULT), which also lets
/// SQLite take the whole batch in one statement.
#[derive(Insertable)]
#[diesel(table_name = users)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewUser {
    pub name: String,
    pub hair_color: Option<String>,
}

/// A post to insert (seeding only).
#[derive(Insertable)]
#[diesel(table_name = posts)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewPost {
    pub user_id: i64,
    pub title: String,
    pub body: Option<String>,
}

/// A comment to insert (seeding only).
#[derive(Insertable)]
#[diesel(table_name = comments)]
pub struct NewComment {
    pub post_id: i64,
    pub text: String,
}

/// A user with its posts, each with its comments.
pub type Loaded = (User, Vec<(Post, Vec<Comment>)>);

/// Rows per INSERT while seeding (below every backend's bind limit).
const SEED_CHUNK: usize = 1_000;

/// The workloads on one Diesel connection.
pub trait DieselBench {
    /// trivial_query.
    fn trivial(&mut self) -> usize;
    /// medium_complex.
    fn medium(&mut self) -> usize;
    /// insert: one multi-row INSERT of `n` users.
    fn insert(&mut self, n: usize) -> usize;
    /// loading_associations; returns the number of comments reached.
    fn associations(&mut self) -> usize;
    /// Drops and creates the three tables.
    fn reset(&mut self, ddl: &[&str; 3]);
    /// `n` users (black and brown alternate), one post each.
    fn seed(&mut self, ddl: &[&str; 3], n: usize);
    /// 100 users x 10 posts x 10 comments.
    fn seed_associations(&mut self, ddl: &[&str; 3]);
}

macro_rules! diesel_bench {
    ($conn:ty) => {
        impl DieselBench for $conn {
            fn trivial(&mut self) -> usize {
                users::table
                    .select(User::as_select())
                    .load(self)
                    .map(|v| v.len())
                    .unwrap_or(0)
            }

            fn medium(&mut self) -> usize {
                users::table
                    .left_join(posts::table)
                    .filter(users::hair_color.eq("black"))
                    .select((User::as_select(), Option::<Post>::as_select()))
                    .load::<(User, Option<Post>)>(self)
                    .map(|v| v.len())
                    .unwrap_or(0)
            }

            fn insert(&mut self, n: usize) -> usize {
                let rows: Vec<NewUser> = (0..n)
                    .map(|i| NewUser {
                        name: format!("User {i}"),
                        hair_color: None,
                    })
                    .collect();
                diesel::insert_into(users::table)
                    .values(&rows)
                    .execute(self)
                    .unwrap_or(0)
            }

            fn associations(&mut self) -> usize {
                let users = users::table
                    .select(User::as_select())
                    .load(self)
                    .unwrap_or_default();
                let posts = Post::belonging_to(&users)
                    .select(Post::as_select())
                    .load(self)
                    .unwrap_or_default();
                let comments = Comment::belonging_to(&posts)
                    .select(Comment::as_select())
                    .load(self)
                    .unwrap_or_default();
                let comments = comments.grouped_by(&posts);
                let posts = posts.into_iter().zip(comments).grouped_by(&users);
                let loaded: Vec<Loaded> = users.into_iter().zip(posts).collect();
                loaded
                    .iter()
                    .flat_map(|(_, ps)| ps.iter())
                    .map(|(_, cs)| cs.len())
                    .sum()
            }

            fn reset(&mut self, ddl: &[&str; 3]) {
                for table in ["comments", "posts", "users"] {
                    diesel::sql_query(format!("DROP TABLE IF EXISTS {table}"))
                        .execute(self)
                        .expect("drop table");
                }
                for stmt in ddl {
                    diesel::sql_query(*stmt)
                        .execute(self)
                        .expect("create table");
                }
            }

            fn seed(&mut self, ddl: &[&str; 3], n: usize) {
                self.reset(ddl);
                let rows: Vec<NewUser> = (0..n)
                    .map(|i| NewUser {
                        name: format!("User {i}"),
                        hair_color: Some(hair_color(i).to_string()),
                    })
                    .collect();
                for chunk in rows.chunks(SEED_CHUNK) {
                    diesel::insert_into(users::table)
                        .values(chunk)
                        .execute(self)
                        .expect("seed users");
                }
                let ids: Vec<i64> = users::table
                    .select(users::id)
                    .order(users::id)
                    .load(self)
                    .expect("ids");
                let posts: Vec<NewPost> = ids
                    .iter()
                    .map(|id| NewPost {
                        user_id: *id,
                        title: format!("Post of {id}"),
                        body: None,
                    })
                    .collect();
                for chunk in posts.chunks(SEED_CHUNK) {
                    diesel::insert_into(posts::table)
                        .values(chunk)
                        .execute(self)
                        .expect("seed posts");
                }
            }

            fn seed_associations(&mut self, ddl: &[&str; 3]) {
                self.reset(ddl);
                let rows: Vec<NewUser> = (0..ASSOC_USERS)
                    .map(|i| NewUser {
                        name: format!("User {i}"),
                        hair_color: None,
                    })
                    .collect();
                diesel::insert_into(users::table)
                    .values(&rows)
                    .execute(self)
                    .expect("users");
                let ids: Vec<i64> = users::table
                    .select(users::id)
                    .order(users::id)
                    .load(self)
                    .expect("ids");
                let posts: Vec<NewPost> = ids
                    .iter()
                    .flat_map(|u| {
                        (0..ASSOC_POSTS).map(move |i| NewPost {
                            user_id: *u,
                            title: format!("Post {i}"),
                            body: None,
                        })
                    })
                    .collect();
                for chunk in posts.chunks(SEED_CHUNK) {
                    diesel::insert_into(posts::table)
                        .values(chunk)
                        .execute(self)
                        .expect("posts");
                }
                let post_ids: Vec<i64> = posts::table
                    .select(posts::id)
                    .order(posts::id)
                    .load(self)
                    .expect("post ids");
                let comments: Vec<NewComment> = post_ids
                    .iter()
                    .flat_map(|p| {
                        (0..ASSOC_COMMENTS).map(move |i| NewComment {
                            post_id: *p,
                            text: format!("Comment {i}"),
                        })
                    })
                    .collect();
                for chunk in comments.chunks(SEED_CHUNK) {
                    diesel::insert_into(comments::table)
                        .values(chunk)
                        .execute(self)
                        .expect("comments");
                }
            }
        }
    };
}

diesel_bench!(diesel::sqlite::SqliteConnection);
diesel_bench!(diesel::pg::PgConnection);
diesel_bench!(diesel::mysql::MysqlConnection);
