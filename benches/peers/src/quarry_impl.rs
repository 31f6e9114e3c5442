//! quarry, written exactly as `benches/roundtrip.rs` writes it: `Repo::all`
//! into schema structs, a left join selecting `(row::<User>(),
//! maybe_row::<Post>())`, `insert_all`, and a two-level preload. quarry also
//! seeds the shared databases (its pool is the one sqlx and SeaORM use).

use quarry::prelude::*;
use quarry::query::{maybe_row, row};
use quarry::AnyRepo;

use crate::{hair_color, ASSOC_COMMENTS, ASSOC_POSTS, ASSOC_USERS};

/// A user; `posts` is filled by preload.
#[derive(Schema, Clone, Debug)]
#[quarry(table = "users")]
pub struct User {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    pub hair_color: Option<String>,
    #[quarry(has_many)]
    pub posts: quarry::Assoc<Vec<Post>>,
}

/// A post; `comments` is filled by preload.
#[derive(Schema, Clone, Debug)]
#[quarry(table = "posts")]
pub struct Post {
    pub meta: Meta,
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub body: Option<String>,
    #[quarry(has_many)]
    pub comments: quarry::Assoc<Vec<Comment>>,
}

/// A comment.
#[derive(Schema, Clone, Debug)]
#[quarry(table = "comments")]
pub struct Comment {
    pub meta: Meta,
    pub id: i64,
    pub post_id: i64,
    pub text: String,
}

/// trivial_query: every user.
pub async fn trivial(repo: &AnyRepo) -> usize {
    repo.all(User::query()).await.map(|v| v.len()).unwrap_or(0)
}

/// medium_complex: users left join posts where hair_color = 'black'.
pub async fn medium(repo: &AnyRepo) -> usize {
    let q = User::query()
        .left_join(table::<Post>(), User::id.eq_col(Post::user_id))
        .filter(User::hair_color.eq("black"))
        .select((row::<User>(), maybe_row::<Post>()));
    repo.all(q).await.map(|v| v.len()).unwrap_or(0)
}

/// insert: one multi-row INSERT of `n` users.
pub async fn insert(repo: &AnyRepo, n: usize) -> usize {
    let users: Vec<User> = (0..n)
        .map(|i| User {
            name: format!("User {i}"),
            ..Default::default()
        })
        .collect();
    repo.insert_all(users)
        .await
        .map(|(c, _)| c as usize)
        .unwrap_or(0)
}

/// loading_associations: users with their posts with their comments (two-level
/// preload, three queries). Returns the number of comments reached.
pub async fn associations(repo: &AnyRepo) -> usize {
    let users = repo
        .all(User::query().preload(User::posts.preload(Post::comments)))
        .await
        .unwrap_or_default();
    users
        .iter()
        .flat_map(|u| u.posts.value().into_iter().flatten())
        .map(|p| p.comments.value().map_or(0, |c| c.len()))
        .sum()
}

/// Drops and creates the three tables.
pub async fn reset(repo: &AnyRepo, ddl: &[&str; 3]) {
    for table in ["comments", "posts", "users"] {
        let _ = repo
            .execute_raw(&format!("DROP TABLE IF EXISTS {table}"), vec![])
            .await;
    }
    for stmt in ddl {
        repo.execute_raw(stmt, vec![]).await.expect("create table");
    }
}

/// `n` users (black and brown alternate), one post each.
pub async fn seed(repo: &AnyRepo, ddl: &[&str; 3], n: usize) {
    reset(repo, ddl).await;
    let users: Vec<User> = (0..n)
        .map(|i| User {
            name: format!("User {i}"),
            hair_color: Some(hair_color(i).to_string()),
            ..Default::default()
        })
        .collect();
    repo.insert_all(users).await.expect("seed users");
    let ids: Vec<i64> = repo.all(User::query().select(User::id)).await.expect("ids");
    let posts: Vec<Post> = ids
        .iter()
        .map(|id| Post {
            user_id: *id,
            title: format!("Post of {id}"),
            ..Default::default()
        })
        .collect();
    repo.insert_all(posts).await.expect("seed posts");
}

/// 100 users x 10 posts x 10 comments.
pub async fn seed_associations(repo: &AnyRepo, ddl: &[&str; 3]) {
    reset(repo, ddl).await;
    let users: Vec<User> = (0..ASSOC_USERS)
        .map(|i| User {
            name: format!("User {i}"),
            ..Default::default()
        })
        .collect();
    repo.insert_all(users).await.expect("users");
    let ids: Vec<i64> = repo.all(User::query().select(User::id)).await.expect("ids");
    let posts: Vec<Post> = ids
        .iter()
        .flat_map(|u| {
            (0..ASSOC_POSTS).map(move |i| Post {
                user_id: *u,
                title: format!("Post {i}"),
                ..Default::default()
            })
        })
        .collect();
    repo.insert_all(posts).await.expect("posts");
    let post_ids: Vec<i64> = repo
        .all(Post::query().select(Post::id))
        .await
        .expect("post ids");
    let comments: Vec<Comment> = post_ids
        .iter()
        .flat_map(|p| {
            (0..ASSOC_COMMENTS).map(move |i| Comment {
                post_id: *p,
                text: format!("Comment {i}"),
                ..Default::default()
            })
        })
        .collect();
    repo.insert_all(comments).await.expect("comments");
}
