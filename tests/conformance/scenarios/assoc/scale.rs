//! Preload at scale: 100 users x 10 posts x 10 comments in exactly three
//! statements, and 100,000 parents (key lists split under the database's
//! bind-parameter limit).

use crate::harness::{Db, R};
use crate::schemas::assoc::{Comment, Post, User};
use quarry::prelude::*;

pub async fn hundred_users_ten_posts_ten_comments_in_three_statements(db: &Db) -> R {
    let repo = &db.repo;
    let users: Vec<User> = (0..100)
        .map(|i| User {
            name: format!("user {i:03}"),
            ..Default::default()
        })
        .collect();
    repo.insert_all(users).await?;
    let users = repo.all(User::query().order_by(User::id.asc())).await?;
    let posts: Vec<Post> = users
        .iter()
        .flat_map(|u| {
            (0..10).map(move |j| Post {
                user_id: Some(u.id),
                title: format!("{} post {j}", u.name),
                ..Default::default()
            })
        })
        .collect();
    repo.insert_all(posts).await?;
    let posts = repo.all(Post::query().order_by(Post::id.asc())).await?;
    let comments: Vec<Comment> = posts
        .iter()
        .flat_map(|p| {
            (0..10).map(move |k| Comment {
                post_id: Some(p.id),
                body: format!("{} comment {k}", p.title),
                ..Default::default()
            })
        })
        .collect();
    repo.insert_all(comments).await?;

    db.reset_statements();
    let loaded = repo
        .all(
            User::query()
                .order_by(User::id.asc())
                .preload(User::posts.preload(Post::comments)),
        )
        .await?;
    assert_eq!(db.statement_count(), 3, "{:#?}", db.statements());
    assert_eq!(loaded.len(), 100);
    for u in &loaded {
        let posts = u.posts.get()?;
        assert_eq!(posts.len(), 10);
        for p in posts {
            assert_eq!(p.user_id, Some(u.id));
            assert!(p.title.starts_with(&u.name));
            let comments = p.comments.get()?;
            assert_eq!(comments.len(), 10);
            assert!(comments.iter().all(|c| c.post_id == Some(p.id)));
        }
    }
    Ok(())
}

pub async fn hundred_thousand_parents(db: &Db) -> R {
    const N: usize = 100_000;
    let repo = &db.repo;
    let users: Vec<User> = (0..N)
        .map(|i| User {
            name: format!("u{i}"),
            ..Default::default()
        })
        .collect();
    repo.insert_all(users).await?;
    let users = repo.all(User::query().order_by(User::id.asc())).await?;
    assert_eq!(users.len(), N);
    // One post for every user, two more for every 1000th.
    let posts: Vec<Post> = users
        .iter()
        .enumerate()
        .flat_map(|(i, u)| {
            let n = if i % 1000 == 0 { 3 } else { 1 };
            (0..n).map(move |j| Post {
                user_id: Some(u.id),
                title: format!("{} {j}", u.name),
                ..Default::default()
            })
        })
        .collect();
    let post_count = posts.len();
    repo.insert_all(posts).await?;

    let max = repo.driver().backend().capabilities.max_params;
    let chunks = N.div_ceil(max);
    assert!(chunks > 1, "100,000 keys exceed one statement's parameters");

    // has_many: 100,000 owner keys.
    db.reset_statements();
    let users = repo.preload(users, User::posts).await?;
    assert_eq!(
        db.statement_count(),
        chunks,
        "one statement per chunk of keys"
    );
    let mut total = 0;
    for (i, u) in users.iter().enumerate() {
        let posts = u.posts.get()?;
        let want = if i % 1000 == 0 { 3 } else { 1 };
        assert_eq!(posts.len(), want, "user {}", u.name);
        assert!(posts.iter().all(|p| p.user_id == Some(u.id)));
        total += posts.len();
    }
    assert_eq!(total, post_count);

    // belongs_to: 100,000 distinct foreign keys.
    let posts = repo
        .all(
            Post::query()
                .filter(Post::title.like("% 0"))
                .order_by(Post::id.asc()),
        )
        .await?;
    assert_eq!(posts.len(), N);
    db.reset_statements();
    let posts = repo.preload(posts, Post::user).await?;
    assert_eq!(db.statement_count(), chunks);
    for p in &posts {
        let user = p.user.get()?.as_ref().ok_or("user")?;
        assert_eq!(Some(user.id), p.user_id);
        assert_eq!(format!("{} 0", user.name), p.title);
    }
    Ok(())
}
